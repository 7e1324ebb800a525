"""Serializers of the disbursement API.

Amounts are integer đồng; ratios are percent as decimal strings with four
places, from core.figures.disbursement_ratio rounded half-up.
"""

from __future__ import annotations

from decimal import Decimal

from rest_framework import serializers

from core.figures import RATIO_API_PLACES, disbursement_ratio
from core.notation import round_half_up
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

BASIS_CHOICES = [
    ("city", "kế hoạch thành phố giao"),
    ("pm", "kế hoạch Thủ tướng Chính phủ giao"),
    ("detailed", "vốn đã phân bổ chi tiết"),
]
PLAN_FIELD = {"city": "plan", "pm": "plan_pm", "detailed": "plan_detailed"}
RATIO_HELP = 'Tỷ lệ giải ngân (%), chuỗi số thập phân 4 chữ số, ví dụ "35.7612"; null khi không có kế hoạch.'


def api_ratio(disbursed: int | None, plan: int | None) -> str | None:
    if disbursed is None:
        return None
    ratio = disbursement_ratio(disbursed, plan)
    return None if ratio is None else str(round_half_up(ratio, RATIO_API_PLACES))


def api_stored_ratio(value: Decimal | None) -> str | None:
    """A stored ratio whose numerator and denominator are not both kept (previous snapshot)."""
    return None if value is None else str(round_half_up(value, RATIO_API_PLACES))


def api_points(current: str | None, previous: str | None) -> str | None:
    if current is None or previous is None:
        return None
    return str(Decimal(current) - Decimal(previous))


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


class AllocationRevisionSerializer(RevisionFields):
    class Meta:
        model = AllocationRevision
        fields = ["id", "allocation", "amount", "effective_from", "note", "snapshot", "recorded_at"]


class AllocationSerializer(serializers.ModelSerializer):
    stream = serializers.SlugRelatedField(slug_field="code", read_only=True)
    source = serializers.SlugRelatedField(slug_field="code", read_only=True)
    investor = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text="Mã chủ đầu tư.")
    district = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text="Mã quận, huyện.")
    amount_in_force = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="Số vốn theo lần điều chỉnh có hiệu lực vào ngày 'on' (đồng)."
    )
    revisions = AllocationRevisionSerializer(many=True, read_only=True)

    class Meta:
        model = Allocation
        fields = ["id", "year", "stream", "source", "investor", "district", "deadline", "amount_in_force", "revisions"]


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


class UnitSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=CapitalStream.UnitLevel.choices)
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField(help_text="Tên như đã lưu, ví dụ 'Sở Y tế' hoặc 'Kiến Thụy'.")
    display_name = serializers.CharField(help_text="Tên như báo cáo viết, ví dụ 'huyện Kiến Thụy'.")


def unit_data(figure: Figure) -> dict | None:
    if figure.investor_id:
        i = figure.investor
        return {"level": "investor", "id": i.pk, "code": i.code, "name": i.name, "display_name": i.display_name}
    if figure.district_id:
        d = figure.district
        return {"level": "district", "id": d.pk, "code": d.code, "name": d.name, "display_name": d.display_name}
    return None


