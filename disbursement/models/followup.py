"""Follow-up of a flag: the explanation asked of a unit, its answer, its commitments, the reminders.

A request (yêu cầu giải trình) asks one unit, about one stream's flags, why it lags; it is mailed with a
signed link to a form that needs no account. The unit answers once: a cause from a list staff keep, what it
is doing, who is responsible, and commitments (cumulative amounts it will have disbursed by chosen dates).
Each commitment is checked against the first computed snapshot on or after its date: met, missed (by how
much), or pending until that snapshot exists. Reminders before the deadline and the escalation after it are
one row each, claimed by a conditional UPDATE before they are sent, so each is sent once.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from core.notation import format_amount_with_unit
from disbursement.models.flags import Flag
from disbursement.models.reference import CapitalStream
from disbursement.models.snapshots import Snapshot
from districts.models import District
from investors.models import Investor

ONE_UNIT = Q(investor__isnull=False, district__isnull=True) | Q(investor__isnull=True, district__isnull=False)


def new_secret() -> str:
    return secrets.token_urlsafe(16)


class ExplanationCause(models.Model):
    """A cause a unit may give for lagging (giải phóng mặt bằng, thủ tục đầu tư, ...), kept by staff."""

    name = models.CharField("nguyên nhân", max_length=200, unique=True)
    order = models.PositiveSmallIntegerField("thứ tự", default=0)
    needs_detail = models.BooleanField(
        "cần ghi rõ", default=False, help_text="Đơn vị phải ghi rõ nguyên nhân (ví dụ 'Khác')."
    )
    is_active = models.BooleanField("đang dùng", default=True)

    class Meta:
        verbose_name = "nguyên nhân chậm giải ngân"
        verbose_name_plural = "nguyên nhân chậm giải ngân"
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class PublicHoliday(models.Model):
    """A public holiday or a day off given for one (nghỉ bù, hoán đổi): not a working day in follow-up deadlines."""

    date = models.DateField("ngày nghỉ", unique=True)
    name = models.CharField("tên ngày lễ", max_length=200)
    note = models.CharField("căn cứ, ghi chú", max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "ngày nghỉ lễ, Tết"
        verbose_name_plural = "ngày nghỉ lễ, Tết (không tính vào thời hạn giải trình)"
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.name} ({self.date:%d/%m/%Y})"


class ExplanationRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "chờ giải trình"
        ANSWERED = "answered", "đã giải trình"
        CANCELLED = "cancelled", "đã hủy"

    class Mail(models.TextChoices):
        PENDING = "pending", "chờ gửi"
        CLAIMED = "claimed", "đang gửi"
        SENT = "sent", "đã gửi"
        FAILED = "failed", "lỗi"

    year = models.PositiveSmallIntegerField("năm kế hoạch")
    stream = models.ForeignKey(CapitalStream, verbose_name="dòng vốn", on_delete=models.PROTECT)
    investor = models.ForeignKey(
        Investor,
        verbose_name="chủ đầu tư",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="explanation_requests",
    )
    district = models.ForeignKey(
        District,
        verbose_name="quận, huyện",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="explanation_requests",
    )
    flags = models.ManyToManyField(Flag, verbose_name="cảnh báo", blank=True, related_name="explanation_requests")
    # What the flags said when the request was made: a flag's row may later be absorbed or removed by a recompute.
    summary = models.TextField("nội dung cảnh báo khi yêu cầu")
    recipients = models.JSONField("gửi đến", default=list)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người yêu cầu",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField("yêu cầu lúc")
    working_days = models.PositiveSmallIntegerField("thời hạn (ngày làm việc)", validators=[MinValueValidator(1)])
    deadline = models.DateField("hạn giải trình")
    status = models.CharField("tình trạng", max_length=20, choices=Status.choices, default=Status.PENDING)
    answered_at = models.DateTimeField("giải trình lúc", null=True, blank=True)
    # When its status last changed (asked, answered, cancelled, link renewed): the API's validators read it.
    changed_at = models.DateTimeField("thay đổi lúc", default=timezone.now, db_index=True)
    # Part of the signed link: a new secret makes every earlier link of the request invalid.
    secret = models.CharField(max_length=64, default=new_secret, editable=False)
    mail_status = models.CharField("thư yêu cầu", max_length=20, choices=Mail.choices, default=Mail.PENDING)
    mail_attempts = models.PositiveSmallIntegerField("số lần gửi", default=0)
    mail_error = models.TextField("lỗi gửi thư", blank=True)
    sent_at = models.DateTimeField("gửi thư lúc", null=True, blank=True)
    message_id = models.CharField("Message-ID", max_length=255, blank=True)

    class Meta:
        verbose_name = "yêu cầu giải trình"
        verbose_name_plural = "yêu cầu giải trình"
        ordering = ["-requested_at", "-id"]
        indexes = [
            models.Index(fields=["status", "deadline"], name="explanation_request_due"),
            models.Index(fields=["investor", "year"], name="explanation_request_investor"),
            models.Index(fields=["district", "year"], name="explanation_request_district"),
        ]
        constraints = [models.CheckConstraint(condition=ONE_UNIT, name="explanation_request_one_unit")]

    def __str__(self) -> str:
        return f"Yêu cầu giải trình {self.unit} – {self.stream} ({self.requested_at:%d/%m/%Y})"

    @property
    def unit(self):
        return self.investor or self.district


class Explanation(models.Model):
    """The unit's answer: one per request (a second submission of the form records nothing)."""

    request = models.OneToOneField(
        ExplanationRequest, verbose_name="yêu cầu", on_delete=models.CASCADE, related_name="explanation"
    )
    cause = models.ForeignKey(ExplanationCause, verbose_name="nguyên nhân", on_delete=models.PROTECT)
    cause_detail = models.TextField("nguyên nhân cụ thể", blank=True)
    actions = models.TextField("giải pháp đang thực hiện")
    responsible_name = models.CharField("người chịu trách nhiệm", max_length=200)
    responsible_title = models.CharField("chức vụ", max_length=200, blank=True)
    submitted_at = models.DateTimeField("gửi lúc")

    class Meta:
        verbose_name = "giải trình"
        verbose_name_plural = "giải trình"
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return f"Giải trình của {self.request.unit} ({self.submitted_at:%d/%m/%Y})"


