"""A file naming a local unit by its name before a change: merged, it leads to the successor; split, refused."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from core.succession import SuccessionKind
from disbursement.models import SnapshotLine
from districts.models import DistrictSuccession
from tests.builders import Row
from tests.disbursement.importing.helpers import codes, one_section_file, run, written
from tests.factories import DistrictAliasFactory, DistrictFactory

pytestmark = pytest.mark.django_db

JUN_30 = dt.date(2025, 6, 30)
JUL_1 = dt.date(2025, 7, 1)
SECTION_B = "VỐN BỔ SUNG CÓ MỤC TIÊU CHO CÁC QUẬN, HUYỆN, XÃ, PHƯỜNG"


def _file(day: dt.date, rows: list[Row]) -> bytes:
    return one_section_file(day, ("B", SECTION_B), rows)


def _succession(predecessor, successor, kind) -> None:
    DistrictSuccession.objects.create(predecessor=predecessor, successor=successor, kind=kind, effective_from=JUL_1)


@pytest.fixture
def units():
    """huyện Đông Triều merged into xã Hòa Bình; huyện Tây Sơn split into xã Tây An and phường Tây Lộc on 1/7/2025."""
    merged = DistrictFactory(name="Đông Triều", kind="huyen", valid_to=JUN_30)
    DistrictAliasFactory(district=merged, name="Đông Triều cũ")
    heir = DistrictFactory(name="Hòa Bình", kind="xa", valid_from=JUL_1)
    _succession(merged, heir, SuccessionKind.MERGE)
    split = DistrictFactory(name="Tây Sơn", kind="huyen", valid_to=JUN_30)
    west = DistrictFactory(name="Tây An", kind="xa", valid_from=JUL_1, order=1)
    east = DistrictFactory(name="Tây Lộc", kind="phuong", valid_from=JUL_1, order=2)
    _succession(split, west, SuccessionKind.SPLIT)
    _succession(split, east, SuccessionKind.SPLIT)
    return {"merged": merged, "heir": heir, "split": split, "west": west}


def test_an_old_name_of_a_merged_unit_counts_under_its_successor(units):
    result = run(_file(dt.date(2025, 7, 20), [Row("huyện Đông Triều", 0, 9_000, 0, 3_000)]), confirm_warnings=True)

    assert result.status == "imported", [str(i) for i in result.errors]
    line = SnapshotLine.objects.get()
    assert line.district == units["heir"]
    assert line.disbursed == 3_000 * 10**6


def test_an_old_alias_of_a_merged_unit_leads_there_too(units):
    result = run(_file(dt.date(2025, 7, 20), [Row("Đông Triều cũ", 0, 9_000, 0, 3_000)]), confirm_warnings=True)

    assert result.status == "imported", [str(i) for i in result.errors]
    assert SnapshotLine.objects.get().district == units["heir"]


def test_before_the_change_the_name_is_the_unit_itself(units):
    result = run(_file(dt.date(2025, 6, 20), [Row("huyện Tây Sơn", 0, 9_000, 0, 3_000)]), confirm_warnings=True)

    assert result.status == "imported", [str(i) for i in result.errors]
    assert SnapshotLine.objects.get().district == units["split"]


def test_an_old_name_of_a_split_unit_is_refused_as_ambiguous_at_its_cell(units):
    before = written()
    data = _file(
        dt.date(2025, 7, 20), [Row("xã Hòa Bình", 0, 5_000, 0, 1_000), Row("huyện Tây Sơn", 0, 9_000, 0, 3_000)]
    )
    result = run(data, name="giai-ngan-tay-son.xlsx", confirm_warnings=True)

    assert result.status != "imported"
    assert codes(result.errors) == ["ambiguous_name"]
    error = result.errors[0]
    assert (error.file, error.sheet, error.column) == ("giai-ngan-tay-son.xlsx", "Giai ngan", 2)
    assert load_workbook(io.BytesIO(data))[error.sheet][error.cell].value == "huyện Tây Sơn"
    assert "huyện Tây Sơn" in error.message and "01/07/2025" in error.message
    assert "xã Tây An, phường Tây Lộc" in error.message
    # Never guessed: nothing is written, not even the line that matched.
    assert written() == before
