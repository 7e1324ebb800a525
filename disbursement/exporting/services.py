"""Ranking workbook, CSV and the blank template.

Figures are read only through disbursement.figures.selectors and written as
numbers with display formats, so a department head can sort and sum them;
cells and text for people go through core.presentation. Each unit's row says
the date of its data and the file it came from; a unit that has not reported
reads "chưa báo cáo", never 0, and a total summed from the reports received
says so. The ranking workbook keeps the import layout (title block with the
as-of date, unit line, header, total row), so an exported file imports back
to the same figures.
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from core import presentation
from core.money import TRIEU, UNIT_NAMES
from disbursement.exporting.csvfiles import dialect_named, write_csv
from disbursement.exporting.safety import neutralise
from disbursement.figures.selectors import city_figure, ranking, source_figures, stream_figures, unit_series
from disbursement.flags.selectors import flags_by_unit
from disbursement.models import BudgetSource, CapitalStream, Figure, Snapshot
from districts.models import District
from investors.models import Investor

UNIT = TRIEU
AMOUNT_FORMAT = "#,##0"
RATIO_FORMAT = "0.00%"
DATE_FORMAT = "dd/mm/yyyy"
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
FLAG_FILL = PatternFill("solid", fgColor="FCE4D6")
TOTAL_FONT = Font(bold=True)
THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
SECTION_LABELS = "ABCDEFGH"

RANKING_HEADERS = [
    ("STT", 6),
    (None, 48),  # name header depends on the stream
    ("Kế hoạch vốn", 16),
    ("Lũy kế giải ngân", 16),
    ("Tỷ lệ giải ngân (%)", 12),
    ("Xếp hạng", 9),
    ("Thay đổi thứ hạng", 10),
    ("Tỷ lệ kỳ trước (%)", 12),
    ("Cảnh báo", 40),
    ("Số liệu đến ngày", 14),
    ("Theo tệp", 48),
]
DATE_COLUMN = 10


def _flag_text(flags) -> str:
    return "; ".join(str(getattr(flag, "reason", None) or flag) for flag in flags)


def _amount(dong: int | None):
    return presentation.amount_sheet(dong, UNIT)


def _date(snapshot: Snapshot) -> str:
    return presentation.date_text(snapshot.as_of)


def _partial_line(figure: Figure | None) -> list[str]:
    """A title line saying that a total is a sum of the reports received, when it is."""
    note = presentation.partial_note(figure, _source_names())
    return [f"({note})"] if note else []


def _source_names() -> dict[str, str]:
    return {s.code: s.short_name or s.name for s in BudgetSource.objects.all()}


def _title_block(ws, snapshot: Snapshot, lines: list[str], width: int) -> int:
    for row, text in enumerate(lines, start=1):
        cell = ws.cell(row=row, column=1, value=neutralise(text))
        cell.font = Font(bold=row == 1)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
        cell.alignment = Alignment(horizontal="center" if row < len(lines) else "left")
    return len(lines) + 2


def _plan_basis(snapshot: Snapshot) -> str:
    return (
        f"Kế hoạch: kế hoạch vốn năm {snapshot.year} đang có hiệu lực tại ngày "
        f"{presentation.date_web(snapshot.as_of)} (đã gồm các lần điều chỉnh, bổ sung)"
    )


def _header(ws, row: int, texts: list[tuple[str, int]]) -> None:
    for column, (text, width) in enumerate(texts, start=1):
        cell = ws.cell(row=row, column=column, value=text)
        cell.font = TOTAL_FONT
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(column)].width = width


def _ranking_sheet(
    wb: Workbook,
    snapshot: Snapshot,
    stream: CapitalStream,
    stream_figure: Figure | None,
    flags: dict,
    source: BudgetSource | None = None,
):
    figures = list(ranking(snapshot, stream, source).select_related("submission"))
    ws = wb.create_sheet(title=_sheet_title(wb, stream))
    headers = list(RANKING_HEADERS)
    headers[1] = ("Chủ đầu tư" if stream.ranks_investors else "Quận, huyện", 48)
    row = _title_block(
        ws,
        snapshot,
        [
            f"BIỂU XẾP HẠNG TỶ LỆ GIẢI NGÂN KẾ HOẠCH VỐN ĐẦU TƯ CÔNG NĂM {snapshot.year}",
            stream.name.upper() + (f" – {source.name.upper()}" if source else ""),
            f"(Số liệu tính đến hết ngày {_date(snapshot)})",
            *_partial_line(stream_figure),
            _plan_basis(snapshot),
            f"Đơn vị tính: {UNIT_NAMES[UNIT]}",
        ],
        len(headers),
    )
    header_row = row
    _header(ws, header_row, headers)
    first = header_row + 1
    for number, figure in enumerate(figures, start=1):
        r = first + number - 1
        unit_flags = flags.get((stream.id, figure.investor_id, figure.district_id), [])
        values = [
            number,
            neutralise(presentation.unit_name(figure)),
            _amount(figure.plan),
            presentation.disbursed_sheet(figure, UNIT),
            presentation.ratio_sheet(figure.ratio),
            figure.rank,
            _not_comparable(figure, "previous_basis") or figure.rank_change,
            _not_comparable(figure, "previous_basis") or presentation.ratio_sheet(figure.previous_ratio),
            neutralise(_flag_text(unit_flags)) or None,
            presentation.data_date(figure, snapshot.as_of),
            neutralise(presentation.figure_source_file(figure)) or None,
        ]
        for column, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=column, value=value)
            cell.border = BORDER
            if unit_flags:
                cell.fill = FLAG_FILL
        _formats(ws, r)
    last = first + len(figures) - 1
    total_row = max(last, header_row) + 1
    plan_total = stream_figure.plan if stream_figure else sum(f.plan or 0 for f in figures)
    disbursed_total = stream_figure.disbursed if stream_figure else sum(f.disbursed or 0 for f in figures)
    ratio_total = stream_figure.ratio if stream_figure else None
    total_label = "Tổng cộng"
    if stream_figure is not None and stream_figure.is_partial:
        total_label += f" ({presentation.PARTIAL})"
    for column, value in enumerate(
        [None, total_label, _amount(plan_total), _amount(disbursed_total), presentation.ratio_sheet(ratio_total)],
        start=1,
    ):
        cell = ws.cell(row=total_row, column=column, value=value)
        cell.font = TOTAL_FONT
        cell.border = BORDER
    _formats(ws, total_row)
    ws.freeze_panes = ws.cell(row=first, column=3)
    if figures:
        ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(headers))}{last}"
        chart = BarChart()
        chart.type = "bar"
        chart.style = 10
        chart.title = "Tỷ lệ giải ngân so kế hoạch"
        chart.y_axis.title = "Tỷ lệ (%)"
        chart.y_axis.number_format = "0%"
        chart.y_axis.majorGridlines = None
        chart.x_axis.scaling.orientation = "maxMin"  # first ranked on top
        chart.legend = None
        chart.add_data(Reference(ws, min_col=5, min_row=header_row, max_row=last), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=2, min_row=first, max_row=last))
        chart.height = max(7.5, 0.6 * len(figures))
        chart.width = 18
        ws.add_chart(chart, f"{get_column_letter(len(headers) + 2)}{header_row}")
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1


def _formats(ws, r: int) -> None:
    for column in (3, 4):
        ws.cell(row=r, column=column).number_format = AMOUNT_FORMAT
    for column in (5, 8):
        ws.cell(row=r, column=column).number_format = RATIO_FORMAT
    ws.cell(row=r, column=DATE_COLUMN).number_format = DATE_FORMAT


def _sheet_title(wb: Workbook, stream: CapitalStream) -> str:
    # Excel allows 31 characters and no []:*?/\ in a sheet name.
    base = "".join(ch for ch in stream.name if ch not in "[]:*?/\\")[:31].rstrip(" ,")
    title, n = base, 2
    while title in wb.sheetnames:
        title = f"{base[:28]} {n}"
        n += 1
    return title


def _summary_sheet(wb: Workbook, snapshot: Snapshot) -> None:
    ws = wb.create_sheet(title="Tổng hợp toàn thành phố", index=0)
    city = city_figure(snapshot)
    by_source = {f.source.code: f for f in source_figures(snapshot) if f.source}
    split = BudgetSource.CENTRAL in by_source and BudgetSource.LOCAL in by_source
    headers = [("STT", 6), ("Nội dung", 52), ("Tổng số", 18)]
    if split:
        headers += [("Ngân sách trung ương", 18), ("Ngân sách địa phương", 18)]
    row = _title_block(
        ws,
        snapshot,
        [
            f"TỔNG HỢP GIẢI NGÂN VỐN ĐẦU TƯ CÔNG TOÀN THÀNH PHỐ NĂM {snapshot.year}",
            f"(Số liệu tính đến hết ngày {_date(snapshot)})",
            *_partial_line(city),
            _plan_basis(snapshot),
            f"Đơn vị tính: {UNIT_NAMES[UNIT]}",
        ],
        len(headers),
    )
    _header(ws, row, headers)
    parts = [by_source.get(BudgetSource.CENTRAL), by_source.get(BudgetSource.LOCAL)] if split else []
    rows = [
        ("Kế hoạch vốn Thủ tướng Chính phủ giao", "plan_pm", False),
        ("Kế hoạch vốn thành phố giao", "plan", False),
        (f"Giải ngân từ 01/01/{snapshot.year} đến {_date(snapshot)}", "disbursed", False),
        ("Tỷ lệ giải ngân so kế hoạch Thủ tướng Chính phủ giao", "ratio_pm", True),
        ("Tỷ lệ giải ngân so kế hoạch thành phố giao", "ratio", True),
        ("Tỷ lệ giải ngân cùng kỳ năm trước", "same_period_ratio", True),
    ]
    number = 0
    for label, attr, is_ratio in rows:
        total = getattr(city, attr, None) if city else None
        if total is None:
            continue
        number += 1
        row += 1
        values = [number, label, total, *(getattr(p, attr, None) if p else None for p in parts)]
        for column, value in enumerate(values, start=1):
            if column >= 3 and value is not None:
                value = presentation.ratio_sheet(value) if is_ratio else _amount(value)
            cell = ws.cell(row=row, column=column, value=value)
            cell.border = BORDER
            if column >= 3:
                cell.number_format = RATIO_FORMAT if is_ratio else AMOUNT_FORMAT
    # The streams, after a blank row (the import stops reading the city table there).
    row += 2
    _header(ws, row, [("STT", 6), ("Dòng vốn", 52), ("Kế hoạch vốn", 18), ("Lũy kế giải ngân", 18), ("Tỷ lệ (%)", 18)])
    for number, figure in enumerate(stream_figures(snapshot), start=1):
        row += 1
        name = figure.stream.name + (f" ({presentation.PARTIAL})" if figure.is_partial else "")
        values = [
            number,
            neutralise(name),
            _amount(figure.plan),
            _amount(figure.disbursed),
            presentation.ratio_sheet(figure.ratio),
        ]
        for column, value in enumerate(values, start=1):
            cell = ws.cell(row=row, column=column, value=value)
            cell.border = BORDER
        ws.cell(row=row, column=3).number_format = AMOUNT_FORMAT
        ws.cell(row=row, column=4).number_format = AMOUNT_FORMAT
        ws.cell(row=row, column=5).number_format = RATIO_FORMAT


def _stream_figures(
    snapshot: Snapshot, stream_code: str | None, level: str | None, source: BudgetSource | None
) -> list[Figure]:
    """The streams an export covers, as the rankings endpoint selects them (stream, level, source)."""
    return [
        figure
        for figure in stream_figures(snapshot, source=source)
        if (not stream_code or figure.stream.code == stream_code) and (not level or figure.stream.unit_level == level)
    ]


def ranking_workbook(
    snapshot_id: int, *, stream_code: str | None = None, level: str | None = None, source_code: str | None = None
) -> bytes:
    """The ranking workbook of a snapshot: a citywide summary sheet, then one sheet per stream.

    `stream_code`, `level` and `source_code` narrow it to the streams (and the source) a ranking query reads.
    """
    snapshot = Snapshot.objects.get(id=snapshot_id)
    source = BudgetSource.objects.get(code=source_code) if source_code else None
    wb = Workbook()
    wb.remove(wb.active)
    _summary_sheet(wb, snapshot)
    flags = flags_by_unit(snapshot)
    for figure in _stream_figures(snapshot, stream_code, level, source):
        _ranking_sheet(wb, snapshot, figure.stream, figure, flags, source)
    wb.properties.title = f"Xếp hạng giải ngân đến hết ngày {presentation.date_web(snapshot.as_of)}"
    wb.properties.creator = "Theo dõi giải ngân vốn đầu tư công"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


RANKING_CSV_HEADER = [
    "Dòng vốn",
    "Xếp hạng",
    "Đơn vị",
    f"Kế hoạch vốn ({UNIT_NAMES[UNIT]})",
    f"Lũy kế giải ngân ({UNIT_NAMES[UNIT]})",
    "Tỷ lệ giải ngân (%)",
    "Thay đổi thứ hạng",
    "Tỷ lệ kỳ trước (%)",
    "Cảnh báo",
    "Số liệu đến hết ngày",
    "Số liệu đến ngày",
    "Theo tệp",
    "Mã đơn vị",
    "Tình trạng báo cáo",
]


def _report_state(figure: Figure) -> str:
    return "đã báo cáo" if presentation.is_reported(figure) else presentation.NOT_REPORTED


def ranking_csv(
    snapshot_id: int,
    stream_code: str | None = None,
    *,
    level: str | None = None,
    source_code: str | None = None,
    dialect: str | None = None,
) -> bytes:
    """The ranking tables as CSV, numbers as numbers, in the dialect named (disbursement.exporting.csvfiles).

    Amounts in triệu đồng, ratios in percent, both exact; a unit that has not reported has empty
    amount and ratio fields and reads "chưa báo cáo" in the last column.
    """
    snapshot = Snapshot.objects.get(id=snapshot_id)
    source = BudgetSource.objects.get(code=source_code) if source_code else None
    flags = flags_by_unit(snapshot)
    rows = []
    for stream in [f.stream for f in _stream_figures(snapshot, stream_code, level, source)]:
        for figure in ranking(snapshot, stream, source).select_related("submission"):
            unit_flags = flags.get((stream.id, figure.investor_id, figure.district_id), [])
            reported = presentation.is_reported(figure)
            unit = presentation.unit_of(figure)
            rows.append(
                [
                    f"{stream.name} – {source.name}" if source else stream.name,
                    figure.rank,
                    presentation.unit_name(figure),
                    presentation.amount_sheet(figure.plan, UNIT),
                    presentation.amount_sheet(figure.disbursed, UNIT) if reported else None,
                    figure.ratio if reported else None,
                    _not_comparable(figure, "previous_basis") or figure.rank_change,
                    _not_comparable(figure, "previous_basis") or figure.previous_ratio,
                    _flag_text(unit_flags),
                    snapshot.as_of,
                    presentation.data_date(figure, snapshot.as_of),
                    presentation.figure_source_file(figure),
                    unit.code if unit is not None else None,
                    _report_state(figure),
                ]
            )
    return write_csv(RANKING_CSV_HEADER, rows, dialect_named(dialect))


# --- A unit's history over a year -------------------------------------------------------------------

UNIT_HISTORY_HEADERS = [
    ("Số liệu đến hết ngày", 14),
    (f"Kế hoạch vốn ({UNIT_NAMES[UNIT]})", 16),
    (f"Lũy kế giải ngân ({UNIT_NAMES[UNIT]})", 16),
    ("Tỷ lệ giải ngân (%)", 12),
    ("Tăng tỷ lệ so kỳ trước (điểm %)", 12),
    ("Xếp hạng", 9),
    ("Số đơn vị được xếp hạng", 11),
    ("Thay đổi thứ hạng", 10),
    ("Tỷ lệ cùng kỳ năm trước (%)", 12),
    ("Tình trạng báo cáo", 14),
    ("Số liệu đến ngày", 14),
    ("Theo tệp", 48),
]


def _unit_history_figures(year: int, stream_code: str, kind: str, unit_id: int):
    stream = CapitalStream.objects.get(code=stream_code)
    return stream, unit_series(year, stream, **{kind: unit_id})


def _not_comparable(figure: Figure, basis_field: str) -> str:
    """'không so sánh được' in place of a comparison a split or a partial transfer does not allow; else ''."""
    return presentation.compared(figure, basis_field, "", web=False)


def _unit_history_values(figure: Figure) -> list:
    """One snapshot's row of a unit's history; ratios in percent (the workbook divides them for its % format)."""
    reported = presentation.is_reported(figure)
    return [
        figure.snapshot.as_of,
        presentation.amount_sheet(figure.plan, UNIT),
        presentation.amount_sheet(figure.disbursed, UNIT) if reported else None,
        figure.ratio if reported else None,
        _not_comparable(figure, "previous_basis") or figure.change_points,
        figure.rank,
        figure.rank_of,
        _not_comparable(figure, "previous_basis") or figure.rank_change,
        _not_comparable(figure, "same_period_basis") or figure.same_period_ratio,
        _report_state(figure),
        presentation.data_date(figure, figure.snapshot.as_of),
        presentation.figure_source_file(figure),
    ]


def unit_history_csv(year: int, stream_code: str, kind: str, unit_id: int, *, dialect: str | None = None) -> bytes:
    """A unit's figures on each of the year's snapshots, as CSV in the dialect named; numbers as numbers."""
    _, figures = _unit_history_figures(year, stream_code, kind, unit_id)
    header = [text for text, _ in UNIT_HISTORY_HEADERS]
    return write_csv(header, (_unit_history_values(f) for f in figures), dialect_named(dialect))


def unit_history_workbook(year: int, stream_code: str, kind: str, unit_id: int) -> bytes:
    """A unit's figures on each of the year's snapshots, as a workbook with number formats."""
    stream, figures = _unit_history_figures(year, stream_code, kind, unit_id)
    unit = (Investor if kind == "investor" else District).objects.get(pk=unit_id)
    wb = Workbook()
    ws = wb.active
    ws.title = "Diễn biến giải ngân"
    lines = [
        f"DIỄN BIẾN GIẢI NGÂN KẾ HOẠCH VỐN ĐẦU TƯ CÔNG NĂM {year}",
        f"{unit.display_name} – {stream.name}",
        f"Đơn vị tính: {UNIT_NAMES[UNIT]}",
    ]
    header_row = _title_block(ws, None, lines, len(UNIT_HISTORY_HEADERS))
    _header(ws, header_row, UNIT_HISTORY_HEADERS)
    formats = {1: DATE_FORMAT, 2: AMOUNT_FORMAT, 3: AMOUNT_FORMAT, 4: RATIO_FORMAT, 5: "0.00", 9: RATIO_FORMAT}
    formats[11] = DATE_FORMAT  # the date of the unit's own report
    for r, figure in enumerate(figures, start=header_row + 1):
        values = _unit_history_values(figure)
        values[3] = presentation.ratio_sheet(values[3])
        if not isinstance(values[8], str):
            values[8] = presentation.ratio_sheet(values[8])
        for column, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=column, value=neutralise(value))
            cell.border = BORDER
            if column in formats:
                cell.number_format = formats[column]
    ws.freeze_panes = ws.cell(row=header_row + 1, column=2)
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    wb.properties.title = lines[1]
    wb.properties.creator = "Theo dõi giải ngân vốn đầu tư công"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def blank_template() -> bytes:
    """An empty workbook in the service's own layout, ready to fill and import."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Giai ngan"
    columns = [
        ("STT", None, 6),
        ("Chủ đầu tư / Đơn vị", None, 48),
        ("Kế hoạch vốn năm ....", "Tổng số", 14),
        (None, "Trong đó: NSTW", 14),
        (None, "Trong đó: NSĐP", 14),
        ("Giải ngân từ 01/01 đến hết ngày báo cáo", "Tổng số", 14),
        (None, "Trong đó: NSTW", 14),
        (None, "Trong đó: NSĐP", 14),
        ("Tỷ lệ giải ngân (%)", None, 12),
        ("Ghi chú", None, 24),
    ]
    for row, text in enumerate(
        [
            "BIỂU TỔNG HỢP TÌNH HÌNH GIẢI NGÂN KẾ HOẠCH VỐN ĐẦU TƯ CÔNG NĂM ....",
            "(Số liệu tính đến hết ngày ..../..../........)",
            "Đơn vị tính: triệu đồng",
        ],
        start=1,
    ):
        ws.cell(row=row, column=1, value=text).font = Font(bold=row == 1)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(columns))
    top, sub = 5, 6
    for column, (group, part, width) in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width
        for r, text in ((top, group), (sub, part)):
            cell = ws.cell(row=r, column=column, value=text)
            cell.font = TOTAL_FONT
            cell.fill = HEADER_FILL
            cell.border = BORDER
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        if part is None:
            ws.merge_cells(start_row=top, start_column=column, end_row=sub, end_column=column)
    ws.merge_cells(start_row=top, start_column=3, end_row=top, end_column=5)
    ws.merge_cells(start_row=top, start_column=6, end_row=top, end_column=8)
    for column in range(1, len(columns) + 1):
        ws.cell(row=sub + 1, column=column, value=f"({column})").alignment = Alignment(horizontal="center")
    row = sub + 2
    for label, stream in zip(SECTION_LABELS, CapitalStream.objects.order_by("order"), strict=False):
        ws.cell(row=row, column=1, value=label).font = TOTAL_FONT
        ws.cell(row=row, column=2, value=neutralise(stream.name.upper())).font = TOTAL_FONT
        row += 2
    for r in range(sub + 2, row + 40):
        for column in range(3, 9):
            ws.cell(row=r, column=column).number_format = AMOUNT_FORMAT
    ws.freeze_panes = ws.cell(row=sub + 2, column=3)

    city = wb.create_sheet("Tong hop toan thanh pho")
    for row, text in enumerate(
        [
            "TỔNG HỢP GIẢI NGÂN VỐN ĐẦU TƯ CÔNG TOÀN THÀNH PHỐ NĂM ....",
            "(Số liệu tính đến hết ngày ..../..../........)",
            "Đơn vị tính: triệu đồng",
        ],
        start=1,
    ):
        city.cell(row=row, column=1, value=text)
    for column, (text, width) in enumerate(
        [("STT", 6), ("Nội dung", 52), ("Tổng số", 18), ("Ngân sách trung ương", 18), ("Ngân sách địa phương", 18)],
        start=1,
    ):
        cell = city.cell(row=5, column=column, value=text)
        cell.font = TOTAL_FONT
        cell.fill = HEADER_FILL
        city.column_dimensions[get_column_letter(column)].width = width
    for number, label in enumerate(
        [
            "Kế hoạch vốn Thủ tướng Chính phủ giao",
            "Kế hoạch vốn thành phố giao",
            "Giải ngân từ 01/01 đến hết ngày báo cáo",
        ],
        start=1,
    ):
        city.cell(row=5 + number, column=1, value=number)
        city.cell(row=5 + number, column=2, value=label)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
