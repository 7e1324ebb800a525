from django.core.management.base import BaseCommand

from disbursement.access import ensure_roles


class Command(BaseCommand):
    help = "Tạo hoặc cập nhật các nhóm quyền: người xem, biên tập viên, quản trị viên."

    def handle(self, *args, **options):
        for name, group in ensure_roles().items():
            self.stdout.write(f"{name}: {group.permissions.count()} quyền")
