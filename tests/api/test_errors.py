"""One error format for every failure."""

import pytest
from rest_framework.test import APIClient

from disbursement.api.keys import create_api_key


def assert_error(response, status: int, code: str):
    assert response.status_code == status
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    assert body["error"]["message"] and body["error"]["message"].isascii() is False  # Vietnamese text
    return body["error"]


@pytest.mark.django_db
def test_unknown_api_path_is_json_404(client):
    assert_error(client.get("/api/v1/no-such-thing/"), 404, "not_found")
    assert_error(client.get("/api/v2/districts/"), 404, "not_found")


@pytest.mark.django_db
def test_method_not_allowed(client, staff_client):
    # A read key is refused any write before the method is even considered.
    assert_error(client.delete("/api/v1/districts/"), 403, "permission_denied")
    assert_error(staff_client.delete("/api/v1/districts/"), 405, "method_not_allowed")


@pytest.mark.django_db
def test_validation_error_has_details(client):
    error = assert_error(client.get("/api/v1/snapshots/", {"year": "hai nghìn"}), 400, "invalid")
    assert "year" in error["details"]


@pytest.mark.django_db
def test_throttled_per_key(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"apikey": "3/minute"}}
    first, second = create_api_key(name="A"), create_api_key(name="B")
    a, b = APIClient(), APIClient()
    a.credentials(HTTP_AUTHORIZATION=f"Api-Key {first.plaintext}")
    b.credentials(HTTP_AUTHORIZATION=f"Api-Key {second.plaintext}")
    for _ in range(3):
        assert a.get("/api/v1/health/").status_code == 200
    response = a.get("/api/v1/health/")
    assert_error(response, 429, "throttled")
    assert int(response["Retry-After"]) >= 1
    # Another key has its own allowance.
    assert b.get("/api/v1/health/").status_code == 200


@pytest.mark.django_db
def test_server_error_is_in_the_format(client, monkeypatch):
    from disbursement.api import views

    def boom(self, request):
        raise RuntimeError("hỏng")

    monkeypatch.setattr(views.HealthView, "get", boom)
    assert_error(client.get("/api/v1/health/"), 500, "server_error")
