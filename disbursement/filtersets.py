"""The query parameters of every list: one FilterSet per resource, shared by the API and the admin's pages.

Units, streams and sources are named by their stable codes, read by one filter (core.filtering.CodeFilter:
an unknown code is a Vietnamese 400 naming it, never an empty list); units by `unit_filter`, the one
helper for ?investor= and ?district= on every list. Years are bounded alike everywhere
(YEAR_MIN..YEAR_MAX). Some queries choose what a selector reads rather than narrowing a queryset
(which snapshot, which ranking, which unit's series): their FilterSets validate and document the
parameters, and the view or page passes the cleaned values to the selector.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import OuterRef
from django.utils import timezone

from core.filtering import CodeFilter
from disbursement.models import (
    Allocation,
    AllocationRevision,
    ApiKey,
    BudgetSource,
    CapitalStream,
    CityPlan,
    CityPlanRevision,
    Figure,
    Flag,
    FlagRule,
    Snapshot,
)
from disbursement.plans.selectors import _in_force
from districts.models import District
from investors.models import Investor

YEAR_MIN, YEAR_MAX = 1900, 2200
# Ids are bounded so that an absurd id is an empty answer, not a database overflow.
MAX_ID = 10**9
BASIS_CHOICES = [
    ("city", "kế hoạch thành phố giao"),
    ("pm", "kế hoạch Thủ tướng Chính phủ giao"),
    ("detailed", "vốn đã phân bổ chi tiết"),
]
DEFAULT_BASIS = "city"


def _not_applied(queryset, name, value):
    """The value chooses what a selector reads; the selector applies it."""
    return queryset


class IntegerFilter(django_filters.NumberFilter):
    """A whole number: years and ids (NumberFilter alone would take 2024.5)."""

    field_class = forms.IntegerField


class DateFilter(django_filters.DateFilter):
    """A date in ISO 8601 (2024-07-20) only, whatever the language: '20/7/2024' is refused, not guessed."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m-%d"])
        super().__init__(*args, **kwargs)


class YearFilter(IntegerFilter):
    def __init__(self, field_name="year", **kwargs):
        kwargs.setdefault("label", "năm kế hoạch")
        super().__init__(field_name=field_name, min_value=YEAR_MIN, max_value=YEAR_MAX, **kwargs)


def stream_filter(field_name: str = "stream", **kwargs) -> CodeFilter:
    """?stream=new_rural: a capital stream by its code."""
    return CodeFilter(CapitalStream.objects.all(), "dòng vốn", field_name=field_name, **kwargs)


def source_filter(field_name: str = "source", **kwargs) -> CodeFilter:
    """?source=nstw: a budget source by its code."""
    return CodeFilter(BudgetSource.objects.all(), "nguồn vốn", field_name=field_name, **kwargs)


UNIT_NOUNS = {"investor": "chủ đầu tư", "district": "quận, huyện"}


def unit_filter(level: str, field_name: str | None = None, **kwargs) -> CodeFilter:
    """?investor=SYT or ?district=311: a unit by its code, as every answer names it (unit.code).

    `level` is 'investor' or 'district'; `field_name` the relation to the unit (default the level itself,
    e.g. 'allocation__investor').
    """
    model = {"investor": Investor, "district": District}[level]
    return CodeFilter(model.objects.all(), UNIT_NOUNS[level], field_name=field_name or level, **kwargs)


class StreamFilterSet(django_filters.FilterSet):
    code = stream_filter(field_name="code")
    rural_only = django_filters.BooleanFilter(label="chỉ các huyện")
    unit_level = django_filters.ChoiceFilter(choices=CapitalStream.UnitLevel.choices, label="xếp hạng theo")

    class Meta:
        model = CapitalStream
        fields = ["code", "unit_level", "rural_only"]


class SourceFilterSet(django_filters.FilterSet):
    code = source_filter(field_name="code")

    class Meta:
        model = BudgetSource
        fields = ["code"]


