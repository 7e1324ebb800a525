"""Subtotals stated in a file are kept with the file and checked against its own rows after import."""

from __future__ import annotations

import datetime as dt

import pytest

from core.money import TRIEU
from disbursement.figures.services import recompute_year
from disbursement.models import CapitalStream, Flag, FlagRule, StatedSubtotal
from tests.builders import build_workbook, import_sample_file, load_master_data, small_spec

pytestmark = pytest.mark.django_db


@pytest.fixture
def master(db):
    load_master_data()


def _section_b(spec):
    return next(s for s in spec.sections if s.label == "B")


def test_subtotals_are_stored_with_their_file(master):
    spec = small_spec()
    result = import_sample_file("small.xlsx", data=build_workbook(spec))
    stored = StatedSubtotal.objects.filter(snapshot=result.snapshot)
    assert stored.count() >= 2
    assert set(stored.values_list("submission_id", flat=True)) == {result.submission.id}
    district = stored.get(stream__code=CapitalStream.DISTRICT_TRANSFER, source__isnull=True)
    rows = _section_b(spec).rows
    assert district.disbursed == sum(r.disbursed for r in rows) * TRIEU
    assert district.plan == sum(r.plan for r in rows) * TRIEU


def test_a_subtotal_off_by_rounding_is_imported_and_then_flagged(master):
    """Within the import's rounding tolerance (one unit of the file), but not the rows' sum: a data anomaly."""
    spec = small_spec()
    rows = _section_b(spec).rows
    _section_b(spec).subtotal_override = {"disbursed": sum(r.disbursed for r in rows) + 1}
    result = import_sample_file("lech-dong-tong.xlsx", data=build_workbook(spec))
    recompute_year(2024)
    flags = Flag.objects.filter(kind=FlagRule.Kind.SUBTOTAL_MISMATCH, raised_snapshot=result.snapshot)
    assert flags.count() == 1
    assert "cộng các dòng" in flags.get().reason


def test_a_later_correction_of_one_unit_does_not_make_the_first_files_subtotal_wrong(master):
    spec = small_spec()
    first = import_sample_file("tong-hop.xlsx", data=build_workbook(spec))
    correction = small_spec()
    correction.sections = [_section_b(correction)]
    correction.sections[0].rows = correction.sections[0].rows[:1]
    correction.sections[0].rows[0].disbursed_nsdp += 5
    correction.city = None
    import_sample_file("sua-mot-dong.xlsx", data=build_workbook(correction))
    recompute_year(2024)
    assert not Flag.objects.filter(kind=FlagRule.Kind.SUBTOTAL_MISMATCH).exists()
    assert first.snapshot.as_of == dt.date(2024, 7, 20)
