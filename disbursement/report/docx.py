"""The draft as an official report (.docx): the layout from a docxtpl template, the words and
figures from the draft and the stored ranking.

The layout is a Word file the staff can replace: one uploaded in the admin (Mẫu câu báo cáo → Mẫu
văn bản .docx) comes first, then the file named by settings.REPORT_DOCX_TEMPLATE, then the shipped
one (built by disbursement.report.docx_layout). It receives these variables:

- co_quan_chu_quan, co_quan_ban_hanh, ky_hieu, dia_danh, chuc_vu_ky, nguoi_ky, noi_nhan: the office's
  names and the signer, from settings (REPORT_DOCX_*);
- so_van_ban, ngay, thang: blanks for the number and date, filled in when the report is issued; nam: the year;
- tieu_de: the draft's title; cac_muc: its sections, each with tieu_de and cac_dong (its paragraphs);
- ngay_so_lieu: the date of the figures ('20/7/2024');
- bang_xep_hang: one table per stream, each with ten, ke_hoach, giai_ngan, ty_le and don_vi, the units
  ranked, each with stt, ten, ke_hoach, giai_ngan (tỷ đồng), ty_le (%), xep_hang.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone
from docxtpl import DocxTemplate

from core import presentation
from core.money import TY
from core.notation import CITY_RATIO_PLACES, UNIT_RATIO_PLACES, format_amount, format_number, format_report_date
from disbursement.figures.selectors import ranking, stream_figures
from disbursement.models import Figure, Snapshot

if TYPE_CHECKING:
    from disbursement.report.services import Draft

SHIPPED_LAYOUT = Path(__file__).resolve().parent / "docx_templates" / "bao-cao-giai-ngan.docx"
# Room left for the number and the date, written by hand or by the office's register when issued.
BLANK = "\u00a0" * 8


class LayoutError(ValueError):
    """The report layout cannot be read or filled in."""


def uploaded_layout() -> Path:
    """Where the layout uploaded in the admin is kept (shared by every process, like the uploaded workbooks)."""
    return Path(settings.MEDIA_ROOT) / "bao-cao" / "mau-bao-cao.docx"


def layout_source() -> str:
    """Which layout is in force: 'uploaded', 'setting' or 'shipped'."""
    if uploaded_layout().is_file():
        return "uploaded"
    if getattr(settings, "REPORT_DOCX_TEMPLATE", ""):
        return "setting"
    return "shipped"


def layout_path() -> Path:
    source = layout_source()
    if source == "uploaded":
        return uploaded_layout()
    if source == "setting":
        return Path(settings.REPORT_DOCX_TEMPLATE)
    return SHIPPED_LAYOUT


def _amount(dong: int | None) -> str:
    return presentation.DASH if dong is None else format_amount(dong, TY)


def _unit_row(index: int, figure: Figure) -> dict:
    reported = figure.disbursed is not None
    return {
        "stt": str(index),
        "ten": presentation.unit_name(figure, presentation.DASH),
        "ke_hoach": _amount(figure.plan),
        "giai_ngan": _amount(figure.disbursed) if reported else presentation.NOT_REPORTED,
        "ty_le": (
            format_number(figure.ratio, UNIT_RATIO_PLACES, drop_zero_fraction=True)
            if figure.ratio is not None
            else presentation.DASH
        ),
        "xep_hang": str(figure.rank) if figure.rank is not None else presentation.DASH,
    }


def ranking_tables(snapshot: Snapshot) -> list[dict]:
    """Each stream's units ranked, with the stream's totals, as the appendix writes them."""
    tables = []
    for stream_figure in stream_figures(snapshot):
        units = [_unit_row(i, f) for i, f in enumerate(ranking(snapshot, stream_figure.stream), start=1)]
        if not units:
            continue
        tables.append(
            {
                "ten": stream_figure.stream.name,
                "ke_hoach": _amount(stream_figure.plan),
                "giai_ngan": _amount(stream_figure.disbursed),
                "ty_le": (
                    format_number(stream_figure.ratio, CITY_RATIO_PLACES)
                    if stream_figure.ratio is not None
                    else presentation.DASH
                ),
                "don_vi": units,
            }
        )
    return tables


def docx_context(draft: Draft) -> dict:
    snapshot = Snapshot.objects.get(pk=draft.snapshot_id)
    return {
        "co_quan_chu_quan": settings.REPORT_DOCX_PARENT_BODY,
        "co_quan_ban_hanh": settings.REPORT_DOCX_ISSUER,
        "ky_hieu": settings.REPORT_DOCX_SYMBOL,
        "dia_danh": settings.REPORT_DOCX_PLACE,
        "chuc_vu_ky": settings.REPORT_DOCX_SIGNER_TITLE,
        "nguoi_ky": settings.REPORT_DOCX_SIGNER_NAME,
        "noi_nhan": settings.REPORT_DOCX_RECIPIENTS,
        "so_van_ban": BLANK,
        "ngay": BLANK,
        "thang": BLANK,
        "nam": str(timezone.localdate().year),
        "tieu_de": draft.title,
        "cac_muc": [{"tieu_de": title, "cac_dong": text.splitlines()} for title, text in draft.sections],
        "ngay_so_lieu": format_report_date(snapshot.as_of),
        "bang_xep_hang": ranking_tables(snapshot),
    }


def check_layout(data: bytes, name: str) -> None:
    """Refuse a layout that is not a Word file or whose template tags do not parse, naming the file."""
    try:
        DocxTemplate(BytesIO(data)).get_undeclared_template_variables()
    except Exception as exc:
        raise LayoutError(f"Tệp mẫu báo cáo {name} không dùng được: {exc}") from exc


def render_docx(draft: Draft, layout: Path | None = None) -> bytes:
    """The report as a .docx: the layout (the configured one by default) filled with the draft."""
    path = layout or layout_path()
    try:
        template = DocxTemplate(str(path))
        template.render(docx_context(draft), autoescape=True)
    except FileNotFoundError as exc:
        raise LayoutError(f"Không tìm thấy tệp mẫu báo cáo {path}.") from exc
    except Exception as exc:  # a replaced layout with a broken tag: say which file
        raise LayoutError(f"Tệp mẫu báo cáo {path.name} có lỗi: {exc}") from exc
    out = BytesIO()
    template.save(out)
    return out.getvalue()
