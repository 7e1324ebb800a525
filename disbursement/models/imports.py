"""Uploaded workbooks and the progress of their import."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from disbursement.models.snapshots import Snapshot


class ImportJob(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "chờ xử lý"
        PARSING = "parsing", "đang đọc tệp"
        NEEDS_CONFIRMATION = "needs_confirmation", "chờ xác nhận"
        IMPORTING = "importing", "đang nhập"
        DONE = "done", "đã nhập"
        FAILED = "failed", "lỗi"
        DUPLICATE = "duplicate", "tệp đã nhập trước đó"

    file = models.FileField("tệp", upload_to="imports/%Y/%m/", max_length=500)
    file_name = models.CharField("tên tệp", max_length=300)
    file_size = models.PositiveBigIntegerField("dung lượng (byte)", default=0)
    uncompressed_size = models.PositiveBigIntegerField("dung lượng khi giải nén (byte)", default=0)
    content_hash = models.CharField("mã băm nội dung (SHA-256)", max_length=64, blank=True, db_index=True)
    as_of = models.DateField("số liệu đến hết ngày (nhập tay)", null=True, blank=True)
    status = models.CharField("trạng thái", max_length=30, choices=Status.choices, default=Status.PENDING)
    rows_read = models.PositiveIntegerField("số dòng đã đọc", default=0)
    rows_total = models.PositiveIntegerField("tổng số dòng", default=0)
    errors = models.JSONField("lỗi", default=list, blank=True)
    warnings = models.JSONField("cảnh báo", default=list, blank=True)
    summary = models.JSONField("tóm tắt", default=dict, blank=True)
    errors_total = models.PositiveIntegerField("tổng số lỗi", default=0)
    sender = models.CharField("đơn vị gửi", max_length=300, blank=True)
    # Checks a person confirmed one by one (issue keys), and how unknown names were resolved.
    accepted = models.JSONField("cảnh báo đã xác nhận", default=list, blank=True)
    resolutions = models.JSONField("cách xử lý tên chưa nhận ra", default=dict, blank=True)
    submission = models.ForeignKey(
        "disbursement.Submission",
        verbose_name="báo cáo",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="import_jobs",
    )
    snapshot = models.ForeignKey(
        Snapshot,
        verbose_name="kỳ số liệu",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="import_jobs",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người tải lên",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người xác nhận",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The claim of whoever runs the job: a worker that dies leaves it behind, and after IMPORT_CLAIM_TIMEOUT_SECONDS
    # the job is retaken (at most IMPORT_MAX_RETAKES times).
    attempts = models.PositiveSmallIntegerField("số lần chạy", default=0)
    retakes = models.PositiveSmallIntegerField("số lần chạy lại sau khi bị bỏ dở", default=0)
    claimed_at = models.DateTimeField("nhận xử lý lúc", null=True, blank=True)
    file_removed_at = models.DateTimeField("đã xóa tệp lúc", null=True, blank=True)
    created_at = models.DateTimeField("tải lên lúc", auto_now_add=True)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)
    finished_at = models.DateTimeField("hoàn thành lúc", null=True, blank=True)

    class Meta:
        verbose_name = "lượt nhập tệp Excel"
        verbose_name_plural = "lượt nhập tệp Excel"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def progress_percent(self) -> int:
        if not self.rows_total:
            return 100 if self.status in {self.Status.DONE, self.Status.DUPLICATE} else 0
        return min(100, self.rows_read * 100 // self.rows_total)
