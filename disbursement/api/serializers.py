"""Serializers of the disbursement API.

Amounts are integer đồng; ratios and point changes are percent as decimal
strings with four places: the stored figures (disbursement.models.Figure)
rounded half-up by `api_decimal`, never computed here.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core import presentation
from core.figures import RATIO_API_PLACES
from core.notation import round_half_up
from core.succession import ComparisonBasis
from disbursement.filtersets import BASIS_CHOICES
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

RATIO_HELP = 'Tỷ lệ giải ngân (%), chuỗi số thập phân 4 chữ số, ví dụ "35.7612"; null khi không có kế hoạch.'


@dataclass(frozen=True)
class Basis:
    """The stored fields a figure is read from when measured against one plan."""

    plan: str
    ratio: str
    stream_average: str
    rank: str
    rank_of: str
    same_period_plan: str | None
    same_period_ratio: str | None
    # The comparison with the previous snapshot is stored against the city's plan only.
    compares_previous: bool


BASES = {
    "city": Basis("plan", "ratio", "stream_average", "rank", "rank_of", "same_period_plan", "same_period_ratio", True),
    "pm": Basis(
        "plan_pm",
        "ratio_pm",
        "stream_average_pm",
        "rank_pm",
        "rank_of_pm",
        "same_period_plan_pm",
        "same_period_ratio_pm",
        False,
    ),
    "detailed": Basis(
        "plan_detailed",
        "ratio_detailed",
        "stream_average_detailed",
        "rank_detailed",
        "rank_of_detailed",
        None,
        None,
        False,
    ),
}


def api_decimal(value: Decimal | None) -> str | None:
    """The API's one rounding: a stored percent or point change as a string with four places, half-up."""
    return None if value is None else str(round_half_up(value, RATIO_API_PLACES))


def stream_of(figure: Figure, context: dict) -> Figure:
    """The figure of a unit's stream (over the same source), whose stored averages are the unit's stream
    average on each plan basis; the unit's own figure when the context does not hold its stream's."""
    return (context.get("streams") or {}).get((figure.stream_id, figure.source_id), figure)


def stored(figure: Figure, field: str | None):
    return None if field is None else getattr(figure, field)


class RatioField(serializers.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", RATIO_HELP)
        super().__init__(read_only=True, allow_null=True, **kwargs)


class StreamSerializer(serializers.ModelSerializer):
    class Meta:
        model = CapitalStream
        fields = ["code", "name", "unit_level", "rural_only", "order"]


class SourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = BudgetSource
        fields = ["code", "name", "short_name", "order"]


class RevisionFields(serializers.ModelSerializer):
    amount = serializers.IntegerField(read_only=True, help_text="Số vốn (đồng).")


class CityPlanRevisionSerializer(RevisionFields):
    class Meta:
        model = CityPlanRevision
        fields = ["id", "plan", "amount", "effective_from", "note", "recorded_at"]


class CityPlanSerializer(serializers.ModelSerializer):
    source = serializers.SlugRelatedField(slug_field="code", read_only=True)
    amount_in_force = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="Số vốn theo lần điều chỉnh có hiệu lực vào ngày 'on' (đồng)."
    )
    revisions = CityPlanRevisionSerializer(many=True, read_only=True)

    class Meta:
        model = CityPlan
        fields = ["id", "year", "level", "source", "amount_in_force", "revisions"]


class UnitSerializer(serializers.Serializer):
    """A unit as every answer names it: its code (what the filters take, ?investor=SYT, ?district=KT) and id."""

    level = serializers.ChoiceField(choices=CapitalStream.UnitLevel.choices)
    id = serializers.IntegerField()
    code = serializers.CharField(help_text="Mã đơn vị, ví dụ 'SYT' hoặc 'KT': giá trị của ?investor= hoặc ?district=.")
    name = serializers.CharField(help_text="Tên như đã lưu, ví dụ 'Sở Y tế' hoặc 'Kiến Thụy'.")
    display_name = serializers.CharField(help_text="Tên như báo cáo viết, ví dụ 'huyện Kiến Thụy'.")


