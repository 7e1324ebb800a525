"""A digest of a long ranking lists its first and last units and says how many more, with counts over all.

DIGEST_MAX_UNITS is set low here so that twelve units stand for 50,000: what is listed, counted and
chosen (movers, reallocation candidates, the unit's own line) is what the whole ranking gives.
"""

from __future__ import annotations

import datetime as dt

import pytest

from core.money import TY
from disbursement.digest.selectors import full_digest, unit_digest
from disbursement.digest.services import render_digest
from disbursement.models import DigestRecipient
from tests.builders import allocate, computed, snapshot
from tests.factories import InvestorFactory

WEEK = dt.date(2024, 7, 22)
# Disbursed in tỷ of a 100 tỷ plan on 13/07 and 20/07; None: not reported by then.
AMOUNTS = [(90, 95), (70, 72), (60, 61), (50, 58), (40, 41), (30, 45), (25, 25), (20, 12), (8, 9), (5, 5), (3, 3)]


@pytest.fixture
def long_ranking(db):
    units = [InvestorFactory(name=f"Ban thử nghiệm {n:02d}") for n in range(len(AMOUNTS) + 1)]
    for unit in units:
        allocate(unit, 100 * TY)
    for day, index in ((dt.date(2024, 7, 13), 0), (dt.date(2024, 7, 20), 1)):
        # The last unit never reports: 'chưa báo cáo'.
        computed(snapshot(day, {unit: amounts[index] * TY for unit, amounts in zip(units, AMOUNTS, strict=False)}))
    return units


def _names(lines) -> list[str]:
    return [line.summary for line in lines]


def test_the_staff_digest_lists_the_first_and_last_units_and_counts_every_one(long_ranking, settings):
    settings.DIGEST_MAX_UNITS = 1000
    whole = full_digest(WEEK)
    settings.DIGEST_MAX_UNITS = 4
    bounded = full_digest(WEEK)

    (everything,) = whole.streams
    (section,) = bounded.streams
    assert len(everything.units) == 12
    assert _names(section.units) == _names(everything.units[:2] + everything.units[-2:])
    assert [u.omitted_before for u in section.units] == ["", "", "và 8 đơn vị khác", ""]
    assert section.flagged_count == everything.flagged_count and everything.flagged
    assert section.not_reported_count == len(everything.not_reported) == 1
    # Movers and candidates are chosen over every unit, not over those listed.
    assert _names(bounded.movers_up) == _names(whole.movers_up) and bounded.movers_up
    assert _names(bounded.movers_down) == _names(whole.movers_down) and bounded.movers_down
    assert _names(section.slow) == _names(everything.slow[:4])
    assert section.slow_more == (f"và {len(everything.slow) - 4} đơn vị khác" if len(everything.slow) > 4 else "")
    assert _names(section.fast) == _names(everything.fast[:4])

    staff = DigestRecipient.objects.create(name="Cán bộ", email="canbo@example.vn")
    rendered = render_digest(staff, WEEK)
    assert "và 8 đơn vị khác" in rendered.text and "và 8 đơn vị khác" in rendered.html
    assert "Ban thử nghiệm 05" not in rendered.text.split("3. XẾP HẠNG")[1].split("4. ĐỀ XUẤT")[0]
    assert "Đơn vị chưa báo cáo: 1." in rendered.text


def test_a_units_digest_keeps_its_own_line_from_the_middle_of_the_ranking(long_ranking, settings):
    middle = long_ranking[5]
    recipient = DigestRecipient.objects.create(
        name="Thủ trưởng", email="thutruong@example.vn", kind=DigestRecipient.Kind.UNIT_HEAD, investor=middle
    )
    settings.DIGEST_MAX_UNITS = 1000
    whole = unit_digest(WEEK, recipient)
    settings.DIGEST_MAX_UNITS = 4

    bounded = unit_digest(WEEK, recipient)

    assert _names(bounded.lines) == _names(whole.lines) and len(bounded.lines) == 1
    assert bounded.lines[0].name == "Ban thử nghiệm 05"
    (section,) = bounded.streams
    assert len(section.units) == 5 and bounded.lines[0].summary in _names(section.units)
    assert section.units[2].omitted_before == "và 7 đơn vị khác"
    assert render_digest(recipient, WEEK).chart
