"""python manage.py import_master_data FILE [--yes] [--user NAME]

Checks a master-data workbook (local units, investors, other spellings, successions) and prints what
it would change; writes nothing without --yes. With --yes and no error, writes all of it in one
transaction and recomputes the years it touches. Errors name the file, sheet, row and column.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from disbursement.importing.master_data import import_master_data


class Command(BaseCommand):
    help = "Nhập danh mục đơn vị, chủ đầu tư, tên gọi khác và kế thừa từ tệp Excel (xem trước; --yes để ghi)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Đường dẫn tệp .xlsx")
        parser.add_argument("--yes", action="store_true", help="Ghi vào cơ sở dữ liệu (mặc định chỉ xem trước).")
        parser.add_argument("--user", help="Tên đăng nhập của người nhập (ghi vào nhật ký thay đổi).")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Không có tệp {path}.")
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"Không có người dùng '{options['user']}'.")
        preview = import_master_data(path.read_bytes(), path.name, confirm=options["yes"], user=user)
        if not preview.ok:
            for error in preview.errors:
                self.stderr.write(str(error))
            raise CommandError(f"Tệp có {len(preview.errors)} lỗi; không ghi gì.")
        for change in preview.changes:
            if change.action != "unchanged":
                self.stdout.write(str(change))
        self.stdout.write(preview.summary)
        if options["yes"]:
            self.stdout.write("Đã ghi danh mục.")
        else:
            self.stdout.write("Chưa ghi gì: chạy lại với --yes để ghi.")
