"""Who reads the API's root, schema and documentation pages: anyone by default, or whoever reads the API."""

import pytest

DOCUMENTATION = ["/api/v1/", "/api/v1/schema/", "/api/v1/docs/", "/api/v1/redoc/"]


@pytest.mark.django_db
@pytest.mark.parametrize("url", DOCUMENTATION)
def test_documentation_is_public_by_default(anon_client, url):
    response = anon_client.get(url)
    assert response.status_code == 200
    assert response.content


@pytest.mark.django_db
def test_public_documentation_opens_no_data(anon_client):
    for url in ("/api/v1/rankings/", "/api/v1/flags/", "/api/v1/snapshots/"):
        response = anon_client.get(url)
        assert response.status_code == 401
        assert response.json()["error"]["message"] == "Chưa xác thực: cần khóa API hoặc đăng nhập."


@pytest.mark.django_db
@pytest.mark.parametrize("url", DOCUMENTATION)
def test_closed_documentation_asks_for_a_key_or_a_staff_session(anon_client, read_client, staff_client, settings, url):
    settings.API_DOCS_PUBLIC = False
    refused = anon_client.get(url)
    assert refused.status_code == 401
    assert refused["WWW-Authenticate"] == "Api-Key"
    assert read_client.get(url).status_code == 200
    assert staff_client.get(url).status_code == 200


@pytest.mark.django_db
def test_schema_offers_the_key_to_try_the_operations(anon_client):
    schema = anon_client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    scheme = schema["components"]["securitySchemes"]["ApiKeyAuth"]
    assert (scheme["type"], scheme["in"], scheme["name"]) == ("apiKey", "header", "Authorization")
    assert {"ApiKeyAuth": []} in schema["paths"]["/api/v1/rankings/"]["get"]["security"]
    # The documentation's first lines say how to call and how units are named.
    assert "Authorization: Api-Key <khóa>" in schema["info"]["description"]
    assert "`?district=KT`" in schema["info"]["description"]
