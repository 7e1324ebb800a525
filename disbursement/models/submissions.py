"""Files received for a date: each one a partial report with its own scope.

The State Treasury, the new-rural programme office, the districts and the
investors each send their own table for a date, on their own day. A file
covers some streams and budget sources, the units it lists, and maybe the
city-wide summary. It replaces only what lies inside that scope: every file
that lands for a date makes a new version of the date's snapshot, holding the
new file's lines and, carried over unchanged, every line outside its scope.
Each line keeps the submission it came from.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from disbursement.models.reference import BudgetSource, CapitalStream
from disbursement.models.snapshots import Snapshot


class Submission(models.Model):
    year = models.PositiveSmallIntegerField("năm kế hoạch")
    as_of = models.DateField("số liệu đến hết ngày")
    sender = models.CharField("đơn vị gửi", max_length=300, blank=True)
    file_name = models.CharField("tên tệp", max_length=300, blank=True)
    content_hash = models.CharField("mã băm nội dung (SHA-256)", max_length=64, blank=True, db_index=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người nhập",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    imported_at = models.DateTimeField("thời điểm nhập", auto_now_add=True)
    # The version of the date's snapshot this file produced.
    snapshot = models.OneToOneField(
        Snapshot, verbose_name="kỳ số liệu tạo ra", on_delete=models.CASCADE, related_name="submission"
    )
    states_city = models.BooleanField("có số liệu toàn thành phố", default=False)
    streams = models.ManyToManyField(CapitalStream, verbose_name="dòng vốn", blank=True, related_name="+")
    sources = models.ManyToManyField(BudgetSource, verbose_name="nguồn vốn", blank=True, related_name="+")
    units = models.PositiveIntegerField("số đơn vị trong tệp", default=0)
    note = models.CharField("ghi chú", max_length=500, blank=True)

    class Meta:
        verbose_name = "báo cáo nhận được"
        verbose_name_plural = "báo cáo nhận được"
        ordering = ["-as_of", "-imported_at", "-id"]
        indexes = [models.Index(fields=["year", "as_of"], name="submission_date")]

    def __str__(self) -> str:
        who = f" ({self.sender})" if self.sender else ""
        return f"{self.file_name or 'Báo cáo'}{who}, số liệu đến {self.as_of:%d/%m/%Y}"


class NameAbbreviation(models.Model):
    """An abbreviation senders write in unit names (Bộ CHQS, ĐTXD, QLDA...), expanded before matching."""

    short = models.CharField("viết tắt", max_length=60, unique=True)
    full = models.CharField("viết đầy đủ", max_length=300)
    note = models.CharField("ghi chú", max_length=300, blank=True)

    class Meta:
        verbose_name = "chữ viết tắt trong tên đơn vị"
        verbose_name_plural = "chữ viết tắt trong tên đơn vị"
        ordering = ["short"]

    def __str__(self) -> str:
        return f"{self.short} = {self.full}"
