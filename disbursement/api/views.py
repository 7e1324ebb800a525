"""Views of the disbursement API: reference data, plans, snapshots, figures, API keys.

Views stay thin: query parameters are read by the FilterSets of disbursement.filtersets,
figures come as stored from disbursement.figures.selectors and are written by the
serializers, which compute nothing.
"""

from __future__ import annotations

from django.db.models import F
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_view, inline_serializer
from rest_framework import generics, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from core.figures import change_in_points
from disbursement import filtersets
from disbursement.api import serializers as s
from disbursement.api.base import (
    LEVEL_PARAMETER,
    SNAPSHOT_PARAMETERS,
    SOURCE_PARAMETER,
    ApiMixin,
    DataBoundListMixin,
    RankingQueryMixin,
    SnapshotNotFound,
    SnapshotQueryMixin,
    validated,
)
from disbursement.api.conditional import conditional_response, data_stamp, with_revision_times
from disbursement.api.keys import ApiKeyError, create_api_key, revoke_api_key
from disbursement.figures import selectors as figures
from disbursement.followup.selectors import follow_up_by_unit
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
    Submission,
)

ON_PARAMETER = OpenApiParameter(
    "on", OpenApiTypes.DATE, description="Ngày tính số vốn đang có hiệu lực (ISO 8601). Mặc định: hôm nay."
)


@extend_schema(tags=["Danh mục"])
class StreamViewSet(ApiMixin, viewsets.ReadOnlyModelViewSet):
    """Dòng vốn (dự án do UBND thành phố giao, vốn cho quận, huyện, nông thôn mới, khác)."""

    queryset = CapitalStream.objects.all()
    serializer_class = s.StreamSerializer
    filterset_class = filtersets.StreamFilterSet
    ordering_fields = ["order", "code", "name"]
    ordering = ["order"]
    lookup_field = "code"
    lookup_value_regex = r"[a-z_]{1,30}"


@extend_schema(tags=["Danh mục"])
class SourceViewSet(ApiMixin, viewsets.ReadOnlyModelViewSet):
    """Nguồn vốn (NSTW, NSĐP, khác, chưa tách nguồn)."""

    queryset = BudgetSource.objects.all()
    serializer_class = s.SourceSerializer
    filterset_class = filtersets.SourceFilterSet
    ordering_fields = ["order", "code", "name"]
    ordering = ["order"]
    lookup_field = "code"
    lookup_value_regex = r"[a-z_]{1,20}"


@extend_schema_view(retrieve=extend_schema(parameters=[ON_PARAMETER]))
@extend_schema(tags=["Kế hoạch vốn"])
class CityPlanViewSet(ApiMixin, DataBoundListMixin, viewsets.ReadOnlyModelViewSet):
    """Kế hoạch vốn toàn thành phố theo năm, cấp giao và nguồn, với mọi lần điều chỉnh."""

    # amount_in_force (the revision in force on ?on) is annotated by the FilterSet.
    queryset = CityPlan.objects.select_related("source").prefetch_related("revisions")
    serializer_class = s.CityPlanSerializer
    filterset_class = filtersets.CityPlanFilterSet

    def list_stamp(self):
        return data_stamp(extra=str(timezone.localdate()))  # amount_in_force: on ?on, default today

    ordering_fields = ["year", "level", "source__order"]
    ordering = ["-year", "level", "source__order"]


@extend_schema(tags=["Kế hoạch vốn"])
class CityPlanRevisionViewSet(ApiMixin, DataBoundListMixin, viewsets.ReadOnlyModelViewSet):
    """Các lần điều chỉnh, bổ sung kế hoạch toàn thành phố."""

    queryset = CityPlanRevision.objects.select_related("plan")
    serializer_class = s.CityPlanRevisionSerializer
    filterset_class = filtersets.CityPlanRevisionFilterSet
    ordering_fields = ["effective_from", "recorded_at", "amount", "id"]
    ordering = ["effective_from", "id"]


