"""The weekly digest: who receives it, and one delivery record per (week, recipient).

The delivery row is the claim: a retried or duplicated task finds the row
already claimed or sent and does not send again.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from disbursement.models.snapshots import Snapshot
from districts.models import District
from investors.models import Investor


class DigestRecipient(models.Model):
    class Kind(models.TextChoices):
        STAFF = "staff", "Cán bộ (bản tin đầy đủ)"
        UNIT_HEAD = "unit_head", "Thủ trưởng đơn vị (bản tin của đơn vị)"

    name = models.CharField("họ và tên", max_length=200)
    email = models.EmailField("email")
    kind = models.CharField("loại", max_length=20, choices=Kind.choices, default=Kind.STAFF)
    investor = models.ForeignKey(
        Investor,
        verbose_name="chủ đầu tư",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="digest_recipients",
    )
    district = models.ForeignKey(
        District,
        verbose_name="quận, huyện",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="digest_recipients",
    )
    paused = models.BooleanField("tạm dừng", default=False)
    from_head_email = models.BooleanField(
        "lấy từ email thủ trưởng",
        default=False,
        editable=False,
        help_text="Tạo tự động từ email thủ trưởng của chủ đầu tư; cập nhật khi email đó đổi.",
    )
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)

    class Meta:
        verbose_name = "người nhận bản tin"
        verbose_name_plural = "người nhận bản tin"
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="staff", investor__isnull=True, district__isnull=True)
                    | Q(kind="unit_head", investor__isnull=False, district__isnull=True)
                    | Q(kind="unit_head", investor__isnull=True, district__isnull=False)
                ),
                name="digest_recipient_unit_matches_kind",
            ),
            models.UniqueConstraint(
                fields=["investor"], condition=Q(from_head_email=True), name="digest_recipient_one_head_row"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"

    @property
    def unit(self):
        return self.investor or self.district


class DigestDelivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "chờ gửi"
        CLAIMED = "claimed", "đang gửi"
        SENT = "sent", "đã gửi"
        FAILED = "failed", "lỗi"

    week = models.DateField("tuần (thứ Hai)")
    recipient = models.ForeignKey(
        DigestRecipient, verbose_name="người nhận", on_delete=models.CASCADE, related_name="deliveries"
    )
    snapshot = models.ForeignKey(
        Snapshot, verbose_name="kỳ số liệu", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField("trạng thái", max_length=20, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField("số lần thử", default=0)
    last_error = models.TextField("lỗi gần nhất", blank=True)
    claimed_at = models.DateTimeField("nhận gửi lúc", null=True, blank=True)
    sent_at = models.DateTimeField("gửi lúc", null=True, blank=True)
    message_id = models.CharField("Message-ID", max_length=255, blank=True)
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)

    class Meta:
        verbose_name = "lượt gửi bản tin"
        verbose_name_plural = "lượt gửi bản tin"
        ordering = ["-week", "recipient__name"]
        constraints = [
            models.UniqueConstraint(fields=["week", "recipient"], name="digest_delivery_once_per_week"),
        ]
        indexes = [models.Index(fields=["status", "week"], name="digest_delivery_status")]

    def __str__(self) -> str:
        return f"Tuần {self.week:%d/%m/%Y} – {self.recipient}"
