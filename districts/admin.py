from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from districts.models import District, DistrictAlias


class DistrictAliasInline(admin.TabularInline):
    model = DistrictAlias
    extra = 1


@admin.register(District)
class DistrictAdmin(SimpleHistoryAdmin):
    list_display = ["display_name", "code", "kind", "valid_from", "valid_to", "successor"]
    list_filter = ["kind"]
    search_fields = ["name", "code", "aliases__name"]
    inlines = [DistrictAliasInline]
