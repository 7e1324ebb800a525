from django.contrib import admin

from disbursement.models import BudgetSource, CapitalStream, NameAbbreviation, Project


@admin.register(BudgetSource)
class BudgetSourceAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "code", "order"]


@admin.register(CapitalStream)
class CapitalStreamAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "unit_level", "rural_only", "order"]
    list_editable = ["order"]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "investor", "district", "stream"]
    list_filter = ["stream"]
    search_fields = ["code", "name", "investor__name"]
    autocomplete_fields = ["investor", "district"]


@admin.register(NameAbbreviation)
class NameAbbreviationAdmin(admin.ModelAdmin):
    """The abbreviations the importer writes out before matching unit names (both the file's and the stored)."""

    list_display = ["short", "full", "note"]
    search_fields = ["short", "full"]
    ordering = ["short"]
