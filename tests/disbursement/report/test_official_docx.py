"""The .docx is an official report: A4, the margins and fonts of Decree 30/2020/NĐ-CP, the national
heading with blanks for the number and date, page numbers from the second page, the ranking table;
its layout is a Word file the staff can replace."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm

from disbursement.figures.selectors import ranking, stream_figures
from disbursement.report.docx import LayoutError, render_docx
from disbursement.report.services import draft_report


@pytest.fixture(autouse=True)
def no_uploaded_layout(settings, tmp_path):
    """The shipped layout, whatever a local run may have uploaded in its own media folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.REPORT_DOCX_TEMPLATE = ""


@pytest.fixture
def report(sample_snapshot):
    return Document(BytesIO(render_docx(draft_report(sample_snapshot.id))))


def _mm(length) -> float:
    return round(length / Mm(1), 1)


def test_the_page_is_a4_with_the_decrees_margins(report):
    section = report.sections[0]

    assert (_mm(section.page_width), _mm(section.page_height)) == (210.0, 297.0)
    assert 20 <= _mm(section.top_margin) <= 25
    assert 20 <= _mm(section.bottom_margin) <= 25
    assert 30 <= _mm(section.left_margin) <= 35
    assert 15 <= _mm(section.right_margin) <= 20


def test_text_is_times_new_roman_13_to_14_points(report):
    normal = report.styles["Normal"].font
    assert normal.name == "Times New Roman"
    assert 13 <= normal.size.pt <= 14
    body = [p for p in report.paragraphs if p.text.strip()]
    sizes = {run.font.size.pt for p in body for run in p.runs if run.font.size is not None}
    assert sizes and sizes <= {13.0, 14.0}
    assert {run.font.name for p in body for run in p.runs} <= {"Times New Roman", None}


def test_page_numbers_are_a_field_in_the_header_from_the_second_page(report):
    section = report.sections[0]
    header = section.header._element

    fields = [f.get(qn("w:instr")).strip() for f in header.iter(qn("w:fldSimple"))]
    fields += [t.text.strip() for t in header.iter(qn("w:instrText"))]
    assert "PAGE" in fields
    # Decree 30: no number on the first page.
    assert section.different_first_page_header_footer
    first_page = section.first_page_header._element
    assert not list(first_page.iter(qn("w:fldSimple"))) and not list(first_page.iter(qn("w:instrText")))


def test_the_national_heading_and_the_blanks_for_number_and_date(report):
    left, right = report.tables[0].rows[0].cells

    assert right.paragraphs[0].text == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert right.paragraphs[0].runs[0].bold
    assert right.paragraphs[1].text == "Độc lập - Tự do - Hạnh phúc"
    assert right.paragraphs[-1].text.startswith("Hải Phòng, ngày ")
    assert right.paragraphs[-1].runs[0].italic
    assert "SỞ KẾ HOẠCH VÀ ĐẦU TƯ" in left.text
    number = next(p.text for p in left.paragraphs if p.text.startswith("Số:"))
    # The number is left blank for the office's register, the symbol written.
    assert number.replace("\u00a0", " ").split() == ["Số:", "/BC-SKHĐT"]
    assert "BÁO CÁO" in [p.text for p in report.paragraphs]


def test_the_ranking_table_lists_each_streams_units_in_rank_order(report, sample_snapshot):
    tables = [t for t in report.tables if t.rows[0].cells[0].text == "STT"]
    streams = [f for f in stream_figures(sample_snapshot) if ranking(sample_snapshot, f.stream).exists()]

    assert len(tables) == len(streams)
    table, stream = tables[0], streams[0].stream
    assert [c.text for c in table.rows[0].cells] == [
        "STT",
        "Đơn vị",
        "Kế hoạch vốn (tỷ đồng)",
        "Giải ngân (tỷ đồng)",
        "Tỷ lệ (%)",
        "Xếp hạng",
    ]
    units = list(ranking(sample_snapshot, stream))
    rows = [[c.text for c in row.cells] for row in table.rows[1:-1]]
    assert [r[1] for r in rows] == [u.unit.display_name for u in units]
    assert rows[0][0] == "1" and rows[0][5] == "1"
    # The sample's first unit: Sở Nông nghiệp, 1,752 of 1,752 tỷ đồng.
    assert rows[0][2:5] == ["1,752", "1,752", "100"]
    assert table.rows[-1].cells[1].text == "Cộng"


def test_a_replaced_layout_is_used(sample_snapshot, settings, tmp_path):
    layout = Document()
    layout.add_paragraph("{{ co_quan_ban_hanh }} – MẪU RIÊNG")
    layout.add_paragraph("{{ tieu_de }}")
    path = tmp_path / "mau-rieng.docx"
    layout.save(path)
    settings.REPORT_DOCX_TEMPLATE = str(path)
    settings.REPORT_DOCX_ISSUER = "SỞ TÀI CHÍNH"

    draft = draft_report(sample_snapshot.id)
    document = Document(BytesIO(render_docx(draft)))

    assert [p.text for p in document.paragraphs] == ["SỞ TÀI CHÍNH – MẪU RIÊNG", draft.title]


def test_a_broken_layout_is_refused_naming_the_file(client, staff_user, sample_snapshot, settings, tmp_path):
    layout = Document()
    layout.add_paragraph("{% for x in %}")
    path = tmp_path / "mau-hong.docx"
    layout.save(path)
    settings.REPORT_DOCX_TEMPLATE = str(path)

    with pytest.raises(LayoutError, match="mau-hong.docx"):
        render_docx(draft_report(sample_snapshot.id))
    client.force_login(staff_user)
    response = client.get(reverse("admin:disbursement_report_draft_docx", args=[sample_snapshot.id]))
    assert response.status_code == 409
    assert "mau-hong.docx" in response.content.decode()
