import pytest
from django.test import override_settings


@pytest.mark.django_db
@override_settings(CORS_ALLOWED_ORIGINS=["https://dashboard.haiphong.gov.vn"])
def test_only_configured_origins(client):
    allowed = client.get("/api/v1/health/", HTTP_ORIGIN="https://dashboard.haiphong.gov.vn")
    assert allowed["Access-Control-Allow-Origin"] == "https://dashboard.haiphong.gov.vn"
    other = client.get("/api/v1/health/", HTTP_ORIGIN="https://evil.example")
    assert "Access-Control-Allow-Origin" not in other
    preflight = client.options(
        "/api/v1/rankings/",
        HTTP_ORIGIN="https://dashboard.haiphong.gov.vn",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization",
    )
    assert preflight.status_code == 200
    assert "authorization" in preflight["Access-Control-Allow-Headers"]