def unit_data(row) -> dict | None:
    unit = presentation.unit_of(row)
    if unit is None:
        return None
    return {
        "level": presentation.unit_level(row),
        "id": unit.pk,
        "code": unit.code,
        "name": unit.name,
        "display_name": presentation.unit_name(row),
    }


class AllocationRevisionSerializer(RevisionFields):
    unit = serializers.SerializerMethodField(help_text="Đơn vị của kế hoạch vốn được điều chỉnh.")

    class Meta:
        model = AllocationRevision
        fields = ["id", "allocation", "unit", "amount", "effective_from", "note", "snapshot", "recorded_at"]

    @extend_schema_field(UnitSerializer(allow_null=True))
    def get_unit(self, revision) -> dict | None:
        return unit_data(revision.allocation)


class AllocationSerializer(serializers.ModelSerializer):
    stream = serializers.SlugRelatedField(slug_field="code", read_only=True)
    source = serializers.SlugRelatedField(slug_field="code", read_only=True)
    unit = serializers.SerializerMethodField(help_text="Chủ đầu tư hoặc quận, huyện được giao kế hoạch.")
    amount_in_force = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="Số vốn theo lần điều chỉnh có hiệu lực vào ngày 'on' (đồng)."
    )
    revisions = AllocationRevisionSerializer(many=True, read_only=True)

    class Meta:
        model = Allocation
        fields = ["id", "year", "stream", "source", "unit", "deadline", "amount_in_force", "revisions"]

    @extend_schema_field(UnitSerializer(allow_null=True))
    def get_unit(self, allocation) -> dict | None:
        return unit_data(allocation)


class SnapshotSerializer(serializers.ModelSerializer):
    class Meta:
        model = Snapshot
        fields = [
            "id",
            "year",
            "as_of",
            "is_estimate",
            "is_current",
            "superseded_by",
            "superseded_at",
            "file_name",
            "imported_at",
            "computed_at",
            "note",
        ]


class SourceFileSerializer(serializers.Serializer):
    file_name = serializers.CharField(help_text="Tên tệp báo cáo đã nhập, ví dụ 'giai-ngan-2024-07-20.xlsx'.")
    sender = serializers.CharField(help_text="Đơn vị gửi tệp (rỗng khi không rõ), ví dụ 'Kho bạc Nhà nước Hải Phòng'.")
    imported_at = serializers.DateTimeField(help_text="Thời điểm nhập tệp vào hệ thống (ISO 8601).")


def source_file_data(submission: Submission | None) -> dict | None:
    if submission is None:
        return None
    return {
        "file_name": submission.file_name,
        "sender": submission.sender,
        "imported_at": submission.imported_at,
    }


class FigureCoverageStreamSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Mã dòng vốn.")
    name = serializers.CharField(help_text="Tên dòng vốn.")
    units_total = serializers.IntegerField(help_text="Số đơn vị của dòng vốn (có kế hoạch hoặc có báo cáo).")
    units_reported = serializers.IntegerField(help_text="Số đơn vị đã có báo cáo trong năm, đến ngày của kỳ số liệu.")
    units_reported_on_date = serializers.IntegerField(help_text="Trong đó: số đơn vị báo cáo đúng ngày của kỳ số liệu.")
    units_carried = serializers.IntegerField(
        help_text="Trong đó: số đơn vị chưa gửi báo cáo mới, dùng số liệu báo cáo gần nhất trước đó."
    )
    units_not_reported = serializers.IntegerField(help_text="Số đơn vị chưa báo cáo trong năm (không tính là 0).")


class FigureCoverageSerializer(serializers.Serializer):
    streams = FigureCoverageStreamSerializer(
        many=True, help_text="Các dòng vốn đã nhận báo cáo và số đơn vị đã báo cáo."
    )
    sources = serializers.ListField(child=serializers.CharField(), help_text="Mã các nguồn vốn đã nhận báo cáo.")
    summary = serializers.BooleanField(
        help_text="true: đã có báo cáo tổng hợp toàn thành phố (của Kho bạc) cho ngày này."
    )


