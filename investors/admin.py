from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from districts.admin import SuccessionOutInlineBase
from investors.models import Investor, InvestorAlias, InvestorSuccession


class InvestorAliasInline(admin.TabularInline):
    model = InvestorAlias
    extra = 1
    fields = ["name"]


class SuccessionOutInline(SuccessionOutInlineBase):
    model = InvestorSuccession
    verbose_name = "chủ đầu tư kế thừa"
    verbose_name_plural = "Kế thừa: chủ đầu tư nhận (một phần hoặc toàn bộ) chủ đầu tư này"


@admin.register(Investor)
class InvestorAdmin(SimpleHistoryAdmin):
    list_display = [
        "name",
        "short_name",
        "code",
        "kind",
        "district",
        "valid_from",
        "valid_to",
        "head_name",
        "head_email",
        "active",
    ]
    list_filter = ["kind", "active"]
    search_fields = ["name", "short_name", "code", "aliases__name"]
    autocomplete_fields = ["district"]
    inlines = [InvestorAliasInline, SuccessionOutInline]


@admin.register(InvestorAlias)
class InvestorAliasAdmin(SimpleHistoryAdmin):
    list_display = ["name", "investor"]
    search_fields = ["name", "investor__name"]
    autocomplete_fields = ["investor"]


@admin.register(InvestorSuccession)
class InvestorSuccessionAdmin(SimpleHistoryAdmin):
    list_display = ["predecessor", "successor", "kind", "effective_from", "note"]
    list_filter = ["kind", "effective_from"]
    search_fields = ["predecessor__name", "successor__name", "note"]
    autocomplete_fields = ["predecessor", "successor"]
