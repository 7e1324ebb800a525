"""Investors (chủ đầu tư): the bodies that own projects and spend the capital.

Investors change too (departments merged in March 2025): each has validity
dates and dated successions, and a merged department's history, plans and
projects continue under its successor (core.succession).
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from core.names import normalize_name
from core.succession import Succession
from districts.models import District


class Investor(models.Model):
    class Kind(models.TextChoices):
        DEPARTMENT = "department", "Sở, ngành"
        BOARD = "board", "Ban Quản lý dự án"
        DISTRICT_COMMITTEE = "district_committee", "UBND quận, huyện, xã, phường, đặc khu"
        OTHER = "other", "Khác"

    code = models.CharField("mã", max_length=30, unique=True)
    name = models.CharField("tên", max_length=300)
    short_name = models.CharField(
        "tên ngắn", max_length=120, blank=True, help_text="Tên dùng trong báo cáo, nếu ngắn hơn."
    )
    kind = models.CharField("loại", max_length=30, choices=Kind.choices)
    district = models.ForeignKey(
        District,
        verbose_name="đơn vị hành chính",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="committees",
        help_text="Chỉ với UBND quận, huyện, xã, phường, đặc khu làm chủ đầu tư.",
    )
    name_key = models.CharField(max_length=300, editable=False, db_index=True)
    head_name = models.CharField("thủ trưởng đơn vị", max_length=200, blank=True)
    head_email = models.EmailField("email thủ trưởng", blank=True)
    contact_email = models.EmailField("email liên hệ", blank=True)
    active = models.BooleanField("đang hoạt động", default=True)
    valid_from = models.DateField("hiệu lực từ", default=dt.date(2000, 1, 1))
    valid_to = models.DateField("hiệu lực đến", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "chủ đầu tư"
        verbose_name_plural = "chủ đầu tư"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="district_committee", district__isnull=False) | ~Q(kind="district_committee"),
                name="investor_committee_has_district",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="investor_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def is_valid_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def save(self, *args, **kwargs):
        self.name_key = normalize_name(self.name)
        super().save(*args, **kwargs)


class InvestorSuccession(Succession):
    """A dated change: (part of) an investor passed to another (merge, split, partial transfer)."""

    predecessor = models.ForeignKey(
        Investor, on_delete=models.CASCADE, related_name="successions_out", verbose_name="chủ đầu tư trước"
    )
    successor = models.ForeignKey(
        Investor, on_delete=models.CASCADE, related_name="successions_in", verbose_name="chủ đầu tư kế thừa"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "kế thừa chủ đầu tư"
        verbose_name_plural = "kế thừa chủ đầu tư"
        ordering = ["effective_from", "successor__name", "predecessor__name"]
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="investor_succession_once"),
            models.CheckConstraint(
                condition=~Q(predecessor=models.F("successor")), name="investor_succession_not_self"
            ),
        ]


class InvestorAlias(models.Model):
    """Another spelling by which files name an investor ('Sở NN&PTNT')."""

    investor = models.ForeignKey(Investor, on_delete=models.CASCADE, related_name="aliases", verbose_name="chủ đầu tư")
    name = models.CharField("tên gọi khác", max_length=300)
    name_key = models.CharField(max_length=300, editable=False, unique=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "tên gọi khác của chủ đầu tư"
        verbose_name_plural = "tên gọi khác của chủ đầu tư"

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = normalize_name(self.name)
        super().save(*args, **kwargs)
