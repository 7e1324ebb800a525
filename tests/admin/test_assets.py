"""The staff pages are styled under any server, the plain `make run` one included (DEBUG off)."""

from django.conf import settings


def test_admin_stylesheet_is_served_without_debug(client):
    assert settings.DEBUG is False
    response = client.get(f"{settings.STATIC_URL}admin/css/base.css")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"/*")
