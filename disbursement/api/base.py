"""What every view of the API shares: who may call, throttling, pagination, errors in the schema."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError

from disbursement.api.conditional import SnapshotStamp, resolve_snapshot, with_revision_times
from disbursement.api.serializers import BASIS_CHOICES, ErrorSerializer
from disbursement.models import BudgetSource, CapitalStream, Snapshot

# Integer path ids are bounded so that an absurd id is a 404, not a database overflow.
ID_REGEX = r"[0-9]{1,9}"
MAX_ID = 10**9

ERROR_EXAMPLES = {
    "400": OpenApiExample(
        "Dữ liệu không hợp lệ",
        value={
            "error": {
                "code": "invalid",
                "message": "Dữ liệu gửi lên không hợp lệ.",
                "details": {"year": ["Cần một số nguyên hợp lệ."]},
            }
        },
        response_only=True,
        status_codes=["400"],
    ),
    "401": OpenApiExample(
        "Chưa xác thực",
        value={
            "error": {
                "code": "not_authenticated",
                "message": "Chưa xác thực: cần khóa API hoặc đăng nhập.",
                "details": None,
            }
        },
        response_only=True,
        status_codes=["401"],
    ),
    "403": OpenApiExample(
        "Không có quyền",
        value={
            "error": {
                "code": "permission_denied",
                "message": "Bạn không có quyền thực hiện thao tác này.",
                "details": None,
            }
        },
        response_only=True,
        status_codes=["403"],
    ),
    "404": OpenApiExample(
        "Không tìm thấy",
        value={"error": {"code": "not_found", "message": "Không tìm thấy.", "details": None}},
        response_only=True,
        status_codes=["404"],
    ),
    "429": OpenApiExample(
        "Quá nhiều yêu cầu",
        value={"error": {"code": "throttled", "message": "Quá nhiều yêu cầu, vui lòng thử lại sau.", "details": None}},
        response_only=True,
        status_codes=["429"],
    ),
}


class ApiAutoSchema(AutoSchema):
    """Every operation documents the common error responses in the one error format."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        codes = ["400", "401", "403", "429"]
        if self.method == "GET" or "{" in self.path:
            codes.append("404")
        for code in codes:
            if code not in responses:
                responses[code] = self._get_response_for_code(ErrorSerializer, code)
        return responses

    def get_examples(self):
        return [*super().get_examples(), *ERROR_EXAMPLES.values()]


class ApiMixin:
    """Authentication, permissions, throttling, pagination and schema come from REST_FRAMEWORK settings."""

    lookup_value_regex = ID_REGEX


class SnapshotNotFound(NotFound):
    default_detail = "Không có kỳ số liệu phù hợp."
    api_code = "snapshot_not_found"


class SnapshotQuery(serializers.Serializer):
    year = serializers.IntegerField(required=False, min_value=1900, max_value=2200)
    as_of = serializers.DateField(required=False)
    snapshot = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    basis = serializers.ChoiceField(choices=BASIS_CHOICES, default="city")


SNAPSHOT_PARAMETERS = [
    OpenApiParameter("year", OpenApiTypes.INT, description="Năm kế hoạch, ví dụ 2024. Mặc định: năm của kỳ mới nhất."),
    OpenApiParameter(
        "as_of",
        OpenApiTypes.DATE,
        description="Số liệu đến hết ngày (ISO 8601). Dùng kỳ đang dùng gần nhất không sau ngày này; "
        "mặc định: kỳ mới nhất.",
    ),
    OpenApiParameter(
        "snapshot", OpenApiTypes.INT, description="Mã kỳ số liệu cụ thể (kể cả kỳ đã bị thay); ưu tiên hơn year, as_of."
    ),
    OpenApiParameter(
        "basis",
        OpenApiTypes.STR,
        enum=[c for c, _ in BASIS_CHOICES],
        description="Kế hoạch dùng để tính tỷ lệ: city = thành phố giao (mặc định), pm = Thủ tướng Chính phủ giao, "
        "detailed = vốn đã phân bổ chi tiết.",
    ),
]


