import io

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from disbursement.models import ApiKey


@pytest.mark.django_db
def test_command_prints_a_working_key_once():
    out = io.StringIO()
    call_command("create_api_key", "Cổng dữ liệu mở", "--scope", "write", stdout=out)
    plaintext = out.getvalue().splitlines()[1]
    key = ApiKey.objects.get()
    assert key.scope == "write" and key.hashed_key != plaintext
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {plaintext}")
    assert client.get("/api/v1/health/").status_code == 200
