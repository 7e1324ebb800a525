"""Reference data: capital streams, budget sources, projects."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from districts.models import District
from investors.models import Investor


def one_unit_constraints(prefix: str, key: list[str]) -> list[models.BaseConstraint]:
    """A row belongs to exactly one unit, investor or district, and is unique per unit and `key`.

    Project rows are keyed separately, so the unit constraints apply to rows without a project.
    """
    return [
        models.CheckConstraint(
            condition=(
                Q(investor__isnull=False, district__isnull=True) | Q(investor__isnull=True, district__isnull=False)
            ),
            name=f"{prefix}_one_unit",
        ),
        models.UniqueConstraint(
            fields=[*key, "investor"],
            condition=Q(investor__isnull=False, project__isnull=True),
            name=f"{prefix}_unique_investor",
        ),
        models.UniqueConstraint(
            fields=[*key, "district"],
            condition=Q(district__isnull=False, project__isnull=True),
            name=f"{prefix}_unique_district",
        ),
    ]


def submission_link(related_name: str) -> models.ForeignKey:
    """The file (Submission) a stored row came from; a file stays while rows of any version name it."""
    return models.ForeignKey(
        "disbursement.Submission",
        verbose_name="theo báo cáo",
        null=True,
        blank=True,
        on_delete=models.RESTRICT,
        related_name=related_name,
    )


def replaced_in() -> models.ForeignKey:
    """The version of its date from which a shared row (a line, a figure) no longer holds: a later version
    restated it. Empty while it holds."""
    return models.ForeignKey(
        "disbursement.Snapshot",
        verbose_name="được thay ở kỳ số liệu",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )


class BudgetSource(models.Model):
    """Nguồn vốn. 'unsplit' holds figures a sender gave without the NSTW/NSĐP split."""

    CENTRAL = "nstw"
    LOCAL = "nsdp"
    OTHER = "other"
    UNSPLIT = "unsplit"

    code = models.CharField("mã", max_length=20, unique=True)
    name = models.CharField("tên", max_length=120)
    short_name = models.CharField("tên viết tắt", max_length=20)
    order = models.PositiveSmallIntegerField("thứ tự", default=0)

    class Meta:
        verbose_name = "nguồn vốn"
        verbose_name_plural = "nguồn vốn"
        ordering = ["order"]

    def __str__(self) -> str:
        return self.name


class CapitalStream(models.Model):
    """How the reports group the money: the sections of the workbook and of the report."""

    CITY_ASSIGNED = "city_assigned"
    DISTRICT_TRANSFER = "district_transfer"
    NEW_RURAL = "new_rural"
    OTHER = "other"

    class UnitLevel(models.TextChoices):
        INVESTOR = "investor", "chủ đầu tư"
        DISTRICT = "district", "quận, huyện"

    code = models.CharField("mã", max_length=30, unique=True)
    name = models.CharField("tên", max_length=300)
    unit_level = models.CharField("xếp hạng theo", max_length=20, choices=UnitLevel.choices)
    rural_only = models.BooleanField("chỉ các huyện", default=False)
    keywords = models.CharField(
        "từ khóa nhận diện",
        max_length=500,
        blank=True,
        help_text="Các cụm từ (phân tách bằng dấu ;) nhận ra mục này trong tiêu đề phần của tệp Excel.",
    )
    order = models.PositiveSmallIntegerField("thứ tự", default=0)

    class Meta:
        verbose_name = "dòng vốn"
        verbose_name_plural = "dòng vốn"
        ordering = ["order"]

    def __str__(self) -> str:
        return self.name

    @property
    def ranks_investors(self) -> bool:
        return self.unit_level == self.UnitLevel.INVESTOR


class Project(models.Model):
    code = models.CharField("mã dự án", max_length=50, unique=True)
    name = models.CharField("tên dự án", max_length=500)
    investor = models.ForeignKey(Investor, verbose_name="chủ đầu tư", on_delete=models.PROTECT, related_name="projects")
    district = models.ForeignKey(
        District, verbose_name="địa điểm", null=True, blank=True, on_delete=models.PROTECT, related_name="projects"
    )
    stream = models.ForeignKey(
        CapitalStream, verbose_name="dòng vốn", on_delete=models.PROTECT, related_name="projects"
    )

    class Meta:
        verbose_name = "dự án"
        verbose_name_plural = "dự án"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name
