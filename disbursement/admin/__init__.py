"""Admin of the disbursement app, one module per area."""

from django.contrib import admin

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

admin.site.site_header = "Theo dõi giải ngân vốn đầu tư công"
admin.site.site_title = "Giải ngân vốn đầu tư công"
admin.site.index_title = "Quản trị số liệu"
