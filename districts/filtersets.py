"""The query parameters of the districts list (API), in the style of disbursement.filtersets."""

from __future__ import annotations

import django_filters
from django.db.models import Q

from core.filtering import CodeFilter
from core.names import normalize_name
from districts.models import District


class DistrictFilterSet(django_filters.FilterSet):
    code = CodeFilter(District.objects.all(), "quận, huyện", field_name="code")
    kind = django_filters.ChoiceFilter(choices=District.Kind.choices, label="loại")
    level = django_filters.ChoiceFilter(
        choices=District.Level.choices, label="cấp (district: cấp huyện; commune: cấp xã)"
    )
    name = django_filters.CharFilter(method="filter_name", label="tên (mọi cách viết)")
    valid_on = django_filters.DateFilter(
        method="filter_valid_on", input_formats=["%Y-%m-%d"], label="còn hiệu lực vào ngày (ISO 8601)"
    )

    class Meta:
        model = District
        fields = ["code", "kind", "level", "name", "valid_on"]

    def filter_name(self, queryset, name, value):
        key = normalize_name(value)
        return queryset.filter(Q(name_key__contains=key) | Q(aliases__name_key__contains=key)).distinct()

    def filter_valid_on(self, queryset, name, value):
        return queryset.filter(Q(valid_from__lte=value), Q(valid_to__isnull=True) | Q(valid_to__gte=value))
