from django.core.management.base import BaseCommand

from disbursement.sample.loader import load_sample


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu Hải Phòng: danh mục, kế hoạch vốn và số liệu đến 20/7/2024."

    def handle(self, *args, **options):
        report = load_sample()
        self.stdout.write(
            f"Quận, huyện mới: {report.districts}; chủ đầu tư mới: {report.investors}; "
            f"điều chỉnh kế hoạch mới: {report.plan_revisions}"
        )
        for line in report.workbooks:
            self.stdout.write(f"Tệp {line}")
