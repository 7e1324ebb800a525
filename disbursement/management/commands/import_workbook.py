"""python manage.py import_workbook FILE [--dry-run] [--as-of DD/MM/YYYY] [--yes] [--accept KEY ...] [--show N]

Warnings are accepted together with --yes; a figure to confirm (a tenfold jump, a ratio far
above 100%, a printed ratio that its row does not give) is accepted only by its own key,
printed with it: --accept KEY, once per item. Errors, warnings and the units missing from the
file are printed as the admin's job page shows them: the first --show (100), then how many more,
with the total.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from core.notation import format_amount, format_count, format_number
from disbursement.importing.preview import preview_change_lines
from disbursement.importing.services import import_workbook

# Errors, warnings and missing units printed before "và N ... khác", as the admin's job page shows them.
SHOWN = 100


def _date(text: str) -> dt.date:
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            pass
    raise CommandError(f"Ngày không hợp lệ: {text} (dùng dd/mm/yyyy).")


class Command(BaseCommand):
    help = "Nhập tệp Excel giải ngân: kiểm tra, xem trước (--dry-run) hoặc ghi vào cơ sở dữ liệu."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Đường dẫn tệp .xlsx")
        parser.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra và tóm tắt, không ghi gì.")
        parser.add_argument("--as-of", type=_date, help="Ngày số liệu, nếu tiêu đề tệp không ghi (dd/mm/yyyy).")
        parser.add_argument(
            "--yes",
            action="store_true",
            help="Chấp nhận các cảnh báo và nhập luôn (không thay cho các mục phải xác nhận từng mục).",
        )
        parser.add_argument(
            "--accept",
            action="append",
            default=[],
            metavar="MÃ",
            help="Xác nhận một mục bất thường theo mã in cạnh nó (lặp lại cho từng mục).",
        )
        parser.add_argument("--sender", default="", help="Đơn vị gửi tệp; mặc định: đơn vị ghi ở tiêu đề tệp.")
        parser.add_argument("--user", help="Tên đăng nhập của người nhập.")
        parser.add_argument("--no-progress", action="store_true", help="Không hiện thanh tiến độ.")
        parser.add_argument(
            "--show",
            type=int,
            default=SHOWN,
            metavar="N",
            help=f"In tối đa N lỗi, N cảnh báo và N đơn vị thiếu trong tệp (mặc định {SHOWN}; 0: in hết).",
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"Không có người dùng '{options['user']}'.")
        progress = None if options["no_progress"] else self._progress_bar()
        result = import_workbook(
            path,
            file_name=path.name,
            user=user,
            as_of=options["as_of"],
            sender=options["sender"],
            confirm_warnings=options["yes"],
            accepted=set(options["accept"]),
            dry_run=options["dry_run"],
            progress=progress,
        )
        if progress:
            self.stderr.write("")
        self.shown = options["show"] if options["show"] > 0 else None
        for issue in result.errors[: self.shown]:
            self.stderr.write(self.style.ERROR(f"LỖI  {issue}"))
        self._more(len(result.errors), "lỗi", self.style.ERROR)
        for issue in result.warnings[: self.shown]:
            self.stderr.write(self.style.WARNING(f"CẢNH BÁO  {issue}"))
        self._more(len(result.warnings), "cảnh báo", self.style.WARNING)
        accepted = set(options["accept"])
        for issue in result.to_confirm:
            mark = "ĐÃ XÁC NHẬN" if issue.key in accepted else "CẦN XÁC NHẬN"
            self.stderr.write(self.style.WARNING(f"{mark}  {issue}\n    mã: {issue.key}"))
        self._summary(result.summary)
        if result.status == "failed":
            raise CommandError(f"Không nhập được: {len(result.errors)} lỗi. Không có gì được ghi.")
        if result.status == "needs_confirmation":
            pending = [issue for issue in result.to_confirm if issue.key not in accepted]
            reasons = []
            if pending:
                reasons.append(
                    f"{len(pending)} mục bất thường cần xác nhận từng mục: kiểm tra rồi chạy lại với "
                    "--accept <mã> cho mỗi mục (--yes không thay cho xác nhận này)"
                )
            if result.warnings and not options["yes"]:
                reasons.append(f"{len(result.warnings)} cảnh báo: xem lại rồi chạy lại với --yes để nhập")
            raise CommandError("Chưa nhập: " + "; ".join(reasons) + ". Không có gì được ghi.")
        messages = {
            "duplicate": result.summary.get("message", "Tệp đã được nhập trước đó; không thay đổi gì."),
            "dry_run": "Kiểm tra xong (--dry-run): không ghi gì.",
            "imported": f"Đã nhập: {result.snapshot}.",
        }
        self.stdout.write(self.style.SUCCESS(messages[result.status]))

    def _progress_bar(self):
        interactive = sys.stderr.isatty()

        def show(read: int, total: int) -> None:
            width = 30
            done = width * read // max(total, 1)
            text = f"\rĐọc {read:>8}/{total} dòng [{'#' * done}{'.' * (width - done)}]"
            if interactive or read >= total:
                self.stderr.write(text, ending="")
                self.stderr.flush()

        return show

    def _summary(self, summary: dict) -> None:
        if summary.get("as_of"):
            self.stdout.write(f"Số liệu đến hết ngày: {dt.date.fromisoformat(summary['as_of']):%d/%m/%Y}")
        if summary.get("unit"):
            self.stdout.write(f"Đơn vị tính trong tệp: {summary['unit']}")
        for section in summary.get("sections", []):
            self.stdout.write(
                f"  {section['label']} {section['stream_name']}: {section['units']} đơn vị, "
                f"kế hoạch {format_amount(section['plan'])} tỷ đồng, "
                f"giải ngân {format_amount(section['disbursed'])} tỷ đồng"
            )
        if "plan_revisions" in summary:
            self.stdout.write(
                f"Điều chỉnh kế hoạch sẽ ghi: {summary['plan_revisions']} (đơn vị), "
                f"{summary['city_plan_revisions']} (toàn thành phố)"
            )
        if summary.get("superseded_snapshot_text"):
            self.stdout.write(f"Thay cho kỳ số liệu: {summary['superseded_snapshot_text']}")
        if summary.get("replaces"):
            self.stdout.write(summary["replaces"])
        if "changes_total" in summary:
            self.stdout.write(
                f"Đơn vị thay số liệu: {summary['units_replaced']}, mới trong ngày: {summary['units_new_on_date']}, "
                f"không đổi: {summary['units_unchanged']}, giữ nguyên (ngoài tệp): {summary['units_kept']}"
            )
        for line in preview_change_lines(summary):
            self.stdout.write(f"  {line}")
        if summary.get("missing_units"):
            names = summary["missing_units"]
            total = summary.get("missing_units_total", len(names))
            shown = names[: self.shown]
            more = f" và {format_number(total - len(shown))} đơn vị khác" if total > len(shown) else ""
            self.stdout.write(
                f"Có {format_count(total)} đơn vị có số liệu trong ngày nhưng thiếu trong tệp (giữ nguyên số liệu "
                f"đã có): {', '.join(shown)}{more}."
            )

    def _more(self, total: int, words: str, style) -> None:
        if self.shown is not None and total > self.shown:
            self.stderr.write(
                style(
                    f"và {format_number(total - self.shown)} {words} khác (tổng cộng {format_number(total)}; "
                    f"--show 0 để in hết)."
                )
            )
