"""One date, many files: the picture of 20/7/2024 is the same however its tables arrive.

The sample's figures come as one summary workbook, or as separate files from separate
senders (the Treasury's city-wide summary, an investor list, the districts' list, one
investor's correction), in any order. Every figure staff read — the city, each source,
each stream and each unit — must come out the same, and no unit that reported a figure
is ever read or flagged as not disbursed.
"""

from __future__ import annotations

import datetime as dt
import io
from itertools import permutations

import openpyxl
import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.money import TRIEU
from disbursement.figures.services import recompute_year
from disbursement.models import Figure, Flag, FlagRule, Snapshot
from disbursement.report.services import draft_report
from disbursement.sample.loader import SAMPLE_DIR, load_master_data, read_master
from tests.builders import import_sample_file

AS_OF = dt.date(2024, 7, 20)
SUMMARY = "giai-ngan-2024-07-20.xlsx"
TREASURY = "kbnn-tong-hop-2024-07-20.xlsx"
DISTRICTS = "quan-huyen-2024-07-20.xlsx"
CORRECTION = "sua-so-lieu-2024-07-20.xlsx"
INVESTORS = "chu-dau-tu-2024-07-20.xlsx"


def investor_list() -> bytes:
    """Section A of the summary workbook alone, as an investor list is sent: no districts, no city sheet."""
    wb = openpyxl.load_workbook(SAMPLE_DIR / SUMMARY)
    del wb["Tong hop toan thanh pho"]
    ws = wb["Giai ngan 20.7.2024"]
    ws.delete_rows(32, ws.max_row - 31)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def file_bytes(name: str) -> bytes:
    return investor_list() if name == INVESTORS else (SAMPLE_DIR / name).read_bytes()


def import_files(names) -> None:
    for name in names:
        import_sample_file(name, data=file_bytes(name))
    recompute_year(2024)


def picture() -> dict:
    """Every figure of the date's current snapshot over all sources, keyed by what it is of."""
    snapshot = Snapshot.objects.current().get(year=2024, as_of=AS_OF)
    rows = {}
    for f in Figure.objects.filter(snapshot=snapshot).exclude(
        scope__in=[Figure.Scope.INVESTOR, Figure.Scope.DISTRICT, Figure.Scope.STREAM], source__isnull=False
    ):
        key = (f.scope, f.stream_id, f.source_id, f.investor_id, f.district_id)
        rows[key] = (f.disbursed, f.plan, f.plan_pm, f.ratio, f.ratio_pm, f.rank, f.reported_on, f.is_partial)
    return rows


@pytest.fixture
def master(db):
    load_master_data(read_master(), city_snapshots=False)


@pytest.fixture
def expected(master):
    """The summary workbook alone, then Sở Xây dựng's correction."""
    with transaction.atomic():
        import_files([SUMMARY, CORRECTION])
        result = picture()
        draft = draft_report(Snapshot.objects.current().get(as_of=AS_OF).id)
        transaction.set_rollback(True)
    return result, draft


def test_the_correction_changes_one_investor_and_nothing_else(master):
    import_files([SUMMARY])
    before = picture()
    import_files([CORRECTION])
    after = picture()
    # Amounts and plans (ranks of the others may move with it).
    changed = {key for key in after if after[key][:3] != before.get(key, ())[:3]}
    investors = {key for key in changed if key[0] == Figure.Scope.INVESTOR}
    assert len(investors) == 1
    (key,) = investors
    assert after[key][0] == 101_200 * TRIEU
    assert before[key][0] == 95_360 * TRIEU
    # Its stream's total moves with it; the districts and the city summary do not.
    assert not {k for k in changed if k[0] == Figure.Scope.DISTRICT}
    assert not {k for k in changed if k[0] in (Figure.Scope.CITY, Figure.Scope.SOURCE)}


ORDERS = [
    order
    for order in permutations([TREASURY, INVESTORS, DISTRICTS, CORRECTION])
    # A correction replaces what was there when it arrives: it comes after the list it corrects.
    if order.index(CORRECTION) > order.index(INVESTORS)
]


