"""The import_workbook and export_ranking management commands."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from disbursement.models import Snapshot
from tests.builders import SAMPLE_WORKBOOK, Row, build_workbook, small_spec


def test_dry_run_then_import_then_duplicate(master_data):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_workbook", str(SAMPLE_WORKBOOK), "--dry-run", stdout=out, stderr=err)
    assert "không ghi gì" in out.getvalue()
    assert "22 đơn vị" in out.getvalue() and "15 đơn vị" in out.getvalue()
    assert "55/55 dòng" in err.getvalue()
    assert not Snapshot.objects.exists()

    call_command("import_workbook", str(SAMPLE_WORKBOOK), stdout=out, stderr=err)
    assert Snapshot.objects.count() == 1

    out = io.StringIO()
    call_command("import_workbook", str(SAMPLE_WORKBOOK), stdout=out, stderr=err)
    assert "không thay đổi gì" in out.getvalue()
    assert Snapshot.objects.count() == 1


def test_errors_are_printed_with_their_cell_and_the_command_fails(master_data, tmp_path):
    spec = small_spec()
    spec.sections[0].rows[0].name = "Sở Không Có Thật"
    path = tmp_path / "loi.xlsx"
    path.write_bytes(build_workbook(spec))
    err = io.StringIO()
    with pytest.raises(CommandError, match="Không có gì được ghi"):
        call_command("import_workbook", str(path), "--no-progress", stdout=io.StringIO(), stderr=err)
    assert "ô B9" in err.getvalue() and "Sở Không Có Thật" in err.getvalue()


def test_warnings_need_yes(master_data, tmp_path):
    spec = small_spec()
    spec.sections[0].rows[2] = Row("Sở Y tế", 0, 40, 0, 41)
    spec.sections[0].subtotal_override = None
    path = tmp_path / "canh-bao.xlsx"
    path.write_bytes(build_workbook(spec))
    with pytest.raises(CommandError, match="--yes"):
        call_command("import_workbook", str(path), "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())
    call_command("import_workbook", str(path), "--yes", "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())
    assert Snapshot.objects.count() == 1


def test_export_ranking_writes_the_workbook_and_csv(master_data, tmp_path):
    from disbursement.figures.services import compute_snapshot

    call_command("import_workbook", str(SAMPLE_WORKBOOK), "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())
    compute_snapshot(Snapshot.objects.get().id)
    xlsx, csv_path, template = tmp_path / "x.xlsx", tmp_path / "x.csv", tmp_path / "mau.xlsx"
    call_command("export_ranking", "-o", str(xlsx), stdout=io.StringIO())
    call_command("export_ranking", "--csv", "-o", str(csv_path), stdout=io.StringIO())
    call_command("export_ranking", "--template", "-o", str(template), stdout=io.StringIO())
    assert xlsx.read_bytes()[:2] == b"PK" and template.read_bytes()[:2] == b"PK"
    assert "huyện Kiến Thụy" in csv_path.read_text(encoding="utf-8-sig")
