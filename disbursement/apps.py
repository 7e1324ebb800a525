from django.apps import AppConfig


class DisbursementConfig(AppConfig):
    name = "disbursement"
    verbose_name = "Giải ngân vốn đầu tư công"

    def ready(self) -> None:
        from disbursement import checks  # noqa: F401
        from disbursement.api import signals  # noqa: F401
