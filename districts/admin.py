from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from districts.models import District, DistrictAlias, DistrictSuccession


class DistrictAliasInline(admin.TabularInline):
    model = DistrictAlias
    extra = 1
    fields = ["name"]


class SuccessionOutInlineBase(admin.TabularInline):
    """The successions leaving a unit, edited on the unit's page (local units and investors alike)."""

    fk_name = "predecessor"
    extra = 0
    fields = ["successor", "kind", "effective_from", "note"]
    autocomplete_fields = ["successor"]


class SuccessionOutInline(SuccessionOutInlineBase):
    model = DistrictSuccession
    verbose_name = "đơn vị kế thừa"
    verbose_name_plural = "Kế thừa: đơn vị nhận (một phần hoặc toàn bộ) đơn vị này"


@admin.register(District)
class DistrictAdmin(SimpleHistoryAdmin):
    list_display = ["display_name", "code", "kind", "level", "parent", "valid_from", "valid_to", "order"]
    list_filter = ["level", "kind"]
    search_fields = ["name", "code", "aliases__name"]
    autocomplete_fields = ["successor", "parent"]
    inlines = [DistrictAliasInline, SuccessionOutInline]

    @admin.display(description="tên đầy đủ", ordering="name")
    def display_name(self, obj):
        return obj.display_name


@admin.register(DistrictAlias)
class DistrictAliasAdmin(SimpleHistoryAdmin):
    list_display = ["name", "district"]
    search_fields = ["name", "district__name"]
    autocomplete_fields = ["district"]


@admin.register(DistrictSuccession)
class DistrictSuccessionAdmin(SimpleHistoryAdmin):
    list_display = ["predecessor", "successor", "kind", "effective_from", "note"]
    list_filter = ["kind", "effective_from"]
    search_fields = ["predecessor__name", "successor__name", "note"]
    autocomplete_fields = ["predecessor", "successor"]
