"""The key services as the API, its command and its tests name them; they live in disbursement.apikeys,
beside the admin that uses them too."""

from disbursement.apikeys import (  # noqa: F401
    LAST_USED_RESOLUTION,
    PREFIX_LENGTH,
    ApiKeyError,
    NewApiKey,
    create_api_key,
    hash_key,
    key_for,
    key_permissions,
    revoke_api_key,
)
