"""Snapshots: cumulative disbursement from 1 January of the plan year up to a date.

A snapshot is the picture of a date assembled from the files received for it
(see submissions.py). Each file that lands makes a new version: the earlier
version is superseded and kept, so every past picture can be read again.

A version written by an import shares the unchanged lines of the versions
before it (`shares_lines`): a line belongs to the version whose file stated it
and stays in every later version of the date until a file restates its unit in
its stream (`until`, the version that replaced it). So a correction of one unit
writes that unit's lines only, whatever the size of the date, and each earlier
version still reads exactly the lines it had. A version written whole (by hand,
by the sample loader) reads only its own lines.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from disbursement.models.reference import (
    BudgetSource,
    CapitalStream,
    Project,
    one_unit_constraints,
    replaced_in,
    submission_link,
)
from districts.models import District
from investors.models import Investor


class SnapshotQuerySet(models.QuerySet):
    def current(self):
        return self.filter(is_current=True)


class Snapshot(models.Model):
    year = models.PositiveSmallIntegerField("năm kế hoạch")
    as_of = models.DateField("số liệu đến hết ngày")
    is_estimate = models.BooleanField("số ước", default=False)
    is_current = models.BooleanField("đang dùng", default=True)
    superseded_by = models.ForeignKey(
        "self",
        verbose_name="được thay bằng",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supersedes",
    )
    superseded_at = models.DateTimeField("thay lúc", null=True, blank=True)
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
    computed_at = models.DateTimeField("thời điểm tính", null=True, blank=True)
    note = models.CharField("ghi chú", max_length=500, blank=True)
    # Reads the lines of the versions before it that no later file restated (SnapshotLineQuerySet.of).
    shares_lines = models.BooleanField("dùng chung số liệu của phiên bản trước", default=False)
    # Computed from the version it superseded: reads that version's unchanged figures (FigureQuerySet.of).
    shares_figures = models.BooleanField("dùng chung kết quả tính của phiên bản trước", default=False)
    history = HistoricalRecords()

    objects = SnapshotQuerySet.as_manager()

    class Meta:
        verbose_name = "kỳ số liệu"
        verbose_name_plural = "kỳ số liệu"
        ordering = ["-as_of", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "as_of"], condition=Q(is_current=True), name="one_current_snapshot_per_date"
            ),
        ]
        indexes = [models.Index(fields=["year", "is_current", "as_of"], name="snapshot_year_current")]

    def __str__(self) -> str:
        text = f"Năm {self.year}, đến hết ngày {self.as_of:%d/%m/%Y}"
        return text if self.is_current else f"{text} (đã thay)"


class CityDisbursement(models.Model):
    """Citywide cumulative disbursement of a snapshot, per budget source."""

    snapshot = models.ForeignKey(
        Snapshot, on_delete=models.CASCADE, related_name="city_lines", verbose_name="kỳ số liệu"
    )
    source = models.ForeignKey(BudgetSource, verbose_name="nguồn vốn", on_delete=models.PROTECT)
    disbursed = models.BigIntegerField("lũy kế giải ngân (đồng)")
    submission = submission_link("city_lines")

    class Meta:
        verbose_name = "giải ngân toàn thành phố"
        verbose_name_plural = "giải ngân toàn thành phố"
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "source"], name="city_disbursement_unique"),
            models.CheckConstraint(condition=Q(disbursed__gte=0), name="city_disbursement_nonneg"),
        ]

    def __str__(self) -> str:
        return f"{self.snapshot} – {self.source}"


def versions_read_by(snapshot: Snapshot, shares: str) -> list[int]:
    """Ids of the versions of its date whose rows a version reads, itself first: walking back while each
    version shares the rows of the one before it (`shares` names the flag: shares_lines, shares_figures).

    Read from the database, not the instance: whether a version shares figures changes as it is computed.
    Versions of a date are created one after another (create_snapshot locks the current one), so an
    earlier version has a smaller id.
    """
    read = []
    for version_id, shared in (
        Snapshot.objects.filter(year=snapshot.year, as_of=snapshot.as_of, id__lte=snapshot.id)
        .order_by("-id")
        .values_list("id", shares)
    ):
        read.append(version_id)
        if not shared:
            break
    return read


def holding_in(snapshot: Snapshot) -> Q:
    """Rows of earlier versions that still hold in `snapshot`: not replaced, or replaced only later."""
    return Q(until__isnull=True) | Q(until__gt=snapshot.id)


def units_q(units) -> Q:
    """Rows (lines or figures) of units given as (investor_id, district_id), and perhaps a few others of
    the same investors or districts: a caller that needs exact units picks them from what it reads."""
    return Q(investor_id__in={i for i, _d in units if i is not None}) | Q(
        district_id__in={d for i, d in units if i is None and d is not None}
    )


def rows_read(rows, snapshot: Snapshot, versions: list[int]):
    """The rows (lines or figures) of `versions` (versions_read_by) that `snapshot` reads.

    A list of ids (usually one) lets every database use the rows' index on the version; a version's own rows
    all hold in it, only an earlier version's end at a later one.
    """
    if versions == [snapshot.id]:
        return rows.filter(snapshot_id=snapshot.id)
    return rows.filter(snapshot_id__in=versions).filter(holding_in(snapshot))


class SnapshotLineQuerySet(models.QuerySet):
    def of(self, snapshot: Snapshot):
        """The lines a version of a date reads: its own, and if it shares lines, those of the versions since
        the last one written whole that no version up to it has replaced.

        Versions of a date are created one after another (create_snapshot locks the current one), so an
        earlier version has a smaller id.
        """
        if not snapshot.shares_lines:
            # Whether a version shares lines is set when it is written and never changes.
            return self.filter(snapshot=snapshot)
        return rows_read(self, snapshot, versions_read_by(snapshot, "shares_lines"))

    def of_units(self, snapshot: Snapshot, units):
        """The lines a version reads for a few units, given as (stream_id, investor_id, district_id).

        Found through the units' indexes, over every date of the year: without statistics SQLite would
        rather walk the stream's index, every line of the stream over the year.
        """
        versions = versions_read_by(snapshot, "shares_lines") if snapshot.shares_lines else [snapshot.id]
        by_stream: dict[tuple[int, str], set[int]] = {}
        for stream_id, investor_id, district_id in units:
            level, unit_id = ("investor", investor_id) if investor_id else ("district", district_id)
            by_stream.setdefault((stream_id, level), set()).add(unit_id)
        found = Q(pk__in=[])
        for (stream_id, level), ids in by_stream.items():
            found |= Q(in_stream=stream_id, **{f"{level}_id__in": sorted(ids)})
        return (
            self.alias(in_stream=F("stream_id") + 0, in_version=F("snapshot_id") + 0)
            .filter(found, in_version__in=versions)
            .filter(holding_in(snapshot))
        )


class SnapshotLine(models.Model):
    """Cumulative disbursement of one unit in one stream from one source, as the file stated it.

    `snapshot` is the version whose file stated the line; later versions of the date read it too until
    `until`, the version whose file restated the unit in that stream (see SnapshotLineQuerySet.of).
    """

    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="lines", verbose_name="kỳ số liệu")
    # No index of their own on the stream and the source (a handful of values, always read with the version or
    # the unit): the unit and version indexes serve every query, and an import of 90,000 lines maintains two
    # fewer indexes.
    stream = models.ForeignKey(CapitalStream, verbose_name="dòng vốn", on_delete=models.PROTECT, db_index=False)
    source = models.ForeignKey(BudgetSource, verbose_name="nguồn vốn", on_delete=models.PROTECT, db_index=False)
    investor = models.ForeignKey(Investor, verbose_name="chủ đầu tư", null=True, blank=True, on_delete=models.PROTECT)
    district = models.ForeignKey(District, verbose_name="quận, huyện", null=True, blank=True, on_delete=models.PROTECT)
    project = models.ForeignKey(Project, verbose_name="dự án", null=True, blank=True, on_delete=models.PROTECT)
    disbursed = models.BigIntegerField("lũy kế giải ngân (đồng)")
    stated_plan = models.BigIntegerField("kế hoạch theo tệp (đồng)", null=True, blank=True)
    stated_ratio = models.DecimalField("tỷ lệ theo tệp (%)", max_digits=12, decimal_places=4, null=True, blank=True)
    sheet = models.CharField("trang tính", max_length=100, blank=True)
    row = models.PositiveIntegerField("dòng", null=True, blank=True)
    submission = submission_link("lines")
    until = replaced_in()

    objects = SnapshotLineQuerySet.as_manager()

    class Meta:
        verbose_name = "số liệu đơn vị"
        verbose_name_plural = "số liệu đơn vị"
        constraints = [
            models.CheckConstraint(condition=Q(disbursed__gte=0), name="snapshot_line_nonneg"),
            *one_unit_constraints("snapshot_line", ["snapshot", "stream", "source"]),
            models.UniqueConstraint(
                fields=["snapshot", "source", "project"],
                condition=Q(project__isnull=False),
                name="snapshot_line_unique_project",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} – {self.stream} – {self.source}"

    @property
    def unit(self):
        return self.investor or self.district