@extend_schema_view(retrieve=extend_schema(parameters=[ON_PARAMETER]))
@extend_schema(tags=["Kế hoạch vốn"])
class AllocationViewSet(ApiMixin, DataBoundListMixin, viewsets.ReadOnlyModelViewSet):
    """Kế hoạch vốn của từng chủ đầu tư, quận, huyện theo dòng vốn và nguồn, với mọi lần điều chỉnh."""

    # amount_in_force (the revision in force on ?on) is annotated by the FilterSet.
    queryset = Allocation.objects.select_related("stream", "source", "investor", "district").prefetch_related(
        "revisions"
    )
    serializer_class = s.AllocationSerializer
    filterset_class = filtersets.AllocationFilterSet

    def list_stamp(self):
        return data_stamp(extra=str(timezone.localdate()))  # amount_in_force: on ?on, default today

    ordering_fields = ["year", "stream__order", "investor__name", "district__name", "amount_in_force", "id"]
    ordering = ["-year", "stream__order", "id"]


@extend_schema(tags=["Kế hoạch vốn"])
class AllocationRevisionViewSet(ApiMixin, DataBoundListMixin, viewsets.ReadOnlyModelViewSet):
    """Các lần điều chỉnh, bổ sung kế hoạch vốn của đơn vị."""

    queryset = AllocationRevision.objects.select_related("allocation__investor", "allocation__district")
    serializer_class = s.AllocationRevisionSerializer
    filterset_class = filtersets.AllocationRevisionFilterSet
    ordering_fields = ["effective_from", "recorded_at", "amount", "id"]
    ordering = ["effective_from", "id"]


@extend_schema(tags=["Kỳ số liệu"])
class SnapshotViewSet(ApiMixin, DataBoundListMixin, viewsets.ReadOnlyModelViewSet):
    """Kỳ số liệu: lũy kế giải ngân từ 1/1 đến một ngày; kỳ bị thay vẫn được giữ."""

    queryset = Snapshot.objects.all()
    serializer_class = s.SnapshotSerializer
    filterset_class = filtersets.SnapshotFilterSet
    ordering_fields = ["as_of", "year", "imported_at", "computed_at", "id"]
    ordering = ["-as_of", "-id"]

    def retrieve(self, request, *args, **kwargs):
        snapshot = self.get_object()
        return conditional_response(request, snapshot, lambda: self.get_serializer(snapshot).data)


def figure_context(snapshot: Snapshot, basis: str) -> dict:
    """What FigureSerializer needs besides the rows: the plan basis, the snapshots and files the rows name."""
    rows = Figure.objects.of(snapshot).order_by()
    compared = rows.values_list("previous_snapshot_id", "same_period_snapshot_id").distinct()
    wanted = {snapshot.pk} | {i for pair in compared for i in pair if i}
    files = rows.filter(submission__isnull=False).values_list("submission_id", flat=True).distinct()
    return {
        "basis": basis,
        "version": snapshot,
        # Each stream's figure, whose ratios on each basis are its units' stream average.
        "streams": {(f.stream_id, f.source_id): f for f in rows.filter(scope=Figure.Scope.STREAM)},
        "snapshots": {x.pk: x for x in Snapshot.objects.filter(pk__in=wanted)},
        "submissions": {x.pk: x for x in Submission.objects.filter(pk__in=files)},
    }


class FigureListBase(ApiMixin, SnapshotQueryMixin, generics.ListAPIView):
    serializer_class = s.FigureSerializer
    filterset_class = filtersets.FigureFilterSet
    ordering_fields = [
        "rank",
        "ratio",
        "ratio_pm",
        "ratio_detailed",
        "disbursed",
        "plan",
        "plan_pm",
        "plan_detailed",
        "change_amount",
        "change_points",
        "rank_change",
        "investor__name",
        "district__name",
    ]

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if getattr(self, "swagger_fake_view", False):
            return context
        return context | figure_context(self.get_snapshot(), self.basis)

    def list(self, request, *args, **kwargs):
        return conditional_response(
            request, self.get_snapshot_stamp(), lambda: super(FigureListBase, self).list(request, *args, **kwargs).data
        )


