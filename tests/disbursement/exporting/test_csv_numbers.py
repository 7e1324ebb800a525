"""The CSV exports hold numbers as numbers: a script reads them with the csv module, and a spreadsheet opened
with the locale each dialect is made for (Excel set to Vietnamese for "CSV cho Excel") sees numbers it can sum.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from core.money import TRIEU, dong_in
from disbursement.exporting.services import ranking_csv, unit_history_csv, unit_history_workbook
from disbursement.figures.selectors import ranking, stream_figures
from disbursement.models import CapitalStream
from districts.models import District

AMOUNT_COLUMNS = ["Kế hoạch vốn (triệu đồng)", "Lũy kế giải ngân (triệu đồng)"]
RATIO_COLUMN = "Tỷ lệ giải ngân (%)"


def read(data: bytes, delimiter: str) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte order mark, so Excel reads Vietnamese text"
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=delimiter))


# How a spreadsheet set to a locale takes a field it opens from a CSV: a number only when it is written with the
# locale's decimal mark and no other punctuation; a date in the locale's order; anything else stays text.
LOCALES = {
    "vi-VN": {"delimiter": ";", "decimal": ",", "date": re.compile(r"^(\d{2})/(\d{2})/(\d{4})$"), "order": "dmy"},
    "en-US": {"delimiter": ",", "decimal": ".", "date": re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"), "order": "ymd"},
}


def open_as_spreadsheet(data: bytes, locale: str):
    """The CSV converted to an .xlsx as a spreadsheet in `locale` reads it, saved and loaded back with openpyxl."""
    rules = LOCALES[locale]
    number = re.compile(rf"^-?\d+(\{rules['decimal']}\d+)?$")
    wb = Workbook()
    ws = wb.active
    text = data.decode("utf-8-sig")
    for r, row in enumerate(csv.reader(io.StringIO(text), delimiter=rules["delimiter"]), start=1):
        for c, field in enumerate(row, start=1):
            value: object = field or None
            if number.match(field):
                value = float(field.replace(rules["decimal"], "."))
            elif match := rules["date"].match(field):
                parts = dict(zip(rules["order"], match.groups(), strict=True))
                value = dt.datetime(int(parts["y"]), int(parts["m"]), int(parts["d"]))
            ws.cell(row=r, column=c, value=value)
    out = io.BytesIO()
    wb.save(out)
    return load_workbook(io.BytesIO(out.getvalue())).active


def column(ws, header: str) -> list:
    names = [c.value for c in ws[1]]
    index = names.index(header) + 1
    return [ws.cell(row=r, column=index).value for r in range(2, ws.max_row + 1)]


def stream_total_trieu(snapshot, code: str, attr: str) -> Decimal:
    figure = next(f for f in stream_figures(snapshot) if f.stream.code == code)
    return dong_in(getattr(figure, attr), TRIEU)


def test_machine_csv_reads_back_as_numbers_with_the_csv_module(sample_snapshot):
    rows = read(ranking_csv(sample_snapshot.id, "district_transfer"), ",")
    kien_thuy = next(r for r in rows if r["Đơn vị"] == "huyện Kiến Thụy")
    assert Decimal(kien_thuy["Kế hoạch vốn (triệu đồng)"]) == 270020
    assert Decimal(kien_thuy["Lũy kế giải ngân (triệu đồng)"]) == 183384
    assert Decimal(kien_thuy[RATIO_COLUMN]).quantize(Decimal("0.1")) == Decimal("67.9")
    assert int(kien_thuy["Xếp hạng"]) >= 1
    assert kien_thuy["Số liệu đến hết ngày"] == "2024-07-20"
    # The units' amounts add up to the stream's total, to the đồng.
    for header, attr in zip(AMOUNT_COLUMNS, ["plan", "disbursed"], strict=True):
        assert sum(Decimal(r[header]) for r in rows) == stream_total_trieu(sample_snapshot, "district_transfer", attr)
    # Every ratio is the exact stored ratio, not a rounded display text.
    stream = CapitalStream.objects.get(code="district_transfer")
    stored = {f.district.display_name: f.ratio for f in ranking(sample_snapshot, stream)}
    assert {r["Đơn vị"]: Decimal(r[RATIO_COLUMN]) for r in rows} == stored


def test_csv_for_excel_uses_semicolons_and_decimal_commas(sample_snapshot):
    data = ranking_csv(sample_snapshot.id, "district_transfer", dialect="excel")
    assert data.decode("utf-8-sig").splitlines()[0].startswith("Dòng vốn;Xếp hạng;Đơn vị;")
    rows = read(data, ";")
    kien_thuy = next(r for r in rows if r["Đơn vị"] == "huyện Kiến Thụy")
    assert kien_thuy["Kế hoạch vốn (triệu đồng)"] == "270020"
    assert re.fullmatch(r"67,9\d*", kien_thuy[RATIO_COLUMN])
    assert kien_thuy["Số liệu đến hết ngày"] == "20/07/2024"
    # No thousands separator anywhere in a number field: Excel would not take "270.020" as 270020 everywhere.
    for row in rows:
        for header in [*AMOUNT_COLUMNS, RATIO_COLUMN]:
            assert "." not in row[header], (row["Đơn vị"], header)


@pytest.mark.parametrize(("dialect", "locale"), [("excel", "vi-VN"), ("machine", "en-US")])
def test_each_dialect_opens_as_numbers_in_its_locale(sample_snapshot, dialect, locale):
    ws = open_as_spreadsheet(ranking_csv(sample_snapshot.id, dialect=dialect), locale)
    for header in [*AMOUNT_COLUMNS, RATIO_COLUMN, "Xếp hạng"]:
        values = [v for v in column(ws, header) if v is not None]
        assert values and all(isinstance(v, int | float) for v in values), (header, values[:5])
    assert all(isinstance(v, dt.datetime) for v in column(ws, "Số liệu đến hết ngày"))
    # Summed by the spreadsheet, the district stream's plans make the stream's plan.
    streams, plans = column(ws, "Dòng vốn"), column(ws, "Kế hoạch vốn (triệu đồng)")
    name = CapitalStream.objects.get(code="district_transfer").name
    total = sum(plan for stream, plan in zip(streams, plans, strict=True) if stream == name)
    assert total == pytest.approx(float(stream_total_trieu(sample_snapshot, "district_transfer", "plan")))


def test_the_machine_csv_is_not_the_one_for_a_vietnamese_excel(sample_snapshot):
    """Why there are two: a Vietnamese Excel reads '67.9' as text, so the plain CSV is not offered to it."""
    ws = open_as_spreadsheet(ranking_csv(sample_snapshot.id, "district_transfer"), "vi-VN")
    # Opened with ';' as separator, the comma-separated file is one column of text.
    assert ws.max_column == 1
    assert all(isinstance(v, str) for v in column(ws, ws.cell(row=1, column=1).value) if v)


def test_a_unit_that_has_not_reported_has_empty_figures_and_says_so(sample_snapshot):
    from tests.provenance import make_partial

    make_partial(
        sample_snapshot,
        not_reported=District.objects.get(name="An Lão"),
        carried=District.objects.get(name="Kiến Thụy"),
        carried_on=dt.date(2024, 7, 13),
    )
    rows = {r["Đơn vị"]: r for r in read(ranking_csv(sample_snapshot.id, "district_transfer"), ",")}
    an_lao = rows["huyện An Lão"]
    assert an_lao["Lũy kế giải ngân (triệu đồng)"] == "" and an_lao[RATIO_COLUMN] == ""
    assert an_lao["Tình trạng báo cáo"] == "chưa báo cáo"
    assert Decimal(an_lao["Kế hoạch vốn (triệu đồng)"]) > 0
    assert rows["huyện Kiến Thụy"]["Số liệu đến ngày"] == "2024-07-13"


def test_unit_history_csv_and_workbook_hold_numbers(sample_snapshot):
    kien_thuy = District.objects.get(name="Kiến Thụy")
    rows = read(unit_history_csv(2024, "district_transfer", "district", kien_thuy.pk, dialect="excel"), ";")
    assert [r["Số liệu đến hết ngày"] for r in rows] == ["20/07/2024"]
    assert rows[0]["Lũy kế giải ngân (triệu đồng)"] == "183384"
    assert Decimal(rows[0]["Tỷ lệ giải ngân (%)"].replace(",", ".")).quantize(Decimal("0.1")) == Decimal("67.9")

    ws = load_workbook(io.BytesIO(unit_history_workbook(2024, "district_transfer", "district", kien_thuy.pk))).active
    header_row = next(r for r in range(1, 10) if ws.cell(row=r, column=1).value == "Số liệu đến hết ngày")
    header = [c.value for c in ws[header_row]]
    row = {header[c - 1]: ws.cell(row=header_row + 1, column=c) for c in range(1, len(header) + 1)}
    assert row["Lũy kế giải ngân (triệu đồng)"].value == 183384
    assert row["Lũy kế giải ngân (triệu đồng)"].number_format == "#,##0"
    assert round(row["Tỷ lệ giải ngân (%)"].value, 3) == pytest.approx(0.679)
    assert row["Tỷ lệ giải ngân (%)"].number_format == "0.00%"
    assert row["Số liệu đến hết ngày"].value.date() == dt.date(2024, 7, 20)
    assert "Kiến Thụy" in ws.cell(row=2, column=1).value
