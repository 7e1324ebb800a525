from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from investors.models import Investor, InvestorAlias


class InvestorAliasInline(admin.TabularInline):
    model = InvestorAlias
    extra = 1


@admin.register(Investor)
class InvestorAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "kind", "district", "head_name", "head_email", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "code", "aliases__name"]
    inlines = [InvestorAliasInline]
