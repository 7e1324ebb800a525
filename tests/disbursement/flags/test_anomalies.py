"""Data anomalies: a decrease, disbursement above plan, stated ratios and subtotals that do not match."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from core.money import TY
from disbursement.figures.services import compute_snapshot
from disbursement.flags.selectors import open_flags
from disbursement.models import StatedSubtotal
from tests.builders import allocate, computed, investors, snapshot
from tests.factories import stream
from tests.sample_rows import load_sample_rows


def anomalies(snap) -> list:
    return [
        f
        for f in open_flags(snap)
        if f.kind in {"decrease", "above_plan", "stated_ratio_mismatch", "subtotal_mismatch"}
    ]


def test_cumulative_amount_lower_than_the_previous_snapshot(db):
    (unit,) = investors(1)
    allocate(unit, 100 * TY)
    computed(snapshot(dt.date(2024, 3, 1), {unit: 30 * TY}))
    snap = computed(snapshot(dt.date(2024, 3, 8), {unit: 25 * TY}))
    flags = [f for f in anomalies(snap) if f.kind == "decrease"]
    # The unit, its stream and the city (no city sheet: the city is the sum of the lines).
    assert {(f.investor_id, f.stream_id) for f in flags} == {(unit.id, stream().id), (None, stream().id), (None, None)}
    unit_flag = next(f for f in flags if f.investor_id)
    assert unit_flag.value == -5 * TY
    assert unit_flag.reason == ("Lũy kế giải ngân 25,000 tỷ đồng thấp hơn kỳ trước (01/03/2024: 30,000 tỷ đồng).")


def test_disbursement_above_plan_and_without_plan(db):
    over, exact, unplanned = investors(3)
    allocate(over, 100 * TY)
    allocate(exact, 100 * TY)
    snap = computed(snapshot(dt.date(2024, 3, 1), {over: 101 * TY, exact: 100 * TY, unplanned: 1 * TY}))
    flags = {f.investor_id: f for f in anomalies(snap) if f.kind == "above_plan"}
    assert set(flags) == {over.id, unplanned.id}
    assert flags[over.id].value == 1 * TY
    assert "chưa có kế hoạch vốn" in flags[unplanned.id].reason


def test_stated_ratio_that_does_not_match_its_own_figures(db):
    right, wrong = investors(2)
    allocate(right, 100 * TY)
    allocate(wrong, 100 * TY)
    snap = snapshot(dt.date(2024, 3, 1), {right: 33 * TY, wrong: 33 * TY})
    snap.lines.filter(investor=right).update(stated_plan=90 * TY, stated_ratio=Decimal("36.67"))
    snap.lines.filter(investor=wrong).update(stated_plan=90 * TY, stated_ratio=Decimal("33"))
    computed(snap)
    (flag,) = [f for f in anomalies(snap) if f.kind == "stated_ratio_mismatch"]
    assert flag.investor == wrong
    assert flag.reason.startswith("Tỷ lệ ghi trong tệp 33,00% không khớp với số liệu (33,000 tỷ đồng / 90,000")


def test_subtotal_that_is_not_the_sum_of_its_rows(db):
    a, b = investors(2)
    allocate(a, 100 * TY)
    allocate(b, 100 * TY)
    snap = snapshot(dt.date(2024, 3, 1), {a: 10 * TY, b: 20 * TY})
    StatedSubtotal.objects.create(snapshot=snap, stream=stream(), disbursed=31 * TY, sheet="Biểu 1", row=9)
    computed(snap)
    (flag,) = [f for f in anomalies(snap) if f.kind == "subtotal_mismatch"]
    assert flag.stream == stream()
    assert flag.investor is None
    assert flag.value == 1 * TY
    assert "cộng các dòng 30,000 tỷ đồng" in flag.reason
    assert "(trang Biểu 1, dòng 9)" in flag.reason


def test_a_wrong_subtotal_in_the_sample_is_caught(db):
    sample = load_sample_rows()
    assert anomalies(sample.snapshot) == []
    # The report's 1.513,544 tỷ instead of the rows' 1.513,543.
    StatedSubtotal.objects.filter(snapshot=sample.snapshot, row=32).update(disbursed=1_513_544 * 10**6)
    compute_snapshot(sample.snapshot.id)
    (flag,) = anomalies(sample.snapshot)
    assert flag.kind == "subtotal_mismatch"
    assert "giải ngân ghi 1.513,544 tỷ đồng, cộng các dòng 1.513,543 tỷ đồng" in flag.reason
