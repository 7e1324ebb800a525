"""Admin of the disbursement app, one module per area."""

from disbursement.admin import reference, plans, snapshots  # noqa: F401
from disbursement.admin import flags  # noqa: F401
from disbursement.admin import report  # noqa: F401
from django.contrib import admin

from disbursement.admin import audit, imports, plans, rankings, reference, snapshots  # noqa: F401

admin.site.site_header = "Theo dõi giải ngân vốn đầu tư công"
admin.site.site_title = "Giải ngân vốn đầu tư công"
admin.site.index_title = "Quản trị số liệu"
from disbursement.admin import digest, plans, reference, snapshots  # noqa: F401
