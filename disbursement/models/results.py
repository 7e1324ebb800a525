"""Computed figures of a snapshot: what the staff read.

Rows are written in one transaction per snapshot by the compute job, so a
reader never sees half a computation. Like lines, figures are shared between
versions of a date: a version computed from the one it superseded writes only
the figures that differ and reads the others from it (FigureQuerySet.of);
every reader asks for a version's figures through `of`, never by its id. Ratios are stored in percent with six
decimals for sorting and filtering; every display reads them through
core.figures / core.notation.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Case, OuterRef, Q, Subquery, Value, When

from core.succession import ComparisonBasis
from disbursement.models.reference import BudgetSource, CapitalStream, replaced_in
from disbursement.models.snapshots import Snapshot, rows_read, versions_read_by
from districts.models import District
from investors.models import Investor

RATIO = {"max_digits": 14, "decimal_places": 6, "null": True, "blank": True}


class FigureQuerySet(models.QuerySet):
    def of(self, snapshot: Snapshot):
        """The figures of a version, each with its stream's average (`stream_average`).

        A version's own figures, and if it shares figures (computed from the version it superseded), those
        of the versions since the last one computed whole that it has not replaced.
        """
        versions = versions_read_by(snapshot, "shares_figures")
        streams = rows_read(Figure.objects.all(), snapshot, versions)
        return rows_read(self, snapshot, versions).annotate(stream_average=_stream_average(streams))

    def current(self):
        """The figures of every date as its latest computed version reads them (see services.compute_snapshot),
        each with its stream's average on that date (`stream_average`)."""
        same_date = Figure.objects.filter(
            until__isnull=True,
            snapshot__year=OuterRef("snapshot__year"),
            snapshot__as_of=OuterRef("snapshot__as_of"),
        )
        return self.filter(until__isnull=True).annotate(stream_average=_stream_average(same_date))

    def rows_of(self, snapshot: Snapshot):
        """The figures of a version as stored, without their stream's average (see `of`)."""
        return rows_read(self, snapshot, versions_read_by(snapshot, "shares_figures"))


def _stream_average(rows) -> Case:
    """The ratio of the stream a figure belongs to, over the same source (or all sources), among `rows`.

    The average of a stream is the ratio of its totals, stored once on the stream's own figure: a unit's
    correction then changes that figure, not every unit's.
    """
    streams = rows.filter(scope=Figure.Scope.STREAM, stream_id=OuterRef("stream_id"))
    return Case(
        When(stream__isnull=True, then=Value(None)),
        When(source__isnull=True, then=Subquery(streams.filter(source__isnull=True).values("ratio")[:1])),
        default=Subquery(streams.filter(source_id=OuterRef("source_id")).values("ratio")[:1]),
        output_field=models.DecimalField(**RATIO),
    )