class Commitment(models.Model):
    """A cumulative amount the unit will have disbursed in the request's stream by a date."""

    class Status(models.TextChoices):
        PENDING = "pending", "chưa đến kỳ đánh giá"
        MET = "met", "đạt"
        MISSED = "missed", "không đạt"

    explanation = models.ForeignKey(
        Explanation, verbose_name="giải trình", on_delete=models.CASCADE, related_name="commitments"
    )
    # The request's unit, stream and year, kept here so the compute reads commitments without joins.
    year = models.PositiveSmallIntegerField("năm kế hoạch")
    stream = models.ForeignKey(CapitalStream, verbose_name="dòng vốn", on_delete=models.PROTECT)
    investor = models.ForeignKey(
        Investor, verbose_name="chủ đầu tư", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    district = models.ForeignKey(
        District, verbose_name="quận, huyện", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    due = models.DateField("đến hết ngày")
    amount = models.BigIntegerField("lũy kế giải ngân cam kết (đồng)", validators=[MinValueValidator(1)])
    status = models.CharField("kết quả", max_length=20, choices=Status.choices, default=Status.PENDING)
    evaluated_snapshot = models.ForeignKey(
        Snapshot, verbose_name="đánh giá theo kỳ", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    evaluated_on = models.DateField("số liệu đến ngày", null=True, blank=True)
    disbursed = models.BigIntegerField("lũy kế giải ngân thực tế (đồng)", null=True, blank=True)
    shortfall = models.BigIntegerField("còn thiếu (đồng)", null=True, blank=True)

    class Meta:
        verbose_name = "cam kết giải ngân"
        verbose_name_plural = "cam kết giải ngân"
        ordering = ["due", "id"]
        indexes = [models.Index(fields=["year", "due"], name="commitment_due")]
        constraints = [
            models.CheckConstraint(condition=ONE_UNIT, name="commitment_one_unit"),
            models.UniqueConstraint(fields=["explanation", "due"], name="commitment_one_per_date"),
        ]

    def __str__(self) -> str:
        return f"{self.investor or self.district}: {self.amount} đồng đến {self.due:%d/%m/%Y}"

    @property
    def unit(self):
        return self.investor or self.district

    @property
    def amount_text(self) -> str:
        return format_amount_with_unit(self.amount)


class ExplanationReminder(models.Model):
    """A reminder before the deadline or the escalation after it: claimed, then sent, once."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", "nhắc trước hạn"
        ESCALATION = "escalation", "báo quá hạn"

    class Status(models.TextChoices):
        PENDING = "pending", "chờ gửi"
        CLAIMED = "claimed", "đang gửi"
        SENT = "sent", "đã gửi"
        SKIPPED = "skipped", "không cần gửi"
        FAILED = "failed", "lỗi"

    request = models.ForeignKey(
        ExplanationRequest, verbose_name="yêu cầu", on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField("loại", max_length=20, choices=Kind.choices)
    due_on = models.DateField("gửi từ ngày")
    status = models.CharField("trạng thái", max_length=20, choices=Status.choices, default=Status.PENDING)
    claimed_at = models.DateTimeField("nhận gửi lúc", null=True, blank=True)
    sent_at = models.DateTimeField("gửi lúc", null=True, blank=True)
    recipients = models.JSONField("gửi đến", default=list)
    last_error = models.TextField("lỗi gần nhất", blank=True)

    class Meta:
        verbose_name = "nhắc giải trình"
        verbose_name_plural = "nhắc giải trình"
        ordering = ["due_on", "id"]
        constraints = [models.UniqueConstraint(fields=["request", "kind"], name="explanation_reminder_once")]
        indexes = [models.Index(fields=["status", "due_on"], name="explanation_reminder_due")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.request}"
