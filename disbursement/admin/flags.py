from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from disbursement.models import EngineSetting, Flag, FlagRule, MilestoneSchedule, QuarterlySchedule, StatedSubtotal


@admin.register(FlagRule)
class FlagRuleAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "stream", "year", "threshold", "n_snapshots", "is_active"]
    list_filter = ["kind", "stream", "year", "is_active"]


@admin.register(MilestoneSchedule)
class MilestoneScheduleAdmin(SimpleHistoryAdmin):
    list_display = ["year", "stream", "due", "min_ratio"]
    list_filter = ["year", "stream"]


@admin.register(QuarterlySchedule)
class QuarterlyScheduleAdmin(SimpleHistoryAdmin):
    list_display = ["year", "quarter", "stream", "investor", "district", "amount"]
    list_filter = ["year", "quarter", "stream"]


@admin.register(EngineSetting)
class EngineSettingAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "target_percent", "target_date", "near_exhaustion_percent"]


@admin.register(StatedSubtotal)
class StatedSubtotalAdmin(admin.ModelAdmin):
    list_display = ["snapshot", "stream", "source", "disbursed", "plan", "stated_ratio"]
    list_filter = ["stream"]


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin):
    list_display = ["raised_on", "cleared_on", "kind", "stream", "investor", "district", "reason"]
    list_filter = ["year", "kind", "stream"]
    search_fields = ["reason", "investor__name", "district__name"]
    readonly_fields = [f.name for f in Flag._meta.fields]

    def has_add_permission(self, request):
        # Flags are raised by the compute job only.
        return False
