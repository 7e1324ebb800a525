"""Flag rules, the schedules they check against, the flags they raise, engine settings.

A flag is one episode: raised on a snapshot date, updated by every computation, open until the condition
clears on a later snapshot date. Rules are configured in the admin, per stream
and year (empty = all).
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from disbursement.models.reference import BudgetSource, CapitalStream, submission_link
from disbursement.models.snapshots import Snapshot
from districts.models import District
from investors.models import Investor

PERCENT = {"max_digits": 9, "decimal_places": 4}


class FlagRule(models.Model):
    class Kind(models.TextChoices):
        NOT_DISBURSED = "not_disbursed", "Chưa giải ngân"
        BELOW_THRESHOLD = "below_threshold", "Giải ngân dưới ngưỡng"
        BELOW_STREAM_AVERAGE = "below_stream_average", "Dưới tỷ lệ chung của dòng vốn"
        BEHIND_MILESTONE = "behind_milestone", "Chậm so với mốc tiến độ của năm"
        BEHIND_REGISTERED = "behind_registered", "Chậm so với tiến độ đăng ký hằng quý"
        STALLED = "stalled", "Không tăng qua nhiều kỳ liên tiếp"
        DECREASE = "decrease", "Số liệu bất thường: lũy kế giảm so với kỳ trước"
        ABOVE_PLAN = "above_plan", "Số liệu bất thường: giải ngân vượt kế hoạch"
        STATED_RATIO_MISMATCH = "stated_ratio_mismatch", "Số liệu bất thường: tỷ lệ ghi trong tệp không khớp"
        SUBTOTAL_MISMATCH = "subtotal_mismatch", "Số liệu bất thường: dòng tổng không khớp"
        NOT_REPORTED = "not_reported", "Chưa báo cáo theo lịch"
        MISSED_COMMITMENT = "missed_commitment", "Cam kết giải ngân không đạt"
        OVERDUE_EXPLANATION = "overdue_explanation", "Quá hạn giải trình"

    # Kinds that say a unit is slow (reallocation candidates); the others are data anomalies.
    LAGGING_KINDS = frozenset(
        {
            "not_disbursed",
            "below_threshold",
            "below_stream_average",
            "behind_milestone",
            "behind_registered",
            "stalled",
            "missed_commitment",
            "overdue_explanation",
        }
    )
    # Kinds raised by the follow-up of explanation requests and commitments.
    FOLLOW_UP_KINDS = frozenset({"missed_commitment", "overdue_explanation"})

    name = models.CharField("tên quy tắc", max_length=200)
    kind = models.CharField("loại", max_length=40, choices=Kind.choices)
    stream = models.ForeignKey(
        CapitalStream,
        verbose_name="dòng vốn",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text="Để trống: áp dụng cho mọi dòng vốn.",
    )
    year = models.PositiveSmallIntegerField("năm kế hoạch", null=True, blank=True, help_text="Để trống: mọi năm.")
    threshold = models.DecimalField(
        "ngưỡng",
        null=True,
        blank=True,
        help_text="Tỷ lệ % (dưới ngưỡng); sai lệch điểm % cho phép (tỷ lệ ghi trong tệp); "
        "sai lệch đồng cho phép (dòng tổng).",
        max_digits=20,
        decimal_places=4,
    )
    n_snapshots = models.PositiveSmallIntegerField(
        "số kỳ liên tiếp", null=True, blank=True, validators=[MinValueValidator(1)], help_text="Cho quy tắc không tăng."
    )
    is_active = models.BooleanField("đang áp dụng", default=True)
    note = models.CharField("ghi chú", max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "quy tắc cảnh báo"
        verbose_name_plural = "quy tắc cảnh báo"
        ordering = ["kind", "stream", "year"]

    def __str__(self) -> str:
        return self.name

    @property
    def specificity(self) -> int:
        return (self.stream_id is not None) * 2 + (self.year is not None)


class MilestoneSchedule(models.Model):
    """The year's milestone schedule: at least `min_ratio` % of the plan by `due`."""

    year = models.PositiveSmallIntegerField("năm kế hoạch")
    stream = models.ForeignKey(
        CapitalStream,
        verbose_name="dòng vốn",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text="Để trống: mọi dòng vốn.",
    )
    due = models.DateField("đến hết ngày")
    min_ratio = models.DecimalField(
        "tỷ lệ tối thiểu (%)", validators=[MinValueValidator(0), MaxValueValidator(100)], **PERCENT
    )
    note = models.CharField("ghi chú / văn bản", max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "mốc tiến độ giải ngân của năm"
        verbose_name_plural = "mốc tiến độ giải ngân của năm"
        ordering = ["-year", "due"]
        constraints = [
            models.UniqueConstraint(fields=["year", "stream", "due"], name="milestone_unique"),
        ]

    def __str__(self) -> str:
        return f"Năm {self.year}: {self.min_ratio}% đến {self.due:%d/%m/%Y}"


class QuarterlySchedule(models.Model):
    """Đăng ký tiến độ giải ngân hàng quý: what a unit registered to disburse in one quarter."""

    year = models.PositiveSmallIntegerField("năm kế hoạch")
    quarter = models.PositiveSmallIntegerField("quý", validators=[MinValueValidator(1), MaxValueValidator(4)])
    stream = models.ForeignKey(CapitalStream, verbose_name="dòng vốn", on_delete=models.CASCADE)
    investor = models.ForeignKey(Investor, verbose_name="chủ đầu tư", null=True, blank=True, on_delete=models.CASCADE)
    district = models.ForeignKey(District, verbose_name="quận, huyện", null=True, blank=True, on_delete=models.CASCADE)
    amount = models.BigIntegerField("số vốn đăng ký giải ngân trong quý (đồng)", validators=[MinValueValidator(0)])
    note = models.CharField("ghi chú", max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "đăng ký tiến độ giải ngân hàng quý"
        verbose_name_plural = "đăng ký tiến độ giải ngân hàng quý"
        ordering = ["-year", "stream", "quarter"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(investor__isnull=False, district__isnull=True) | Q(investor__isnull=True, district__isnull=False)
                ),
                name="quarterly_schedule_one_unit",
            ),
            models.UniqueConstraint(
                fields=["year", "quarter", "stream", "investor"],
                condition=Q(investor__isnull=False),
                name="quarterly_schedule_unique_investor",
            ),
            models.UniqueConstraint(
                fields=["year", "quarter", "stream", "district"],
                condition=Q(district__isnull=False),
                name="quarterly_schedule_unique_district",
            ),
            models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4), name="quarterly_schedule_quarter"),
        ]

    def __str__(self) -> str:
        return f"{self.investor or self.district} – quý {self.quarter}/{self.year}"


