"""The API's root lists every endpoint of the schema, so a dashboard's developer starts from /api/v1/."""

import yaml

from tests.api.conftest import results


def _schema(client) -> dict:
    return yaml.safe_load(client.get("/api/v1/schema/").content)


def test_root_lists_every_operation_of_the_schema(anon_client, world):
    root = anon_client.get("/api/v1/")
    assert root.status_code == 200
    body = root.json()
    schema = _schema(anon_client)
    listed = {(op["method"], item["path"]) for item in body["endpoints"] for op in item["operations"]}
    documented = {(method.upper(), path) for path, operations in schema["paths"].items() for method in operations}
    assert listed == documented
    summaries = {(op["method"], item["path"]): op["summary"] for item in body["endpoints"] for op in item["operations"]}
    assert summaries[("GET", "/api/v1/rankings/")] == schema["paths"]["/api/v1/rankings/"]["get"]["summary"]


def test_root_points_to_the_documentation_and_says_how_to_authenticate(anon_client, db):
    body = anon_client.get("/api/v1/").json()
    assert body["schema"] == "http://testserver/api/v1/schema/"
    assert body["docs"] == "http://testserver/api/v1/docs/"
    assert body["redoc"] == "http://testserver/api/v1/redoc/"
    assert "Api-Key" in body["authentication"]
    for url in (body["schema"], body["docs"], body["redoc"]):
        assert anon_client.get(url).status_code == 200


def test_every_listed_address_answers_a_dashboard(client, anon_client, world):
    """Each listed address without a path parameter is an endpoint: a key reads it, nobody gets a 404."""
    body = anon_client.get("/api/v1/").json()
    for item in body["endpoints"]:
        if "{" in item["path"] or "GET" not in {op["method"] for op in item["operations"]}:
            continue
        assert item["url"] == "http://testserver" + item["path"]
        response = client.get(item["path"])
        # A list that needs its parameters says which (400); the key-management list is the administrators'.
        assert response.status_code in (200, 400, 403), (item["path"], response.status_code)
    assert results(client.get("/api/v1/rankings/", {"level": "district"}))


def test_root_reads_in_a_browser(anon_client, db):
    page = anon_client.get("/api/v1/", HTTP_ACCEPT="text/html")
    assert page.status_code == 200
    assert "<title>Các địa chỉ của API" in page.content.decode()
