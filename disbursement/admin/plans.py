from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from disbursement.models import Allocation, AllocationRevision, CityPlan, CityPlanRevision


class CityPlanRevisionInline(admin.TabularInline):
    model = CityPlanRevision
    extra = 0
    fields = ["amount", "effective_from", "note", "recorded_by", "recorded_at"]
    readonly_fields = ["recorded_by", "recorded_at"]


@admin.register(CityPlan)
class CityPlanAdmin(SimpleHistoryAdmin):
    list_display = ["year", "level", "source"]
    list_filter = ["year", "level", "source"]
    inlines = [CityPlanRevisionInline]


class AllocationRevisionInline(admin.TabularInline):
    model = AllocationRevision
    extra = 0
    fields = ["amount", "effective_from", "note", "snapshot", "recorded_by", "recorded_at"]
    readonly_fields = ["snapshot", "recorded_by", "recorded_at"]


@admin.register(Allocation)
class AllocationAdmin(SimpleHistoryAdmin):
    list_display = ["year", "stream", "source", "investor", "district", "deadline"]
    list_filter = ["year", "stream", "source"]
    inlines = [AllocationRevisionInline]
