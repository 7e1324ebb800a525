"""Build small workbooks row by row and read them with the parser alone (no import, nothing written)."""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import Workbook

from disbursement.importing.issues import IssueList
from disbursement.importing.parser import ParsedWorkbook, parse_workbook, plain_words

SAMPLE_DIR = Path(__file__).resolve().parents[3] / "disbursement" / "sample"
TREASURY_SAMPLE = SAMPLE_DIR / "kbnn-tong-hop-2024-07-20.xlsx"
DISTRICTS_SAMPLE = SAMPLE_DIR / "quan-huyen-2024-07-20.xlsx"
CORRECTION_SAMPLE = SAMPLE_DIR / "sua-so-lieu-2024-07-20.xlsx"
SUMMARY_SAMPLE = SAMPLE_DIR / "giai-ngan-2024-07-20.xlsx"

TRIEU = 10**6
TY = 10**9

TITLE = [
    ["BIỂU TỔNG HỢP TÌNH HÌNH GIẢI NGÂN KẾ HOẠCH VỐN ĐẦU TƯ CÔNG NĂM 2024"],
    ["(Số liệu tính đến hết ngày 20/7/2024)"],
    ["Đơn vị tính: triệu đồng"],
    [],
]


def workbook(*sheets: tuple[str, list[list]]) -> bytes:
    """A workbook with one sheet per (title, rows); a row is a list of cell values from column A."""
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets:
        ws = wb.create_sheet(title)
        for values in rows:
            ws.append(values)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def stream_keywords() -> dict[str, list[str]]:
    from disbursement.models import CapitalStream

    return {
        s.code: [w for w in (plain_words(k) for k in s.keywords.split(";")) if w] for s in CapitalStream.objects.all()
    }


def read(data: bytes, name: str = "bao-cao.xlsx") -> tuple[ParsedWorkbook, IssueList]:
    issues = IssueList(name)
    parsed = parse_workbook(data, file_name=name, issues=issues, stream_keywords=stream_keywords())
    assert parsed is not None, [str(e) for e in issues.errors]
    return parsed, issues


def read_file(path: Path) -> tuple[ParsedWorkbook, IssueList]:
    return read(path.read_bytes(), path.name)


def texts(issues: list) -> list[str]:
    return [str(issue) for issue in issues]


def codes(issues: list) -> list[str]:
    return [issue.code for issue in issues]


def unit_names(parsed: ParsedWorkbook) -> list[str]:
    return [line.name for _, line in parsed.lines]


def city_amounts(parsed: ParsedWorkbook) -> dict[tuple[str, str], int]:
    """The city figures as {(level or 'disbursed', source): đồng}, without their cells."""
    city = parsed.city
    assert city is not None
    amounts = {(level, source): f.amount for level, figures in city.plans.items() for source, f in figures.items()}
    amounts.update({("disbursed", source): f.amount for source, f in city.disbursed.items()})
    return amounts
