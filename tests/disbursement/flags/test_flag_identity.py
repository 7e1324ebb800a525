"""A flag is one open condition for one unit and rule: recomputes update it, they never recreate it."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from core.money import TY
from disbursement.figures.services import compute_snapshot, recompute_year
from disbursement.flags.selectors import flag_events, flag_history
from disbursement.models import Flag, Snapshot
from disbursement.models.flags import FlagEvent
from disbursement.snapshots.services import create_snapshot
from tests.builders import allocate, computed, investors, local, snapshot
from tests.factories import stream

WEEKS = [dt.date(2024, 3, 1) + dt.timedelta(weeks=i) for i in range(10)]


def below_threshold(unit) -> list[Flag]:
    return list(flag_history(investor=unit, kind="below_threshold").order_by("raised_on"))


def resend(day: dt.date, amounts: dict) -> Snapshot:
    """The file of a date sent again: a new version of the date's snapshot."""
    version = create_snapshot(year=day.year, as_of=day)
    for unit, amount in amounts.items():
        version.lines.create(stream=stream(), source=local(), investor=unit, disbursed=amount)
    return computed(version)


def test_the_same_flag_survives_ten_recomputes_with_one_id(db):
    (unit,) = investors(1)
    allocate(unit, 100 * TY)
    # Under the 10% threshold all along, the figure moving now and then.
    amounts = [5, 5, 6, 6, 6, 7, 7, 7, 7, 7]
    ids = set()
    for day, amount in zip(WEEKS, amounts, strict=True):
        computed(snapshot(day, {unit: amount * TY}))
        recompute_year(2024)
        ids.update(flag.id for flag in below_threshold(unit))
    for _ in range(10):
        recompute_year(2024)
        ids.update(flag.id for flag in below_threshold(unit))
    resend(WEEKS[-1], {unit: 8 * TY})
    ids.update(flag.id for flag in below_threshold(unit))

    (flag,) = below_threshold(unit)
    assert ids == {flag.id}
    assert (flag.raised_on, flag.last_seen_on, flag.cleared_on) == (WEEKS[0], WEEKS[-1], None)
    assert flag.reason == "Giải ngân 8% (8,000 tỷ đồng / 100,000 tỷ đồng), dưới ngưỡng 10%."
    assert flag.value == Decimal(8)
    assert flag.last_seen_snapshot == Snapshot.objects.current().get(as_of=WEEKS[-1])
    # Its history: the figure it was raised with, then each change, once.
    assert [(e.on, e.value) for e in flag_events(flag)] == [
        (WEEKS[0], Decimal(5)),
        (WEEKS[2], Decimal(6)),
        (WEEKS[5], Decimal(7)),
        (WEEKS[9], Decimal(8)),
    ]


def test_a_flag_clears_and_a_new_episode_opens_when_the_condition_returns(db):
    (unit,) = investors(1)
    allocate(unit, 100 * TY)
    for day, amount in zip(WEEKS[:5], [5 * TY, 6 * TY, 15 * TY, 8 * TY, 9 * TY], strict=True):
        computed(snapshot(day, {unit: amount}))
    first, second = below_threshold(unit)
    assert (first.raised_on, first.last_seen_on, first.cleared_on) == (WEEKS[0], WEEKS[1], WEEKS[2])
    assert (second.raised_on, second.last_seen_on, second.cleared_on) == (WEEKS[3], WEEKS[4], None)
    # The closed episode reads as it was last seen, the new one as it is now, each with its own history.
    assert first.reason.startswith("Giải ngân 6% ") and second.reason.startswith("Giải ngân 9% ")
    assert [e.on for e in flag_events(second)] == [WEEKS[3], WEEKS[4]]

    recompute_year(2024)
    assert [(f.id, f.raised_on, f.cleared_on) for f in below_threshold(unit)] == [
        (first.id, WEEKS[0], WEEKS[2]),
        (second.id, WEEKS[3], None),
    ]


