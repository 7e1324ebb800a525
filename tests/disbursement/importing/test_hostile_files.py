"""Broken and hostile files are refused with a clear message and nothing written."""

from __future__ import annotations

import io
import zipfile

from django.test import override_settings
from openpyxl import Workbook

from tests.builders import build_workbook, small_spec
from tests.disbursement.importing.helpers import codes, run, written


def test_corrupt_file_is_refused(master_data):
    data = build_workbook(small_spec())
    result = run(data[: len(data) // 2])
    assert result.status == "failed"
    assert codes(result.errors) == ["corrupt_file"]
    assert "hỏng" in result.errors[0].message
    assert written() == (0, 0, 0, 0, 0)


def test_text_file_renamed_xlsx_is_refused(master_data):
    result = run("STT;Chủ đầu tư\n1;Sở Y tế\n".encode())
    assert codes(result.errors) == ["corrupt_file"]


def test_zip_without_a_workbook_is_refused(master_data):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "không phải bảng tính")
    assert codes(run(out.getvalue()).errors) == ["corrupt_file"]


def _bomb(declared_truthfully: bool) -> bytes:
    """A valid workbook plus a member that expands to 50 MB of zeros."""
    out = io.BytesIO(build_workbook(small_spec()))
    with zipfile.ZipFile(out, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", b"\0" * 50_000_000)
    data = out.getvalue()
    if not declared_truthfully:
        # Rewrite the declared size of the member in the central directory to a small number.
        marker = b"xl/media/padding.bin"
        central = data.rfind(b"PK\x01\x02", 0, data.rfind(marker))
        size_at = central + 24
        data = data[:size_at] + (100).to_bytes(4, "little") + data[size_at + 4 :]
    return data


@override_settings(IMPORT_MAX_UNCOMPRESSED_BYTES=10_000_000)
def test_zip_bomb_is_refused_before_openpyxl_reads_it(master_data):
    data = _bomb(declared_truthfully=True)
    assert len(data) < 1_000_000
    result = run(data)
    assert result.status == "failed"
    assert codes(result.errors) == ["too_large_uncompressed"]
    assert written() == (0, 0, 0, 0, 0)


@override_settings(IMPORT_MAX_UNCOMPRESSED_BYTES=10_000_000)
def test_zip_bomb_lying_about_its_size_is_refused_as_corrupt(master_data):
    # Expansion stops at the declared size, so the lie shows as a checksum error.
    result = run(_bomb(declared_truthfully=False))
    assert result.status == "failed"
    assert codes(result.errors) == ["corrupt_file"]
    assert written() == (0, 0, 0, 0, 0)


@override_settings(IMPORT_MAX_FILE_BYTES=5_000)
def test_file_over_the_size_limit_is_refused(master_data):
    result = run(build_workbook(small_spec()))
    assert codes(result.errors) == ["file_too_large"]


def test_macro_workbook_is_refused(master_data):
    data = build_workbook(small_spec())
    assert codes(run(data, name="giai-ngan.xlsm").errors) == ["macro_refused"]
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a") as archive:
        archive.writestr("xl/vbaProject.bin", b"macro")
    assert codes(run(out.getvalue()).errors) == ["macro_refused"]


def test_formulas_are_read_as_cached_values_and_missing_ones_reported(master_data):
    data = build_workbook(small_spec(city=None))
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data))
    ws = wb.active
    ws["F8"] = "=SUM(F9:F12)"  # openpyxl stores no cached value
    out = io.BytesIO()
    wb.save(out)

    result = run(out.getvalue())

    assert result.status == "failed"
    error = next(e for e in result.errors if e.code == "formula_without_value")
    assert error.cell == "F8"


def test_formula_with_cached_value_is_read(master_data):
    data = build_workbook(small_spec(city=None))
    # Add a cached value next to the formula, as Excel saves it.
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            content = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(
                    b'<c r="F8" t="n"><v>1112968</v></c>', b'<c r="F8"><f>SUM(F9:F12)</f><v>1112968</v></c>'
                )
                assert b"<f>SUM" in content
            dst.writestr(item, content)
    result = run(out.getvalue())
    assert result.status == "imported", [str(e) for e in result.errors]


def test_empty_workbook_says_no_table_was_found(master_data):
    out = io.BytesIO()
    Workbook().save(out)
    result = run(out.getvalue())
    assert result.status == "failed"
    assert "date_missing" in codes(result.errors) or "no_data" in codes(result.errors)
