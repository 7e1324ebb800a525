"""The admin login refuses a username and address pair after repeated wrong passwords, and says why in Vietnamese."""

import pytest
from django.conf import settings
from django.test import Client

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "mat-khau-thu-nghiem"


def attempt(client: Client, username: str, password: str, **headers):
    return client.post("/admin/login/?next=/admin/", {"username": username, "password": password}, **headers)


def test_locked_out_after_the_limit_even_with_the_right_password():
    user = UserFactory(username="ketoan", is_staff=True)
    client = Client()

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = attempt(client, user.username, "sai-mat-khau")
        assert response.status_code == 200
        assert "Bạn hãy nhập đúng Tên đăng nhập và mật khẩu" in response.content.decode()
    locked = attempt(client, user.username, "sai-mat-khau")
    again = attempt(client, user.username, PASSWORD)

    assert settings.AXES_FAILURE_LIMIT == 5
    for response in (locked, again):
        assert response.status_code == 429
        page = response.content.decode()
        assert "tạm thời bị khoá đăng nhập" in page
        assert "nhập sai mật khẩu 5 lần liên tiếp" in page
        assert "thử lại sau 15 phút" in page
    assert "_auth_user_id" not in client.session


def test_the_lock_holds_only_that_username_from_that_address():
    user = UserFactory(username="ketoan", is_staff=True)
    colleague = UserFactory(username="thuquy", is_staff=True)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(Client(), user.username, "sai-mat-khau", REMOTE_ADDR="10.1.1.1")

    elsewhere = attempt(Client(), user.username, PASSWORD, REMOTE_ADDR="10.1.1.2")
    same_address_other_user = attempt(Client(), colleague.username, PASSWORD, REMOTE_ADDR="10.1.1.1")

    assert elsewhere.status_code == 302
    assert same_address_other_user.status_code == 302


def test_a_good_login_clears_the_failures():
    user = UserFactory(username="ketoan", is_staff=True)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(Client(), user.username, "sai-mat-khau")
    assert attempt(Client(), user.username, PASSWORD).status_code == 302

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = attempt(Client(), user.username, "sai-mat-khau")

    assert response.status_code == 200


def test_behind_the_proxy_each_client_address_counts_on_its_own(settings):
    settings.BEHIND_PROXY = True
    user = UserFactory(username="ketoan", is_staff=True)
    # Every request reaches Django from nginx on 127.0.0.1; X-Real-IP carries the client's address.
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(Client(), user.username, "sai-mat-khau", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="203.0.113.7")

    attacker = attempt(Client(), user.username, PASSWORD, REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="203.0.113.7")
    owner = attempt(Client(), user.username, PASSWORD, REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="198.51.100.20")

    assert attacker.status_code == 429
    assert owner.status_code == 302


def test_without_a_proxy_a_client_cannot_choose_its_address(settings):
    settings.BEHIND_PROXY = False
    user = UserFactory(username="ketoan", is_staff=True)
    for number in range(settings.AXES_FAILURE_LIMIT):
        attempt(Client(), user.username, "sai-mat-khau", REMOTE_ADDR="10.1.1.1", HTTP_X_REAL_IP=f"192.0.2.{number}")

    assert attempt(Client(), user.username, PASSWORD, REMOTE_ADDR="10.1.1.1").status_code == 429