class FigureSerializer(serializers.Serializer):
    """One computed row, as stored. The ratio, plan, average and rank follow `basis` (city, pm or detailed).

    Fields are declared for the schema; to_representation writes them directly,
    since rankings of a thousand units are read often.
    """

    snapshot = serializers.IntegerField()
    as_of = serializers.DateField()
    scope = serializers.ChoiceField(choices=Figure.Scope.choices)
    stream = serializers.CharField(allow_null=True, help_text="Mã dòng vốn.")
    source = serializers.CharField(allow_null=True, help_text="Mã nguồn vốn.")
    unit = UnitSerializer(allow_null=True)
    basis = serializers.ChoiceField(choices=BASIS_CHOICES)
    disbursed = serializers.IntegerField(
        allow_null=True,
        help_text="Lũy kế giải ngân (đồng). null: đơn vị chưa báo cáo trong năm (chưa báo cáo, không phải 0).",
    )
    reported_on = serializers.DateField(
        allow_null=True,
        help_text="Ngày của số liệu. Sớm hơn as_of: đơn vị chưa gửi báo cáo mới, số liệu lấy từ báo cáo gần nhất "
        "trước đó của năm; null khi chưa báo cáo.",
    )
    source_file = SourceFileSerializer(
        allow_null=True, help_text="Tệp báo cáo cung cấp số liệu này: tên tệp, đơn vị gửi, thời điểm nhập."
    )
    is_partial = serializers.BooleanField(
        help_text="Với toàn thành phố, nguồn vốn, dòng vốn: true khi là tổng các báo cáo đã nhận, "
        "chưa có số liệu tổng hợp toàn thành phố; xem coverage."
    )
    coverage = FigureCoverageSerializer(
        allow_null=True,
        help_text="Phạm vi các báo cáo đã nhận của một tổng (toàn thành phố, dòng vốn): có số liệu tổng hợp "
        "toàn thành phố hay không, dòng vốn nào, bao nhiêu đơn vị đã báo cáo; null với đơn vị.",
    )
    plan = serializers.IntegerField(allow_null=True, help_text="Kế hoạch theo 'basis' (đồng).")
    ratio = RatioField()
    plan_city = serializers.IntegerField(allow_null=True)
    plan_pm = serializers.IntegerField(allow_null=True)
    plan_detailed = serializers.IntegerField(allow_null=True)
    stream_average = RatioField(help_text="Tỷ lệ chung của dòng vốn (%) theo 'basis'.")
    rank = serializers.IntegerField(allow_null=True, help_text="Thứ hạng theo tỷ lệ của 'basis'.")
    rank_of = serializers.IntegerField(allow_null=True)
    previous_as_of = serializers.DateField(allow_null=True)
    previous_disbursed = serializers.IntegerField(allow_null=True)
    previous_ratio = RatioField()
    change_amount = serializers.IntegerField(allow_null=True)
    change_points = serializers.CharField(allow_null=True, help_text="Tăng so kỳ trước (điểm %).")
    previous_rank = serializers.IntegerField(allow_null=True)
    rank_change = serializers.IntegerField(allow_null=True, help_text="Dương: tăng hạng.")
    previous_basis = serializers.ChoiceField(
        choices=ComparisonBasis.choices,
        help_text="'' cùng đơn vị; 'predecessors' cộng các đơn vị trước sáp nhập; "
        "'not_comparable' không so sánh được (chia tách, điều chuyển một phần): không có số so sánh.",
    )
    same_period_as_of = serializers.DateField(allow_null=True)
    same_period_disbursed = serializers.IntegerField(allow_null=True)
    same_period_plan = serializers.IntegerField(allow_null=True)
    same_period_ratio = RatioField(help_text="Tỷ lệ cùng kỳ năm trước (%).")
    same_period_basis = serializers.ChoiceField(
        choices=ComparisonBasis.choices, help_text="Số cùng kỳ theo: như previous_basis."
    )
    target_amount = serializers.IntegerField(allow_null=True)
    remaining_amount = serializers.IntegerField(allow_null=True)
    weekly_required = serializers.IntegerField(allow_null=True)

    def to_representation(self, f: Figure) -> dict:
        ctx = self.context
        basis_code = ctx.get("basis", "city")
        basis = BASES[basis_code]
        snapshots = ctx.get("snapshots") or {}
        # The version asked for: a figure it shares with the version it superseded belongs to that one.
        snapshot = ctx.get("version") or snapshots.get(f.snapshot_id) or f.snapshot
        previous = snapshots.get(f.previous_snapshot_id) if f.previous_snapshot_id else None
        same = snapshots.get(f.same_period_snapshot_id) if f.same_period_snapshot_id else None
        submission = None
        if f.submission_id:
            submission = (ctx.get("submissions") or {}).get(f.submission_id) or f.submission
        is_unit = f.scope in (Figure.Scope.INVESTOR, Figure.Scope.DISTRICT)
        compares = basis.compares_previous
        return {
            "snapshot": snapshot.pk,
            "as_of": snapshot.as_of.isoformat(),
            "scope": f.scope,
            "stream": f.stream.code if f.stream_id else None,
            "source": f.source.code if f.source_id else None,
            "unit": unit_data(f),
            "basis": basis_code,
            "disbursed": f.disbursed,
            "reported_on": f.reported_on.isoformat() if f.reported_on else None,
            "source_file": source_file_data(submission),
            "is_partial": f.is_partial,
            "coverage": presentation.coverage_of(f),
            "plan": stored(f, basis.plan),
            "ratio": api_decimal(stored(f, basis.ratio)),
            "plan_city": f.plan,
            "plan_pm": f.plan_pm,
            "plan_detailed": f.plan_detailed,
            "stream_average": api_decimal(stored(stream_of(f, ctx), basis.stream_average)) if is_unit else None,
            "rank": stored(f, basis.rank),
            "rank_of": stored(f, basis.rank_of),
            "previous_as_of": previous.as_of.isoformat() if previous else None,
            "previous_disbursed": f.previous_disbursed,
            "previous_ratio": api_decimal(f.previous_ratio) if compares else None,
            "change_amount": f.change_amount,
            "change_points": api_decimal(f.change_points) if compares else None,
            "previous_rank": f.previous_rank if compares else None,
            "rank_change": f.rank_change if compares else None,
            "previous_basis": f.previous_basis,
            "same_period_as_of": same.as_of.isoformat() if same else None,
            "same_period_disbursed": f.same_period_disbursed,
            "same_period_plan": stored(f, basis.same_period_plan),
            "same_period_ratio": api_decimal(stored(f, basis.same_period_ratio)),
            "same_period_basis": f.same_period_basis,
            "target_amount": f.target_amount,
            "remaining_amount": f.remaining_amount,
            "weekly_required": f.weekly_required,
        }


class FollowUpSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=["missed_commitment", "overdue", "requested", "explained"],
        help_text="missed_commitment: cam kết không đạt; overdue: quá hạn giải trình; requested: đang chờ giải "
        "trình; explained: đã giải trình. Khi có nhiều, trạng thái cần xử lý trước được ghi.",
    )
    label = serializers.CharField(help_text="Trạng thái bằng tiếng Việt, ví dụ 'quá hạn giải trình'.")
    request = serializers.IntegerField(help_text="Id của yêu cầu giải trình liên quan.")


class RankingFigureSerializer(FigureSerializer):
    """A unit's row of a ranking, with where the follow-up of its flags stands (null: never asked to explain)."""

    follow_up = FollowUpSerializer(allow_null=True)

    def to_representation(self, f: Figure) -> dict:
        row = super().to_representation(f)
        found = (self.context.get("follow_up") or {}).get((f.stream_id, f.investor_id, f.district_id))
        row["follow_up"] = (
            {"status": found.status, "label": found.label, "request": found.request_id} if found else None
        )
        return row


class CandidateSerializer(FigureSerializer):
    """A reallocation candidate: the unit's figure, plus which group it is in, the amount and the reasons.

    Takes (group, Candidate) pairs as returned by the view.
    """

    group = serializers.ChoiceField(choices=["slow", "fast"], help_text="slow: giải ngân chậm; fast: gần hết kế hoạch.")
    amount = serializers.IntegerField(help_text="slow: số chưa giải ngân (đồng); fast: số còn lại của kế hoạch (đồng).")
    reasons = serializers.ListField(child=serializers.CharField(), help_text="Lý do các cảnh báo chậm đang mở.")

    def to_representation(self, item) -> dict:
        group, candidate = item
        row = super().to_representation(candidate.figure)
        row.update({"group": group, "amount": candidate.amount, "reasons": list(candidate.reasons)})
        return row


