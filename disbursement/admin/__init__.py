"""Admin of the disbursement app, one module per area."""

from disbursement.admin import (  # noqa: F401
    plans,
    reference,
    report,
    snapshots,
)
