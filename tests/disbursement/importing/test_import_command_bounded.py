"""import_workbook prints the first units missing from the file, errors and warnings, then how many more, with
the total, as the admin's job page does; --show 0 prints them all."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from disbursement.models import Snapshot
from tests.builders import SECTION_B, Row, SectionSpec, build_workbook, small_spec
from tests.factories import DistrictFactory

pytestmark = pytest.mark.django_db


def _file(tmp_path, name: str, rows: list[Row]) -> str:
    spec = small_spec(city=None, sections=[SectionSpec("B", SECTION_B, rows)])
    path = tmp_path / name
    path.write_bytes(build_workbook(spec))
    return str(path)


def _run(path: str, *args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_workbook", path, "--no-progress", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def units():
    return [DistrictFactory(name=f"Đơn vị {i:03d}", order=i) for i in range(150)]


def test_the_units_missing_from_a_later_file_of_the_date_are_capped_with_their_total(units, tmp_path):
    _run(_file(tmp_path, "tat-ca.xlsx", [Row(f"huyện Đơn vị {i:03d}", 0, 1_000, 0, 100) for i in range(150)]))
    assert Snapshot.objects.count() == 1
    one = _file(tmp_path, "mot-don-vi.xlsx", [Row("huyện Đơn vị 000", 0, 1_000, 0, 200)])

    out, _err = _run(one, "--dry-run", "--yes")

    line = next(line for line in out.splitlines() if "thiếu trong tệp" in line)
    assert line.startswith("Có 149 đơn vị có số liệu trong ngày nhưng thiếu trong tệp")
    assert "huyện Đơn vị 001" in line and "huyện Đơn vị 100" in line and "huyện Đơn vị 101" not in line
    assert line.endswith("và 49 đơn vị khác.")

    everything, _err = _run(one, "--dry-run", "--yes", "--show", "0")
    line = next(line for line in everything.splitlines() if "thiếu trong tệp" in line)
    assert "huyện Đơn vị 149" in line and "đơn vị khác" not in line


def test_errors_are_capped_with_their_total(db, tmp_path):
    path = _file(tmp_path, "ten-la.xlsx", [Row(f"huyện Không Có {i:03d}", 0, 1_000, 0, 100) for i in range(130)])
    err = io.StringIO()
    with pytest.raises(CommandError, match="130 lỗi"):
        call_command("import_workbook", path, "--no-progress", "--show", "40", stdout=io.StringIO(), stderr=err)
    printed = err.getvalue()
    assert printed.count("LỖI  ") == 40
    assert "Không Có 039" in printed and "Không Có 040" not in printed
    assert "và 90 lỗi khác (tổng cộng 130; --show 0 để in hết)." in printed
