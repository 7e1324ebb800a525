"""python manage.py export_ranking [SNAPSHOT_ID] [-o FILE] [--csv [--excel-csv]] [--stream CODE] [--template]"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from disbursement.exporting.services import blank_template, ranking_csv, ranking_workbook
from disbursement.models import Snapshot
from disbursement.snapshots.selectors import latest_snapshot


class Command(BaseCommand):
    help = "Xuất bảng xếp hạng giải ngân của một kỳ số liệu ra Excel hoặc CSV, hoặc xuất mẫu nhập liệu trống."

    def add_arguments(self, parser):
        parser.add_argument("snapshot_id", nargs="?", type=int, help="Mã kỳ số liệu (mặc định: kỳ mới nhất).")
        parser.add_argument("-o", "--output", help="Tệp ghi ra.")
        parser.add_argument("--csv", action="store_true", help="Xuất CSV (UTF-8 có BOM) thay cho Excel.")
        parser.add_argument(
            "--excel-csv",
            action="store_true",
            help="Với --csv: CSV cho Excel tiếng Việt (dấu chấm phẩy, dấu phẩy thập phân).",
        )
        parser.add_argument("--stream", help="Chỉ một dòng vốn (mã), với --csv.")
        parser.add_argument("--template", action="store_true", help="Xuất mẫu nhập liệu trống.")

    def handle(self, *args, **options):
        if options["template"]:
            data, default = blank_template(), "mau-nhap-giai-ngan.xlsx"
        else:
            snapshot = (
                Snapshot.objects.filter(id=options["snapshot_id"]).first()
                if options["snapshot_id"]
                else latest_snapshot()
            )
            if snapshot is None:
                raise CommandError("Không có kỳ số liệu nào để xuất.")
            stem = f"xep-hang-giai-ngan-{snapshot.as_of:%Y-%m-%d}"
            if options["csv"]:
                data, default = (
                    ranking_csv(snapshot.id, options["stream"], dialect="excel" if options["excel_csv"] else "machine"),
                    f"{stem}.csv",
                )
            else:
                data, default = ranking_workbook(snapshot.id), f"{stem}.xlsx"
        path = Path(options["output"] or default)
        path.write_bytes(data)
        self.stdout.write(self.style.SUCCESS(f"Đã ghi {path} ({len(data):,} byte).".replace(",", ".")))
