"""Follow-up of flags: explanation requests (read; made from flags by staff and write keys), the units'
explanations and their commitments (read). Writes go through disbursement.followup.services."""

from __future__ import annotations

import django_filters
from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from disbursement.api.base import ApiMixin
from disbursement.filtersets import YearFilter, stream_filter, unit_filter
from disbursement.followup import services
from disbursement.models import Commitment, Explanation, ExplanationRequest, Flag

# Ids are bounded like the paths' ids (ID_REGEX): an absurd id is refused, not sent to the database.
MAX_ID = 999_999_999


def _unit(row) -> dict:
    unit = row.investor or row.district
    return {
        "level": "investor" if row.investor_id else "district",
        "id": unit.pk,
        "code": unit.code,
        "name": unit.name,
        "display_name": unit.display_name,
    }


class CommitmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    explanation = serializers.IntegerField()
    request = serializers.IntegerField()
    year = serializers.IntegerField()
    stream = serializers.CharField(help_text="Mã dòng vốn.")
    unit = serializers.DictField(help_text="Đơn vị cam kết: level, id, code, name, display_name.")
    due = serializers.DateField(help_text="Đến hết ngày.")
    amount = serializers.IntegerField(help_text="Lũy kế giải ngân cam kết (đồng).")
    status = serializers.ChoiceField(
        choices=Commitment.Status.choices,
        help_text="pending: chưa có kỳ số liệu từ ngày cam kết; met: đạt; missed: không đạt.",
    )
    evaluated_on = serializers.DateField(allow_null=True, help_text="Ngày của kỳ số liệu dùng để đánh giá.")
    disbursed = serializers.IntegerField(allow_null=True, help_text="Lũy kế giải ngân thực tế ở kỳ đó (đồng).")
    shortfall = serializers.IntegerField(allow_null=True, help_text="Còn thiếu so với cam kết (đồng).")

    def to_representation(self, c: Commitment) -> dict:
        return {
            "id": c.pk,
            "explanation": c.explanation_id,
            "request": c.explanation.request_id,
            "year": c.year,
            "stream": c.stream.code,
            "unit": _unit(c),
            "due": c.due.isoformat(),
            "amount": c.amount,
            "status": c.status,
            "evaluated_on": c.evaluated_on.isoformat() if c.evaluated_on else None,
            "disbursed": c.disbursed,
            "shortfall": c.shortfall,
        }


class ExplanationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    request = serializers.IntegerField()
    cause = serializers.CharField(help_text="Nguyên nhân chính, ví dụ 'Giải phóng mặt bằng'.")
    cause_detail = serializers.CharField(allow_blank=True)
    actions = serializers.CharField(help_text="Giải pháp đơn vị đang thực hiện.")
    responsible_name = serializers.CharField()
    responsible_title = serializers.CharField(allow_blank=True)
    submitted_at = serializers.DateTimeField()
    commitments = CommitmentSerializer(many=True)

    def to_representation(self, e: Explanation) -> dict:
        return {
            "id": e.pk,
            "request": e.request_id,
            "cause": e.cause.name,
            "cause_detail": e.cause_detail,
            "actions": e.actions,
            "responsible_name": e.responsible_name,
            "responsible_title": e.responsible_title,
            "submitted_at": timezone.localtime(e.submitted_at).isoformat(),
            "commitments": [CommitmentSerializer(c).data for c in e.commitments.all()],
        }


class ExplanationRequestSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    year = serializers.IntegerField()
    stream = serializers.CharField()
    unit = serializers.DictField(help_text="Đơn vị được yêu cầu giải trình: level, id, code, name, display_name.")
    flags = serializers.ListField(child=serializers.IntegerField(), help_text="Id các cảnh báo của yêu cầu.")
    summary = serializers.CharField(help_text="Nội dung các cảnh báo khi yêu cầu.")
    requested_at = serializers.DateTimeField()
    working_days = serializers.IntegerField()
    deadline = serializers.DateField()
    status = serializers.ChoiceField(choices=ExplanationRequest.Status.choices)
    is_overdue = serializers.BooleanField(help_text="Đang chờ giải trình và đã quá hạn.")
    answered_at = serializers.DateTimeField(allow_null=True)
    mail_status = serializers.ChoiceField(choices=ExplanationRequest.Mail.choices)
    explanation = serializers.IntegerField(allow_null=True)

    def to_representation(self, r: ExplanationRequest) -> dict:
        explanation = getattr(r, "explanation", None)
        return {
            "id": r.pk,
            "year": r.year,
            "stream": r.stream.code,
            "unit": _unit(r),
            "flags": sorted(flag.pk for flag in r.flags.all()),
            "summary": r.summary,
            "requested_at": timezone.localtime(r.requested_at).isoformat(),
            "working_days": r.working_days,
            "deadline": r.deadline.isoformat(),
            "status": r.status,
            "is_overdue": r.status == ExplanationRequest.Status.PENDING and r.deadline < timezone.localdate(),
            "answered_at": timezone.localtime(r.answered_at).isoformat() if r.answered_at else None,
            "mail_status": r.mail_status,
            "explanation": explanation.pk if explanation else None,
        }


