import re

import pytest
import yaml


@pytest.mark.django_db
def test_schema_describes_every_endpoint_and_errors(client):
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    for path in ("/api/v1/rankings/", "/api/v1/summary/", "/api/v1/series/", "/api/v1/districts/", "/api/v1/imports/"):
        assert path in paths
    for path, operations in paths.items():
        for method, operation in operations.items():
            assert (
                operation.get("description") or operation.get("summary") or path.endswith("{id}/") or method != "get"
            ), path
            assert "401" in operation["responses"], (path, method)
    assert schema["components"]["schemas"]["Error"]["properties"]["error"]
    security = schema["components"]["securitySchemes"]
    assert security["ApiKeyAuth"]["name"] == "Authorization"


@pytest.mark.django_db
def test_documentation_page(client, staff_client):
    page = staff_client.get("/api/v1/docs/")
    assert page.status_code == 200
    assert b"swagger" in page.content.lower()


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/docs/", "/api/v1/redoc/"])
def test_documentation_assets_are_served_by_the_service(staff_client, path):
    page = staff_client.get(path).content.decode()
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', page)
    assert assets, page
    assert "//cdn" not in page and "https://" not in page
    for asset in assets:
        response = staff_client.get(asset)
        assert response.status_code == 200, asset
        assert b"".join(response.streaming_content if response.streaming else [response.content])
