"""python manage.py recompute [YEAR ...]: recompute the figures and flags of every current snapshot of those years."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from disbursement.figures.services import recompute_year
from disbursement.models import Snapshot


class Command(BaseCommand):
    help = (
        "Tính lại số liệu và cảnh báo của mọi kỳ số liệu đang dùng trong các năm đã chọn (mặc định: mọi năm), "
        "theo thứ tự ngày. Dùng sau khi đổi quy tắc hoặc nâng cấp hệ thống."
    )

    def add_arguments(self, parser):
        parser.add_argument("years", nargs="*", type=int, help="Năm kế hoạch, ví dụ 2024.")

    def handle(self, *args, years: list[int], **options):
        years = years or sorted(set(Snapshot.objects.current().values_list("year", flat=True)))
        for year in years:
            count = recompute_year(year)
            self.stdout.write(f"Năm {year}: đã tính lại {count} kỳ số liệu.")
