"""Flags (cảnh báo): open ones of a snapshot, grouped by unit, and the whole history.

Reads the Flag model and disbursement.flags.selectors.
"""

from __future__ import annotations

from decimal import Decimal

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, viewsets

from disbursement.api.base import ID_REGEX, SNAPSHOT_PARAMETERS, ApiMixin, DataBoundListMixin, SnapshotQueryMixin
from disbursement.api.conditional import conditional_response
from disbursement.api.serializers import UnitSerializer, unit_data
from disbursement.filtersets import FlagFilterSet
from disbursement.flags.selectors import open_flags
from disbursement.models.flags import Flag, FlagRule

KIND_CHOICES = FlagRule.Kind.choices


def _number(value: Decimal) -> str:
    """A stored decimal without trailing zeros: 5.000000 -> '5', 12.500000 -> '12.5'."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


class FlagSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    year = serializers.IntegerField(help_text="Năm kế hoạch.")
    kind = serializers.ChoiceField(choices=KIND_CHOICES, help_text="Loại cảnh báo, ví dụ 'not_disbursed'.")
    kind_label = serializers.CharField(help_text="Tên loại cảnh báo, tiếng Việt.")
    rule = serializers.IntegerField(help_text="Id của quy tắc cảnh báo.")
    rule_name = serializers.CharField(help_text="Tên quy tắc, ví dụ 'Giải ngân dưới 10%'.")
    stream = serializers.CharField(allow_null=True, help_text="Mã dòng vốn.")
    source = serializers.CharField(allow_null=True, help_text="Mã nguồn vốn.")
    unit = UnitSerializer(allow_null=True, help_text="Đơn vị của cảnh báo (mã và id); null với cảnh báo toàn dòng vốn.")
    raised_snapshot = serializers.IntegerField()
    raised_on = serializers.DateField()
    cleared_snapshot = serializers.IntegerField(allow_null=True)
    cleared_on = serializers.DateField(allow_null=True)
    is_open = serializers.BooleanField()
    value = serializers.CharField(allow_null=True, help_text="Giá trị làm phát sinh cảnh báo (số dạng chuỗi).")
    reason = serializers.CharField(help_text="Lý do, tiếng Việt, ví dụ 'Chưa giải ngân'.")

    def to_representation(self, flag) -> dict:
        return {
            "id": flag.pk,
            "year": flag.year,
            "kind": flag.kind,
            "kind_label": flag.get_kind_display(),
            "rule": flag.rule_id,
            "rule_name": flag.rule.name,
            "stream": flag.stream.code if flag.stream_id else None,
            "source": flag.source.code if flag.source_id else None,
            "unit": unit_data(flag),
            "raised_snapshot": flag.raised_snapshot_id,
            "raised_on": flag.raised_on.isoformat(),
            "cleared_snapshot": flag.cleared_snapshot_id,
            "cleared_on": flag.cleared_on.isoformat() if flag.cleared_on else None,
            "is_open": flag.is_open,
            "value": None if flag.value is None else _number(flag.value),
            "reason": flag.reason,
        }


@extend_schema(tags=["Cảnh báo"])
class FlagViewSet(ApiMixin, DataBoundListMixin, viewsets.ReadOnlyModelViewSet):
    """Lịch sử cảnh báo: lọc theo trạng thái, năm, loại, quy tắc, dòng vốn, nguồn vốn, đơn vị, ngày phát sinh."""

    queryset = Flag.objects.select_related("rule", "stream", "source", "investor", "district")
    serializer_class = FlagSerializer
    filterset_class = FlagFilterSet
    ordering_fields = ["raised_on", "kind", "cleared_on", "id"]
    ordering = ["-raised_on", "id"]
    lookup_value_regex = ID_REGEX


class UnitFlagsSerializer(serializers.Serializer):
    unit = UnitSerializer()
    flags = FlagSerializer(many=True)


@extend_schema(
    tags=["Cảnh báo"],
    parameters=[
        *SNAPSHOT_PARAMETERS[:3],
        OpenApiParameter(
            "group",
            OpenApiTypes.STR,
            enum=["unit"],
            description="group=unit: gom theo đơn vị; mỗi mục là {unit: đơn vị (level, id, code, name, "
            "display_name), flags: các cảnh báo đang mở của đơn vị}.",
        ),
    ],
)
class OpenFlagListView(ApiMixin, SnapshotQueryMixin, generics.GenericAPIView):
    """Cảnh báo đang mở của một kỳ (mặc định kỳ mới nhất); group=unit gom theo đơn vị."""

    serializer_class = FlagSerializer
    filter_backends: list = []

    def get(self, request):
        by_unit = request.query_params.get("group") == "unit"

        def build():
            flags = list(open_flags(self.get_snapshot()))
            if not by_unit:
                page = self.paginate_queryset(flags)
                return self.get_paginated_response(FlagSerializer(page, many=True).data).data
            groups: dict[tuple, dict] = {}
            for flag in flags:
                unit = unit_data(flag)
                if unit is None:
                    continue
                group = groups.setdefault((unit["level"], unit["id"]), {"unit": unit, "flags": []})
                group["flags"].append(FlagSerializer(flag).data)
            page = self.paginate_queryset(list(groups.values()))
            return self.get_paginated_response(page).data

        return conditional_response(request, self.get_snapshot_stamp(), build)
