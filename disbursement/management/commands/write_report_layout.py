"""Write the shipped layout of the official report (.docx), to edit in Word and use as REPORT_DOCX_TEMPLATE."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand

from disbursement.report.docx import SHIPPED_LAYOUT
from disbursement.report.docx_layout import build_layout


class Command(BaseCommand):
    help = "Ghi tệp mẫu báo cáo .docx mặc định (khổ A4, thể thức theo Nghị định 30/2020/NĐ-CP) để chỉnh sửa."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default=str(SHIPPED_LAYOUT), help="Tệp .docx sẽ ghi.")

    def handle(self, *args, file: str, **options):
        path = Path(file)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(build_layout())
        self.stdout.write(f"Đã ghi mẫu báo cáo: {path}")
