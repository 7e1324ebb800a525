from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from disbursement.models import Snapshot


@admin.register(Snapshot)
class SnapshotAdmin(SimpleHistoryAdmin):
    list_display = ["as_of", "year", "is_current", "file_name", "imported_at", "computed_at"]
    list_filter = ["year", "is_current"]
