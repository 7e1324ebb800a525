"""Property-based run of the whole OpenAPI schema against the WSGI app: no request may cause a server error.

Examples per operation are bounded so the run takes a couple of minutes at most.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from config.wsgi import application
from tests.api.conftest import key_client
from tests.factories import UserFactory

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "60"))


@pytest.fixture
def api_schema(world, settings):
    # The fuzzer sends far more requests than a dashboard; throttling would only hide paths.
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {}}
    _, new = key_client("write")
    staff = Client()
    # Managing keys is the administrators'.
    staff.force_login(UserFactory(is_staff=True, is_superuser=True))
    raw = staff.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    CREDENTIALS["key"] = f"Api-Key {new.plaintext}"
    CREDENTIALS["session"] = staff.cookies["sessionid"].value
    return schemathesis.from_dict(raw, app=application)


schema = schemathesis.from_pytest_fixture("api_schema")


CREDENTIALS: dict[str, str] = {}


def _authenticate(case) -> None:
    """Managing keys is for staff sessions; everything else is called with a write key."""
    case.cookies = {}
    case.headers = {k: v for k, v in (case.headers or {}).items() if k.lower() != "authorization"}
    if case.path.startswith("/api/v1/api-keys/"):
        case.cookies["sessionid"] = CREDENTIALS["session"]
    else:
        case.headers["Authorization"] = CREDENTIALS["key"]


# The WSGI app closes a connection held in a test transaction (request_finished); a transactional
# test keeps autocommit on, and serialized_rollback restores the reference rows after the flush.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_no_server_error(case):
    _authenticate(case)
    response = case.call_wsgi()
    case.validate_response(response, checks=(not_a_server_error,))
