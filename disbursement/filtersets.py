"""Filters of plans, snapshots and figures, shared by the API and the admin.

Units, streams and sources are filtered by their stable codes.
"""

from __future__ import annotations

import django_filters

from disbursement.models import (
    Allocation,
    AllocationRevision,
    ApiKey,
    BudgetSource,
    CapitalStream,
    CityPlan,
    CityPlanRevision,
    Figure,
    Snapshot,
)


def _stream_choices():
    return [(s.code, s.name) for s in CapitalStream.objects.all()]


def _source_choices():
    return [(s.code, s.name) for s in BudgetSource.objects.all()]


class YearFilter(django_filters.NumberFilter):
    def __init__(self, field_name="year", **kwargs):
        kwargs.setdefault("label", "năm kế hoạch")
        super().__init__(field_name=field_name, min_value=1900, max_value=2200, **kwargs)


class StreamCodeFilter(django_filters.ChoiceFilter):
    def __init__(self, field_name="stream__code", **kwargs):
        kwargs.setdefault("label", "mã dòng vốn")
        super().__init__(field_name=field_name, choices=_stream_choices, **kwargs)


class SourceCodeFilter(django_filters.ChoiceFilter):
    def __init__(self, field_name="source__code", **kwargs):
        kwargs.setdefault("label", "mã nguồn vốn")
        super().__init__(field_name=field_name, choices=_source_choices, **kwargs)


class StreamFilterSet(django_filters.FilterSet):
    code = django_filters.CharFilter(label="mã dòng vốn")
    rural_only = django_filters.BooleanFilter(label="chỉ các huyện")
    unit_level = django_filters.ChoiceFilter(choices=CapitalStream.UnitLevel.choices, label="xếp hạng theo")

    class Meta:
        model = CapitalStream
        fields = ["code", "unit_level", "rural_only"]


class SourceFilterSet(django_filters.FilterSet):
    code = django_filters.CharFilter(label="mã nguồn vốn")

    class Meta:
        model = BudgetSource
        fields = ["code"]


class SnapshotFilterSet(django_filters.FilterSet):
    year = YearFilter()
    as_of = django_filters.DateFilter(label="số liệu đến hết ngày")
    as_of_after = django_filters.DateFilter(field_name="as_of", lookup_expr="gte", label="từ ngày")
    as_of_before = django_filters.DateFilter(field_name="as_of", lookup_expr="lte", label="đến ngày")
    is_current = django_filters.BooleanFilter(label="đang dùng (chưa bị thay)")
    is_estimate = django_filters.BooleanFilter(label="số ước")

    class Meta:
        model = Snapshot
        fields = ["year", "as_of", "as_of_after", "as_of_before", "is_current", "is_estimate"]


class CityPlanFilterSet(django_filters.FilterSet):
    year = YearFilter()
    level = django_filters.ChoiceFilter(choices=CityPlan.Level.choices, label="cấp giao")
    source = SourceCodeFilter()

    class Meta:
        model = CityPlan
        fields = ["year", "level", "source"]


class CityPlanRevisionFilterSet(django_filters.FilterSet):
    plan = django_filters.NumberFilter(field_name="plan_id", min_value=1, max_value=10**9, label="mã số kế hoạch")
    year = YearFilter(field_name="plan__year")
    level = django_filters.ChoiceFilter(field_name="plan__level", choices=CityPlan.Level.choices, label="cấp giao")
    source = SourceCodeFilter(field_name="plan__source__code")
    effective_from_after = django_filters.DateFilter(
        field_name="effective_from", lookup_expr="gte", label="hiệu lực từ ngày"
    )
    effective_from_before = django_filters.DateFilter(
        field_name="effective_from", lookup_expr="lte", label="hiệu lực đến ngày"
    )

    class Meta:
        model = CityPlanRevision
        fields = ["plan", "year", "level", "source", "effective_from_after", "effective_from_before"]


class AllocationFilterSet(django_filters.FilterSet):
    year = YearFilter()
    stream = StreamCodeFilter()
    source = SourceCodeFilter()
    investor = django_filters.CharFilter(field_name="investor__code", label="mã chủ đầu tư")
    district = django_filters.CharFilter(field_name="district__code", label="mã quận, huyện")

    class Meta:
        model = Allocation
        fields = ["year", "stream", "source", "investor", "district"]


class AllocationRevisionFilterSet(django_filters.FilterSet):
    allocation = django_filters.NumberFilter(
        field_name="allocation_id", min_value=1, max_value=10**9, label="mã số kế hoạch vốn của đơn vị"
    )
    year = YearFilter(field_name="allocation__year")
    stream = StreamCodeFilter(field_name="allocation__stream__code")
    source = SourceCodeFilter(field_name="allocation__source__code")
    investor = django_filters.CharFilter(field_name="allocation__investor__code", label="mã chủ đầu tư")
    district = django_filters.CharFilter(field_name="allocation__district__code", label="mã quận, huyện")
    effective_from_after = django_filters.DateFilter(
        field_name="effective_from", lookup_expr="gte", label="hiệu lực từ ngày"
    )
    effective_from_before = django_filters.DateFilter(
        field_name="effective_from", lookup_expr="lte", label="hiệu lực đến ngày"
    )

    class Meta:
        model = AllocationRevision
        fields = ["allocation", "year", "stream", "source", "investor", "district"]


class FigureFilterSet(django_filters.FilterSet):
    """Rows of one snapshot; which snapshot is chosen by the caller (year, as-of date)."""

    scope = django_filters.ChoiceFilter(choices=Figure.Scope.choices, label="phạm vi")
    stream = StreamCodeFilter()
    source = SourceCodeFilter()
    investor = django_filters.CharFilter(field_name="investor__code", label="mã chủ đầu tư")
    district = django_filters.CharFilter(field_name="district__code", label="mã quận, huyện")
    ratio_min = django_filters.NumberFilter(
        field_name="ratio", lookup_expr="gte", min_value=0, max_value=10**6, label="tỷ lệ từ (%)"
    )
    ratio_max = django_filters.NumberFilter(
        field_name="ratio", lookup_expr="lt", min_value=0, max_value=10**6, label="tỷ lệ dưới (%)"
    )
    not_started = django_filters.BooleanFilter(method="filter_not_started", label="chưa giải ngân")

    class Meta:
        model = Figure
        fields = ["scope", "stream", "source", "investor", "district", "ratio_min", "ratio_max", "not_started"]

    def filter_not_started(self, queryset, name, value):
        return queryset.filter(disbursed=0) if value else queryset.exclude(disbursed=0)


class ApiKeyFilterSet(django_filters.FilterSet):
    scope = django_filters.ChoiceFilter(choices=ApiKey.Scope.choices, label="quyền")
    revoked = django_filters.BooleanFilter(
        field_name="revoked_at", lookup_expr="isnull", exclude=True, label="đã thu hồi"
    )

    class Meta:
        model = ApiKey
        fields = ["scope", "revoked"]
