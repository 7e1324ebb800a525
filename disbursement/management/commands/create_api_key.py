from django.core.management.base import BaseCommand, CommandError

from disbursement.api.keys import ApiKeyError, create_api_key
from disbursement.models import ApiKey


class Command(BaseCommand):
    help = "Tạo khóa API cho một bảng điều khiển; khóa chỉ in ra một lần."

    def add_arguments(self, parser):
        parser.add_argument("name", help="Tên hệ thống dùng khóa")
        parser.add_argument("--scope", choices=ApiKey.Scope.values, default=ApiKey.Scope.READ)

    def handle(self, *args, name: str, scope: str, **options):
        try:
            new = create_api_key(name=name, scope=scope)
        except ApiKeyError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Khóa API '{new.api_key.name}' ({new.api_key.get_scope_display()}):")
        self.stdout.write(new.plaintext)
        self.stdout.write("Lưu khóa này ngay: không thể xem lại.")
