"""The shipped layout of the official report (.docx), built with python-docx as a docxtpl template.

Decree 30/2020/NĐ-CP (Phụ lục I) sets the form of an administrative document: A4 paper; margins
top 20-25 mm, bottom 20-25 mm, left 30-35 mm, right 15-20 mm; Times New Roman 13-14 pt; the national
heading on the right (CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM, 12-13 pt upright bold capitals, and
Độc lập - Tự do - Hạnh phúc, 13-14 pt bold, underlined by a line), the issuing body on the left with
the document number (Số: .../BC-...), place and date in italics, the page number in Arabic numerals
centred in the header from the second page on.

The staff may replace this layout with their own .docx (settings.REPORT_DOCX_TEMPLATE): it receives
the variables listed in disbursement.report.docx. `python manage.py write_report_layout FILE`
writes this default, as a starting point to edit in Word.
"""

from __future__ import annotations

from io import BytesIO

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

FONT_NAME = "Times New Roman"
BODY_SIZE = Pt(14)
A4 = (Mm(210), Mm(297))
# Decree 30/2020/NĐ-CP: top and bottom 20-25 mm, left 30-35 mm, right 15-20 mm.
MARGINS = {"top": Mm(20), "bottom": Mm(20), "left": Mm(30), "right": Mm(15)}
FIRST_LINE_INDENT = Cm(1.27)
HEADING_SIZE = Pt(13)


def _font(run, size=None, bold=None, italic=None, underline=None):
    run.font.name = FONT_NAME
    # East Asian and complex-script fonts too, so that Vietnamese text is never set in another face.
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT_NAME)
    if size is not None:
        run.font.size = size
    if bold is not None:
        run.bold = bold
    if italic is not None:
        run.italic = italic
    if underline is not None:
        run.underline = underline
    return run


def _paragraph(container, text="", *, align=None, size=None, bold=None, italic=None, before=0, after=0, indent=None):
    paragraph = container.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    if indent is not None:
        fmt.first_line_indent = indent
    if text:
        _font(paragraph.add_run(text), size, bold, italic)
    return paragraph


