from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from districts.models import District, DistrictAlias


class DistrictAliasInline(admin.TabularInline):
    model = DistrictAlias
    extra = 1
    fields = ["name"]


@admin.register(District)
class DistrictAdmin(SimpleHistoryAdmin):
    list_display = ["display_name", "code", "kind", "valid_from", "valid_to", "successor", "order"]
    list_filter = ["kind"]
    search_fields = ["name", "code", "aliases__name"]
    autocomplete_fields = ["successor"]
    inlines = [DistrictAliasInline]

    @admin.display(description="tên đầy đủ", ordering="name")
    def display_name(self, obj):
        return obj.display_name


@admin.register(DistrictAlias)
class DistrictAliasAdmin(SimpleHistoryAdmin):
    list_display = ["name", "district"]
    search_fields = ["name", "district__name"]
    autocomplete_fields = ["district"]
