"""Who may call the API: anonymous nothing, read keys read, write keys push, staff as their role allows."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from disbursement.access import VIEWER, ensure_roles
from disbursement.api.keys import create_api_key, hash_key, revoke_api_key
from disbursement.models import ApiKey, ImportJob, Snapshot
from tests.factories import UserFactory

READ_URLS = [
    "/api/v1/districts/",
    "/api/v1/investors/",
    "/api/v1/streams/",
    "/api/v1/sources/",
    "/api/v1/city-plans/",
    "/api/v1/allocations/",
    "/api/v1/snapshots/",
    "/api/v1/health/",
]


@pytest.mark.django_db
@pytest.mark.parametrize("url", READ_URLS)
def test_anonymous_gets_nothing(anon_client, url):
    response = anon_client.get(url)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
    assert response["WWW-Authenticate"] == "Api-Key"


@pytest.mark.django_db
@pytest.mark.parametrize("url", READ_URLS)
def test_read_key_and_staff_can_read(read_client, staff_client, url):
    assert read_client.get(url).status_code == 200
    assert staff_client.get(url).status_code == 200


@pytest.mark.django_db
def test_non_staff_session_is_refused(plain_user_client):
    response = plain_user_client.get("/api/v1/districts/")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


@pytest.mark.django_db
def test_read_key_cannot_push(read_client, write_client):
    refused = read_client.post("/api/v1/imports/", {}, format="multipart")
    assert refused.status_code == 403
    assert refused.json()["error"]["message"] == "Bạn không có quyền thực hiện thao tác này."
    # A write key passes the permission check and reaches validation.
    accepted = write_client.post("/api/v1/imports/", {}, format="multipart")
    assert accepted.status_code == 400
    assert "file" in accepted.json()["error"]["details"]


@pytest.mark.django_db
def test_wrong_or_malformed_key_is_refused(anon_client):
    for header in ("Api-Key abcdefgh.not-the-key", "Api-Key nonsense", "Api-Key "):
        anon_client.credentials(HTTP_AUTHORIZATION=header)
        response = anon_client.get("/api/v1/districts/")
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "authentication_failed"


@pytest.mark.django_db
def test_key_is_stored_hashed_and_shown_once(staff_client):
    response = staff_client.post(
        "/api/v1/api-keys/", {"name": "Cổng thông tin thành phố", "scope": "read"}, format="json"
    )
    assert response.status_code == 201
    plaintext = response.json()["key"]
    stored = ApiKey.objects.get(pk=response.json()["id"])
    assert stored.hashed_key == hash_key(plaintext)
    assert plaintext not in stored.hashed_key and stored.prefix == plaintext.split(".")[0]
    listed = staff_client.get("/api/v1/api-keys/").json()["results"]
    assert listed[0]["name"] == "Cổng thông tin thành phố"
    assert "key" not in listed[0]
    detail = staff_client.get(f"/api/v1/api-keys/{stored.pk}/").json()
    assert "key" not in detail and plaintext not in str(detail)


@pytest.mark.django_db
def test_revoked_key_stops_working(staff_client):
    new = create_api_key(name="Bảng điều khiển cũ")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {new.plaintext}")
    assert client.get("/api/v1/health/").status_code == 200
    response = staff_client.post(f"/api/v1/api-keys/{new.api_key.pk}/revoke/")
    assert response.status_code == 200 and response.json()["revoked_at"]
    assert client.get("/api/v1/health/").status_code == 401


@pytest.mark.django_db
def test_key_records_last_use():
    new = create_api_key(name="Bảng điều khiển")
    assert new.api_key.last_used_at is None
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {new.plaintext}")
    client.get("/api/v1/health/")
    new.api_key.refresh_from_db()
    assert new.api_key.last_used_at is not None


@pytest.mark.django_db
def test_only_administrators_manage_keys(read_client, write_client, staff_client):
    for client in (read_client, write_client):
        assert client.get("/api/v1/api-keys/").status_code == 403
        assert client.post("/api/v1/api-keys/", {"name": "x"}, format="json").status_code == 403
    invalid = staff_client.post("/api/v1/api-keys/", {"name": "x", "scope": "admin"}, format="json")
    assert invalid.status_code == 400 and "scope" in invalid.json()["error"]["details"]


@pytest.mark.django_db
def test_a_viewer_session_writes_nothing(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    ensure_roles()
    viewer = UserFactory(is_staff=True)
    viewer.groups.add(Group.objects.get(name=VIEWER))
    client = APIClient()
    client.force_login(viewer)
    others = create_api_key(name="Bảng điều khiển của Sở", scope="write")
    job = ImportJob.objects.create(file="imports/a.xlsx", file_name="a.xlsx", status="needs_confirmation")

    assert client.post("/api/v1/api-keys/", {"name": "Khóa riêng", "scope": "write"}, format="json").status_code == 403
    assert client.get("/api/v1/api-keys/").status_code == 403
    assert client.post(f"/api/v1/api-keys/{others.api_key.pk}/revoke/").status_code == 403
    upload = SimpleUploadedFile("giai-ngan.xlsx", b"PK\x03\x04")
    assert client.post("/api/v1/imports/", {"file": upload}, format="multipart").status_code == 403
    assert client.post(f"/api/v1/imports/{job.pk}/confirm/", {}, format="json").status_code == 403

    assert list(ApiKey.objects.values_list("name", "revoked_at")) == [("Bảng điều khiển của Sở", None)]
    assert list(ImportJob.objects.values_list("pk", "status")) == [(job.pk, "needs_confirmation")]
    assert not Snapshot.objects.exists()
    # Reading stays open to the viewer.
    assert client.get("/api/v1/imports/").status_code == 200


@pytest.mark.django_db
def test_revoke_twice_keeps_first_time():
    new = create_api_key(name="Khóa thử")
    first = revoke_api_key(new.api_key.pk).revoked_at
    assert revoke_api_key(new.api_key.pk).revoked_at == first


def test_health_url_is_versioned():
    assert reverse("api-v1:health") == "/api/v1/health/"