class FigureSerializer(serializers.Serializer):
    """One computed row. The ratio and plan follow `basis` (city, pm or detailed).

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
    disbursed = serializers.IntegerField(help_text="Lũy kế giải ngân (đồng).")
    plan = serializers.IntegerField(allow_null=True, help_text="Kế hoạch theo 'basis' (đồng).")
    ratio = RatioField()
    plan_city = serializers.IntegerField(allow_null=True)
    plan_pm = serializers.IntegerField(allow_null=True)
    plan_detailed = serializers.IntegerField(allow_null=True)
    stream_average = RatioField(help_text="Tỷ lệ chung của dòng vốn (%).")
    rank = serializers.IntegerField(allow_null=True)
    rank_of = serializers.IntegerField(allow_null=True)
    previous_as_of = serializers.DateField(allow_null=True)
    previous_disbursed = serializers.IntegerField(allow_null=True)
    previous_ratio = RatioField()
    change_amount = serializers.IntegerField(allow_null=True)
    change_points = serializers.CharField(allow_null=True, help_text="Tăng so kỳ trước (điểm %).")
    previous_rank = serializers.IntegerField(allow_null=True)
    rank_change = serializers.IntegerField(allow_null=True, help_text="Dương: tăng hạng.")
    same_period_as_of = serializers.DateField(allow_null=True)
    same_period_disbursed = serializers.IntegerField(allow_null=True)
    same_period_plan = serializers.IntegerField(allow_null=True)
    same_period_ratio = RatioField(help_text="Tỷ lệ cùng kỳ năm trước (%).")
    target_amount = serializers.IntegerField(allow_null=True)
    remaining_amount = serializers.IntegerField(allow_null=True)
    weekly_required = serializers.IntegerField(allow_null=True)

    def to_representation(self, f: Figure) -> dict:
        ctx = self.context
        basis = ctx.get("basis", "city")
        plan = getattr(f, PLAN_FIELD[basis])
        ratio = api_ratio(f.disbursed, plan)
        averages = ctx.get("stream_averages") or {}
        ranks = ctx.get("ranks")
        if basis == "city":
            previous_ratio = api_stored_ratio(f.previous_ratio)
            same_plan = f.same_period_plan
            rank, rank_of, previous_rank, rank_change = f.rank, f.rank_of, f.previous_rank, f.rank_change
        else:
            previous_ratio = None
            same_plan = f.same_period_plan_pm if basis == "pm" else None
            rank = ranks.get(f.pk) if ranks is not None else None
            rank_of = len(ranks) if ranks else None
            previous_rank = rank_change = None
        snapshots = ctx.get("snapshots") or {}
        snapshot = snapshots.get(f.snapshot_id)
        previous = snapshots.get(f.previous_snapshot_id) if f.previous_snapshot_id else None
        same = snapshots.get(f.same_period_snapshot_id) if f.same_period_snapshot_id else None
        return {
            "snapshot": f.snapshot_id,
            "as_of": snapshot.as_of.isoformat() if snapshot else None,
            "scope": f.scope,
            "stream": f.stream.code if f.stream_id else None,
            "source": f.source.code if f.source_id else None,
            "unit": unit_data(f),
            "basis": basis,
            "disbursed": f.disbursed,
            "plan": plan,
            "ratio": ratio,
            "plan_city": f.plan,
            "plan_pm": f.plan_pm,
            "plan_detailed": f.plan_detailed,
            "stream_average": (
                averages.get((f.stream_id, f.source_id)) if f.scope in ("investor", "district") else None
            ),
            "rank": rank,
            "rank_of": rank_of,
            "previous_as_of": previous.as_of.isoformat() if previous else None,
            "previous_disbursed": f.previous_disbursed,
            "previous_ratio": previous_ratio,
            "change_amount": f.change_amount,
            "change_points": api_points(ratio, previous_ratio),
            "previous_rank": previous_rank,
            "rank_change": rank_change,
            "same_period_as_of": same.as_of.isoformat() if same else None,
            "same_period_disbursed": f.same_period_disbursed,
            "same_period_plan": same_plan,
            "same_period_ratio": api_ratio(f.same_period_disbursed, same_plan) if same_plan is not None else None,
            "target_amount": f.target_amount,
            "remaining_amount": f.remaining_amount,
            "weekly_required": f.weekly_required,
        }


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
    snapshot = serializers.IntegerField()
    as_of = serializers.DateField()
    is_estimate = serializers.BooleanField()
    disbursed = serializers.IntegerField()
    plan = serializers.IntegerField(allow_null=True)
    ratio = RatioField()
    rank = serializers.IntegerField(allow_null=True)
    rank_of = serializers.IntegerField(allow_null=True)


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