def test_a_new_version_of_a_date_updates_the_flag_and_its_history_in_place(db):
    (unit,) = investors(1)
    allocate(unit, 100 * TY)
    computed(snapshot(WEEKS[0], {unit: 5 * TY}))
    computed(snapshot(WEEKS[1], {unit: 6 * TY}))
    (flag,) = below_threshold(unit)
    corrected = resend(WEEKS[1], {unit: 8 * TY})
    (same,) = below_threshold(unit)
    assert same.id == flag.id
    assert same.last_seen_snapshot_id == corrected.id
    assert [(e.on, e.value, e.snapshot_id) for e in flag_events(same)] == [
        (WEEKS[0], Decimal(5), flag.raised_snapshot_id),
        (WEEKS[1], Decimal(8), corrected.id),
    ]


def test_a_corrected_date_splits_an_episode_and_a_second_correction_joins_it_again(db):
    (unit,) = investors(1)
    allocate(unit, 100 * TY)
    for day, amount in zip(WEEKS[:5], [5, 6, 7, 8, 9], strict=True):
        computed(snapshot(day, {unit: amount * TY}))
    (flag,) = below_threshold(unit)
    # A corrected file says 12% on the middle date: two episodes, the earlier one keeps the id.
    resend(WEEKS[2], {unit: 12 * TY})
    first, second = below_threshold(unit)
    assert first.id == flag.id
    assert [(f.raised_on, f.last_seen_on, f.cleared_on) for f in (first, second)] == [
        (WEEKS[0], WEEKS[1], WEEKS[2]),
        (WEEKS[3], WEEKS[4], None),
    ]
    assert first.reason.startswith("Giải ngân 6% ") and second.reason.startswith("Giải ngân 9% ")
    assert [(e.on, e.value) for e in flag_events(first)] == [(WEEKS[0], Decimal(5)), (WEEKS[1], Decimal(6))]
    assert [(e.on, e.value) for e in flag_events(second)] == [(WEEKS[3], Decimal(8)), (WEEKS[4], Decimal(9))]
    # Corrected back: one episode again, under the first id, with the history of both parts.
    resend(WEEKS[2], {unit: 7 * TY})
    (joined,) = below_threshold(unit)
    assert (joined.id, joined.raised_on, joined.last_seen_on, joined.cleared_on) == (flag.id, WEEKS[0], WEEKS[4], None)
    assert joined.reason.startswith("Giải ngân 9% ")
    assert [(e.on, e.value) for e in flag_events(joined)] == [
        (WEEKS[i], Decimal(amount)) for i, amount in enumerate([5, 6, 7, 8, 9])
    ]
    assert not FlagEvent.objects.exclude(flag=joined).filter(flag__kind="below_threshold").exists()


def _dump() -> tuple[list, list]:
    flags = list(Flag.objects.order_by("id").values())
    events = list(FlagEvent.objects.order_by("id").values())
    return flags, events


def test_computing_the_same_snapshot_twice_changes_nothing(db):
    units = investors(3)
    for unit in units:
        allocate(unit, 100 * TY)
    snaps = [
        computed(snapshot(day, dict(zip(units, amounts, strict=True))))
        for day, amounts in zip(
            WEEKS[:4],
            [(0, 5 * TY, 30 * TY), (0, 5 * TY, 25 * TY), (2 * TY, 5 * TY, 40 * TY), (2 * TY, 5 * TY, 40 * TY)],
            strict=True,
        )
    ]
    before = _dump()
    assert before[0], "the scenario raises flags"
    for snap in (snaps[2], snaps[2], snaps[0], snaps[3]):
        compute_snapshot(snap.id, cascade=False)
    recompute_year(2024)
    assert _dump() == before


# --- Dates evaluated out of order ----------------------------------------------------------------

# Five weekly dates of one stream: A does not disburse, then does, then its cumulative figure falls;
# B is stuck under the threshold, then catches up; C runs ahead of the stream.
AMOUNTS = {
    "A": [0, 0, 5, 12, 8],
    "B": [5, 5, 5, 5, 20],
    "C": [30, 40, 50, 60, 70],
}
ORDERS = [(4, 3, 2, 1, 0), (0, 2, 4, 1, 3), (2, 0, 4, 1, 3), (1, 0, 3, 2, 4)]


