"""Local units that receive capital of their own, at every level over time.

District level (quận, huyện, thành phố thuộc thành phố, thị xã) until the
district level was abolished on 1 July 2025; commune level (xã, phường, đặc
khu) under them before and on their own since. Units change (Thủy Nguyên
became a city in 2025, communes merged in July 2025), so each has validity
dates, the unit above it where there is one, and dated successions (mergers,
splits, partial transfers) that keep history comparable (core.succession).
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from core.names import normalize_name
from core.succession import Succession


class District(models.Model):
    class Kind(models.TextChoices):
        URBAN = "quan", "quận"
        RURAL = "huyen", "huyện"
        CITY = "thanh_pho", "thành phố"
        TOWN = "thi_xa", "thị xã"
        COMMUNE = "xa", "xã"
        WARD = "phuong", "phường"
        SPECIAL_ZONE = "dac_khu", "đặc khu"

    class Level(models.TextChoices):
        DISTRICT = "district", "cấp huyện"
        COMMUNE = "commune", "cấp xã"

    COMMUNE_KINDS = frozenset({"xa", "phuong", "dac_khu"})
    # Kinds the new-rural programme (nông thôn mới) is for.
    RURAL_KINDS = frozenset({"huyen", "xa"})

    code = models.CharField("mã", max_length=20, unique=True)
    name = models.CharField("tên", max_length=200, help_text="Tên riêng, không kèm 'quận'/'huyện'.")
    kind = models.CharField("loại", max_length=20, choices=Kind.choices)
    level = models.CharField("cấp", max_length=20, choices=Level.choices, default=Level.DISTRICT, editable=False)
    parent = models.ForeignKey(
        "self",
        verbose_name="đơn vị cấp trên",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="Quận, huyện của một xã, phường trước ngày 01/7/2025; để trống nếu không có.",
    )
    name_key = models.CharField(max_length=200, editable=False, db_index=True)
    valid_from = models.DateField("hiệu lực từ", default=dt.date(2000, 1, 1))
    valid_to = models.DateField("hiệu lực đến", null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        verbose_name="đơn vị kế thừa chính",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessors",
        help_text="Đơn vị nhận toàn bộ đơn vị này; mọi sắp xếp (sáp nhập, chia tách, điều chuyển) ghi ở 'Kế thừa'.",
    )
    order = models.PositiveSmallIntegerField("thứ tự", default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "đơn vị hành chính"
        verbose_name_plural = "đơn vị hành chính (quận, huyện, xã, phường, đặc khu)"
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
        """'huyện Kiến Thụy', 'xã An Hưng', 'đặc khu Cát Hải': as the reports name a unit."""
        return f"{self.get_kind_display()} {self.name}"

    @property
    def is_rural(self) -> bool:
        """A unit the new-rural programme is for (huyện, xã), by its kind: a unit that changes kind is a
        new unit from that date (huyện An Dương until 2024, quận An Dương from 2025)."""
        return self.kind in self.RURAL_KINDS

    @classmethod
    def level_of(cls, kind: str) -> str:
        return cls.Level.COMMUNE if kind in cls.COMMUNE_KINDS else cls.Level.DISTRICT

    def is_valid_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def save(self, *args, **kwargs):
        self.name_key = normalize_name(self.name)
        self.level = self.level_of(self.kind)
        super().save(*args, **kwargs)


class DistrictSuccession(Succession):
    """A dated change: (part of) a unit passed to another (merge, split, partial transfer)."""

    predecessor = models.ForeignKey(
        District, on_delete=models.CASCADE, related_name="successions_out", verbose_name="đơn vị trước"
    )
    successor = models.ForeignKey(
        District, on_delete=models.CASCADE, related_name="successions_in", verbose_name="đơn vị kế thừa"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "kế thừa đơn vị hành chính"
        verbose_name_plural = "kế thừa đơn vị hành chính"
        ordering = ["effective_from", "successor__order", "predecessor__order"]
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="district_succession_once"),
            models.CheckConstraint(
                condition=~Q(predecessor=models.F("successor")), name="district_succession_not_self"
            ),
        ]


class DistrictAlias(models.Model):
    """Another spelling by which files name a local unit ('Bạch Long Vỹ')."""

    district = models.ForeignKey(
        District, on_delete=models.CASCADE, related_name="aliases", verbose_name="đơn vị hành chính"
    )
    name = models.CharField("tên gọi khác", max_length=200)
    name_key = models.CharField(max_length=200, editable=False, unique=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "tên gọi khác của đơn vị hành chính"
        verbose_name_plural = "tên gọi khác của đơn vị hành chính"

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = normalize_name(self.name)
        super().save(*args, **kwargs)
