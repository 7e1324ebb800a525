"""Imports through the API: upload a workbook, follow its progress, read its preview and errors, resolve the
names it does not know, confirm the implausible figures one by one, confirm it."""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from disbursement.api.authentication import request_api_key
from disbursement.api.base import ID_REGEX, ApiMixin
from disbursement.api.exceptions import Conflict
from disbursement.importing.jobs import (
    CREATE,
    MAP,
    confirm_import_job,
    create_import_job,
    issue_counts,
    resolve_unknown_names,
)
from disbursement.models import ImportJob


class ImportJobSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField(help_text="Trạng thái của lượt nhập.")
    file_name = serializers.CharField(allow_null=True)
    rows_read = serializers.IntegerField(allow_null=True)
    rows_total = serializers.IntegerField(allow_null=True)
    error_count = serializers.IntegerField(help_text="Tổng số lỗi (có thể nhiều hơn số lỗi được lưu).")
    warning_count = serializers.IntegerField(help_text="Tổng số cảnh báo (có thể nhiều hơn số cảnh báo được lưu).")
    to_confirm_count = serializers.IntegerField(help_text="Số mục bất thường chưa được xác nhận.")
    unknown_name_count = serializers.IntegerField(
        help_text="Số tên đơn vị chưa nhận ra (summary.unknown_names giữ tối đa IMPORT_MAX_STORED_ERRORS tên)."
    )
    snapshot = serializers.IntegerField(allow_null=True)
    attempts = serializers.IntegerField(help_text="Số lần lượt nhập đã được nhận xử lý (đọc tệp hoặc ghi).")
    retakes = serializers.IntegerField(
        help_text="Số lần chạy lại từ đầu vì lần trước bị bỏ dở (tiến trình xử lý ngừng hoạt động)."
    )
    claimed_at = serializers.DateTimeField(
        allow_null=True, help_text="Lúc lượt nhập được nhận xử lý lần cuối; tiến độ đọc tệp làm mới thời điểm này."
    )

    def to_representation(self, job) -> dict:
        summary = job.summary or {}
        counts = issue_counts(job)
        return {
            "id": job.pk,
            "status": job.status,
            "file_name": getattr(job, "file_name", None),
            "rows_read": job.rows_read,
            "rows_total": job.rows_total,
            "error_count": counts["errors"],
            "warning_count": counts["warnings"],
            "to_confirm_count": sum(1 for item in summary.get("to_confirm", []) if not item.get("accepted")),
            "unknown_name_count": counts["unknown_names"],
            "snapshot": job.snapshot_id,
            "attempts": job.attempts,
            "retakes": job.retakes,
            "claimed_at": serializers.DateTimeField().to_representation(job.claimed_at) if job.claimed_at else None,
        }


class ImportJobDetailSerializer(ImportJobSerializer):
    summary = serializers.JSONField(
        help_text="Xem trước: 'replaces' (một câu: tệp thay gì, giữ gì), 'units_kept', 'units_replaced', "
        "'units_new_on_date', 'units_unchanged', 'changes_total', 'changes' (từng đơn vị: giải ngân và tỷ lệ cũ -> "
        "mới), 'missing_units', 'to_confirm' (mục bất thường, mỗi mục một 'key'), 'unknown_names' (tên chưa nhận "
        "ra, kèm các đơn vị gần giống nhất)."
    )
    accepted = serializers.ListField(child=serializers.CharField(), help_text="Các mục bất thường đã xác nhận.")
    resolutions = serializers.JSONField(help_text="Cách đã xử lý từng tên chưa nhận ra (ai, lúc nào, đơn vị nào).")

    def to_representation(self, job) -> dict:
        return {
            **super().to_representation(job),
            "summary": job.summary or {},
            "accepted": list(job.accepted or []),
            "resolutions": job.resolutions or {},
        }


MESSAGE_KINDS = ("error", "warning", "to_confirm")


class ImportMessageSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=MESSAGE_KINDS, help_text="error: lỗi; warning: cảnh báo; to_confirm: mục bất thường cần xác nhận."
    )
    file = serializers.CharField()
    sheet = serializers.CharField(allow_null=True, help_text="Trang tính.")
    row = serializers.IntegerField(allow_null=True, help_text="Dòng.")
    column = serializers.IntegerField(allow_null=True, help_text="Cột (số).")
    cell = serializers.CharField(allow_null=True, help_text="Ô, ví dụ C12.")
    code = serializers.CharField()
    message = serializers.CharField(help_text="Nội dung, tiếng Việt.")
    key = serializers.CharField(help_text="Khóa của mục; với to_confirm: khóa gửi trong 'accept' khi xác nhận.")
    accepted = serializers.BooleanField(required=False, help_text="Với to_confirm: đã được xác nhận chưa.")


class ImportMessagesSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Số mục (đã lưu) trong mọi trang.")
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = ImportMessageSerializer(many=True, help_text="Lỗi, rồi cảnh báo, rồi mục bất thường.")
    errors_total = serializers.IntegerField(help_text="Tổng số lỗi, kể cả lỗi không được lưu.")
    errors_more = serializers.CharField(
        allow_blank=True, help_text="'và N lỗi khác' khi không phải lỗi nào cũng được lưu."
    )
    warnings_total = serializers.IntegerField(help_text="Tổng số cảnh báo, kể cả cảnh báo không được lưu.")
    warnings_more = serializers.CharField(
        allow_blank=True, help_text="'và N cảnh báo khác' khi không phải cảnh báo nào cũng được lưu."
    )
    to_confirm_total = serializers.IntegerField(help_text="Tổng số mục bất thường cần xác nhận.")


class ConfirmSerializer(serializers.Serializer):
    accept = serializers.ListField(
        child=serializers.CharField(max_length=500),
        required=False,
        max_length=10_000,
        help_text="Khóa ('key') của mọi mục bất thường đã kiểm tra là đúng; thay cho danh sách trước. "
        "Bỏ trống: giữ danh sách đã có. Cảnh báo thường được chấp nhận khi xác nhận; mục bất thường thì không.",
    )


class ResolutionSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=300, help_text="Tên như trong tệp (trong summary.unknown_names).")
    level = serializers.ChoiceField(
        choices=["investor", "district"],
        required=False,
        help_text="Chỉ cần khi một tên vừa là chủ đầu tư vừa là quận, huyện.",
    )
    action = serializers.ChoiceField(
        choices=[MAP, CREATE], help_text="map: là đơn vị đã có (lưu tên gọi khác); create: tạo đơn vị mới."
    )
    unit_id = serializers.IntegerField(
        required=False, min_value=1, max_value=10**9, help_text="Với map: mã chủ đầu tư hoặc quận, huyện."
    )
    kind = serializers.CharField(required=False, max_length=30, help_text="Với create: loại đơn vị.")
    district_id = serializers.IntegerField(
        required=False, min_value=1, max_value=10**9, help_text="Với create một UBND quận, huyện làm chủ đầu tư."
    )

    def validate(self, attrs):
        if attrs["action"] == MAP and "unit_id" not in attrs:
            raise serializers.ValidationError({"unit_id": ["Cần chọn đơn vị (unit_id) khi action là map."]})
        if attrs["action"] == CREATE and not attrs.get("kind"):
            raise serializers.ValidationError({"kind": ["Cần loại đơn vị (kind) khi action là create."]})
        return attrs


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="Tệp Excel (.xlsx) số liệu giải ngân.")
    as_of = serializers.DateField(required=False, help_text="Số liệu đến hết ngày, nếu tệp không ghi rõ.")
    sender = serializers.CharField(
        required=False, default="", max_length=300, help_text="Đơn vị gửi tệp; mặc định: đơn vị ghi ở tiêu đề tệp."
    )

    def validate_file(self, value):
        if value.size > settings.IMPORT_MAX_FILE_BYTES:
            raise serializers.ValidationError("Tệp quá lớn.")
        if not value.name.lower().endswith(".xlsx"):
            raise serializers.ValidationError("Chỉ nhận tệp Excel .xlsx.")
        return value


class _Messages(Sequence):
    """The stored messages of several kinds as one list for the paginator: only the page asked for is built."""

    def __init__(self, parts: list[tuple[str, list[dict]]]):
        self.parts = parts

    def __len__(self) -> int:
        return sum(len(items) for _kind, items in self.parts)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        for kind, items in self.parts:
            if index < len(items):
                return {"kind": kind, **items[index]}
            index -= len(items)
        raise IndexError(index)


def _user(request):
    # A call made with an API key has no account behind it.
    return None if request_api_key(request) is not None else request.user