def _days(year: int) -> list[dt.date]:
    return [dt.date(year, 3, 1) + dt.timedelta(weeks=i) for i in range(5)]


# Files sent with wrong figures before their correction: A disbursing early, B stuck, C not disbursing.
WRONG = {"A": [5, 5, 5, 5, 5], "B": [0, 0, 0, 0, 0], "C": [0, 0, 0, 0, 0]}


def _build(year: int, order, units: dict, capture, wrong_first: frozenset = frozenset()) -> None:
    for unit in units.values():
        allocate(unit, 100 * TY, effective=dt.date(year, 1, 1), year=year)
    days = _days(year)
    for i in order:
        for table in (WRONG, AMOUNTS) if i in wrong_first else (AMOUNTS,):
            snap = snapshot(days[i], {unit: table[name][i] * TY for name, unit in units.items()})
            # As an import does: compute the date, then every later date of the year after commit.
            with capture(execute=True):
                compute_snapshot(snap.id)


def _episodes(year: int, units: dict) -> list[tuple]:
    names = {unit.id: name for name, unit in units.items()}
    days = {day: i for i, day in enumerate(_days(year))}

    def text(reason: str) -> str:
        # Dates written in a text name the week, not the year.
        return re.sub(r"(\d\d/\d\d)/\d{4}", r"\1", reason)

    return sorted(
        (
            names[flag.investor_id],
            flag.kind,
            days[flag.raised_on],
            days[flag.last_seen_on],
            days.get(flag.cleared_on),
            flag.value,
            text(flag.reason),
            tuple((days[e.on], e.value, text(e.reason)) for e in flag_events(flag)),
        )
        for flag in Flag.objects.filter(year=year, investor__in=units.values())
    )


@pytest.mark.parametrize("order", ORDERS, ids=lambda order: "-".join(map(str, order)))
def test_dates_evaluated_out_of_order_give_the_episodes_of_date_order(db, django_capture_on_commit_callbacks, order):
    units = dict(zip(AMOUNTS, investors(3), strict=True))
    _build(2023, range(5), units, django_capture_on_commit_callbacks)
    _build(2024, order, units, django_capture_on_commit_callbacks)
    in_order = _episodes(2023, units)
    assert {(name, kind) for name, kind, *_ in in_order} >= {
        ("A", "not_disbursed"),
        ("A", "decrease"),
        ("B", "below_threshold"),
        ("B", "stalled"),
    }
    assert _episodes(2024, units) == in_order


def test_wrong_files_corrected_later_out_of_order_give_the_episodes_of_date_order(
    db, django_capture_on_commit_callbacks
):
    units = dict(zip(AMOUNTS, investors(3), strict=True))
    _build(2023, range(5), units, django_capture_on_commit_callbacks)
    _build(2024, (3, 1, 4, 0, 2), units, django_capture_on_commit_callbacks, wrong_first=frozenset({1, 2, 4}))
    assert _episodes(2024, units) == _episodes(2023, units)


def test_a_late_date_inside_an_episode_that_does_not_hold_splits_it(db, django_capture_on_commit_callbacks):
    (unit,) = investors(1)
    allocate(unit, 100 * TY)
    computed(snapshot(WEEKS[0], {unit: 5 * TY}))
    computed(snapshot(WEEKS[2], {unit: 15 * TY}))
    computed(snapshot(WEEKS[3], {unit: 6 * TY}))
    first, second = below_threshold(unit)
    # The missing week arrives late, under the threshold: the first episode runs on to it.
    with django_capture_on_commit_callbacks(execute=True):
        compute_snapshot(snapshot(WEEKS[1], {unit: 5 * TY}).id)
    assert [(f.id, f.raised_on, f.last_seen_on, f.cleared_on) for f in below_threshold(unit)] == [
        (first.id, WEEKS[0], WEEKS[1], WEEKS[2]),
        (second.id, WEEKS[3], WEEKS[3], None),
    ]