class NewRequestsSerializer(serializers.Serializer):
    flags = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        min_length=1,
        max_length=1000,
        help_text="Id các cảnh báo (một hay nhiều đơn vị).",
    )
    working_days = serializers.IntegerField(
        required=False, min_value=1, max_value=60, help_text="Thời hạn (ngày làm việc); mặc định 5."
    )
    extra_emails = serializers.ListField(
        child=serializers.EmailField(), required=False, max_length=20, help_text="Gửi thêm đến các email này."
    )


class RequestsMadeSerializer(serializers.Serializer):
    created = ExplanationRequestSerializer(many=True)
    already_pending = ExplanationRequestSerializer(
        many=True, help_text="Đơn vị đang có yêu cầu chờ trả lời: không hỏi lại, cảnh báo được gắn vào yêu cầu đó."
    )


class _UnitFilters(django_filters.FilterSet):
    year = YearFilter()
    stream = stream_filter()
    investor = unit_filter("investor")
    district = unit_filter("district")


class RequestFilterSet(_UnitFilters):
    status = django_filters.ChoiceFilter(choices=ExplanationRequest.Status.choices, label="tình trạng")

    class Meta:
        model = ExplanationRequest
        fields = ["year", "stream", "investor", "district", "status"]


class CommitmentFilterSet(_UnitFilters):
    status = django_filters.ChoiceFilter(choices=Commitment.Status.choices, label="kết quả")

    class Meta:
        model = Commitment
        fields = ["year", "stream", "investor", "district", "status"]


@extend_schema(tags=["Giải trình"])
class ExplanationRequestViewSet(ApiMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Yêu cầu giải trình gửi các đơn vị có cảnh báo. Tạo từ các cảnh báo (một yêu cầu cho mỗi đơn vị và dòng vốn):
    cần quyền như trong trang quản trị (Biên tập viên) hoặc khóa ghi."""

    queryset = ExplanationRequest.objects.select_related(
        "stream", "investor", "district", "explanation"
    ).prefetch_related("flags")
    serializer_class = ExplanationRequestSerializer
    filterset_class = RequestFilterSet
    ordering_fields = ["requested_at", "deadline", "id"]
    ordering = ["-requested_at", "-id"]

    @extend_schema(
        request=NewRequestsSerializer,
        responses={201: RequestsMadeSerializer},
        examples=[
            OpenApiExample(
                "Yêu cầu giải trình hai cảnh báo",
                value={"flags": [37, 41], "working_days": 5, "extra_emails": ["truongphong@example.vn"]},
                request_only=True,
            )
        ],
    )
    def create(self, request, *args, **kwargs):
        incoming = NewRequestsSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        ids = incoming.validated_data["flags"]
        flags = list(Flag.objects.select_related("investor", "district", "stream").filter(pk__in=ids))
        missing = sorted(set(ids) - {flag.pk for flag in flags})
        if missing:
            raise ValidationError({"flags": [f"Không có cảnh báo {', '.join(map(str, missing))}."]})
        # The account behind the request; a call with a key has none (ApiMixin).
        account = request._request.user
        user = account if account.is_authenticated else None
        try:
            result = services.create_requests(
                flags,
                user=user,
                working_days=incoming.validated_data.get("working_days"),
                extra_emails=incoming.validated_data.get("extra_emails", []),
            )
        except services.FollowUpError as exc:
            raise ValidationError({"flags": [str(exc)]}) from exc
        reread = self.get_queryset()
        data = {
            "created": ExplanationRequestSerializer(
                reread.filter(pk__in=[r.pk for r in result.created]), many=True
            ).data,
            "already_pending": ExplanationRequestSerializer(
                reread.filter(pk__in=[r.pk for r in result.already_pending]), many=True
            ).data,
        }
        return Response(data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["Giải trình"])
class ExplanationViewSet(ApiMixin, viewsets.ReadOnlyModelViewSet):
    """Giải trình các đơn vị đã gửi qua đường dẫn được cấp, với các cam kết giải ngân."""

    queryset = Explanation.objects.select_related("cause", "request").prefetch_related(
        "commitments__stream", "commitments__investor", "commitments__district", "commitments__explanation"
    )
    serializer_class = ExplanationSerializer
    ordering_fields = ["submitted_at", "id"]
    ordering = ["-submitted_at", "-id"]


@extend_schema(tags=["Giải trình"])
class CommitmentViewSet(ApiMixin, viewsets.ReadOnlyModelViewSet):
    """Cam kết giải ngân của các đơn vị và kết quả: đạt, không đạt (còn thiếu bao nhiêu) hay chưa đến kỳ đánh giá."""

    queryset = Commitment.objects.select_related("stream", "investor", "district", "explanation")
    serializer_class = CommitmentSerializer
    filterset_class = CommitmentFilterSet
    ordering_fields = ["due", "id", "shortfall"]
    ordering = ["due", "id"]
