"""Admin of the disbursement app, one module per area."""

from disbursement.admin import digest, plans, reference, snapshots  # noqa: F401
