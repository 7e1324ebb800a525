"""Imports through the API: upload a workbook, follow its progress, read its errors, confirm it."""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from disbursement.api.authentication import request_api_key
from disbursement.api.base import ID_REGEX, ApiMixin
from disbursement.api.exceptions import Conflict
from disbursement.importing.jobs import confirm_import_job, create_import_job
from disbursement.models import ImportJob


class ImportJobSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField(help_text="Trạng thái của lượt nhập.")
    file_name = serializers.CharField(allow_null=True)
    rows_read = serializers.IntegerField(allow_null=True)
    rows_total = serializers.IntegerField(allow_null=True)
    error_count = serializers.IntegerField()
    warning_count = serializers.IntegerField()
    snapshot = serializers.IntegerField(allow_null=True)

    def to_representation(self, job) -> dict:
        return {
            "id": job.pk,
            "status": job.status,
            "file_name": getattr(job, "file_name", None),
            "rows_read": job.rows_read,
            "rows_total": job.rows_total,
            "error_count": len(job.errors or []),
            "warning_count": len(job.warnings or []),
            "snapshot": job.snapshot_id,
        }


class ImportMessagesSerializer(serializers.Serializer):
    errors = serializers.JSONField(help_text="Lỗi theo dòng, tiếng Việt.")
    warnings = serializers.JSONField(help_text="Cảnh báo theo dòng, tiếng Việt.")


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="Tệp Excel (.xlsx) số liệu giải ngân.")
    as_of = serializers.DateField(required=False, help_text="Số liệu đến hết ngày, nếu tệp không ghi rõ.")

    def validate_file(self, value):
        if value.size > settings.IMPORT_MAX_FILE_BYTES:
            raise serializers.ValidationError("Tệp quá lớn.")
        if not value.name.lower().endswith(".xlsx"):
            raise serializers.ValidationError("Chỉ nhận tệp Excel .xlsx.")
        return value


def _user(request):
    # A call made with an API key has no account behind it.
    return None if request_api_key(request) is not None else request.user


@extend_schema(tags=["Nhập số liệu"])
class ImportJobViewSet(ApiMixin, viewsets.GenericViewSet):
    """Lượt nhập tệp Excel: gửi tệp (quyền ghi), theo dõi tiến độ, xem lỗi, xác nhận."""

    serializer_class = ImportJobSerializer
    filter_backends: list = []
    lookup_value_regex = ID_REGEX

    def get_queryset(self):
        return ImportJob.objects.order_by("-id")

    def get_parsers(self):
        if getattr(self, "action", None) == "create" or self.request is None or self.request.method == "POST":
            return [MultiPartParser(), FormParser()]
        return super().get_parsers()

    def _job(self, pk):
        job = self.get_queryset().filter(pk=pk).first()
        if job is None:
            raise NotFound()
        return job

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(ImportJobSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(ImportJobSerializer(self._job(pk)).data)

    @extend_schema(request=UploadSerializer, responses={202: ImportJobSerializer})
    def create(self, request):
        upload = UploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        file = upload.validated_data["file"]
        try:
            job = create_import_job(
                file, user=_user(request), file_name=file.name, as_of=upload.validated_data.get("as_of")
            )
        except ValueError as exc:
            raise ValidationError({"file": [str(exc)]}) from exc
        return Response(ImportJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses=ImportMessagesSerializer)
    @action(detail=True, methods=["get"])
    def errors(self, request, pk=None):
        """Lỗi và cảnh báo của lượt nhập, theo trang tính và dòng."""
        job = self._job(pk)
        return Response({"errors": job.errors or [], "warnings": job.warnings or []})

    @extend_schema(request=None, responses=ImportJobSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """Xác nhận lượt nhập đã kiểm tra xong để tạo kỳ số liệu."""
        job = self._job(pk)
        try:
            job = confirm_import_job(job.pk, _user(request)) or self._job(pk)
        except ValueError as exc:
            raise Conflict(str(exc)) from exc
        return Response(ImportJobSerializer(job).data)
