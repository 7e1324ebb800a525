"""Admin of the follow-up: requesting explanations from flags, the requests with their answers and commitments,
the list of causes and the public holidays deadlines skip. Requests are made from flags; answers come from the
units' form, never typed here."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from core.presentation import DASH, date_web, datetime_web
from disbursement.admin.display import ReadOnlyAdmin
from disbursement.followup import services
from disbursement.models import (
    Commitment,
    ExplanationCause,
    ExplanationReminder,
    ExplanationRequest,
    PublicHoliday,
)

Status = ExplanationRequest.Status


class RequestExplanationForm(forms.Form):
    working_days = forms.IntegerField(
        label="Thời hạn giải trình (ngày làm việc)",
        min_value=1,
        max_value=60,
        error_messages={"required": "Hãy nhập thời hạn.", "min_value": "Thời hạn ít nhất 1 ngày làm việc."},
    )
    extra_emails = forms.CharField(
        label="Gửi thêm đến (email, cách nhau bằng dấu phẩy)",
        required=False,
        help_text="Ngoài email thủ trưởng, email liên hệ của đơn vị và thủ trưởng nhận bản tin của đơn vị.",
    )

    def clean_extra_emails(self) -> list[str]:
        validator = forms.EmailField(error_messages={"invalid": "Email '%(value)s' không hợp lệ."})
        addresses = []
        for part in self.cleaned_data["extra_emails"].replace(";", ",").split(","):
            part = part.strip()
            if not part:
                continue
            try:
                addresses.append(validator.clean(part))
            except forms.ValidationError as exc:
                raise forms.ValidationError(f"Email '{part}' không hợp lệ.") from exc
        return addresses


def request_explanation(model_admin, request, queryset):
    """The flags' action: ask the units for an explanation (one request per unit and stream)."""
    flags = list(queryset.select_related("investor", "district", "stream"))
    if "apply" in request.POST:
        form = RequestExplanationForm(request.POST)
        if form.is_valid():
            try:
                result = services.create_requests(
                    flags,
                    user=request.user,
                    working_days=form.cleaned_data["working_days"],
                    extra_emails=form.cleaned_data["extra_emails"],
                )
            except services.FollowUpError as exc:
                model_admin.message_user(request, str(exc), messages.ERROR)
                return None
            for item in result.created:
                model_admin.message_user(
                    request,
                    f"Đã gửi yêu cầu giải trình đến {item.unit} ({', '.join(item.recipients)}), "
                    f"hạn {item.deadline:%d/%m/%Y}.",
                    messages.SUCCESS,
                )
            for item in result.already_pending:
                model_admin.message_user(
                    request,
                    f"{item.unit} đang có yêu cầu giải trình chờ trả lời (hạn {item.deadline:%d/%m/%Y}): "
                    "cảnh báo đã chọn được gắn vào yêu cầu đó.",
                    messages.WARNING,
                )
            return None
    else:
        form = RequestExplanationForm(initial={"working_days": settings.EXPLANATION_WORKING_DAYS})
    context = {
        **model_admin.admin_site.each_context(request),
        "title": "Yêu cầu giải trình",
        "opts": model_admin.model._meta,
        "flags": flags,
        "form": form,
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/disbursement/request_explanation.html", context)


request_explanation.short_description = "Yêu cầu đơn vị giải trình"
request_explanation.allowed_permissions = ("request_explanation",)


def has_request_explanation_permission(model_admin, request) -> bool:
    return request.user.has_perm("disbursement.add_explanationrequest")


@admin.register(ExplanationCause)
class ExplanationCauseAdmin(admin.ModelAdmin):
    list_display = ["name", "order", "needs_detail", "is_active"]
    list_editable = ["order", "needs_detail", "is_active"]


WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")


@admin.register(PublicHoliday)
class PublicHolidayAdmin(admin.ModelAdmin):
    """The days off besides weekends: a request's deadline in working days skips them."""

    list_display = ["day", "weekday", "name", "note"]
    list_filter = [("date", admin.DateFieldListFilter)]
    date_hierarchy = "date"
    search_fields = ["name", "note"]
    fields = ["date", "name", "note"]

    @admin.display(description="Ngày nghỉ", ordering="date")
    def day(self, obj):
        return date_web(obj.date)

    @admin.display(description="Thứ")
    def weekday(self, obj):
        return WEEKDAYS[obj.date.weekday()]


class FollowUpStatusFilter(admin.SimpleListFilter):
    title = "tình trạng"
    parameter_name = "tinh_trang"

    def lookups(self, request, model_admin):
        return [("pending", "Chờ giải trình"), ("overdue", "Quá hạn giải trình"), ("answered", "Đã giải trình")]

    def queryset(self, request, queryset):
        if self.value() == "pending":
            return queryset.filter(status=Status.PENDING, deadline__gte=timezone.localdate())
        if self.value() == "overdue":
            return queryset.filter(status=Status.PENDING, deadline__lt=timezone.localdate())
        if self.value() == "answered":
            return queryset.filter(status=Status.ANSWERED)
        return queryset


def request_status(obj: ExplanationRequest) -> str:
    if obj.status == Status.PENDING and obj.deadline < timezone.localdate():
        return "Quá hạn giải trình"
    if obj.status == Status.ANSWERED and obj.answered_at and timezone.localdate(obj.answered_at) > obj.deadline:
        return "Đã giải trình (quá hạn)"
    return obj.get_status_display().capitalize()


@admin.register(ExplanationRequest)
class ExplanationRequestAdmin(admin.ModelAdmin):
    """Requests are made from flags (Cảnh báo → Yêu cầu đơn vị giải trình); the unit answers through its link."""

    list_display = ["unit_name", "stream", "requested", "deadline", "status_display", "mail_status", "year"]
    list_filter = [FollowUpStatusFilter, "year", "stream", "mail_status"]
    list_select_related = ["investor", "district", "stream"]
    search_fields = ["investor__name", "district__name", "summary"]
    actions = ["renew_link", "cancel"]
    fields = [
        "unit_name",
        "stream",
        "year",
        "summary",
        "recipients_display",
        "requested_by",
        "requested",
        "working_days",
        "deadline",
        "status_display",
        "answer",
        "mail_status",
        "sent_at",
        "mail_error",
        "reminders_display",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Đơn vị")
    def unit_name(self, obj):
        return obj.unit.display_name

    @admin.display(description="Yêu cầu lúc")
    def requested(self, obj):
        return datetime_web(obj.requested_at)

    @admin.display(description="Tình trạng")
    def status_display(self, obj):
        return request_status(obj)

    @admin.display(description="Gửi đến")
    def recipients_display(self, obj):
        return ", ".join(obj.recipients) or DASH

    @admin.display(description="Giải trình")
    def answer(self, obj):
        explanation = getattr(obj, "explanation", None)
        if explanation is None:
            return DASH
        cause = explanation.cause.name + (f": {explanation.cause_detail}" if explanation.cause_detail else "")
        rows = [
            ("Gửi lúc", datetime_web(explanation.submitted_at)),
            ("Nguyên nhân", cause),
            ("Giải pháp", explanation.actions),
            (
                "Người chịu trách nhiệm",
                explanation.responsible_name
                + (f", {explanation.responsible_title}" if explanation.responsible_title else ""),
            ),
        ]
        rows += [
            (f"Cam kết đến {date_web(c.due)}", f"{c.amount_text} – {c.get_status_display()}")
            for c in explanation.commitments.all()
        ]
        return format_html(
            '<table class="explanation">{}</table>', format_html_join("", "<tr><th>{}</th><td>{}</td></tr>", rows)
        )

    @admin.display(description="Nhắc và báo quá hạn")
    def reminders_display(self, obj):
        rows = [
            (r.get_kind_display(), date_web(r.due_on), r.get_status_display(), datetime_web(r.sent_at))
            for r in obj.reminders.all()
        ]
        if not rows:
            return DASH
        return format_html(
            "<table><tr><th>Loại</th><th>Từ ngày</th><th>Trạng thái</th><th>Gửi lúc</th></tr>{}</table>",
            format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", rows),
        )

    @admin.action(description="Gửi lại email với đường dẫn mới (đường dẫn cũ hết hiệu lực)", permissions=["change"])
    def renew_link(self, request, queryset):
        for item in queryset:
            try:
                services.renew_link(item.pk)
            except services.FollowUpError as exc:
                self.message_user(request, f"{item.unit}: {exc}", messages.WARNING)
            else:
                self.message_user(request, f"Đã gửi lại yêu cầu giải trình đến {item.unit}.", messages.SUCCESS)

    @admin.action(description="Hủy yêu cầu giải trình", permissions=["change"])
    def cancel(self, request, queryset):
        cancelled = sum(services.cancel_request(item.pk) for item in queryset)
        self.message_user(request, f"Đã hủy {cancelled} yêu cầu giải trình.", messages.SUCCESS)


@admin.register(Commitment)
class CommitmentAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Commitments come from the units' explanations and are judged by the compute: read only."""

    list_display = ["unit_name", "stream", "due", "amount_text", "status", "evaluated_on", "shortfall_text", "year"]
    list_filter = ["status", "year", "stream"]
    list_select_related = ["investor", "district", "stream"]
    search_fields = ["investor__name", "district__name"]

    @admin.display(description="Đơn vị")
    def unit_name(self, obj):
        return obj.unit.display_name

    @admin.display(description="Lũy kế cam kết")
    def amount_text(self, obj):
        return obj.amount_text

    @admin.display(description="Còn thiếu")
    def shortfall_text(self, obj):
        return DASH if not obj.shortfall else services.format_amount_with_unit(obj.shortfall)


@admin.register(ExplanationReminder)
class ExplanationReminderAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["request", "kind", "due_on", "status", "sent_at"]
    list_filter = ["kind", "status"]