class EngineSetting(models.Model):
    """Year-end target and reallocation thresholds; the row without a year is the default."""

    year = models.PositiveSmallIntegerField(
        "năm kế hoạch", null=True, blank=True, unique=True, help_text="Để trống: mặc định."
    )
    target_percent = models.DecimalField(
        "mục tiêu giải ngân (% kế hoạch thành phố giao)", default=Decimal(100), **PERCENT
    )
    target_date = models.DateField("hạn đạt mục tiêu", null=True, blank=True, help_text="Để trống: 31/01 năm sau.")
    near_exhaustion_percent = models.DecimalField(
        "coi là gần hết kế hoạch từ (%)", default=Decimal(90), help_text="Đơn vị có thể nhận thêm vốn.", **PERCENT
    )
    same_period_tolerance_days = models.PositiveSmallIntegerField(
        "cùng kỳ: lệch tối đa (ngày)",
        default=7,
        help_text="Chỉ so sánh với kỳ số liệu năm trước cách cùng ngày không quá số ngày này; "
        "không có thì ghi 'không có số liệu cùng kỳ'.",
    )
    reporting_interval_days = models.PositiveSmallIntegerField(
        "lịch báo cáo (ngày)",
        default=7,
        validators=[MinValueValidator(1)],
        help_text="Đơn vị có báo cáo gần nhất cũ hơn số ngày này so với kỳ số liệu bị cảnh báo 'chưa báo cáo'.",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "thiết lập tính toán"
        verbose_name_plural = "thiết lập tính toán"
        ordering = ["year"]

    def __str__(self) -> str:
        return f"Thiết lập năm {self.year}" if self.year else "Thiết lập mặc định"


class StatedSubtotal(models.Model):
    """A subtotal row as the file stated it (a stream's section heading), checked against its rows."""

    snapshot = models.ForeignKey(
        Snapshot, on_delete=models.CASCADE, related_name="stated_subtotals", verbose_name="kỳ số liệu"
    )
    stream = models.ForeignKey(CapitalStream, verbose_name="dòng vốn", on_delete=models.PROTECT)
    source = models.ForeignKey(
        BudgetSource,
        verbose_name="nguồn vốn",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text="Để trống: tổng số.",
    )
    disbursed = models.BigIntegerField("lũy kế giải ngân theo tệp (đồng)", null=True, blank=True)
    plan = models.BigIntegerField("kế hoạch theo tệp (đồng)", null=True, blank=True)
    stated_ratio = models.DecimalField("tỷ lệ theo tệp (%)", max_digits=12, decimal_places=4, null=True, blank=True)
    sheet = models.CharField("trang tính", max_length=100, blank=True)
    row = models.PositiveIntegerField("dòng", null=True, blank=True)
    submission = submission_link("stated_subtotals")

    class Meta:
        verbose_name = "dòng tổng theo tệp"
        verbose_name_plural = "dòng tổng theo tệp"
        constraints = [models.UniqueConstraint(fields=["snapshot", "stream", "source"], name="stated_subtotal_unique")]

    def __str__(self) -> str:
        return f"{self.stream} – {self.snapshot}"


class Flag(models.Model):
    """One episode of a rule's condition for one unit (or a stream, or the city).

    The same row lives from the first snapshot date its condition holds (raised) to the last one
    (last seen), and every computation updates it: `value` and `reason` are the figure and text as
    of the last date seen. It is cleared on the first later snapshot date the condition no longer
    holds; when the condition returns, a new episode (a new row) starts. Its events keep what it said
    over time, the first one being the figure it was raised with.
    """

    year = models.PositiveSmallIntegerField("năm kế hoạch")
    rule = models.ForeignKey(FlagRule, verbose_name="quy tắc", on_delete=models.CASCADE, related_name="flags")
    kind = models.CharField("loại", max_length=40, choices=FlagRule.Kind.choices)
    stream = models.ForeignKey(CapitalStream, verbose_name="dòng vốn", null=True, blank=True, on_delete=models.CASCADE)
    investor = models.ForeignKey(Investor, verbose_name="chủ đầu tư", null=True, blank=True, on_delete=models.CASCADE)
    district = models.ForeignKey(District, verbose_name="quận, huyện", null=True, blank=True, on_delete=models.CASCADE)
    source = models.ForeignKey(BudgetSource, verbose_name="nguồn vốn", null=True, blank=True, on_delete=models.CASCADE)
    raised_snapshot = models.ForeignKey(
        Snapshot, verbose_name="kỳ phát sinh", on_delete=models.CASCADE, related_name="raised_flags"
    )
    raised_on = models.DateField("phát sinh ngày")
    last_seen_snapshot = models.ForeignKey(
        Snapshot,
        verbose_name="kỳ gần nhất còn cảnh báo",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_seen_on = models.DateField("còn cảnh báo đến ngày")
    cleared_snapshot = models.ForeignKey(
        Snapshot, verbose_name="kỳ hết", null=True, blank=True, on_delete=models.SET_NULL, related_name="cleared_flags"
    )
    cleared_on = models.DateField("hết ngày", null=True, blank=True)
    # The figure and text as of the last snapshot date the condition held (the current ones while open).
    value = models.DecimalField("số liệu", max_digits=24, decimal_places=6, null=True, blank=True)
    reason = models.TextField("lý do")

    class Meta:
        verbose_name = "cảnh báo"
        verbose_name_plural = "cảnh báo"
        ordering = ["-raised_on", "kind"]
        indexes = [
            models.Index(fields=["year", "raised_on"], name="flag_raised"),
            models.Index(fields=["year", "cleared_on"], name="flag_cleared"),
            models.Index(fields=["investor", "year"], name="flag_investor"),
            models.Index(fields=["district", "year"], name="flag_district"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(last_seen_on__gte=F("raised_on")), name="flag_seen_from_raised"),
            models.CheckConstraint(
                condition=Q(cleared_on__isnull=True) | Q(cleared_on__gt=F("last_seen_on")),
                name="flag_cleared_after_seen",
            ),
        ]

    def __str__(self) -> str:
        return self.reason

    def save(self, *args, **kwargs):
        # A flag written by hand (not by the engine) has been seen on the date it was raised only.
        if self.last_seen_on is None:
            self.last_seen_on = self.raised_on
            self.last_seen_snapshot_id = self.raised_snapshot_id
        super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.cleared_on is None

    @property
    def unit(self):
        return self.investor or self.district


class FlagEvent(models.Model):
    """What a flag said from one snapshot date on: the first event is the figure it was raised with,
    then one per date its figure or text changed."""

    flag = models.ForeignKey(Flag, verbose_name="cảnh báo", on_delete=models.CASCADE, related_name="events")
    on = models.DateField("số liệu đến ngày")
    snapshot = models.ForeignKey(
        Snapshot, verbose_name="kỳ số liệu", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    value = models.DecimalField("số liệu", max_digits=24, decimal_places=6, null=True, blank=True)
    reason = models.TextField("lý do")

    class Meta:
        verbose_name = "diễn biến cảnh báo"
        verbose_name_plural = "diễn biến cảnh báo"
        ordering = ["flag", "on"]
        constraints = [models.UniqueConstraint(fields=["flag", "on"], name="flag_event_unique_date")]

    def __str__(self) -> str:
        return f"{self.on:%d/%m/%Y}: {self.reason}"
