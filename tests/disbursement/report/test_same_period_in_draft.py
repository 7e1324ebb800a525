"""Same period last year: compared only when last year has figures near the same day."""

from __future__ import annotations

import datetime as dt

from core.money import TY
from disbursement.models import ReportTemplate
from disbursement.report.services import draft_report
from tests.disbursement.report.helpers import Unit, figures_snapshot
from tests.factories import SnapshotFactory


def _same_period(draft) -> tuple[str, str]:
    return next(section for section in draft.sections if section[0].startswith("Cùng kỳ"))


def test_without_a_snapshot_near_the_same_day_the_draft_says_there_is_none(db):
    # A snapshot of 20/3/2023 exists, but the compute found none near 20/7/2023.
    SnapshotFactory(year=2023, as_of=dt.date(2023, 3, 20))
    draft = draft_report(figures_snapshot([Unit("Kiến Thụy", 100 * TY, 60 * TY)]).id)
    title, text = _same_period(draft)
    assert title == "Cùng kỳ năm 2023"
    assert text == "Năm 2023 không có số liệu cùng kỳ (quanh ngày 20/7/2023) để so sánh."
    assert "20/3/2023" not in draft.text


def test_with_a_snapshot_near_the_same_day_the_draft_compares_with_it(db):
    last_year = SnapshotFactory(year=2023, as_of=dt.date(2023, 7, 21))
    draft = draft_report(figures_snapshot([Unit("Kiến Thụy", 100 * TY, 60 * TY)], same_period=last_year).id)
    _title, text = _same_period(draft)
    assert text == (
        "Cùng kỳ năm 2023, lũy kế giải ngân đến hết ngày 21/7/2023 là 30,000 tỷ đồng, "
        "đạt 30,00% kế hoạch vốn thành phố giao (100,000 tỷ đồng)."
    )
    assert "không có số liệu cùng kỳ" not in draft.text


def test_older_same_period_wording_gives_way_when_there_is_nothing_to_compare(db):
    ReportTemplate.objects.filter(section="same_period", stream=None).update(
        body="Cùng kỳ năm {{ year }}, lũy kế giải ngân đến hết ngày {{ as_of }} là {{ disbursed }}."
    )
    draft = draft_report(figures_snapshot([Unit("Kiến Thụy", 100 * TY, 60 * TY)]).id)
    assert _same_period(draft)[1] == "Năm 2023 không có số liệu cùng kỳ (quanh ngày 20/7/2023) để so sánh."
    assert len(draft.notices) == 1 and "available" in draft.notices[0]
