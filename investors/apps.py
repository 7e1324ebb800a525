from django.apps import AppConfig


class InvestorsConfig(AppConfig):
    name = "investors"
    verbose_name = "Chủ đầu tư"
