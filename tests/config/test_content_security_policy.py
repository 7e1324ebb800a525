"""One Content-Security-Policy on every page: the admin, the API and its documentation load nothing from outside."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def directives(header: str) -> dict[str, set[str]]:
    parts = (part.split() for part in header.split(";") if part.strip())
    return {name: set(values) for name, *values in parts}


def test_admin_pages_carry_the_policy(client, staff_user):
    login = Client().get("/admin/login/")
    client.force_login(staff_user)
    index = client.get("/admin/")

    for response in (login, index):
        assert response.status_code == 200
        policy = directives(response["Content-Security-Policy"])
        assert policy["default-src"] == {"'self'"}
        assert policy["connect-src"] == {"'self'"}
        assert all("http" not in value for values in policy.values() for value in values)


def test_api_answers_carry_the_policy(client):
    response = client.get("/api/v1/districts/")

    assert response.status_code == 401
    assert directives(response["Content-Security-Policy"])["default-src"] == {"'self'"}


@pytest.mark.parametrize("path", ["/api/v1/docs/", "/api/v1/redoc/"])
def test_the_documentation_has_the_same_policy_as_every_other_page(client, staff_user, path):
    client.force_login(staff_user)
    docs = client.get(path)
    admin = client.get("/admin/")

    assert docs.status_code == 200
    assert directives(docs["Content-Security-Policy"]) == directives(admin["Content-Security-Policy"])