class Figure(models.Model):
    class Scope(models.TextChoices):
        CITY = "city", "toàn thành phố"
        SOURCE = "source", "theo nguồn vốn"
        STREAM = "stream", "theo dòng vốn"
        INVESTOR = "investor", "chủ đầu tư"
        DISTRICT = "district", "quận, huyện"

    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="figures", verbose_name="kỳ số liệu")
    scope = models.CharField("phạm vi", max_length=20, choices=Scope.choices)
    stream = models.ForeignKey(CapitalStream, verbose_name="dòng vốn", null=True, blank=True, on_delete=models.CASCADE)
    source = models.ForeignKey(BudgetSource, verbose_name="nguồn vốn", null=True, blank=True, on_delete=models.CASCADE)
    investor = models.ForeignKey(Investor, verbose_name="chủ đầu tư", null=True, blank=True, on_delete=models.CASCADE)
    district = models.ForeignKey(District, verbose_name="quận, huyện", null=True, blank=True, on_delete=models.CASCADE)

    # None: the unit has not reported yet this year ("chưa báo cáo"), never read as 0.
    disbursed = models.BigIntegerField("lũy kế giải ngân (đồng)", null=True, blank=True)
    # Where the figure came from: a unit's line may be carried from an earlier date of the year.
    reported_on = models.DateField("số liệu của ngày", null=True, blank=True)
    submission = models.ForeignKey(
        "disbursement.Submission",
        verbose_name="theo báo cáo",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # City and stream rows: a sum of the reports received rather than a stated summary.
    is_partial = models.BooleanField("tổng các báo cáo đã nhận", default=False)
    coverage = models.JSONField("phạm vi số liệu", default=dict, blank=True)
    # City plan for the city and sources; the unit's or stream's allocation otherwise.
    plan = models.BigIntegerField("kế hoạch (đồng)", null=True, blank=True)
    plan_pm = models.BigIntegerField("kế hoạch Thủ tướng giao (đồng)", null=True, blank=True)
    plan_detailed = models.BigIntegerField("vốn đã phân bổ chi tiết (đồng)", null=True, blank=True)
    ratio = models.DecimalField("tỷ lệ so kế hoạch (%)", **RATIO)
    ratio_pm = models.DecimalField("tỷ lệ so kế hoạch Thủ tướng giao (%)", **RATIO)
    ratio_detailed = models.DecimalField("tỷ lệ so vốn phân bổ chi tiết (%)", **RATIO)

    previous_snapshot = models.ForeignKey(
        Snapshot, verbose_name="kỳ trước", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    previous_disbursed = models.BigIntegerField("giải ngân kỳ trước", null=True, blank=True)
    previous_ratio = models.DecimalField("tỷ lệ kỳ trước (%)", **RATIO)
    change_amount = models.BigIntegerField("tăng so kỳ trước (đồng)", null=True, blank=True)
    change_points = models.DecimalField("tăng so kỳ trước (điểm %)", **RATIO)
    # A unit formed by a merger since then is compared with its predecessors' sum; after a split or a
    # partial transfer it is not compared at all (no figure above, "không so sánh được").
    previous_basis = models.CharField(
        "so với kỳ trước theo", max_length=20, choices=ComparisonBasis.choices, blank=True, default=""
    )

    same_period_snapshot = models.ForeignKey(
        Snapshot,
        verbose_name="kỳ cùng kỳ năm trước",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    same_period_disbursed = models.BigIntegerField("giải ngân cùng kỳ", null=True, blank=True)
    same_period_plan = models.BigIntegerField("kế hoạch cùng kỳ", null=True, blank=True)
    same_period_ratio = models.DecimalField("tỷ lệ cùng kỳ (%)", **RATIO)
    same_period_plan_pm = models.BigIntegerField("kế hoạch Thủ tướng giao cùng kỳ", null=True, blank=True)
    same_period_ratio_pm = models.DecimalField("tỷ lệ cùng kỳ so kế hoạch Thủ tướng giao (%)", **RATIO)
    same_period_basis = models.CharField(
        "so với cùng kỳ theo", max_length=20, choices=ComparisonBasis.choices, blank=True, default=""
    )

    rank = models.PositiveIntegerField("xếp hạng", null=True, blank=True)
    rank_of = models.PositiveIntegerField("trên tổng số", null=True, blank=True)
    previous_rank = models.PositiveIntegerField("xếp hạng kỳ trước", null=True, blank=True)
    rank_change = models.IntegerField("thay đổi thứ hạng", null=True, blank=True)
    stream_average_pm = models.DecimalField("tỷ lệ chung so kế hoạch Thủ tướng giao (%)", **RATIO)
    stream_average_detailed = models.DecimalField("tỷ lệ chung so vốn phân bổ chi tiết (%)", **RATIO)
    rank_pm = models.PositiveIntegerField("xếp hạng so kế hoạch Thủ tướng giao", null=True, blank=True)
    rank_of_pm = models.PositiveIntegerField("trên tổng số (kế hoạch Thủ tướng giao)", null=True, blank=True)
    rank_detailed = models.PositiveIntegerField("xếp hạng so vốn phân bổ chi tiết", null=True, blank=True)
    rank_of_detailed = models.PositiveIntegerField("trên tổng số (vốn phân bổ chi tiết)", null=True, blank=True)

    target_amount = models.BigIntegerField("mục tiêu giải ngân (đồng)", null=True, blank=True)
    remaining_amount = models.BigIntegerField("còn phải giải ngân (đồng)", null=True, blank=True)
    weekly_required = models.BigIntegerField("bình quân mỗi tuần cần giải ngân (đồng)", null=True, blank=True)
    target_date = models.DateField("hạn đạt mục tiêu", null=True, blank=True)
    weeks_remaining = models.PositiveIntegerField("số tuần còn lại", null=True, blank=True)
    until = replaced_in()

    objects = FigureQuerySet.as_manager()

    class Meta:
        verbose_name = "số liệu đã tính"
        verbose_name_plural = "số liệu đã tính"
        ordering = ["snapshot", "scope", "rank"]
        indexes = [
            models.Index(fields=["snapshot", "scope", "stream"], name="figure_lookup"),
            models.Index(fields=["investor", "scope"], name="figure_investor"),
            models.Index(fields=["district", "scope"], name="figure_district"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(disbursed__gte=0), name="figure_disbursed_nonneg"),
        ]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} {self.unit or ''} {self.snapshot}"

    @property
    def unit(self):
        return self.investor or self.district
