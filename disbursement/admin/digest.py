"""Admin of the weekly digest: recipients (pause, send now, preview) and the delivery log (read-only)."""

from __future__ import annotations

import datetime as dt

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from disbursement.admin.display import ReadOnlyAdmin
from disbursement.digest import selectors, services, tasks
from disbursement.models import DigestDelivery, DigestRecipient


def _week(request: HttpRequest) -> dt.date:
    """The week asked for with ?tuan=YYYY-MM-DD (any day of it), else the current one."""
    text = request.GET.get("tuan", "")
    try:
        return selectors.week_start(dt.date.fromisoformat(text))
    except ValueError:
        return selectors.current_week()


@admin.register(DigestRecipient)
class DigestRecipientAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "kind", "unit_display", "paused", "preview_link"]
    list_filter = ["kind", "paused"]
    search_fields = ["name", "email", "investor__name", "district__name"]
    list_select_related = ["investor", "district"]
    autocomplete_fields = ["investor", "district"]
    readonly_fields = ["from_head_email", "created_at"]
    actions = ["send_now", "pause", "resume"]

    @admin.display(description="đơn vị")
    def unit_display(self, obj: DigestRecipient) -> str:
        return obj.unit.display_name if obj.unit else "–"

    @admin.display(description="xem trước")
    def preview_link(self, obj: DigestRecipient) -> str:
        url = reverse("admin:disbursement_digestrecipient_preview", args=[obj.pk])
        return format_html('<a href="{}" target="_blank">Xem trước</a> · <a href="{}?dang=text">văn bản</a>', url, url)

    @admin.action(description="Gửi ngay bản tin tuần này", permissions=["change"])
    def send_now(self, request, queryset):
        week = selectors.current_week()
        ready, skipped = services.send_now(list(queryset), week)
        tasks.enqueue_deliveries(ready)
        if ready:
            self.message_user(request, f"Đã xếp {len(ready)} bản tin tuần {week:%d/%m/%Y} để gửi.", messages.SUCCESS)
        if skipped:
            names = ", ".join(r.name for r in skipped)
            self.message_user(request, f"Không gửi (tạm dừng hoặc đã gửi tuần này): {names}.", messages.WARNING)

    @admin.action(description="Tạm dừng gửi", permissions=["change"])
    def pause(self, request, queryset):
        count = queryset.update(paused=True)
        self.message_user(request, f"Đã tạm dừng {count} người nhận.", messages.SUCCESS)

    @admin.action(description="Tiếp tục gửi", permissions=["change"])
    def resume(self, request, queryset):
        count = queryset.update(paused=False)
        self.message_user(request, f"Đã cho gửi lại {count} người nhận.", messages.SUCCESS)

    def get_urls(self):
        return [
            path(
                "<int:pk>/xem-truoc/",
                self.admin_site.admin_view(self.preview_view),
                name="disbursement_digestrecipient_preview",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The digest as the recipient would read it this week (or ?tuan=), the week chosen from a list.

        The page shows the mail in a frame (?dang=html, the mail's own HTML with the chart embedded);
        ?dang=text gives the text part. Nothing is sent.
        """
        recipient = get_object_or_404(DigestRecipient.objects.select_related("investor", "district"), pk=pk)
        if not self.has_view_permission(request, recipient):
            raise PermissionDenied
        week = _week(request)
        form = request.GET.get("dang")
        if selectors.digest_snapshot(week) is None:
            return _no_digest(week)
        if form not in ("text", "html"):
            url = reverse("admin:disbursement_digestrecipient_preview", args=[recipient.pk])
            context = {
                **self.admin_site.each_context(request),
                "title": f"Xem trước bản tin gửi {recipient.name}",
                "opts": self.model._meta,
                "recipient": recipient,
                "week": week,
                "weeks": selectors.digest_weeks(),
                "mail_url": f"{url}?tuan={week:%Y-%m-%d}&dang=html",
                "text_url": f"{url}?tuan={week:%Y-%m-%d}&dang=text",
            }
            return TemplateResponse(request, "digest/admin/preview.html", context)
        rendered = services.render_digest(recipient, week, for_browser=True)
        if rendered is None:
            return _no_digest(week)
        if form == "text":
            return HttpResponse(f"{rendered.subject}\n\n{rendered.text}", content_type="text/plain; charset=utf-8")
        return _framed_mail(rendered.html)


def _no_digest(week: dt.date) -> HttpResponse:
    return HttpResponse(
        f"Chưa có kỳ số liệu đã tính đến ngày {week:%d/%m/%Y}: chưa có bản tin để xem.",
        content_type="text/plain; charset=utf-8",
        status=404,
    )


def _framed_mail(html: str) -> HttpResponse:
    """The mail's HTML, which the preview page shows in a frame of the same site."""
    response = HttpResponse(html)
    response["X-Frame-Options"] = "SAMEORIGIN"
    return response


@admin.register(DigestDelivery)
class DigestDeliveryAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["week", "recipient", "status", "attempts", "sent_at", "error_summary"]
    list_filter = ["status", "week", "recipient__kind"]
    search_fields = ["recipient__name", "recipient__email", "message_id"]
    list_select_related = ["recipient"]
    date_hierarchy = "week"
    actions = ["resend"]
    change_list_template = "digest/admin/delivery_change_list.html"

    @admin.display(description="lỗi gần nhất")
    def error_summary(self, obj: DigestDelivery) -> str:
        return obj.last_error[:120]

    def _may_send(self, request: HttpRequest) -> bool:
        return request.user.has_perm("disbursement.change_digestrecipient")

    @admin.action(description="Gửi lại (lượt lỗi hoặc treo)", permissions=["send"])
    def resend(self, request, queryset):
        released = [d.pk for d in queryset if services.release_for_retry(d.pk)]
        tasks.enqueue_deliveries(released)
        self.message_user(request, f"Đã xếp gửi lại {len(released)} lượt.", messages.SUCCESS)
        if len(released) < queryset.count():
            self.message_user(request, "Lượt đã gửi, đang chờ hoặc vừa nhận gửi thì không gửi lại.", messages.WARNING)

    def has_send_permission(self, request) -> bool:
        return self._may_send(request)

    def get_urls(self):
        return [
            path(
                "gui-ngay/",
                self.admin_site.admin_view(require_POST(self.send_week_view)),
                name="disbursement_digestdelivery_send_week",
            ),
            *super().get_urls(),
        ]

    def send_week_view(self, request: HttpRequest) -> HttpResponse:
        """'Gửi ngay': plan and queue this week's digests now; rows already sent are not sent again."""
        if not self._may_send(request):
            raise PermissionDenied
        week = selectors.current_week()
        ids = services.plan_week(week)
        tasks.enqueue_deliveries(ids)
        if ids:
            self.message_user(request, f"Đã xếp {len(ids)} bản tin tuần {week:%d/%m/%Y} để gửi.", messages.SUCCESS)
        else:
            self.message_user(
                request,
                f"Không có bản tin nào cần gửi cho tuần {week:%d/%m/%Y} (đã gửi hết, hoặc chưa có số liệu).",
                messages.WARNING,
            )
        return HttpResponseRedirect(reverse("admin:disbursement_digestdelivery_changelist"))

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "may_send": self._may_send(request)}
        return super().changelist_view(request, extra_context)
