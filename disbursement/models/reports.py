"""Settings of the drafted report: its wording and how each stream's units are banded.

The wording is stored as Django template text that the staff edit in the
admin; the figures are put into it by the service, never typed.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from core.money import TRIEU, TY, AmountError, parse_vn_decimal
from disbursement.models.reference import CapitalStream
from disbursement.templating import TemplateError, check_template

# How a staff member writes "the stream's average" among the limits.
AVERAGE_TOKENS = ("tb", "trung bình", "trung binh", "average")
AVERAGE = "average"


class ReportTemplate(models.Model):
    class Section(models.TextChoices):
        HEADING = "heading", "Tiêu đề"
        CITY = "city", "Toàn thành phố"
        SAME_PERIOD = "same_period", "Cùng kỳ năm trước"
        STREAM = "stream", "Dòng vốn (danh sách theo nhóm)"
        UNIT_ENTRY = "unit_entry", "Cách viết một đơn vị trong danh sách"
        FOLLOW_UP = "follow_up", "Giải trình và cam kết của đơn vị"
        UNITS_CHANGE = "units_change", "Sắp xếp đơn vị hành chính, chủ đầu tư"

    section = models.CharField("phần", max_length=30, choices=Section.choices)
    stream = models.ForeignKey(
        CapitalStream,
        verbose_name="dòng vốn",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text="Để trống: dùng chung cho mọi dòng vốn. Chọn dòng vốn: chỉ dùng cho dòng vốn đó.",
    )
    title = models.CharField("tiêu đề phần", max_length=300, blank=True)
    body = models.TextField(
        "nội dung (mẫu)",
        help_text="Mẫu câu theo cú pháp mẫu của Django: {{ biến }}, {% if %}, {% for %}. Số liệu do hệ thống điền.",
    )
    note = models.CharField("ghi chú", max_length=500, blank=True)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "mẫu câu báo cáo"
        verbose_name_plural = "mẫu câu báo cáo"
        ordering = ["section", "stream__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["section"], condition=Q(stream__isnull=True), name="report_template_one_default"
            ),
            models.UniqueConstraint(
                fields=["section", "stream"], condition=Q(stream__isnull=False), name="report_template_one_per_stream"
            ),
        ]

    def __str__(self) -> str:
        text = self.get_section_display()
        return f"{text} – {self.stream}" if self.stream_id else text

    def clean(self) -> None:
        if self.stream_id and self.section != self.Section.STREAM:
            raise ValidationError({"stream": "Chỉ phần 'Dòng vốn' mới có mẫu riêng cho từng dòng vốn."})
        for field in ("title", "body"):
            try:
                check_template(getattr(self, field))
            except TemplateError as exc:
                raise ValidationError({field: str(exc)}) from exc


class BandConfig(models.Model):
    """How one stream's units are grouped, listed and written in a year's reports."""

    class Order(models.TextChoices):
        DESCENDING = "desc", "Từ tỷ lệ cao xuống thấp"
        ASCENDING = "asc", "Từ tỷ lệ thấp lên cao"

    class AverageLimit(models.TextChoices):
        WRITTEN = "written", "Ghi phần trăm nguyên liền dưới (35,84% → 'trên 35%') và xếp nhóm theo ngưỡng đã ghi"
        EXACT = "exact", "Ghi đúng tỷ lệ chung và xếp nhóm theo tỷ lệ đó"

    class Unit(models.IntegerChoices):
        TY = TY, "tỷ đồng"
        TRIEU = TRIEU, "triệu đồng"

    stream = models.ForeignKey(
        CapitalStream, verbose_name="dòng vốn", on_delete=models.CASCADE, related_name="band_configs"
    )
    year = models.PositiveSmallIntegerField("năm kế hoạch")
    limits = models.CharField(
        "các ngưỡng tỷ lệ (%)",
        max_length=200,
        default="0; TB",
        help_text=(
            "Phân tách bằng dấu ';', ví dụ '0; 10; 35' hoặc '0; TB'. 'TB' là tỷ lệ giải ngân chung của dòng vốn. "
            "Ngưỡng 0 tách riêng nhóm đơn vị chưa giải ngân. Tỷ lệ bằng ngưỡng được xếp vào nhóm trên."
        ),
    )
    order = models.CharField("thứ tự liệt kê", max_length=10, choices=Order.choices, default=Order.DESCENDING)
    amount_unit = models.BigIntegerField("đơn vị số tiền", choices=Unit.choices, default=Unit.TY)
    amount_places = models.PositiveSmallIntegerField(
        "số chữ số thập phân của số tiền", null=True, blank=True, help_text="Để trống: 3 với tỷ đồng, 0 với triệu đồng."
    )
    ratio_places = models.PositiveSmallIntegerField("số chữ số thập phân của tỷ lệ đơn vị", default=1)
    average_places = models.PositiveSmallIntegerField(
        "số chữ số thập phân khi ghi ngưỡng TB",
        default=0,
        help_text=(
            "Báo cáo thường ghi tỷ lệ chung làm ngưỡng đã làm tròn ('trên 35%'); "
            "việc xếp nhóm vẫn dùng tỷ lệ chính xác."
        ),
    )
    average_limit = models.CharField(
        "ngưỡng TB", max_length=10, choices=AverageLimit.choices, default=AverageLimit.WRITTEN
    )
    not_disbursed_sentence = models.BooleanField(
        "nhóm chưa giải ngân viết thành một câu",
        default=False,
        help_text="Ví dụ: '15 chủ đầu tư chưa giải ngân với tổng số vốn được bố trí 476 tỷ đồng'.",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "cách xếp nhóm đơn vị"
        verbose_name_plural = "cách xếp nhóm đơn vị"
        ordering = ["-year", "stream__order"]
        constraints = [models.UniqueConstraint(fields=["stream", "year"], name="band_config_unique")]

    def __str__(self) -> str:
        return f"{self.stream} – năm {self.year}"

    def parsed_limits(self) -> list[Decimal | str]:
        """The limits as Decimals, with AVERAGE for the stream's average. Raises ValueError."""
        result: list[Decimal | str] = []
        for part in (self.limits or "").split(";"):
            token = part.strip().rstrip("%").strip()
            if not token:
                continue
            if token.lower() in AVERAGE_TOKENS:
                result.append(AVERAGE)
                continue
            try:
                value = parse_vn_decimal(token)
            except AmountError as exc:
                raise ValueError(f"Ngưỡng '{part.strip()}' không phải là số hoặc 'TB'.") from exc
            if value < 0:
                raise ValueError(f"Ngưỡng '{part.strip()}' không được âm.")
            result.append(value)
        if not result:
            raise ValueError("Cần ít nhất một ngưỡng.")
        return result

    def clean(self) -> None:
        try:
            self.parsed_limits()
        except ValueError as exc:
            raise ValidationError({"limits": str(exc)}) from exc
        if self.average_limit == self.AverageLimit.EXACT and not self.average_places:
            # Rounded to a whole percent, 35,84% would read 'trên 36%' while a unit at 35,9% is listed above it.
            raise ValidationError(
                {
                    "average_places": (
                        "Khi ghi đúng tỷ lệ chung, cần ít nhất 1 chữ số thập phân (nên dùng 2, ví dụ 'trên 35,84%'); "
                        "làm tròn thành số nguyên thì ngưỡng ghi trong báo cáo không phải ngưỡng dùng để xếp nhóm."
                    )
                }
            )