class SnapshotFilterSet(django_filters.FilterSet):
    year = YearFilter()
    as_of = DateFilter(label="số liệu đến hết ngày")
    as_of_after = DateFilter(field_name="as_of", lookup_expr="gte", label="từ ngày")
    as_of_before = DateFilter(field_name="as_of", lookup_expr="lte", label="đến ngày")
    is_current = django_filters.BooleanFilter(label="đang dùng (chưa bị thay)")
    is_estimate = django_filters.BooleanFilter(label="số ước")

    class Meta:
        model = Snapshot
        fields = ["year", "as_of", "as_of_after", "as_of_before", "is_current", "is_estimate"]


class InForceFilterSet(django_filters.FilterSet):
    """Plans with `amount_in_force`: the amount of the revision in force on ?on (default today)."""

    on = DateFilter(method=_not_applied, label="ngày tính số vốn đang có hiệu lực (mặc định hôm nay)")
    revision_model: type

    def filter_queryset(self, queryset):
        day = self.form.cleaned_data.get("on") or timezone.localdate()
        revisions = self.revision_model.objects.filter(**{self.revision_parent: OuterRef("pk")})
        return super().filter_queryset(queryset.annotate(amount_in_force=_in_force(revisions, day)))


class CityPlanFilterSet(InForceFilterSet):
    year = YearFilter()
    level = django_filters.ChoiceFilter(choices=CityPlan.Level.choices, label="cấp giao")
    source = source_filter()
    revision_model = CityPlanRevision
    revision_parent = "plan"

    class Meta:
        model = CityPlan
        fields = ["year", "level", "source", "on"]


class CityPlanRevisionFilterSet(django_filters.FilterSet):
    plan = IntegerFilter(field_name="plan_id", min_value=1, max_value=MAX_ID, label="mã số kế hoạch")
    year = YearFilter(field_name="plan__year")
    level = django_filters.ChoiceFilter(field_name="plan__level", choices=CityPlan.Level.choices, label="cấp giao")
    source = source_filter(field_name="plan__source")
    effective_from_after = DateFilter(field_name="effective_from", lookup_expr="gte", label="hiệu lực từ ngày")
    effective_from_before = DateFilter(field_name="effective_from", lookup_expr="lte", label="hiệu lực đến ngày")

    class Meta:
        model = CityPlanRevision
        fields = ["plan", "year", "level", "source", "effective_from_after", "effective_from_before"]


class AllocationFilterSet(InForceFilterSet):
    year = YearFilter()
    stream = stream_filter()
    source = source_filter()
    investor = unit_filter("investor")
    district = unit_filter("district")
    revision_model = AllocationRevision
    revision_parent = "allocation"

    class Meta:
        model = Allocation
        fields = ["year", "stream", "source", "investor", "district", "on"]


class AllocationRevisionFilterSet(django_filters.FilterSet):
    allocation = IntegerFilter(
        field_name="allocation_id", min_value=1, max_value=MAX_ID, label="mã số kế hoạch vốn của đơn vị"
    )
    year = YearFilter(field_name="allocation__year")
    stream = stream_filter(field_name="allocation__stream")
    source = source_filter(field_name="allocation__source")
    investor = unit_filter("investor", field_name="allocation__investor")
    district = unit_filter("district", field_name="allocation__district")
    effective_from_after = DateFilter(field_name="effective_from", lookup_expr="gte", label="hiệu lực từ ngày")
    effective_from_before = DateFilter(field_name="effective_from", lookup_expr="lte", label="hiệu lực đến ngày")

    class Meta:
        model = AllocationRevision
        fields = ["allocation", "year", "stream", "source", "investor", "district"]


