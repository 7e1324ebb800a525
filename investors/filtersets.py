"""The query parameters of the investors list (API), in the style of disbursement.filtersets."""

from __future__ import annotations

import django_filters
from django.db.models import Q

from core.names import normalize_name
from investors.models import Investor


class InvestorFilterSet(django_filters.FilterSet):
    code = django_filters.CharFilter(label="mã")
    kind = django_filters.ChoiceFilter(choices=Investor.Kind.choices, label="loại")
    district = django_filters.CharFilter(field_name="district__code", label="mã quận, huyện (UBND làm chủ đầu tư)")
    active = django_filters.BooleanFilter(label="đang hoạt động")
    name = django_filters.CharFilter(method="filter_name", label="tên (mọi cách viết)")

    class Meta:
        model = Investor
        fields = ["code", "kind", "district", "active", "name"]

    def filter_name(self, queryset, name, value):
        key = normalize_name(value)
        return queryset.filter(Q(name_key__contains=key) | Q(aliases__name_key__contains=key)).distinct()
