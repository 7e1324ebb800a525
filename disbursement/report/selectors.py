"""Bands of units: which units are above or below a stream's limits.

band_for is THE function that puts a unit into a band and bands() THE one
that turns a config's limits into the values applied and the words written;
the report, the digest, the API and the admin ranking page all call them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from core.notation import format_percent
from disbursement.figures.selectors import ranking
from disbursement.models import BandConfig, CapitalStream, Figure, Snapshot
from disbursement.models.reports import AVERAGE

DEFAULT_LIMITS = "0; TB"
# Ratios are stored with six decimals: a written average never needs more.
MAX_LIMIT_PLACES = 6


class BandKind:
    NOT_REPORTED = "not_reported"
    NOT_DISBURSED = "not_disbursed"
    RANGE = "range"
    NO_PLAN = "no_plan"


# A unit that has not reported has no figure to judge; one without a plan has no ratio.
_PRIORITY = {BandKind.NOT_REPORTED: 0, BandKind.NO_PLAN: 1, BandKind.NOT_DISBURSED: 2, BandKind.RANGE: 3}


@dataclass(frozen=True)
class Band:
    """A band of ratios: lower <= ratio < upper (None: unbounded)."""

    key: str
    kind: str
    label: str
    lower: Decimal | None = None
    upper: Decimal | None = None

    def holds(self, figure: Figure) -> bool:
        if self.kind == BandKind.NOT_REPORTED:
            return figure.disbursed is None
        if figure.disbursed is None:
            return False
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

    @property
    def plan_total(self) -> int:
        """The capital allocated to the band's units, in đồng."""
        return sum(f.plan or 0 for f in self.units)

    @property
    def disbursed_total(self) -> int:
        return sum(f.disbursed or 0 for f in self.units)


def band_config_for(stream: CapitalStream, year: int) -> BandConfig:
    """The stream's config for the year, else the latest earlier one, else the earliest, else the default."""
    configs = BandConfig.objects.filter(stream=stream)
    config = configs.filter(year__lte=year).order_by("-year").first() or configs.order_by("year").first()
    return config or BandConfig(stream=stream, year=year, limits=DEFAULT_LIMITS)


def _limit_label(value: Decimal, places: int) -> str:
    return format_percent(value, places, drop_zero_fraction=True)


def _places_of(value: Decimal) -> int:
    return max(0, -value.normalize().as_tuple().exponent)


def average_limit(band_config: BandConfig, stream_average: Decimal | None) -> tuple[Decimal, str] | None:
    """The limit a band at the stream's average applies, and how the report writes it.

    WRITTEN (default): the average cut down to `average_places` decimals, whole
    percent by default (35,84% -> '35%'), and units are placed by that written
    limit, so a unit at 35,3% is above 'trên 35%' as the reader expects.
    EXACT: the exact average decides, written with `average_places` decimals.
    """
    if stream_average is None:
        return None
    average = Decimal(stream_average)
    places = band_config.average_places
    if band_config.average_limit == BandConfig.AverageLimit.EXACT:
        return average, _limit_label(average, places)
    written = average.quantize(Decimal(1).scaleb(-places), rounding=ROUND_DOWN)
    # An average below the first step written (0,4% in whole percents) keeps the decimals that show it.
    while written == 0 and average > 0 and places < MAX_LIMIT_PLACES:
        places += 1
        written = average.quantize(Decimal(1).scaleb(-places), rounding=ROUND_DOWN)
    return written, _limit_label(written, places)


def bands(band_config: BandConfig, stream_average: Decimal | None) -> list[Band]:
    """The bands of a config in listing order; 'no plan' and then 'not reported' always come last."""
    limits: dict[Decimal, str] = {}
    has_zero = False
    for limit in band_config.parsed_limits():
        if limit == AVERAGE:
            applied = average_limit(band_config, stream_average)
            if applied is None:
                continue
            value, label = applied
        else:
            # Fixed limits are written as given: '10%', '12,5%'.
            value = limit
            label = _limit_label(value, _places_of(value))
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
    result.append(Band("chua_bao_cao", BandKind.NOT_REPORTED, "chưa báo cáo"))
    return result


def band_for(figure: Figure, band_config: BandConfig) -> Band:
    """The band a unit's figure falls in under a config.

    A ratio equal to a limit belongs to the band above it; a unit with a plan
    that has disbursed nothing is 'chưa giải ngân' when the limits include 0;
    a unit without a plan (none or zero) has no ratio and its own band; a unit
    that has not reported this year (disbursed None) is 'chưa báo cáo', never
    'chưa giải ngân' and never in a ratio band.
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
    included with no units so that every reader sees the same bands. `total`
    counts every unit of the stream, those that have not reported included.
    """
    config = band_config or band_config_for(stream, snapshot.year)
    units = list(ranking(snapshot, stream))
    average = next((f.stream_average for f in units if f.stream_average is not None), None)
    groups = [BandedUnits(band=band) for band in bands(config, average)]
    by_key = {group.band.key: group for group in groups}
    for figure in units:
        by_key[band_for(figure, config).key].units.append(figure)
    for group in groups:
        group.total = len(units)
        if config.order == BandConfig.Order.ASCENDING and group.band.kind in (BandKind.RANGE, BandKind.NOT_DISBURSED):
            group.units.sort(key=_ratio_key)
    return groups
