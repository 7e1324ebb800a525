"""Districts (quận, huyện): local units that receive capital of their own.

Units change over time (Thủy Nguyên became a city in 2025, the district level
was abolished in July 2025), so each has validity dates and a successor, and
history stays comparable.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from core.names import normalize_name


class District(models.Model):
    class Kind(models.TextChoices):
        URBAN = "quan", "quận"
        RURAL = "huyen", "huyện"
        CITY = "thanh_pho", "thành phố"
        TOWN = "thi_xa", "thị xã"

    code = models.CharField("mã", max_length=20, unique=True)
    name = models.CharField("tên", max_length=200, help_text="Tên riêng, không kèm 'quận'/'huyện'.")
    kind = models.CharField("loại", max_length=20, choices=Kind.choices)
    name_key = models.CharField(max_length=200, editable=False, db_index=True)
    valid_from = models.DateField("hiệu lực từ", default=dt.date(2000, 1, 1))
    valid_to = models.DateField("hiệu lực đến", null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        verbose_name="đơn vị kế thừa",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessors",
    )
    order = models.PositiveSmallIntegerField("thứ tự", default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "quận, huyện"
        verbose_name_plural = "quận, huyện"
        ordering = ["order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="district_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """'huyện Kiến Thụy', as the reports name a district."""
        return f"{self.get_kind_display()} {self.name}"

    @property
    def is_rural(self) -> bool:
        return self.kind == self.Kind.RURAL

    def is_valid_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def save(self, *args, **kwargs):
        self.name_key = normalize_name(self.name)
        super().save(*args, **kwargs)


class DistrictAlias(models.Model):
    """Another spelling by which files name a district ('Bạch Long Vỹ')."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="aliases", verbose_name="quận, huyện")
    name = models.CharField("tên gọi khác", max_length=200)
    name_key = models.CharField(max_length=200, editable=False, unique=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "tên gọi khác của quận, huyện"
        verbose_name_plural = "tên gọi khác của quận, huyện"

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = normalize_name(self.name)
        super().save(*args, **kwargs)
