"""Commitments are judged on the first snapshot on or after their date; a missed one raises its own flag."""

from __future__ import annotations

import datetime as dt

from core.money import TY
from disbursement.figures.services import recompute_year
from disbursement.flags.selectors import flag_history
from disbursement.followup import services
from disbursement.models import Commitment, ExplanationCause, Flag
from tests.builders import computed, snapshot

SEPT = dt.date(2024, 9, 30)
DEC = dt.date(2024, 12, 31)


def commit(lagging, *items) -> list[Commitment]:
    request = lagging.ask()
    services.submit_explanation(
        request.pk,
        services.ExplanationData(
            cause=ExplanationCause.objects.get(name="Giải phóng mặt bằng"),
            cause_detail="",
            actions="Phối hợp quận bàn giao mặt bằng.",
            responsible_name="Trần Văn Bình",
            responsible_title="Giám đốc",
            commitments=[services.CommitmentData(due, amount) for due, amount in items],
        ),
    )
    return list(Commitment.objects.order_by("due"))


def statuses() -> list[tuple]:
    return list(Commitment.objects.order_by("due").values_list("status", "evaluated_on", "disbursed", "shortfall"))


def test_pending_until_a_snapshot_on_or_after_the_date_then_met_or_missed(lagging):
    commit(lagging, (SEPT, 30 * TY), (DEC, 60 * TY))
    computed(snapshot(dt.date(2024, 9, 20), {lagging.unit: 20 * TY, lagging.other: 70 * TY}))
    assert [s[0] for s in statuses()] == ["pending", "pending"]

    # The first snapshot on or after 30/09 judges the September commitment: 25 tỷ of 30, missed by 5.
    computed(snapshot(dt.date(2024, 10, 4), {lagging.unit: 25 * TY, lagging.other: 75 * TY}))
    assert statuses() == [
        ("missed", dt.date(2024, 10, 4), 25 * TY, 5 * TY),
        ("pending", None, None, None),
    ]
    # A later snapshot does not judge it again.
    computed(snapshot(dt.date(2024, 10, 11), {lagging.unit: 40 * TY, lagging.other: 80 * TY}))
    assert statuses()[0] == ("missed", dt.date(2024, 10, 4), 25 * TY, 5 * TY)

    computed(snapshot(DEC, {lagging.unit: 64 * TY, lagging.other: 95 * TY}))
    assert statuses()[1] == ("met", DEC, 64 * TY, 0)


def test_a_missed_commitment_raises_a_flag_until_the_amount_is_reached(lagging):
    commit(lagging, (SEPT, 30 * TY))
    computed(snapshot(dt.date(2024, 10, 4), {lagging.unit: 25 * TY, lagging.other: 75 * TY}))

    (flag,) = flag_history(investor=lagging.unit, kind="missed_commitment")
    assert flag.is_open and flag.value == 5 * TY
    assert flag.reason == (
        "Cam kết giải ngân lũy kế 30,000 tỷ đồng đến hết ngày 30/09/2024; đến ngày 04/10/2024 đạt 25,000 tỷ đồng, "
        "còn thiếu 5,000 tỷ đồng."
    )
    # The same flag is updated by later snapshots and recomputes, never recreated.
    computed(snapshot(dt.date(2024, 10, 11), {lagging.unit: 28 * TY, lagging.other: 80 * TY}))
    for _ in range(10):
        recompute_year(2024)
    (same,) = flag_history(investor=lagging.unit, kind="missed_commitment")
    assert same.id == flag.id and same.value == 2 * TY and "còn thiếu 2,000 tỷ đồng" in same.reason

    computed(snapshot(dt.date(2024, 10, 18), {lagging.unit: 31 * TY, lagging.other: 85 * TY}))
    same.refresh_from_db()
    assert same.cleared_on == dt.date(2024, 10, 18)
    assert not Flag.objects.filter(kind="missed_commitment", cleared_on__isnull=True).exists()


def test_a_snapshot_computed_out_of_order_judges_the_commitment_again(lagging):
    commit(lagging, (SEPT, 30 * TY))
    computed(snapshot(dt.date(2024, 10, 11), {lagging.unit: 35 * TY, lagging.other: 80 * TY}))
    assert statuses()[0][0] == "met"

    # A file for 04/10 arrives late: it is now the first snapshot on or after 30/09.
    computed(snapshot(dt.date(2024, 10, 4), {lagging.unit: 25 * TY, lagging.other: 75 * TY}))
    recompute_year(2024)
    assert statuses()[0] == ("missed", dt.date(2024, 10, 4), 25 * TY, 5 * TY)