class SummarySerializer(serializers.Serializer):
    snapshot = SnapshotSerializer()
    same_period_snapshot = SnapshotSerializer(allow_null=True)
    basis = serializers.ChoiceField(choices=BASIS_CHOICES)
    city = FigureSerializer(allow_null=True)
    sources = FigureSerializer(many=True)
    streams = FigureSerializer(many=True)
    same_period_change_points = serializers.CharField(
        allow_null=True, help_text="Tỷ lệ toàn thành phố trừ tỷ lệ cùng kỳ năm trước (điểm %)."
    )


class SeriesPointSerializer(serializers.Serializer):
    """A unit's stored figure at one snapshot; plan, ratio and rank follow `basis`."""

    snapshot = serializers.IntegerField()
    as_of = serializers.DateField()
    is_estimate = serializers.BooleanField()
    disbursed = serializers.IntegerField(
        allow_null=True, help_text="Lũy kế giải ngân (đồng); null: đơn vị chưa báo cáo (không phải 0)."
    )
    reported_on = serializers.DateField(
        allow_null=True, help_text="Ngày của số liệu; sớm hơn as_of khi lấy từ báo cáo gần nhất trước đó."
    )
    plan = serializers.IntegerField(allow_null=True)
    ratio = RatioField()
    rank = serializers.IntegerField(allow_null=True)
    rank_of = serializers.IntegerField(allow_null=True)

    def to_representation(self, f: Figure) -> dict:
        basis = BASES[self.context.get("basis", "city")]
        return {
            "snapshot": f.snapshot_id,
            "as_of": f.snapshot.as_of.isoformat(),
            "is_estimate": f.snapshot.is_estimate,
            "disbursed": f.disbursed,
            "reported_on": f.reported_on.isoformat() if f.reported_on else None,
            "plan": stored(f, basis.plan),
            "ratio": api_decimal(stored(f, basis.ratio)),
            "rank": stored(f, basis.rank),
            "rank_of": stored(f, basis.rank_of),
        }


class SeriesSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    stream = serializers.CharField()
    source = serializers.CharField(allow_null=True, help_text="Mã nguồn vốn; null: mọi nguồn.")
    unit = UnitSerializer()
    points = SeriesPointSerializer(many=True)


class ApiKeySerializer(serializers.ModelSerializer):
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = ApiKey
        fields = ["id", "name", "prefix", "scope", "created_by", "created_at", "last_used_at", "revoked_at"]
        read_only_fields = ["id", "prefix", "created_by", "created_at", "last_used_at", "revoked_at"]


class NewApiKeySerializer(ApiKeySerializer):
    key = serializers.CharField(read_only=True, help_text="Khóa đầy đủ. Chỉ hiện một lần, hãy lưu lại ngay.")

    class Meta(ApiKeySerializer.Meta):
        fields = [*ApiKeySerializer.Meta.fields, "key"]


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Mã lỗi cho máy đọc, ví dụ 'not_found', 'invalid', 'throttled'.")
    message = serializers.CharField(help_text="Thông báo tiếng Việt, ví dụ 'Không tìm thấy.'")
    details = serializers.JSONField(allow_null=True, help_text="Chi tiết theo từng trường khi dữ liệu không hợp lệ.")


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()