def _page_number(paragraph) -> None:
    """A PAGE field: Word writes the number of each page."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "2"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _no_borders(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _cell_text(cell, text, *, bold=False, italic=False, size=HEADING_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER):
    paragraph = cell.paragraphs[0]
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(0)
    _font(paragraph.add_run(text), size, bold, italic)
    return paragraph


def _heading(document) -> None:
    """The issuing body and number on the left, the national heading on the right, place and date below."""
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _no_borders(table)
    left, right = table.rows[0].cells
    left.width, right.width = Cm(6.5), Cm(9.5)
    _cell_text(left, "{{ co_quan_chu_quan }}", size=Pt(13))
    issuer = left.add_paragraph()
    issuer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(issuer.add_run("{{ co_quan_ban_hanh }}"), Pt(13), bold=True)
    _font(left.add_paragraph().add_run("―――――"), Pt(10)).bold = True
    left.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    number = left.add_paragraph()
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    number.paragraph_format.space_before = Pt(6)
    _font(number.add_run("Số: {{ so_van_ban }}/{{ ky_hieu }}"), Pt(13))

    _cell_text(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=Pt(12))
    motto = right.add_paragraph()
    motto.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(motto.add_run("Độc lập - Tự do - Hạnh phúc"), Pt(13), bold=True)
    rule = right.add_paragraph()
    rule.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(rule.add_run("―――――――――――――"), Pt(10), bold=True)
    place = right.add_paragraph()
    place.alignment = WD_ALIGN_PARAGRAPH.CENTER
    place.paragraph_format.space_before = Pt(6)
    _font(place.add_run("{{ dia_danh }}, ngày {{ ngay }} tháng {{ thang }} năm {{ nam }}"), Pt(14), italic=True)


def _body(document) -> None:
    _paragraph(document, "BÁO CÁO", align=WD_ALIGN_PARAGRAPH.CENTER, size=BODY_SIZE, bold=True, before=18)
    _paragraph(document, "{{ tieu_de }}", align=WD_ALIGN_PARAGRAPH.CENTER, size=BODY_SIZE, bold=True, after=12)
    _paragraph(document, "{%p for muc in cac_muc %}")
    _paragraph(document, "{%p if muc.tieu_de %}")
    _paragraph(
        document,
        "{{ muc.tieu_de }}",
        align=WD_ALIGN_PARAGRAPH.JUSTIFY,
        size=BODY_SIZE,
        bold=True,
        before=6,
        indent=FIRST_LINE_INDENT,
    )
    _paragraph(document, "{%p endif %}")
    _paragraph(document, "{%p for dong in muc.cac_dong %}")
    _paragraph(
        document, "{{ dong }}", align=WD_ALIGN_PARAGRAPH.JUSTIFY, size=BODY_SIZE, after=6, indent=FIRST_LINE_INDENT
    )
    _paragraph(document, "{%p endfor %}")
    _paragraph(document, "{%p endfor %}")


RANKING_COLUMNS = [
    ("STT", Cm(1.1), "{{ dv.stt }}", WD_ALIGN_PARAGRAPH.CENTER),
    ("Đơn vị", Cm(5.9), "{{ dv.ten }}", WD_ALIGN_PARAGRAPH.LEFT),
    ("Kế hoạch vốn (tỷ đồng)", Cm(2.6), "{{ dv.ke_hoach }}", WD_ALIGN_PARAGRAPH.RIGHT),
    ("Giải ngân (tỷ đồng)", Cm(2.6), "{{ dv.giai_ngan }}", WD_ALIGN_PARAGRAPH.RIGHT),
    ("Tỷ lệ (%)", Cm(1.7), "{{ dv.ty_le }}", WD_ALIGN_PARAGRAPH.RIGHT),
    ("Xếp hạng", Cm(1.6), "{{ dv.xep_hang }}", WD_ALIGN_PARAGRAPH.CENTER),
]


def _ranking_tables(document) -> None:
    """One table per stream: its units ranked, as the appendix of the report."""
    _paragraph(document, "{%p if bang_xep_hang %}")
    page_break = _paragraph(document)
    page_break.add_run().add_break(WD_BREAK.PAGE)
    _paragraph(document, "PHỤ LỤC", align=WD_ALIGN_PARAGRAPH.CENTER, size=BODY_SIZE, bold=True)
    _paragraph(
        document,
        "Xếp hạng giải ngân theo dòng vốn, số liệu đến hết ngày {{ ngay_so_lieu }}",
        align=WD_ALIGN_PARAGRAPH.CENTER,
        size=BODY_SIZE,
        italic=True,
        after=6,
    )
    _paragraph(document, "{%p for bang in bang_xep_hang %}")
    _paragraph(document, "{{ bang.ten }}", size=Pt(13), bold=True, before=6, after=3)
    table = document.add_table(rows=4, cols=len(RANKING_COLUMNS))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    header, loop_start, row, loop_end = table.rows
    # The header row repeats on every page the table runs over.
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header._tr.get_or_add_trPr().append(repeat)
    for i, (title, width, value, align) in enumerate(RANKING_COLUMNS):
        for r in table.rows:
            r.cells[i].width = width
        _cell_text(header.cells[i], title, bold=True, size=Pt(12))
        _cell_text(row.cells[i], value, size=Pt(12), align=align)
    _cell_text(loop_start.cells[0], "{%tr for dv in bang.don_vi %}", size=Pt(12))
    _cell_text(loop_end.cells[0], "{%tr endfor %}", size=Pt(12))
    total = table.add_row()
    _cell_text(total.cells[1], "Cộng", bold=True, size=Pt(12), align=WD_ALIGN_PARAGRAPH.LEFT)
    _cell_text(total.cells[2], "{{ bang.ke_hoach }}", bold=True, size=Pt(12), align=WD_ALIGN_PARAGRAPH.RIGHT)
    _cell_text(total.cells[3], "{{ bang.giai_ngan }}", bold=True, size=Pt(12), align=WD_ALIGN_PARAGRAPH.RIGHT)
    _cell_text(total.cells[4], "{{ bang.ty_le }}", bold=True, size=Pt(12), align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(document, "{%p endfor %}")
    _paragraph(document, "{%p endif %}")


def _signature(document) -> None:
    """'Nơi nhận' on the left, the signer's title on the right, names left for the office to fill in."""
    table = document.add_table(rows=1, cols=2)
    table.autofit = False
    _no_borders(table)
    left, right = table.rows[0].cells
    left.width, right.width = Cm(8), Cm(8)
    _cell_text(left, "Nơi nhận:", bold=True, italic=True, size=Pt(12), align=WD_ALIGN_PARAGRAPH.LEFT)
    for line in ("- {{ noi_nhan }};", "- Lưu: VT."):
        _font(left.add_paragraph().add_run(line), Pt(11))
    _cell_text(right, "{{ chuc_vu_ky }}", bold=True, size=Pt(14))
    for _ in range(3):
        right.add_paragraph()
    signer = right.add_paragraph()
    signer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(signer.add_run("{{ nguoi_ky }}"), Pt(14), bold=True)


def build_layout() -> bytes:
    """The default layout of the official report, as a docxtpl template."""
    document = Document()
    normal = document.styles["Normal"]
    normal.font.name = FONT_NAME
    normal.font.size = BODY_SIZE
    fonts = normal.element.get_or_add_rPr().find(qn("w:rFonts"))
    if fonts is not None:
        for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(attr), FONT_NAME)

    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = A4
    section.top_margin, section.bottom_margin = MARGINS["top"], MARGINS["bottom"]
    section.left_margin, section.right_margin = MARGINS["left"], MARGINS["right"]
    section.header_distance = section.footer_distance = Mm(10)
    # The page number from the second page on, centred in the header (Decree 30/2020/NĐ-CP).
    section.different_first_page_header_footer = True
    number = section.header.paragraphs[0]
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_number(number)
    for field_run in number._p.iter(qn("w:r")):
        properties = OxmlElement("w:rPr")
        fonts = OxmlElement("w:rFonts")
        for attr in ("w:ascii", "w:hAnsi", "w:cs"):
            fonts.set(qn(attr), FONT_NAME)
        size = OxmlElement("w:sz")
        size.set(qn("w:val"), "28")
        properties.extend([fonts, size])
        field_run.insert(0, properties)

    _heading(document)
    _body(document)
    _signature(document)
    _ranking_tables(document)
    out = BytesIO()
    document.save(out)
    return out.getvalue()
