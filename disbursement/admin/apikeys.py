"""API keys in the admin: list, create (the key shown once, on the page that answers the creation), revoke.

Only administrators see this page (the apikey permissions, which only their role holds); a key is never
shown again nor deleted: revoking keeps the record of who made it and when it was last used.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from disbursement.access import KEY_WRITE_ROLE
from disbursement.apikeys import ApiKeyError, create_api_key, revoke_api_key
from disbursement.models import ApiKey

SCOPE_HELP = (
    f"Chỉ đọc: đọc mọi số liệu qua API. Đọc và ghi: thêm quyền nhập tệp số liệu, với đúng các quyền của nhóm "
    f"'{KEY_WRITE_ROLE}' (sửa nhóm này là sửa quyền của mọi khóa ghi); không khóa nào quản lý được khóa."
)


class ApiKeyCreateForm(forms.Form):
    name = forms.CharField(
        label="Tên",
        max_length=200,
        help_text="Hệ thống hoặc bảng điều khiển dùng khóa, ví dụ 'Cổng dữ liệu Sở Tài chính'.",
    )
    scope = forms.ChoiceField(
        label="Quyền", choices=ApiKey.Scope.choices, initial=ApiKey.Scope.READ, help_text=SCOPE_HELP
    )


class ActiveFilter(admin.SimpleListFilter):
    title = "tình trạng"
    parameter_name = "active"

    def lookups(self, request, model_admin):
        return [("yes", "Đang dùng"), ("no", "Đã thu hồi")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(revoked_at__isnull=True)
        if self.value() == "no":
            return queryset.filter(revoked_at__isnull=False)
        return queryset


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "shown_prefix", "scope", "state", "created_by", "created_at", "last_used_at"]
    list_filter = ["scope", ActiveFilter]
    search_fields = ["name", "prefix"]
    # The hash is never shown; the prefix lets a holder tell which key they have.
    fields = ["name", "shown_prefix", "scope", "state", "created_by", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = fields
    actions = ["revoke_selected"]
    change_form_template = "admin/disbursement/apikey_change_form.html"

    @admin.display(description="tiền tố", ordering="prefix")
    def shown_prefix(self, obj: ApiKey) -> str:
        return f"{obj.prefix}…"

    @admin.display(description="tình trạng", ordering="revoked_at")
    def state(self, obj: ApiKey) -> str:
        return "Đang dùng" if obj.is_active else "Đã thu hồi"

    # Seeing the keys is managing them: only who may revoke them, whatever an older viewers' group still holds.
    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("disbursement.change_apikey")

    def has_module_permission(self, request) -> bool:
        return self.has_view_permission(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:key_id>/revoke/", wrap(self.revoke_view), name="disbursement_apikey_revoke"),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # Nothing on a key is edited; its one change is the revocation button.
        context.update(
            show_save=False,
            show_save_and_continue=False,
            show_save_and_add_another=False,
            show_delete=False,
            can_revoke=obj is not None and obj.is_active and request.user.has_perm("disbursement.change_apikey"),
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ApiKeyCreateForm(request.POST or None)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Tạo khóa API",
            "form": form,
        }
        if request.method == "POST" and form.is_valid():
            try:
                new = create_api_key(user=request.user, **form.cleaned_data)
            except ApiKeyError as exc:
                form.add_error(exc.field, str(exc))
            else:
                self.log_addition(request, new.api_key, [{"added": {}}])
                # The key is in this page only: never stored, never in a message or a redirect.
                context.update(title="Đã tạo khóa API", api_key=new.api_key, plaintext=new.plaintext)
                return TemplateResponse(request, "admin/disbursement/apikey_created.html", context)
        return TemplateResponse(request, "admin/disbursement/apikey_add.html", context)

    def revoke_view(self, request, key_id: int):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not request.user.has_perm("disbursement.change_apikey"):
            raise PermissionDenied
        api_key = revoke_api_key(get_object_or_404(ApiKey, pk=key_id).pk)
        self.log_change(request, api_key, "Thu hồi khóa API.")
        messages.success(request, f"Đã thu hồi khóa “{api_key.name}”: mọi yêu cầu dùng khóa này từ nay bị từ chối.")
        return redirect(reverse("admin:disbursement_apikey_change", args=[api_key.pk]))

    @admin.action(description="Thu hồi các khóa đã chọn", permissions=["change"])
    def revoke_selected(self, request, queryset):
        revoked = 0
        for api_key in queryset.filter(revoked_at__isnull=True):
            self.log_change(request, revoke_api_key(api_key.pk), "Thu hồi khóa API.")
            revoked += 1
        messages.success(request, f"Đã thu hồi {revoked} khóa.")
