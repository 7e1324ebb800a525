"""Admin of the disbursement app, one module per area."""

from disbursement.admin import (  # noqa: F401
    apikeys,
    audit,
    digest,
    flags,
    followup,
    imports,
    plans,
    rankings,
    reference,
    report,
    snapshots,
    submissions,
)
