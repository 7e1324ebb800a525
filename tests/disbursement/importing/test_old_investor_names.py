"""A file naming an investor by its name before it was split: the figure could belong to any of its heirs, so
the file is refused at that cell, never guessed."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from core.succession import SuccessionKind
from investors.models import InvestorSuccession
from tests.builders import SECTION_A, Row
from tests.disbursement.importing.helpers import codes, one_section_file, run, written
from tests.factories import InvestorAliasFactory, InvestorFactory

pytestmark = pytest.mark.django_db

JUN_30 = dt.date(2025, 6, 30)
JUL_1 = dt.date(2025, 7, 1)


def _file(day: dt.date, rows: list[Row]) -> bytes:
    return one_section_file(day, ("A", SECTION_A), rows)


@pytest.fixture
def split():
    """Sở Giao thông vận tải split on 1/7/2025 between Sở Xây dựng and Sở Nông nghiệp và Môi trường."""
    old = InvestorFactory(name="Sở Giao thông vận tải", valid_to=JUN_30)
    InvestorAliasFactory(investor=old, name="Sở GTVT")
    for heir in ("Sở Xây dựng", "Sở Nông nghiệp và Môi trường"):
        InvestorSuccession.objects.create(
            predecessor=old, successor=InvestorFactory(name=heir), kind=SuccessionKind.SPLIT, effective_from=JUL_1
        )
    InvestorFactory(name="Sở Y tế")
    return old


@pytest.mark.parametrize("name", ["Sở Giao thông vận tải", "Sở GTVT"])
def test_an_old_name_of_a_split_investor_is_refused_as_ambiguous_at_its_cell(split, name):
    before = written()
    data = _file(dt.date(2025, 7, 20), [Row("Sở Y tế", 0, 5_000, 0, 1_000), Row(name, 0, 9_000, 0, 3_000)])
    result = run(data, name="giai-ngan-so-gtvt.xlsx", confirm_warnings=True)

    assert result.status != "imported"
    assert codes(result.errors) == ["ambiguous_name"]
    error = result.errors[0]
    assert (error.file, error.column) == ("giai-ngan-so-gtvt.xlsx", 2)
    assert load_workbook(io.BytesIO(data))[error.sheet][error.cell].value == name
    assert "Sở Giao thông vận tải" in error.message and "01/07/2025" in error.message
    assert "Sở Nông nghiệp và Môi trường, Sở Xây dựng" in error.message
    # Nothing is written, not even the line that matched.
    assert written() == before


def test_before_the_split_the_name_is_the_investor_itself(split):
    result = run(_file(dt.date(2025, 6, 20), [Row("Sở Giao thông vận tải", 0, 9_000, 0, 3_000)]), confirm_warnings=True)

    assert result.status == "imported", [str(e) for e in result.errors]
    assert result.snapshot.lines.get().investor == split
