"""Admin of the disbursement app, one module per area."""

from disbursement.admin import reference, plans, snapshots  # noqa: F401
from disbursement.admin import flags  # noqa: F401
from disbursement.admin import report  # noqa: F401
