"""An explanation not given by its deadline raises 'Quá hạn giải trình' from the daily job, with no new snapshot."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from core.money import TY
from disbursement.flags.selectors import flag_history, open_flags
from disbursement.followup import services
from disbursement.followup.tasks import run_follow_up_task
from disbursement.models import ExplanationCause, Flag


def overdue(unit) -> list[Flag]:
    return list(flag_history(investor=unit, kind="overdue_explanation"))


def answer(request, on: dt.datetime) -> None:
    services.submit_explanation(
        request.pk,
        services.ExplanationData(
            cause=ExplanationCause.objects.get(name="Năng lực nhà thầu"),
            cause_detail="",
            actions="Thay nhà thầu phụ.",
            responsible_name="Trần Văn Bình",
            responsible_title="",
            commitments=[services.CommitmentData(dt.date(2024, 9, 30), 30 * TY)],
        ),
        now=on,
    )


def test_the_daily_job_raises_the_flag_the_day_after_the_deadline(lagging):
    lagging.ask()

    assert run_follow_up_task("2024-07-15")["snapshots"] == []
    assert overdue(lagging.unit) == []

    assert run_follow_up_task("2024-07-16")["snapshots"] == [lagging.first.pk]
    (flag,) = overdue(lagging.unit)
    assert flag.reason == (
        "Quá hạn giải trình: yêu cầu ngày 08/07/2024, hạn 15/07/2024, đến ngày 16/07/2024 chưa giải trình "
        "(quá hạn 1 ngày)."
    )
    assert flag.stream == lagging.flag.stream and flag.raised_on == lagging.first.as_of
    assert flag in list(open_flags(lagging.first))
    # Nothing changed since: nothing is evaluated again.
    assert run_follow_up_task("2024-07-16")["snapshots"] == []

    # A day later the same flag says so.
    run_follow_up_task("2024-07-17")
    (same,) = overdue(lagging.unit)
    assert same.id == flag.id and same.value == 2 and "(quá hạn 2 ngày)" in same.reason


def test_an_answer_ends_the_flag(lagging):
    request = lagging.ask()
    run_follow_up_task("2024-07-16")
    assert len(overdue(lagging.unit)) == 1

    answer(request, timezone.make_aware(dt.datetime(2024, 7, 18, 10, 0)))
    run_follow_up_task("2024-07-18")

    assert not Flag.objects.filter(kind="overdue_explanation", cleared_on__isnull=True).exists()
    assert run_follow_up_task("2024-07-19")["snapshots"] == []
