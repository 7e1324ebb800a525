"""The main job on the embedded default: set up, load the sample, compute, serve."""

import os
import secrets

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from core.notation import format_amount_with_unit, format_percent
from disbursement.access import ensure_roles
from disbursement.figures.selectors import city_figure
from disbursement.sample.loader import load_sample
from disbursement.snapshots.selectors import latest_snapshot


class Command(BaseCommand):
    help = "Chuẩn bị cơ sở dữ liệu, nạp dữ liệu mẫu, tính toán và chạy máy chủ tại 127.0.0.1."

    def add_arguments(self, parser):
        parser.add_argument("--addrport", default=os.environ.get("DEMO_ADDRPORT", "127.0.0.1:8000"))
        parser.add_argument("--no-serve", action="store_true", help="Chỉ chuẩn bị dữ liệu, không chạy máy chủ.")

    def handle(self, *args, addrport, no_serve, **options):
        call_command("migrate", interactive=False, verbosity=0)
        ensure_roles()
        report = load_sample()
        username = os.environ.get("DEMO_ADMIN_USER", "admin")
        password = os.environ.get("DEMO_ADMIN_PASSWORD") or secrets.token_urlsafe(9)
        User = get_user_model()
        user, _ = User.objects.get_or_create(username=username, defaults={"email": f"{username}@localhost"})
        user.is_staff = user.is_superuser = True
        user.set_password(password)
        user.save()

        snapshot = latest_snapshot()
        figure = city_figure(snapshot) if snapshot else None
        self.stdout.write(self.style.SUCCESS("Dữ liệu mẫu đã sẵn sàng."))
        for line in report.workbooks:
            self.stdout.write(f"  Tệp {line}")
        if figure:
            self.stdout.write(
                f"  Toàn thành phố đến {snapshot.as_of:%d/%m/%Y}: {format_amount_with_unit(figure.disbursed)}, "
                f"đạt {format_percent(figure.ratio_pm)} kế hoạch Thủ tướng giao, "
                f"{format_percent(figure.ratio)} kế hoạch thành phố giao."
            )
        host = addrport if ":" in addrport else f"127.0.0.1:{addrport}"
        self.stdout.write(f"  Trang quản trị: http://{host}/admin/   API: http://{host}/api/v1/")
        self.stdout.write(self.style.WARNING(f"  Đăng nhập: {username} / {password}"))
        if no_serve:
            return
        call_command("runserver", addrport, use_reloader=False)