LEVEL_PARAMETER = OpenApiParameter(
    "level",
    OpenApiTypes.STR,
    enum=["investor", "district"],
    description="Xếp hạng chủ đầu tư (investor) hay quận, huyện (district).",
)
SOURCE_PARAMETER = OpenApiParameter(
    "source",
    OpenApiTypes.STR,
    description="Mã nguồn vốn, ví dụ nstw hoặc nsdp: xếp hạng theo giải ngân và kế hoạch của riêng nguồn đó; "
    "mặc định mọi nguồn.",
)


class SnapshotQueryMixin:
    """Resolves the snapshot a figure request reads: ?snapshot, or ?year and ?as_of, default the latest."""

    def snapshot_query(self) -> dict:
        if not hasattr(self, "_snapshot_query"):
            query = SnapshotQuery(data=self.request.query_params)
            query.is_valid(raise_exception=True)
            self._snapshot_query = query.validated_data
        return self._snapshot_query

    @property
    def basis(self) -> str:
        return self.snapshot_query()["basis"]

    def _find_snapshot(self) -> Snapshot | None:
        q = self.snapshot_query()
        if "snapshot" in q:
            return with_revision_times(Snapshot.objects.filter(pk=q["snapshot"])).first()
        qs = with_revision_times(Snapshot.objects.current())
        if "year" in q:
            qs = qs.filter(year=q["year"])
        if "as_of" in q:
            qs = qs.filter(as_of__lte=q["as_of"])
        return qs.order_by("-as_of", "-id").first()

    def get_snapshot_stamp(self) -> SnapshotStamp:
        """The snapshot the request reads, as its validators need it; cheap when the query was seen recently."""
        if not hasattr(self, "_stamp"):
            stamp = resolve_snapshot(self.snapshot_query(), self._find_snapshot)
            if stamp is None:
                raise SnapshotNotFound()
            self._stamp = stamp
        return self._stamp

    def get_snapshot(self) -> Snapshot:
        if not hasattr(self, "_snapshot"):
            if hasattr(self, "_stamp"):
                # The same snapshot the validators were computed from.
                snapshot = with_revision_times(Snapshot.objects.filter(pk=self._stamp.pk)).first()
            else:
                snapshot = self._find_snapshot()
            if snapshot is None:
                raise SnapshotNotFound()
            self._snapshot = snapshot
        return self._snapshot


class RankingQueryMixin:
    """?level, ?stream and ?source of a ranking query, read alike by the rankings and their exports."""

    def get_level(self) -> str | None:
        level = self.request.query_params.get("level") or None
        if level is not None and level not in CapitalStream.UnitLevel.values:
            raise ValidationError({"level": ["Chỉ nhận 'investor' hoặc 'district'."]})
        return level

    def get_requested_stream(self) -> CapitalStream | None:
        code = self.request.query_params.get("stream")
        if not code:
            return None
        stream = CapitalStream.objects.filter(code=code).first()
        if stream is None:
            raise ValidationError({"stream": ["Không có dòng vốn mã này."]})
        level = self.get_level()
        if level and stream.unit_level != level:
            raise ValidationError({"level": ["Dòng vốn này không xếp hạng theo cấp đã chọn."]})
        return stream

    def get_stream(self) -> CapitalStream | None:
        """The stream asked for, else the first stream of the level asked for."""
        stream = self.get_requested_stream()
        if stream is not None:
            return stream
        level = self.get_level()
        qs = CapitalStream.objects.order_by("order")
        return (qs.filter(unit_level=level) if level else qs).first()

    def get_source(self) -> BudgetSource | None:
        """?source=nstw: the units' figures and ranks within that source, against their plans of it."""
        code = self.request.query_params.get("source")
        if not code:
            return None
        source = BudgetSource.objects.filter(code=code).first()
        if source is None:
            raise ValidationError({"source": ["Không có nguồn vốn mã này."]})
        return source


PATH_PARAMETER_DESCRIPTIONS = {
    "id": "Mã số (id) của đối tượng.",
    "code": "Mã, ví dụ city_assigned hoặc nsdp.",
}


def describe_path_parameters(result, generator, request, public):
    """Schema postprocessing: Vietnamese descriptions for path parameters that have none."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if not parameter.get("description") and parameter["name"] in PATH_PARAMETER_DESCRIPTIONS:
                    parameter["description"] = PATH_PARAMETER_DESCRIPTIONS[parameter["name"]]
    return result