class FigureQueryFilterSet(django_filters.FilterSet):
    """Which snapshot a figure request reads, and the plan its ratios are measured against.

    ?snapshot names one (superseded ones too); otherwise the latest current snapshot, of ?year,
    up to ?as_of. ?basis filters nothing: it chooses which stored ratio, average and rank are read.
    """

    year = YearFilter()
    as_of = DateFilter(field_name="as_of", lookup_expr="lte", label="số liệu đến hết ngày (không sau)")
    snapshot = IntegerFilter(method=_not_applied, min_value=1, max_value=MAX_ID, label="mã kỳ số liệu")
    basis = django_filters.ChoiceFilter(choices=BASIS_CHOICES, method=_not_applied, label="kế hoạch để tính tỷ lệ")

    class Meta:
        model = Snapshot
        fields = ["year", "as_of", "snapshot", "basis"]

    def filter_queryset(self, queryset):
        chosen = self.form.cleaned_data.get("snapshot")
        if chosen is not None:
            return queryset.filter(pk=chosen)
        return super().filter_queryset(queryset.filter(is_current=True)).order_by("-as_of", "-id")

    @property
    def chosen_basis(self) -> str:
        return self.form.cleaned_data.get("basis") or DEFAULT_BASIS

    @property
    def shape(self) -> dict:
        """The values that decide the snapshot, as a key for remembering which one it was."""
        data = self.form.cleaned_data
        return {"snapshot": data.get("snapshot"), "year": data.get("year"), "as_of": data.get("as_of")}


class FigureFilterSet(django_filters.FilterSet):
    """Rows of one snapshot; which snapshot is chosen by FigureQueryFilterSet (year, as-of date)."""

    scope = django_filters.ChoiceFilter(choices=Figure.Scope.choices, label="phạm vi")
    stream = stream_filter()
    source = source_filter()
    investor = unit_filter("investor")
    district = unit_filter("district")
    ratio_min = django_filters.NumberFilter(
        field_name="ratio", lookup_expr="gte", min_value=0, max_value=10**6, label="tỷ lệ từ (%)"
    )
    ratio_max = django_filters.NumberFilter(
        field_name="ratio", lookup_expr="lt", min_value=0, max_value=10**6, label="tỷ lệ dưới (%)"
    )
    not_started = django_filters.BooleanFilter(method="filter_not_started", label="chưa giải ngân (đã báo cáo, 0 đồng)")
    reported = django_filters.BooleanFilter(
        field_name="disbursed", lookup_expr="isnull", exclude=True, label="đã báo cáo (false: chưa báo cáo)"
    )

    class Meta:
        model = Figure
        fields = [
            "scope",
            "stream",
            "source",
            "investor",
            "district",
            "ratio_min",
            "ratio_max",
            "not_started",
            "reported",
        ]

    def filter_not_started(self, queryset, name, value):
        # A unit that has not reported is neither: it is 'chưa báo cáo', not 'chưa giải ngân'.
        if value:
            return queryset.filter(disbursed=0)
        return queryset.exclude(disbursed=0).exclude(disbursed__isnull=True)


class RankingForm(forms.Form):
    def clean(self):
        data = super().clean()
        level, stream = data.get("level"), data.get("stream")
        if level and stream and stream.unit_level != level:
            self.add_error("level", "Dòng vốn này không xếp hạng theo cấp đã chọn.")
        return data


class RankingFilterSet(FigureFilterSet):
    """A ranking's query: ?level, ?stream and ?source choose the ranking (figures.selectors.ranking),
    the figure filters narrow it. Read alike by the API's rankings and exports and the admin's rankings page.
    """

    level = django_filters.ChoiceFilter(
        choices=CapitalStream.UnitLevel.choices,
        method=_not_applied,
        label="xếp hạng chủ đầu tư (investor) hay quận, huyện (district)",
        error_messages={"invalid_choice": "Chỉ nhận 'investor' hoặc 'district'."},
    )
    stream = stream_filter(method=_not_applied)
    source = source_filter(method=_not_applied, label="mã nguồn vốn (mặc định mọi nguồn)")

    class Meta(FigureFilterSet.Meta):
        form = RankingForm
        fields = [*FigureFilterSet.Meta.fields, "level"]

    @property
    def chosen_level(self) -> str | None:
        return self.form.cleaned_data.get("level") or None

    @property
    def requested_stream(self) -> CapitalStream | None:
        return self.form.cleaned_data.get("stream")

    @property
    def chosen_stream(self) -> CapitalStream | None:
        """The stream asked for, else the first stream of the level asked for."""
        if self.requested_stream is not None:
            return self.requested_stream
        streams = CapitalStream.objects.order_by("order")
        return (streams.filter(unit_level=self.chosen_level) if self.chosen_level else streams).first()

    @property
    def chosen_source(self) -> BudgetSource | None:
        """?source=nstw: the units' figures and ranks within that source; None: over all sources."""
        return self.form.cleaned_data.get("source")


