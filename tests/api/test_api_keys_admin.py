"""API keys in the admin: administrators list, create (the key shown once) and revoke them; nobody else sees them."""

from __future__ import annotations

import re

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from disbursement.access import ADMINISTRATOR, EDITOR, VIEWER, ensure_roles
from disbursement.api.keys import create_api_key, hash_key
from disbursement.models import ApiKey
from tests.factories import UserFactory

CHANGELIST = reverse("admin:disbursement_apikey_changelist")
ADD = reverse("admin:disbursement_apikey_add")


@pytest.fixture
def roles(db):
    ensure_roles()


def _login(role: str) -> Client:
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    client = Client()
    client.force_login(user)
    return client


def _api(plaintext: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {plaintext}")
    return client


def _shown_key(page: str) -> str:
    return re.search(r'id="api-key"[^>]*value="([^"]+)"', page).group(1)


def test_an_administrator_creates_a_key_seen_once(roles):
    admin = _login(ADMINISTRATOR)
    assert admin.get(ADD).status_code == 200

    page = admin.post(ADD, {"name": "Cổng dữ liệu Sở Tài chính", "scope": "read"})

    assert page.status_code == 200
    plaintext = _shown_key(page.content.decode())
    stored = ApiKey.objects.get(name="Cổng dữ liệu Sở Tài chính")
    assert stored.hashed_key == hash_key(plaintext) and stored.prefix == plaintext.split(".")[0]
    assert stored.created_by.groups.get().name == ADMINISTRATOR
    assert _api(plaintext).get("/api/v1/health/").status_code == 200
    # Never again in clear: not in the list, not on the key's page, not in the change history.
    listed = admin.get(CHANGELIST).content.decode()
    assert "Cổng dữ liệu Sở Tài chính" in listed and f"{stored.prefix}…" in listed
    detail = admin.get(reverse("admin:disbursement_apikey_change", args=[stored.pk])).content.decode()
    for shown in (listed, detail):
        assert plaintext not in shown and stored.hashed_key not in shown
    assert LogEntry.objects.filter(object_id=str(stored.pk)).exists()
    assert plaintext not in str(list(LogEntry.objects.values()))


def test_a_write_key_made_in_the_admin_imports_with_the_editors_permissions(roles):
    page = _login(ADMINISTRATOR).post(ADD, {"name": "Hệ thống báo cáo", "scope": "write"})
    client = _api(_shown_key(page.content.decode()))

    # Reaches the upload's own validation: the permission check let it through.
    response = client.post("/api/v1/imports/", {}, format="multipart")
    assert response.status_code == 400 and "file" in response.json()["error"]["details"]
    # The editors' group narrowed by an administrator narrows the key at once.
    Group.objects.get(name=EDITOR).permissions.remove(Permission.objects.get(codename="add_snapshot"))
    assert client.post("/api/v1/imports/", {}, format="multipart").status_code == 403


def test_nobody_makes_a_write_key_stronger_than_themselves(db):
    ensure_roles()
    # Allowed to manage keys, but not to import: a write key would import.
    keeper = UserFactory(is_staff=True)
    keeper.user_permissions.add(*Permission.objects.filter(codename__in=["view_apikey", "add_apikey", "change_apikey"]))
    client = Client()
    client.force_login(keeper)

    page = client.post(ADD, {"name": "Khóa ghi", "scope": "write"})

    assert page.status_code == 200 and 'id="api-key"' not in page.content.decode()
    assert "bạn chưa có đủ các quyền đó" in page.content.decode()
    assert not ApiKey.objects.exists()
    client.post(ADD, {"name": "Khóa đọc", "scope": "read"})
    assert ApiKey.objects.get().scope == "read"


def test_an_administrator_revokes_a_key(roles):
    admin = _login(ADMINISTRATOR)
    first, second = create_api_key(name="Bảng cũ"), create_api_key(name="Bảng thử")

    page = admin.get(reverse("admin:disbursement_apikey_change", args=[first.api_key.pk])).content.decode()
    assert "Thu hồi khóa" in page
    response = admin.post(reverse("admin:disbursement_apikey_revoke", args=[first.api_key.pk]))
    assert response.status_code == 302
    assert _api(first.plaintext).get("/api/v1/health/").status_code == 401
    assert _api(second.plaintext).get("/api/v1/health/").status_code == 200

    admin.post(CHANGELIST, {"action": "revoke_selected", "_selected_action": [second.api_key.pk]})
    assert _api(second.plaintext).get("/api/v1/health/").status_code == 401
    assert ApiKey.objects.count() == 2  # revoked, kept: who made them and when they were last used


@pytest.mark.parametrize("role", [VIEWER, EDITOR])
def test_viewers_and_editors_neither_see_nor_manage_keys(roles, role):
    key = create_api_key(name="Bảng điều khiển")
    client = _login(role)

    assert client.get(CHANGELIST).status_code == 403
    assert client.get(ADD).status_code == 403
    assert client.post(ADD, {"name": "Khóa của tôi", "scope": "write"}).status_code == 403
    assert client.get(reverse("admin:disbursement_apikey_change", args=[key.api_key.pk])).status_code == 403
    assert client.post(reverse("admin:disbursement_apikey_revoke", args=[key.api_key.pk])).status_code == 403
    assert CHANGELIST not in client.get(reverse("admin:index")).content.decode()
    assert ApiKey.objects.get().is_active and ApiKey.objects.count() == 1


def test_a_viewers_group_from_an_older_setup_still_sees_no_key(roles):
    # Before key management was the administrators' alone, setup_roles gave viewers view_apikey.
    Group.objects.get(name=VIEWER).permissions.add(Permission.objects.get(codename="view_apikey"))
    client = _login(VIEWER)
    assert client.get(CHANGELIST).status_code == 403
    assert _as_api(client).get("/api/v1/api-keys/").status_code == 403


def _as_api(client: Client) -> APIClient:
    api = APIClient()
    api.cookies = client.cookies
    return api