@extend_schema(tags=["Số liệu"], parameters=SNAPSHOT_PARAMETERS)
class RatioListView(FigureListBase):
    """Số liệu đã tính của một kỳ: toàn thành phố, theo nguồn, theo dòng vốn, theo chủ đầu tư, theo quận, huyện.

    Tỷ lệ tính theo kế hoạch chọn bằng 'basis'. Lọc theo phạm vi (scope), dòng vốn, nguồn, đơn vị, khoảng tỷ lệ.
    Mỗi dòng cho biết ngày của số liệu (reported_on), tệp báo cáo (source_file); dòng tổng cho biết là số
    tổng hợp hay tổng các báo cáo đã nhận (is_partial, coverage); đơn vị chưa báo cáo có disbursed null.
    """

    ordering = ["scope", "stream__order", "source__order", "rank", "id"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Figure.objects.none()
        qs = Figure.objects.of(self.get_snapshot())
        qs = qs.select_related("stream", "source", "investor", "district")
        if not self.request.query_params.get("source"):
            # Streams and units over all their sources; their figures per source only when one is asked for.
            qs = qs.exclude(
                source__isnull=False, scope__in=[Figure.Scope.STREAM, Figure.Scope.INVESTOR, Figure.Scope.DISTRICT]
            )
        return qs


RANKING_EXAMPLE = OpenApiExample(
    "Xếp hạng quận, huyện",
    value={
        "count": 1,
        "next": None,
        "previous": None,
        "results": [
            {
                "snapshot": 12,
                "as_of": "2024-07-20",
                "scope": "district",
                "stream": "new_rural",
                "source": None,
                "unit": {
                    "level": "district",
                    "id": 9,
                    "code": "KT",
                    "name": "Kiến Thụy",
                    "display_name": "huyện Kiến Thụy",
                },
                "basis": "city",
                "disbursed": 183384000000,
                "reported_on": "2024-07-13",
                "source_file": {
                    "file_name": "kien-thuy-13-7-2024.xlsx",
                    "sender": "UBND huyện Kiến Thụy",
                    "imported_at": "2024-07-15T09:30:00+07:00",
                },
                "is_partial": False,
                "coverage": None,
                "plan": 270020000000,
                "ratio": "67.9149",
                "rank": 1,
                "rank_of": 8,
                "follow_up": {"status": "explained", "label": "đã giải trình", "request": 4},
            }
        ],
    },
    response_only=True,
)


@extend_schema(
    tags=["Số liệu"],
    parameters=[
        *SNAPSHOT_PARAMETERS,
        LEVEL_PARAMETER,
        OpenApiParameter(
            "stream",
            OpenApiTypes.STR,
            description="Mã dòng vốn, ví dụ city_assigned, district_transfer, new_rural; "
            "mặc định dòng vốn đầu tiên của cấp đã chọn.",
        ),
        SOURCE_PARAMETER,
    ],
    examples=[RANKING_EXAMPLE],
)
class RankingListView(RankingQueryMixin, FigureListBase):
    """Xếp hạng đơn vị của một dòng vốn trong một kỳ, tỷ lệ cao trước; đơn vị chưa có kế hoạch hoặc chưa báo cáo
    xếp cuối.

    Với basis=pm hoặc detailed, thứ hạng là thứ hạng đã tính theo tỷ lệ so với kế hoạch đó.
    """

    filterset_class = filtersets.RankingFilterSet
    serializer_class = s.RankingFigureSerializer

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if getattr(self, "swagger_fake_view", False):
            return context
        return context | {"follow_up": follow_up_by_unit(self.get_snapshot())}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Figure.objects.none()
        qs = figures.ranking(self.get_snapshot(), self.get_stream(), self.get_source())
        if self.basis != "city":
            # The same ranking read by the basis's stored rank.
            rank = s.BASES[self.basis].rank
            qs = qs.order_by(F(rank).asc(nulls_last=True), "-disbursed", "investor__name", "district__name")
        return qs


@extend_schema(tags=["Số liệu"], parameters=SNAPSHOT_PARAMETERS, responses=s.SummarySerializer)
class SummaryView(ApiMixin, SnapshotQueryMixin, APIView):
    """Tổng hợp toàn thành phố của một kỳ: toàn thành phố, theo nguồn, theo dòng vốn, và so với cùng kỳ năm trước."""

    def get(self, request):
        basis = self.basis

        def build():
            snapshot = self.get_snapshot()
            context = figure_context(snapshot, basis)
            city = figures.city_figure(snapshot)
            city_data = s.FigureSerializer(city, context=context).data if city else None
            same = city.same_period_snapshot if city else None
            change = None
            if city is not None:
                fields = s.BASES[basis]
                change = s.api_decimal(
                    change_in_points(s.stored(city, fields.ratio), s.stored(city, fields.same_period_ratio))
                )
            return {
                "snapshot": s.SnapshotSerializer(snapshot).data,
                "same_period_snapshot": s.SnapshotSerializer(same).data if same else None,
                "basis": basis,
                "city": city_data,
                "sources": s.FigureSerializer(figures.source_figures(snapshot), many=True, context=context).data,
                "streams": s.FigureSerializer(figures.stream_figures(snapshot), many=True, context=context).data,
                "same_period_change_points": change,
            }

        return conditional_response(request, self.get_snapshot_stamp(), build)


@extend_schema(
    tags=["Số liệu"],
    parameters=[
        OpenApiParameter("year", OpenApiTypes.INT, required=True, description="Năm kế hoạch, ví dụ 2024."),
        OpenApiParameter("stream", OpenApiTypes.STR, required=True, description="Mã dòng vốn, ví dụ city_assigned."),
        OpenApiParameter("investor", OpenApiTypes.STR, description="Mã chủ đầu tư (hoặc district)."),
        OpenApiParameter("district", OpenApiTypes.STR, description="Mã quận, huyện (hoặc investor)."),
        SOURCE_PARAMETER,
        SNAPSHOT_PARAMETERS[3],
    ],
    responses=s.SeriesSerializer,
)
class SeriesView(ApiMixin, APIView):
    """Diễn biến của một đơn vị qua các kỳ số liệu đang dùng của một năm."""

    def get(self, request):
        q = validated(filtersets.SeriesFilterSet(request.query_params)).query
        year, stream = q["year"], q["stream"]
        unit = q["investor"] or q["district"]
        latest = with_revision_times(Snapshot.objects.current().filter(year=year)).order_by("-as_of", "-id").first()
        if latest is None:
            raise SnapshotNotFound()

        def build():
            rows = figures.unit_series(year, stream, investor=q["investor"], district=q["district"], source=q["source"])
            return {
                "year": year,
                "stream": stream.code,
                "source": q["source"].code if q["source"] else None,
                "unit": {
                    "level": "investor" if q["investor"] else "district",
                    "id": unit.pk,
                    "code": unit.code,
                    "name": unit.name,
                    "display_name": unit.display_name,
                },
                "points": s.SeriesPointSerializer(rows, many=True, context={"basis": q["basis"]}).data,
            }

        return conditional_response(request, latest, build)


@extend_schema(tags=["Khóa API"])
class ApiKeyViewSet(ApiMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Khóa API của các bảng điều khiển. Chỉ quản trị viên đăng nhập quản lý (như trong trang quản trị); khóa chỉ
    hiện một lần khi tạo. Khóa chỉ đọc (read) chỉ đọc; khóa ghi (write) có các quyền của nhóm Biên tập viên."""

    # Key management is the administrators': the admin's apikey permissions, never a key.
    allow_api_keys = False
    required_permissions = {
        "list": ("disbursement.view_apikey", "disbursement.change_apikey"),
        "retrieve": ("disbursement.view_apikey", "disbursement.change_apikey"),
        "create": ("disbursement.add_apikey",),
        "revoke": ("disbursement.change_apikey",),
    }
    queryset = ApiKey.objects.select_related("created_by")
    serializer_class = s.ApiKeySerializer
    filterset_class = filtersets.ApiKeyFilterSet
    ordering_fields = ["created_at", "last_used_at", "name", "id"]
    ordering = ["-created_at", "-id"]

    @extend_schema(
        request=s.ApiKeySerializer,
        responses={201: s.NewApiKeySerializer},
        examples=[
            OpenApiExample(
                "Tạo khóa chỉ đọc", value={"name": "Bảng điều khiển Sở Tài chính", "scope": "read"}, request_only=True
            )
        ],
    )
    def create(self, request, *args, **kwargs):
        serializer = s.ApiKeySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            new = create_api_key(user=request.user, **serializer.validated_data)
        except ApiKeyError as exc:
            raise ValidationError({exc.field: [str(exc)]}) from exc
        data = s.ApiKeySerializer(new.api_key).data | {"key": new.plaintext}
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=s.ApiKeySerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        """Thu hồi khóa: mọi yêu cầu dùng khóa này sau đó bị từ chối."""
        api_key = get_object_or_404(ApiKey, pk=pk)
        return Response(s.ApiKeySerializer(revoke_api_key(api_key.pk)).data)


@extend_schema(
    tags=["Hệ thống"],
    responses=inline_serializer("Health", {"status": serializers.CharField()}),
)
class HealthView(ApiMixin, APIView):
    """Kiểm tra dịch vụ và khóa còn dùng được."""

    def get(self, request):
        return Response({"status": "ok"})
