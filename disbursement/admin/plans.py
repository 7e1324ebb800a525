"""Plans and their revisions. A revision is a new row: existing ones are shown, not edited."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from disbursement.admin.display import TyDongMixin, money, year
from disbursement.models import Allocation, AllocationRevision, CityPlan, CityPlanRevision


def _amount_in_force(revision_model, parent_field: str):
    today = timezone.localdate()
    revisions = revision_model.objects.filter(**{parent_field: OuterRef("pk"), "effective_from__lte": today})
    return Subquery(revisions.order_by("-effective_from", "-id").values("amount")[:1])


class RevisionForm(forms.ModelForm):
    """A recorded revision is shown, amount in tỷ đồng, but cannot be changed: a new one is added instead."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for form_field in self.fields.values():
                form_field.disabled = True


class RevisionInlineMixin(TyDongMixin):
    """New revisions are added; recorded ones stay as they were (the audit trail needs them)."""

    form = RevisionForm
    extra = 1
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return ["recorded_by", "recorded_at"]


class CityPlanRevisionInline(RevisionInlineMixin, admin.TabularInline):
    model = CityPlanRevision
    fields = ["amount", "effective_from", "note", "recorded_by", "recorded_at"]


class RecordsUserMixin:
    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for instance in instances:
            if hasattr(instance, "recorded_by_id") and instance.pk is None:
                instance.recorded_by = request.user
            instance.save()
        formset.save_m2m()


@admin.register(CityPlan)
class CityPlanAdmin(RecordsUserMixin, SimpleHistoryAdmin):
    list_display = [year, "level", "source", "amount_now"]
    list_filter = ["year", "level", "source"]
    inlines = [CityPlanRevisionInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("source")
            .annotate(amount_now=_amount_in_force(CityPlanRevision, "plan"))
        )

    @admin.display(description="Kế hoạch đang có hiệu lực (tỷ đồng)", ordering="amount_now")
    def amount_now(self, obj):
        return money(obj.amount_now)


class AllocationRevisionInline(RevisionInlineMixin, admin.TabularInline):
    model = AllocationRevision
    fields = ["amount", "effective_from", "note", "snapshot", "recorded_by", "recorded_at"]

    def get_readonly_fields(self, request, obj=None):
        return ["snapshot", "recorded_by", "recorded_at"]


@admin.register(Allocation)
class AllocationAdmin(RecordsUserMixin, SimpleHistoryAdmin):
    list_display = [year, "unit_name", "stream", "source", "amount_now", "deadline"]
    list_filter = ["year", "stream", "source"]
    search_fields = ["investor__name", "district__name", "investor__aliases__name", "district__aliases__name"]
    autocomplete_fields = ["investor", "district", "project"]
    inlines = [AllocationRevisionInline]
    list_select_related = ["stream", "source", "investor", "district"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(amount_now=_amount_in_force(AllocationRevision, "allocation"))

    @admin.display(description="Đơn vị", ordering="investor__name")
    def unit_name(self, obj):
        return str(obj.unit)

    @admin.display(description="Kế hoạch đang có hiệu lực (tỷ đồng)", ordering="amount_now")
    def amount_now(self, obj):
        return money(obj.amount_now)


class RevisionAdmin(TyDongMixin, SimpleHistoryAdmin):
    """Revisions on their own, for their change history and search; editing happens on the plan."""

    list_display = ["__str__", "amount_ty", "effective_from", "note", "recorded_by", "recorded_at"]
    list_filter = ["effective_from"]
    readonly_fields = ["recorded_by", "recorded_at"]
    date_hierarchy = "effective_from"

    @admin.display(description="Số vốn (tỷ đồng)", ordering="amount")
    def amount_ty(self, obj):
        return money(obj.amount)

    def save_model(self, request, obj, form, change):
        if obj.pk is None:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(CityPlanRevision)
class CityPlanRevisionAdmin(RevisionAdmin):
    list_select_related = ["plan__source", "recorded_by"]


@admin.register(AllocationRevision)
class AllocationRevisionAdmin(RevisionAdmin):
    list_select_related = ["allocation__stream", "allocation__source", "allocation__investor", "allocation__district"]
    list_filter = ["allocation__year", "allocation__stream", "effective_from"]
    search_fields = ["allocation__investor__name", "allocation__district__name", "note"]
    autocomplete_fields = ["allocation"]
    readonly_fields = ["snapshot", "recorded_by", "recorded_at"]
