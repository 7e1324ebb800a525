"""Work queued for the workers, kept in the database so that nothing is lost when the broker is not there,
and the lock that lets one beat process alone send the schedule."""

from __future__ import annotations

from django.db import models


class OutboxMessage(models.Model):
    """A task to send, written in the transaction that asked for it and sent once that transaction commits.

    A message the broker did not take stays unsent; the sweeper sends it again (disbursement/upkeep).
    Tasks are idempotent, so a message sent twice does its work once.
    """

    task = models.CharField("tác vụ", max_length=200)
    args = models.JSONField("tham số", default=list, blank=True)
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    sent_at = models.DateTimeField("đã gửi lúc", null=True, blank=True)
    attempts = models.PositiveSmallIntegerField("số lần gửi", default=0)
    last_error = models.TextField("lỗi gần nhất", blank=True)

    class Meta:
        verbose_name = "tác vụ chờ gửi"
        verbose_name_plural = "tác vụ chờ gửi"
        ordering = ["id"]
        indexes = [models.Index(fields=["sent_at", "created_at"], name="outbox_unsent")]

    def __str__(self) -> str:
        return f"{self.task}{tuple(self.args)}"


class ScheduleLock(models.Model):
    """Held by one beat process at a time: taken or renewed by a conditional UPDATE, lost when it expires."""

    name = models.CharField("tên", max_length=100, unique=True)
    holder = models.CharField("tiến trình giữ", max_length=200)
    expires_at = models.DateTimeField("hết hạn lúc")

    class Meta:
        verbose_name = "khóa lịch chạy"
        verbose_name_plural = "khóa lịch chạy"

    def __str__(self) -> str:
        return f"{self.name}: {self.holder}"
