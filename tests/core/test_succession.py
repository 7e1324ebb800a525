"""Which earlier units a unit is compared with across mergers, splits and transfers."""

from __future__ import annotations

import datetime as dt

from core.succession import ComparisonBasis, Link, SuccessionKind, Successions

JUL_1 = dt.date(2025, 7, 1)
BEFORE = dt.date(2025, 6, 20)
AFTER = dt.date(2025, 7, 20)
ENDED = (None, dt.date(2025, 6, 30))
NEW = (JUL_1, None)


def test_a_merger_is_compared_over_all_its_predecessors():
    successions = Successions(
        [Link(1, 10, SuccessionKind.MERGE, JUL_1), Link(2, 10, SuccessionKind.MERGE, JUL_1)],
        {1: ENDED, 2: ENDED, 10: NEW},
    )
    lineage = successions.lineage(10, AFTER, BEFORE)
    assert lineage.units == {1, 2}
    assert lineage.comparable
    assert lineage.basis == ComparisonBasis.PREDECESSORS


def test_a_unit_absorbing_another_counts_itself_and_the_absorbed_one():
    successions = Successions([Link(2, 1, SuccessionKind.MERGE, JUL_1)], {2: ENDED})
    assert successions.lineage(1, AFTER, BEFORE).units == {1, 2}


def test_a_split_or_a_partial_transfer_is_not_comparable():
    split = Successions(
        [Link(1, 10, SuccessionKind.SPLIT, JUL_1), Link(1, 11, SuccessionKind.SPLIT, JUL_1)],
        {1: ENDED, 10: NEW, 11: NEW},
    )
    assert not split.lineage(10, AFTER, BEFORE).comparable
    assert split.lineage(10, AFTER, BEFORE).basis == ComparisonBasis.NOT_COMPARABLE
    transfer = Successions([Link(1, 2, SuccessionKind.TRANSFER, JUL_1)])
    # Both ends of a partial transfer changed perimeter: the giver and the receiver.
    assert not transfer.lineage(2, AFTER, BEFORE).comparable
    assert not transfer.lineage(1, AFTER, BEFORE).comparable


def test_changes_before_the_earlier_date_do_not_matter():
    successions = Successions([Link(1, 10, SuccessionKind.SPLIT, JUL_1)], {1: ENDED, 10: NEW})
    later = successions.lineage(10, dt.date(2025, 8, 1), AFTER)
    assert later.units == {10}
    assert later.comparable
    assert later.basis == ComparisonBasis.SAME_UNIT


def test_mergers_are_followed_through_several_steps():
    successions = Successions(
        [Link(1, 2, SuccessionKind.MERGE, dt.date(2025, 1, 1)), Link(2, 3, SuccessionKind.MERGE, JUL_1)],
        {1: (None, dt.date(2024, 12, 31)), 2: (dt.date(2025, 1, 1), ENDED[1]), 3: NEW},
    )
    assert successions.lineage(3, AFTER, dt.date(2024, 7, 20)).units == {1}
    assert successions.holder_on(1, AFTER) == 3
    assert successions.holder_on(1, dt.date(2024, 7, 20)) == 1


def test_the_holder_of_a_split_unit_is_none_and_of_an_unrecorded_end_is_itself():
    successions = Successions(
        [Link(1, 10, SuccessionKind.SPLIT, JUL_1), Link(1, 11, SuccessionKind.SPLIT, JUL_1)],
        {1: ENDED, 5: ENDED, 10: NEW, 11: NEW},
    )
    assert successions.holder_on(1, AFTER) is None
    assert successions.holder_on(1, BEFORE) == 1
    assert successions.holder_on(5, AFTER) == 5


def test_the_heirs_of_a_unit_on_a_date():
    successions = Successions(
        [
            Link(1, 10, SuccessionKind.MERGE, JUL_1),
            Link(2, 11, SuccessionKind.SPLIT, JUL_1),
            Link(2, 12, SuccessionKind.SPLIT, JUL_1),
            Link(10, 20, SuccessionKind.MERGE, dt.date(2026, 1, 1)),
        ],
        {1: ENDED, 2: ENDED, 10: (JUL_1, dt.date(2025, 12, 31)), 11: NEW, 12: NEW, 20: (dt.date(2026, 1, 1), None)},
    )
    assert successions.heirs_on(1, BEFORE) == {1}
    assert successions.heirs_on(1, AFTER) == {10}
    assert successions.heirs_on(1, dt.date(2026, 2, 1)) == {20}
    assert successions.heirs_on(2, AFTER) == {11, 12}
    assert successions.holder_on(2, AFTER) is None
