"""API keys for the dashboards that read (or push) data through the REST API.

Only a SHA-256 hash of a key is stored; the plaintext is shown once, when the
key is created. A key is found by its short prefix, then checked by its hash.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class ApiKey(models.Model):
    class Scope(models.TextChoices):
        READ = "read", "chỉ đọc"
        WRITE = "write", "đọc và ghi"

    name = models.CharField("tên", max_length=200, help_text="Hệ thống hoặc bảng điều khiển dùng khóa này.")
    prefix = models.CharField("tiền tố", max_length=12, unique=True)
    hashed_key = models.CharField("mã băm khóa (SHA-256)", max_length=64, unique=True)
    scope = models.CharField("quyền", max_length=10, choices=Scope.choices, default=Scope.READ)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người tạo",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("thời điểm tạo", auto_now_add=True)
    last_used_at = models.DateTimeField("lần dùng gần nhất", null=True, blank=True)
    revoked_at = models.DateTimeField("thu hồi lúc", null=True, blank=True)

    class Meta:
        verbose_name = "khóa API"
        verbose_name_plural = "khóa API"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["prefix"], condition=Q(revoked_at__isnull=True), name="apikey_active_prefix")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def can_write(self) -> bool:
        return self.scope == self.Scope.WRITE
