"""Flags (cảnh báo): open ones of a snapshot, grouped by unit, and the whole history.

Reads the Flag model and disbursement.flags.selectors.
"""

from __future__ import annotations

from decimal import Decimal

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from disbursement.api.base import ID_REGEX, SNAPSHOT_PARAMETERS, ApiMixin, SnapshotQueryMixin
from disbursement.api.conditional import conditional_response
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
    investor = serializers.CharField(allow_null=True, help_text="Mã chủ đầu tư.")
    district = serializers.CharField(allow_null=True, help_text="Mã quận, huyện.")
    unit_name = serializers.CharField(allow_null=True, help_text="Tên đơn vị.")
    raised_snapshot = serializers.IntegerField()
    raised_on = serializers.DateField()
    cleared_snapshot = serializers.IntegerField(allow_null=True)
    cleared_on = serializers.DateField(allow_null=True)
    is_open = serializers.BooleanField()
    value = serializers.CharField(allow_null=True, help_text="Giá trị làm phát sinh cảnh báo (số dạng chuỗi).")
    reason = serializers.CharField(help_text="Lý do, tiếng Việt, ví dụ 'Chưa giải ngân'.")

    def to_representation(self, flag) -> dict:
        unit = flag.unit
        return {
            "id": flag.pk,
            "year": flag.year,
            "kind": flag.kind,
            "kind_label": flag.get_kind_display(),
            "rule": flag.rule_id,
            "rule_name": flag.rule.name,
            "stream": flag.stream.code if flag.stream_id else None,
            "source": flag.source.code if flag.source_id else None,
            "investor": flag.investor.code if flag.investor_id else None,
            "district": flag.district.code if flag.district_id else None,
            "unit_name": unit.name if unit is not None else None,
            "raised_snapshot": flag.raised_snapshot_id,
            "raised_on": flag.raised_on.isoformat(),
            "cleared_snapshot": flag.cleared_snapshot_id,
            "cleared_on": flag.cleared_on.isoformat() if flag.cleared_on else None,
            "is_open": flag.is_open,
            "value": None if flag.value is None else _number(flag.value),
            "reason": flag.reason,
        }


class FlagQuery(serializers.Serializer):
    status = serializers.ChoiceField(choices=["open", "cleared", "all"], default="all")
    year = serializers.IntegerField(required=False, min_value=1900, max_value=9999)
    kind = serializers.ChoiceField(choices=KIND_CHOICES, required=False)
    rule = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    stream = serializers.CharField(required=False, max_length=30)
    source = serializers.CharField(required=False, max_length=30)
    investor = serializers.CharField(required=False, max_length=30)
    district = serializers.CharField(required=False, max_length=20)
    raised_after = serializers.DateField(required=False)
    raised_before = serializers.DateField(required=False)


FLAG_PARAMETERS = [
    OpenApiParameter(
        "status", OpenApiTypes.STR, enum=["open", "cleared", "all"], description="Trạng thái; mặc định all (lịch sử)."
    ),
    OpenApiParameter("year", OpenApiTypes.INT, description="Năm kế hoạch."),
    OpenApiParameter("kind", OpenApiTypes.STR, enum=[k for k, _ in KIND_CHOICES], description="Loại cảnh báo."),
    OpenApiParameter("rule", OpenApiTypes.INT, description="Id quy tắc cảnh báo."),
    OpenApiParameter("stream", OpenApiTypes.STR, description="Mã dòng vốn."),
    OpenApiParameter("source", OpenApiTypes.STR, description="Mã nguồn vốn."),
    OpenApiParameter("investor", OpenApiTypes.STR, description="Mã chủ đầu tư."),
    OpenApiParameter("district", OpenApiTypes.STR, description="Mã quận, huyện."),
    OpenApiParameter("raised_after", OpenApiTypes.DATE, description="Phát sinh từ ngày."),
    OpenApiParameter("raised_before", OpenApiTypes.DATE, description="Phát sinh đến ngày."),
    OpenApiParameter("ordering", OpenApiTypes.STR, description="Sắp xếp: raised_on, kind, cleared_on, id; '-' để đảo."),
]
FLAG_ORDERING = {"raised_on", "-raised_on", "kind", "-kind", "id", "-id", "cleared_on", "-cleared_on"}


@extend_schema(tags=["Cảnh báo"])
class FlagViewSet(ApiMixin, viewsets.GenericViewSet):
    """Lịch sử cảnh báo: lọc theo trạng thái, năm, loại, quy tắc, dòng vốn, nguồn vốn, đơn vị, ngày phát sinh."""

    serializer_class = FlagSerializer
    filter_backends: list = []
    lookup_value_regex = ID_REGEX

    def get_queryset(self):
        return Flag.objects.select_related("rule", "stream", "source", "investor", "district")

    @extend_schema(parameters=FLAG_PARAMETERS)
    def list(self, request):
        query = FlagQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        q = query.validated_data
        qs = self.get_queryset()
        if q["status"] == "open":
            qs = qs.filter(cleared_on__isnull=True)
        elif q["status"] == "cleared":
            qs = qs.filter(cleared_on__isnull=False)
        for name, lookup in (
            ("year", "year"),
            ("kind", "kind"),
            ("rule", "rule_id"),
            ("stream", "stream__code"),
            ("source", "source__code"),
            ("investor", "investor__code"),
            ("district", "district__code"),
        ):
            if name in q:
                qs = qs.filter(**{lookup: q[name]})
        if "raised_after" in q:
            qs = qs.filter(raised_on__gte=q["raised_after"])
        if "raised_before" in q:
            qs = qs.filter(raised_on__lte=q["raised_before"])
        ordering = request.query_params.get("ordering", "-raised_on")
        qs = qs.order_by(ordering if ordering in FLAG_ORDERING else "-raised_on", "id")
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(FlagSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        flag = self.get_queryset().filter(pk=pk).first()
        if flag is None:
            raise NotFound()
        return Response(FlagSerializer(flag).data)


class UnitFlagsSerializer(serializers.Serializer):
    level = serializers.CharField()
    code = serializers.CharField()
    name = serializers.CharField()
    flags = FlagSerializer(many=True)


@extend_schema(
    tags=["Cảnh báo"],
    parameters=[
        *SNAPSHOT_PARAMETERS[:3],
        OpenApiParameter("group", OpenApiTypes.STR, enum=["unit"], description="group=unit: gom theo đơn vị."),
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
                unit = flag.investor or flag.district
                if unit is None:
                    continue
                level = "investor" if flag.investor_id else "district"
                group = groups.setdefault(
                    (level, unit.pk), {"level": level, "code": unit.code, "name": unit.name, "flags": []}
                )
                group["flags"].append(FlagSerializer(flag).data)
            page = self.paginate_queryset(list(groups.values()))
            return self.get_paginated_response(page).data

        return conditional_response(request, self.get_snapshot_stamp(), build)