@extend_schema(tags=["Nhập số liệu"])
class ImportJobViewSet(ApiMixin, viewsets.GenericViewSet):
    """Lượt nhập tệp Excel: gửi tệp (quyền ghi), theo dõi tiến độ, xem lỗi, xác nhận."""

    serializer_class = ImportJobSerializer
    filter_backends: list = []
    lookup_value_regex = ID_REGEX
    # What the admin's import pages ask (disbursement.add_snapshot); resolving also needs, per name, the right to
    # add the alias or unit (checked by the importer).
    required_permissions = {
        "create": ("disbursement.add_snapshot",),
        "confirm": ("disbursement.add_snapshot",),
        "resolve": ("disbursement.add_snapshot",),
    }

    def get_queryset(self):
        return ImportJob.objects.order_by("-id")

    def get_parsers(self):
        # Called before the viewset sets `action`: read it from the method and the route.
        request = getattr(self, "request", None)
        action = getattr(self, "action", None)
        if action is None and request is not None:
            action = getattr(self, "action_map", {}).get(request.method.lower())
        if action == "create" or request is None:
            return [MultiPartParser(), FormParser()]
        if action == "resolve":
            # A list of decisions: JSON only (a form cannot carry a top-level list).
            return [JSONParser()]
        return super().get_parsers()

    def _job(self, pk):
        job = self.get_queryset().filter(pk=pk).first()
        if job is None:
            raise NotFound()
        return job

    def list(self, request):
        """Các lượt nhập tệp Excel, mới nhất trước."""
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(ImportJobSerializer(page, many=True).data)

    @extend_schema(responses=ImportJobDetailSerializer)
    def retrieve(self, request, pk=None):
        """Tiến độ và bản xem trước của một lượt nhập: tệp thay gì, từng đơn vị đổi ra sao, mục cần xác nhận,
        tên chưa nhận ra."""
        return Response(ImportJobDetailSerializer(self._job(pk)).data)

    @extend_schema(request=UploadSerializer, responses={202: ImportJobSerializer})
    def create(self, request):
        """Gửi một tệp Excel để nhập: trả lời ngay với lượt nhập, kiểm tra và xem trước chạy sau đó."""
        upload = UploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        file = upload.validated_data["file"]
        try:
            job = create_import_job(
                file,
                user=_user(request),
                file_name=file.name,
                as_of=upload.validated_data.get("as_of"),
                sender=upload.validated_data.get("sender", ""),
            )
        except ValueError as exc:
            raise ValidationError({"file": [str(exc)]}) from exc
        return Response(ImportJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "kind",
                str,
                enum=[*MESSAGE_KINDS],
                description="Chỉ một loại: error (lỗi), warning (cảnh báo), to_confirm (mục bất thường).",
            )
        ],
        responses=ImportMessagesSerializer,
    )
    @action(detail=True, methods=["get"])
    def errors(self, request, pk=None):
        """Lỗi, cảnh báo và mục bất thường của lượt nhập, theo trang tính và dòng; phân trang (?page=, ?page_size=).

        Lượt nhập lưu tối đa IMPORT_MAX_STORED_ERRORS lỗi và chừng ấy cảnh báo; errors_total, warnings_total
        đếm tất cả.
        """
        job = self._job(pk)
        kind = request.query_params.get("kind")
        if kind is not None and kind not in MESSAGE_KINDS:
            raise ValidationError({"kind": [f"Chọn một trong: {', '.join(MESSAGE_KINDS)}."]})
        stored = {
            "error": job.errors or [],
            "warning": job.warnings or [],
            "to_confirm": (job.summary or {}).get("to_confirm", []),
        }
        items = _Messages([(k, stored[k]) for k in MESSAGE_KINDS if kind in (None, k)])
        page = self.paginate_queryset(items)
        response = self.get_paginated_response(page)
        counts = issue_counts(job)
        errors_more = counts["errors"] - len(stored["error"])
        warnings_more = counts["warnings"] - len(stored["warning"])
        response.data.update(
            {
                "errors_total": counts["errors"],
                "errors_more": f"và {errors_more} lỗi khác" if errors_more > 0 else "",
                "warnings_total": counts["warnings"],
                "warnings_more": f"và {warnings_more} cảnh báo khác" if warnings_more > 0 else "",
                "to_confirm_total": len(stored["to_confirm"]),
            }
        )
        return response

    @extend_schema(request=ConfirmSerializer, responses=ImportJobDetailSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """Xác nhận lượt nhập đã kiểm tra xong để tạo kỳ số liệu.

        Mục bất thường (summary.to_confirm) chỉ qua khi khóa của mục đó có trong 'accept'; còn thiếu
        mục nào thì lượt nhập vẫn ở trạng thái chờ xác nhận và không ghi gì.
        """
        body = ConfirmSerializer(data=request.data if isinstance(request.data, dict) else {})
        body.is_valid(raise_exception=True)
        job = self._job(pk)
        try:
            job = confirm_import_job(job.pk, _user(request), accept=body.validated_data.get("accept")) or self._job(pk)
        except ValueError as exc:
            raise Conflict(str(exc)) from exc
        return Response(ImportJobDetailSerializer(job).data)

    @extend_schema(request=ResolutionSerializer(many=True), responses=ImportJobDetailSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        """Xử lý tên chưa nhận ra rồi kiểm tra lại tệp: map (lưu tên gọi khác của đơn vị đã có) hoặc create.

        Cần đăng nhập với quyền thêm tên gọi khác / thêm chủ đầu tư, quận, huyện như trong trang quản trị;
        khóa API không tạo được danh mục.
        """
        if request_api_key(request) is not None:
            raise PermissionDenied("Khóa API không thêm được đơn vị hay tên gọi khác; cần cán bộ có quyền đăng nhập.")
        items = ResolutionSerializer(data=request.data, many=True)
        items.is_valid(raise_exception=True)
        job = self._job(pk)
        try:
            job = resolve_unknown_names(job.pk, [dict(item) for item in items.validated_data], request.user)
        except DjangoValidationError as exc:
            raise ValidationError({"resolutions": exc.messages}) from exc
        except ValueError as exc:
            raise Conflict(str(exc)) from exc
        return Response(ImportJobDetailSerializer(job).data)
