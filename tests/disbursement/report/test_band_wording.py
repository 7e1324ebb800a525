"""A band at the stream's average is written as the limit it applies, and units are placed by that limit."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from core.money import TY
from disbursement.models import BandConfig
from disbursement.report.services import draft_report
from tests.disbursement.report.helpers import stream_snapshot
from tests.factories import stream

# Stream: 1.433,6 / 4.000 tỷ đồng = 35,84%. Units at 52,16%, 35,9%, 35,3% and 20%.
ROWS = [
    ("Cao", 1000 * TY, 521_600_000_000),
    ("Trên", 1000 * TY, 359 * TY),
    ("Sát", 1000 * TY, 353 * TY),
    ("Thấp", 1000 * TY, 200 * TY),
]
CAO = "huyện Cao (521,600 tỷ đồng / 1.000,000 tỷ đồng, đạt 52,2%)"
TREN = "huyện Trên (359,000 tỷ đồng / 1.000,000 tỷ đồng, đạt 35,9%)"
SAT = "huyện Sát (353,000 tỷ đồng / 1.000,000 tỷ đồng, đạt 35,3%)"
THAP = "huyện Thấp (200,000 tỷ đồng / 1.000,000 tỷ đồng, đạt 20%)"


def _config(**kwargs) -> BandConfig:
    return BandConfig.objects.update_or_create(
        stream=stream("district_transfer"), year=2024, defaults={"limits": "0; TB", **kwargs}
    )[0]


def _stream_text(snapshot) -> str:
    return draft_report(snapshot.id).sections[-1][1]


def test_average_is_written_at_the_whole_percent_below_and_units_are_placed_by_it(db):
    snapshot = stream_snapshot(ROWS)
    _config()
    text = _stream_text(snapshot)
    assert "đạt 35,84% kế hoạch" in text
    # 35,3% is above the 35% written, though below the exact 35,84%.
    assert f"- Có 03/04 quận, huyện giải ngân trên 35%, gồm: {CAO}; {TREN}; {SAT}." in text
    assert f"- Có 01 quận, huyện giải ngân dưới 35% là {THAP}." in text
    assert "36%" not in text


def test_exact_average_is_written_with_its_decimals_and_places_units(db):
    snapshot = stream_snapshot(ROWS)
    _config(average_limit=BandConfig.AverageLimit.EXACT, average_places=2)
    text = _stream_text(snapshot)
    assert f"- Có 02/04 quận, huyện giải ngân trên 35,84%, gồm: {CAO}; {TREN}." in text
    assert f"- Có 02/04 quận, huyện giải ngân dưới 35,84%, gồm: {SAT}; {THAP}." in text


def test_written_average_with_one_decimal_is_cut_not_rounded_up(db):
    # 35,84% with one decimal is written 35,8%: a unit at 35,82% is above what the reader sees.
    snapshot = stream_snapshot(
        [("Cao", 1000 * TY, 361_580_000_000), ("Sát", 1000 * TY, 358_200_000_000), ("Thấp", 1000 * TY, 355 * TY)]
    )
    _config(average_places=1)
    text = _stream_text(snapshot)
    assert "Có 02/03 quận, huyện giải ngân trên 35,8%, gồm: huyện Cao" in text
    assert "huyện Sát (358,200 tỷ đồng / 1.000,000 tỷ đồng, đạt 35,8%)." in text
    assert "Có 01 quận, huyện giải ngân dưới 35,8% là huyện Thấp" in text


def test_exact_average_rounded_to_a_whole_percent_is_refused(db):
    config = _config(average_limit=BandConfig.AverageLimit.EXACT, average_places=0)
    with pytest.raises(ValidationError) as excinfo:
        config.full_clean()
    assert "average_places" in excinfo.value.message_dict


def test_unit_ratios_take_the_configured_decimals(db):
    snapshot = stream_snapshot([("Hai phần ba", 300 * TY, 200 * TY)])
    _config(ratio_places=1)
    assert "huyện Hai phần ba (200,000 tỷ đồng / 300,000 tỷ đồng, đạt 66,7%)" in _stream_text(snapshot)
    _config(ratio_places=2)
    assert "huyện Hai phần ba (200,000 tỷ đồng / 300,000 tỷ đồng, đạt 66,67%)" in _stream_text(snapshot)


def test_amounts_are_written_in_the_configured_unit(db):
    snapshot = stream_snapshot([("Kiến Thụy", 270_020_000_000, 183_384_000_000)])
    _config(amount_unit=BandConfig.Unit.TY)
    text = _stream_text(snapshot)
    assert "kế hoạch vốn 270,020 tỷ đồng, lũy kế giải ngân 183,384 tỷ đồng" in text
    assert "huyện Kiến Thụy (183,384 tỷ đồng / 270,020 tỷ đồng, đạt 67,9%)" in text
    _config(amount_unit=BandConfig.Unit.TRIEU)
    text = _stream_text(snapshot)
    assert "kế hoạch vốn 270.020 triệu đồng, lũy kế giải ngân 183.384 triệu đồng" in text
    assert "huyện Kiến Thụy (183.384 triệu đồng / 270.020 triệu đồng, đạt 67,9%)" in text


def _fifteen_investors_not_disbursed() -> list[tuple[str, int, int]]:
    # 14 x 30 + 56 = 476 tỷ đồng allocated to investors that have paid out nothing.
    idle = [(f"Ban thử {n:02d}", 30 * TY, 0) for n in range(1, 15)] + [("Ban thử 15", 56 * TY, 0)]
    return [*idle, ("Sở Xây dựng", 100 * TY, 60 * TY)]


def test_not_disbursed_band_as_one_sentence_with_its_total(db):
    snapshot = stream_snapshot(_fifteen_investors_not_disbursed(), "city_assigned")
    BandConfig.objects.filter(stream=stream("city_assigned"), year=2024).update(
        not_disbursed_sentence=True, amount_places=0
    )
    text = _stream_text(snapshot)
    line = next(line for line in text.splitlines() if "chưa giải ngân" in line)
    assert line == "- Có 15 chủ đầu tư chưa giải ngân với tổng số vốn được bố trí 476 tỷ đồng."
    assert "Ban thử" not in text


def test_not_disbursed_band_lists_every_unit_without_the_sentence(db):
    snapshot = stream_snapshot(_fifteen_investors_not_disbursed(), "city_assigned")
    text = _stream_text(snapshot)
    assert (
        "- Có 15/16 chủ đầu tư chưa giải ngân, gồm: Ban thử 01 với tổng số vốn được bố trí là 30,000 tỷ đồng;" in text
    )
    assert "tổng số vốn được bố trí 476" not in text
