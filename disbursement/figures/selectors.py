"""Reads of computed figures. Every page, API, digest, report and export reads here."""

from __future__ import annotations

from django.db.models import F, QuerySet

from disbursement.models import CapitalStream, Figure, Snapshot


def city_figure(snapshot: Snapshot) -> Figure | None:
    return (
        Figure.objects.filter(snapshot=snapshot, scope=Figure.Scope.CITY).select_related("same_period_snapshot").first()
    )


def source_figures(snapshot: Snapshot) -> QuerySet[Figure]:
    return (
        Figure.objects.filter(snapshot=snapshot, scope=Figure.Scope.SOURCE)
        .select_related("source")
        .order_by("source__order")
    )


def stream_figures(snapshot: Snapshot) -> QuerySet[Figure]:
    return (
        Figure.objects.filter(snapshot=snapshot, scope=Figure.Scope.STREAM)
        .select_related("stream")
        .order_by("stream__order")
    )


def ranking(snapshot: Snapshot, stream: CapitalStream) -> QuerySet[Figure]:
    """The units of a stream, highest ratio first; units without a plan last."""
    scope = Figure.Scope.INVESTOR if stream.ranks_investors else Figure.Scope.DISTRICT
    return (
        Figure.objects.filter(snapshot=snapshot, scope=scope, stream=stream)
        .select_related("investor", "district", "stream")
        .order_by(F("rank").asc(nulls_last=True), "-disbursed", "investor__name", "district__name")
    )
