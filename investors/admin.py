from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from investors.models import Investor, InvestorAlias


class InvestorAliasInline(admin.TabularInline):
    model = InvestorAlias
    extra = 1
    fields = ["name"]


@admin.register(Investor)
class InvestorAdmin(SimpleHistoryAdmin):
    list_display = ["name", "short_name", "code", "kind", "district", "head_name", "head_email", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "short_name", "code", "aliases__name"]
    autocomplete_fields = ["district"]
    inlines = [InvestorAliasInline]


@admin.register(InvestorAlias)
class InvestorAliasAdmin(SimpleHistoryAdmin):
    list_display = ["name", "investor"]
    search_fields = ["name", "investor__name"]
    autocomplete_fields = ["investor"]
