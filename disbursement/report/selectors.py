"""Bands of units: which units are above or below a stream's limits.

band_for is THE function that puts a unit into a band; the report, the
digest, the API and the admin ranking page all call it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from core.notation import format_percent
from disbursement.figures.selectors import ranking
from disbursement.models import BandConfig, CapitalStream, Figure, Snapshot
from disbursement.models.reports import AVERAGE

DEFAULT_LIMITS = "0; TB"
# Fixed limits are written as given: '10%', '12,5%'.
FIXED_LIMIT_PLACES = 2


class BandKind:
    NOT_DISBURSED = "not_disbursed"
    RANGE = "range"
    NO_PLAN = "no_plan"


_PRIORITY = {BandKind.NO_PLAN: 0, BandKind.NOT_DISBURSED: 1, BandKind.RANGE: 2}


@dataclass(frozen=True)
class Band:
    """A band of ratios: lower <= ratio < upper (None: unbounded)."""

    key: str
    kind: str
    label: str
    lower: Decimal | None = None
    upper: Decimal | None = None

    def holds(self, figure: Figure) -> bool:
        if self.kind == BandKind.NO_PLAN:
            return figure.ratio is None
        if figure.ratio is None:
            return False
        if self.kind == BandKind.NOT_DISBURSED:
            return figure.disbursed == 0
        ratio = Decimal(figure.ratio)
        return (self.lower is None or ratio >= self.lower) and (self.upper is None or ratio < self.upper)


@dataclass
class BandedUnits:
    band: Band
    units: list[Figure] = field(default_factory=list)
    total: int = 0

    @property
    def label(self) -> str:
        return self.band.label

    @property
    def count(self) -> int:
        return len(self.units)


def band_config_for(stream: CapitalStream, year: int) -> BandConfig:
    """The stream's config for the year, else the latest earlier one, else the earliest, else the default."""
    configs = BandConfig.objects.filter(stream=stream)
    config = configs.filter(year__lte=year).order_by("-year").first() or configs.order_by("year").first()
    return config or BandConfig(stream=stream, year=year, limits=DEFAULT_LIMITS)


def _limit_label(value: Decimal, places: int) -> str:
    return format_percent(value, places, drop_zero_fraction=True)


def bands(band_config: BandConfig, stream_average: Decimal | None) -> list[Band]:
    """The bands of a config in listing order; the 'no plan' band always comes last."""
    limits: dict[Decimal, str] = {}
    has_zero = False
    for limit in band_config.parsed_limits():
        if limit == AVERAGE:
            if stream_average is None:
                continue
            value = Decimal(stream_average)
            label = _limit_label(value, band_config.average_places)
        else:
            value = limit
            label = _limit_label(value, FIXED_LIMIT_PLACES)
        if value == 0:
            has_zero = True
            continue
        limits.setdefault(value, label)

    ordered = sorted(limits.items())
    result: list[Band] = []
    if has_zero:
        result.append(Band("chua_giai_ngan", BandKind.NOT_DISBURSED, "chưa giải ngân"))
    if not ordered:
        result.append(Band("co_giai_ngan", BandKind.RANGE, "có giải ngân", lower=None, upper=None))
    for position, (value, label) in enumerate(ordered):
        if position == 0:
            result.append(Band(f"duoi_{value}", BandKind.RANGE, f"dưới {label}", lower=None, upper=value))
        else:
            before, before_label = ordered[position - 1]
            result.append(
                Band(f"tu_{before}_den_{value}", BandKind.RANGE, f"từ {before_label} đến dưới {label}", before, value)
            )
    if ordered:
        value, label = ordered[-1]
        result.append(Band(f"tren_{value}", BandKind.RANGE, f"trên {label}", lower=value, upper=None))
    if band_config.order == BandConfig.Order.DESCENDING:
        result.reverse()
    result.append(Band("chua_co_ke_hoach", BandKind.NO_PLAN, "chưa có kế hoạch vốn"))
    return result


def band_for(figure: Figure, band_config: BandConfig) -> Band:
    """The band a unit's figure falls in under a config.

    A ratio equal to a limit belongs to the band above it; a unit with a plan
    that has disbursed nothing is 'chưa giải ngân' when the limits include 0;
    a unit without a plan (none or zero) has no ratio and its own band.
    """
    # The special bands first: a unit that has not disbursed also lies in the lowest range.
    for band in sorted(bands(band_config, figure.stream_average), key=lambda b: _PRIORITY[b.kind]):
        if band.holds(figure):
            return band
    raise AssertionError("the bands cover every ratio")  # pragma: no cover


def _ratio_key(figure: Figure) -> Decimal:
    return Decimal(figure.ratio)


def banded_units(snapshot: Snapshot, stream: CapitalStream, band_config: BandConfig | None = None) -> list[BandedUnits]:
    """The stream's units of a snapshot grouped into the config's bands, in listing order.

    Within a band units follow the config's order; equal ratios keep the
    ranking's order (larger disbursement first, then name). Empty bands are
    included with no units so that every reader sees the same bands.
    """
    config = band_config or band_config_for(stream, snapshot.year)
    units = list(ranking(snapshot, stream))
    average = units[0].stream_average if units else None
    groups = [BandedUnits(band=band) for band in bands(config, average)]
    by_key = {group.band.key: group for group in groups}
    for figure in units:
        by_key[band_for(figure, config).key].units.append(figure)
    for group in groups:
        group.total = len(units)
        if config.order == BandConfig.Order.ASCENDING and group.band.kind != BandKind.NO_PLAN:
            group.units.sort(key=_ratio_key)
    return groups
