"""Capital plans and their revisions.

A plan figure never changes in place: each revision (điều chỉnh, bổ sung) is
a new row with the date it takes effect, and a ratio on a date uses the
revision in force on that date.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from core.fiscal import disbursement_deadline
from disbursement.models.reference import BudgetSource, CapitalStream, Project, one_unit_constraints
from districts.models import District
from investors.models import Investor


class CityPlan(models.Model):
    """A citywide plan figure for a year: whose plan (level) and which budget source."""

    class Level(models.TextChoices):
        PRIME_MINISTER = "pm", "Kế hoạch Thủ tướng Chính phủ giao"
        CITY = "city", "Kế hoạch thành phố giao"
        DETAILED = "detailed", "Vốn đã phân bổ chi tiết"

    year = models.PositiveSmallIntegerField("năm kế hoạch")
    level = models.CharField("cấp giao", max_length=20, choices=Level.choices)
    source = models.ForeignKey(BudgetSource, verbose_name="nguồn vốn", on_delete=models.PROTECT)

    class Meta:
        verbose_name = "kế hoạch vốn toàn thành phố"
        verbose_name_plural = "kế hoạch vốn toàn thành phố"
        ordering = ["-year", "level", "source__order"]
        constraints = [models.UniqueConstraint(fields=["year", "level", "source"], name="city_plan_unique")]

    def __str__(self) -> str:
        return f"{self.get_level_display()} năm {self.year} ({self.source.short_name})"


class Revision(models.Model):
    amount = models.BigIntegerField("số vốn (đồng)")
    effective_from = models.DateField("hiệu lực từ ngày")
    note = models.CharField("ghi chú / văn bản", max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người ghi",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField("thời điểm ghi", auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["effective_from", "id"]


class CityPlanRevision(Revision):
    plan = models.ForeignKey(CityPlan, verbose_name="kế hoạch", on_delete=models.CASCADE, related_name="revisions")
    history = HistoricalRecords()

    class Meta(Revision.Meta):
        verbose_name = "điều chỉnh kế hoạch toàn thành phố"
        verbose_name_plural = "điều chỉnh kế hoạch toàn thành phố"
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="city_plan_revision_amount_nonneg")]

    def __str__(self) -> str:
        return f"{self.plan} từ {self.effective_from:%d/%m/%Y}"


class Allocation(models.Model):
    """The plan of one unit (investor or district) in one stream from one budget source."""

    year = models.PositiveSmallIntegerField("năm kế hoạch")
    # The stream and the source are read with the year (the unique constraints' leading columns): no index of
    # their own, as on SnapshotLine.
    stream = models.ForeignKey(CapitalStream, verbose_name="dòng vốn", on_delete=models.PROTECT, db_index=False)
    source = models.ForeignKey(BudgetSource, verbose_name="nguồn vốn", on_delete=models.PROTECT, db_index=False)
    investor = models.ForeignKey(
        Investor, verbose_name="chủ đầu tư", null=True, blank=True, on_delete=models.PROTECT, related_name="allocations"
    )
    district = models.ForeignKey(
        District,
        verbose_name="quận, huyện",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="allocations",
    )
    project = models.ForeignKey(
        Project, verbose_name="dự án", null=True, blank=True, on_delete=models.PROTECT, related_name="allocations"
    )
    deadline = models.DateField("hạn giải ngân", help_text="Mặc định 31/01 năm sau; vốn được kéo dài có hạn riêng.")
    # History records are read by the record's id and by date (object history, audit page), never by these
    # copied references: not indexed (a large first import writes one record per unit and source).
    history = HistoricalRecords(no_db_index=["stream", "source", "investor", "district", "project"])

    class Meta:
        verbose_name = "kế hoạch vốn của đơn vị"
        verbose_name_plural = "kế hoạch vốn của đơn vị"
        ordering = ["-year", "stream__order"]
        constraints = [
            *one_unit_constraints("allocation", ["year", "stream", "source"]),
            models.UniqueConstraint(
                fields=["year", "stream", "source", "project"],
                condition=Q(project__isnull=False),
                name="allocation_unique_project",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} – {self.stream} – {self.source.short_name} – {self.year}"

    @property
    def unit(self):
        return self.investor or self.district

    def save(self, *args, **kwargs):
        if not self.deadline:
            self.deadline = disbursement_deadline(self.year)
        super().save(*args, **kwargs)


class AllocationRevision(Revision):
    allocation = models.ForeignKey(
        Allocation, verbose_name="kế hoạch", on_delete=models.CASCADE, related_name="revisions"
    )
    snapshot = models.ForeignKey(
        "disbursement.Snapshot",
        verbose_name="ghi nhận từ tệp",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="allocation_revisions",
    )
    # As Allocation's: the history is read by id and date, not by these references.
    history = HistoricalRecords(no_db_index=["allocation", "snapshot", "recorded_by"])

    class Meta(Revision.Meta):
        verbose_name = "điều chỉnh kế hoạch của đơn vị"
        verbose_name_plural = "điều chỉnh kế hoạch của đơn vị"
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="allocation_revision_amount_nonneg")]

    def __str__(self) -> str:
        return f"{self.allocation} từ {self.effective_from:%d/%m/%Y}"


def plan_start(year: int) -> dt.date:
    return dt.date(year, 1, 1)