class SeriesForm(forms.Form):
    def clean(self):
        data = super().clean()
        # Counted on what was sent: an unknown code is its own field's error, not this one.
        if len([name for name in ("investor", "district") if self.data.get(name)]) != 1:
            raise forms.ValidationError("Chọn đúng một đơn vị: investor hoặc district.")
        return data


class SeriesFilterSet(django_filters.FilterSet):
    """One unit's figures over a year's current snapshots (figures.selectors.unit_series); the API's
    series and the admin's unit history page."""

    year = YearFilter(required=True, method=_not_applied)
    stream = stream_filter(required=True, method=_not_applied)
    investor = unit_filter("investor", method=_not_applied)
    district = unit_filter("district", method=_not_applied)
    source = source_filter(method=_not_applied, label="mã nguồn vốn (mặc định mọi nguồn)")
    basis = django_filters.ChoiceFilter(choices=BASIS_CHOICES, method=_not_applied, label="kế hoạch để tính tỷ lệ")

    class Meta:
        model = Figure
        form = SeriesForm
        fields = ["year", "stream", "investor", "district", "source", "basis"]

    @property
    def query(self) -> dict:
        data = self.form.cleaned_data
        return {
            "year": data["year"],
            "stream": data["stream"],
            "investor": data.get("investor"),
            "district": data.get("district"),
            "source": data.get("source"),
            "basis": data.get("basis") or DEFAULT_BASIS,
        }


class ReallocationFilterSet(django_filters.FilterSet):
    """The stream whose reallocation candidates are read (figures.selectors.reallocation_candidates)."""

    stream = stream_filter(required=True, method=_not_applied)

    class Meta:
        model = Figure
        fields = ["stream"]


class FlagFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=[("open", "đang mở"), ("cleared", "đã hết"), ("all", "tất cả")],
        method="filter_status",
        label="trạng thái (mặc định all: cả lịch sử)",
    )
    year = YearFilter()
    kind = django_filters.ChoiceFilter(choices=FlagRule.Kind.choices, label="loại cảnh báo")
    rule = IntegerFilter(field_name="rule_id", min_value=1, max_value=MAX_ID, label="id quy tắc cảnh báo")
    stream = stream_filter()
    source = source_filter()
    investor = unit_filter("investor")
    district = unit_filter("district")
    raised_after = DateFilter(field_name="raised_on", lookup_expr="gte", label="phát sinh từ ngày")
    raised_before = DateFilter(field_name="raised_on", lookup_expr="lte", label="phát sinh đến ngày")

    class Meta:
        model = Flag
        fields = [
            "status",
            "year",
            "kind",
            "rule",
            "stream",
            "source",
            "investor",
            "district",
            "raised_after",
            "raised_before",
        ]

    def filter_status(self, queryset, name, value):
        if value == "open":
            return queryset.filter(cleared_on__isnull=True)
        if value == "cleared":
            return queryset.filter(cleared_on__isnull=False)
        return queryset


class ApiKeyFilterSet(django_filters.FilterSet):
    scope = django_filters.ChoiceFilter(choices=ApiKey.Scope.choices, label="quyền")
    revoked = django_filters.BooleanFilter(
        field_name="revoked_at", lookup_expr="isnull", exclude=True, label="đã thu hồi"
    )

    class Meta:
        model = ApiKey
        fields = ["scope", "revoked"]
