"""The draft as a Word document the staff paste into the report."""

from __future__ import annotations

from io import BytesIO
from typing import TYPE_CHECKING

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

if TYPE_CHECKING:
    from disbursement.report.services import Draft

# Administrative documents in Vietnam are set in Times New Roman 13-14 pt.
FONT_NAME = "Times New Roman"
FONT_SIZE = Pt(14)


def render_docx(draft: Draft) -> bytes:
    document = Document()
    style = document.styles["Normal"]
    style.font.name = FONT_NAME
    style.font.size = FONT_SIZE

    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.add_run(draft.title).bold = True
    for section_title, text in draft.sections:
        if section_title:
            document.add_paragraph().add_run(section_title).bold = True
        for line in text.splitlines():
            paragraph = document.add_paragraph(line)
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            paragraph.paragraph_format.first_line_indent = Pt(28)
    out = BytesIO()
    document.save(out)
    return out.getvalue()