@pytest.mark.parametrize("order", ORDERS[:3] + ORDERS[-2:], ids=lambda o: "-".join(n.split("-")[0] for n in o))
def test_separate_files_give_the_summary_workbooks_picture(expected, order):
    import_files(order)
    assert picture() == expected[0]


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(order=st.sampled_from(ORDERS), with_summary=st.booleans())
def test_any_order_with_or_after_the_summary(expected, order, with_summary):
    files = ([SUMMARY] if with_summary else []) + list(order)
    with transaction.atomic():
        import_files(files)
        assert picture() == expected[0]
        units = Figure.objects.filter(
            snapshot__is_current=True,
            snapshot__as_of=AS_OF,
            scope__in=[Figure.Scope.INVESTOR, Figure.Scope.DISTRICT],
            source__isnull=True,
        )
        assert not units.filter(disbursed__isnull=True).exists()
        transaction.set_rollback(True)


def test_the_draft_reads_the_same(expected, master):
    import_files([DISTRICTS, TREASURY, INVESTORS, CORRECTION])
    draft = draft_report(Snapshot.objects.current().get(as_of=AS_OF).id)
    assert draft.text == expected[1].text


def test_one_stream_alone_is_a_partial_picture_and_no_one_is_not_disbursed(master):
    import_files([DISTRICTS])
    snapshot = Snapshot.objects.current().get(year=2024, as_of=AS_OF)
    city = Figure.objects.get(snapshot=snapshot, scope=Figure.Scope.CITY)
    assert city.is_partial
    assert city.disbursed == 1_513_543 * TRIEU
    assert city.coverage["summary"] is False
    (stream,) = city.coverage["streams"]
    assert (stream["units_total"], stream["units_reported_on_date"]) == (15, 15)
    draft = draft_report(snapshot.id).text
    assert "chưa giải ngân" not in draft
    assert "tổng hợp từ các báo cáo" in draft.lower() or "các báo cáo đã nhận" in draft.lower()
    not_disbursed = Flag.objects.filter(kind=FlagRule.Kind.NOT_DISBURSED, raised_snapshot=snapshot)
    assert not not_disbursed.exists()


def test_a_unit_without_a_report_on_the_date_reads_its_earlier_figure_with_its_date(master):
    from disbursement.importing.services import import_workbook

    earlier = dt.date(2024, 7, 13)
    result = import_workbook(io.BytesIO(file_bytes(SUMMARY)), file_name=SUMMARY, as_of=earlier, confirm_warnings=True)
    assert result.status == "imported"
    import_files([DISTRICTS])
    snapshot = Snapshot.objects.current().get(year=2024, as_of=AS_OF)
    investors = Figure.objects.filter(snapshot=snapshot, scope=Figure.Scope.INVESTOR, source__isnull=True)
    assert investors.count() == 22
    assert set(investors.values_list("reported_on", flat=True)) == {earlier}
    assert not investors.filter(disbursed__isnull=True).exists()
    districts = Figure.objects.filter(snapshot=snapshot, scope=Figure.Scope.DISTRICT, source__isnull=True)
    assert set(districts.values_list("reported_on", flat=True)) == {AS_OF}
    # Each carried figure names the file it came from.
    assert set(investors.values_list("submission__file_name", flat=True)) == {SUMMARY}
    # Without a city-wide summary on 20/7 the city figure is the sum of what is known, and says so.
    city = Figure.objects.get(snapshot=snapshot, scope=Figure.Scope.CITY)
    assert city.is_partial


def test_late_reports_raise_a_not_reported_flag(master):
    from disbursement.models import EngineSetting

    EngineSetting.objects.create(year=None, reporting_interval_days=7)
    import_sample_file(SUMMARY, as_of=dt.date(2024, 7, 6))
    import_files([DISTRICTS])
    snapshot = Snapshot.objects.current().get(year=2024, as_of=AS_OF)
    late = Flag.objects.filter(kind=FlagRule.Kind.NOT_REPORTED, raised_snapshot=snapshot)
    assert late.count() == 22
    assert {f.investor_id is not None for f in late} == {True}
    assert "06/07/2024" in late.first().reason
    assert not Flag.objects.filter(kind=FlagRule.Kind.NOT_DISBURSED, raised_snapshot=snapshot).exists()


def test_the_sender_is_the_one_the_title_block_names_unless_given(master):
    from disbursement.models import Submission

    import_sample_file(TREASURY)
    import_sample_file(DISTRICTS, sender="Phòng Ngân sách")
    senders = dict(Submission.objects.values_list("file_name", "sender"))
    assert senders[TREASURY] == "KHO BẠC NHÀ NƯỚC HẢI PHÒNG"
    assert senders[DISTRICTS] == "Phòng Ngân sách"
