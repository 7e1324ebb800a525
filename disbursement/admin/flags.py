from decimal import Decimal

from django.contrib import admin
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from core import presentation
from core.notation import format_number, format_percent, format_unit_percent
from core.presentation import DASH, amount_text, date_web
from disbursement.admin.display import ReadOnlyAdmin, year
from disbursement.admin.followup import has_request_explanation_permission, request_explanation
from disbursement.flags.selectors import flag_events
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


class FlagStatusFilter(admin.SimpleListFilter):
    title = "tình trạng"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("open", "Đang mở"), ("cleared", "Đã hết")]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(cleared_on__isnull=True)
        if self.value() == "cleared":
            return queryset.filter(cleared_on__isnull=False)
        return queryset


Kind = FlagRule.Kind
PERCENT_KINDS = {Kind.NOT_DISBURSED, Kind.BELOW_THRESHOLD, Kind.BELOW_STREAM_AVERAGE, Kind.BEHIND_MILESTONE}


def flag_value(kind: str, value: Decimal | None) -> str:
    """A flag's figure as the staff read it: a unit's ratio, a stated ratio, an amount or a number of days."""
    if value is None:
        return DASH
    if kind in PERCENT_KINDS:
        return format_unit_percent(value)
    if kind == Kind.STATED_RATIO_MISMATCH:
        return format_percent(value)
    if kind in (Kind.NOT_REPORTED, Kind.OVERDUE_EXPLANATION):
        return f"{format_number(value)} ngày"
    return amount_text(int(value))


@admin.register(Flag)
class FlagAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Flags are raised, updated and cleared by the compute only: the pages show them, nothing edits them."""

    list_display = ["reason", "unit_name", "kind", "stream", "raised_on", "last_seen_on", "cleared_on", "status", year]
    list_filter = [FlagStatusFilter, "year", "kind", "stream"]
    list_select_related = ["stream", "investor", "district", "source"]
    search_fields = ["reason", "investor__name", "district__name"]
    actions = [request_explanation]
    has_request_explanation_permission = has_request_explanation_permission
    fields = [
        "plan_year",
        "kind",
        "rule",
        "unit_name",
        "stream",
        "source",
        "status",
        "raised_on",
        "raised_snapshot",
        "last_seen_on",
        "last_seen_snapshot",
        "cleared_on",
        "cleared_snapshot",
        "current_value",
        "reason",
        "history",
    ]
    readonly_fields = fields

    @admin.display(description="Năm kế hoạch")
    def plan_year(self, obj):
        return str(obj.year)

    @admin.display(description="Đơn vị")
    def unit_name(self, obj):
        if obj.unit is not None:
            return presentation.unit_name(obj)
        where = obj.stream.name if obj.stream_id else "Toàn thành phố"
        return f"{where} ({obj.source.name})" if obj.source_id else where

    @admin.display(description="Tình trạng")
    def status(self, obj):
        return "Đang mở" if obj.is_open else f"Đã hết ngày {date_web(obj.cleared_on)}"

    @admin.display(description="Số liệu gần nhất")
    def current_value(self, obj):
        return flag_value(obj.kind, obj.value)

    @admin.display(description="Diễn biến")
    def history(self, obj):
        rows = [
            (
                date_web(event.on),
                "Phát sinh" if i == 0 else "Thay đổi",
                flag_value(obj.kind, event.value),
                event.reason,
            )
            for i, event in enumerate(flag_events(obj))
        ]
        if obj.cleared_on:
            rows.append((date_web(obj.cleared_on), "Hết cảnh báo", DASH, ""))
        if not rows:
            return DASH
        return format_html(
            '<table class="flag-history"><thead><tr><th>Số liệu đến ngày</th><th></th><th>Số liệu</th>'
            "<th>Nội dung</th></tr></thead><tbody>{}</tbody></table>",
            format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", rows),
        )
