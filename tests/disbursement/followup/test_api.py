"""The API of the follow-up: requests made from flags with a write key, the answers and commitments read back."""

from __future__ import annotations

import datetime as dt

import pytest

from core.money import TY
from disbursement.models import ExplanationRequest, Flag
from tests.api.conftest import key_client
from tests.builders import computed, snapshot
from tests.disbursement.followup.helpers import answer

pytestmark = [pytest.mark.smtp]


def test_a_write_key_asks_for_an_explanation_and_reads_it_back(
    lagging, smtp_server, django_capture_on_commit_callbacks
):
    client, _ = key_client("write")

    with django_capture_on_commit_callbacks(execute=True):
        made = client.post(
            "/api/v1/explanation-requests/",
            {"flags": [lagging.flag.pk], "working_days": 3, "extra_emails": ["tp@example.vn"]},
            format="json",
        )

    assert made.status_code == 201, made.content
    (created,) = made.json()["created"]
    assert made.json()["already_pending"] == []
    assert created["unit"]["name"] == "Sở Xây dựng" and created["flags"] == [lagging.flag.pk]
    assert created["working_days"] == 3 and created["status"] == "pending"
    assert len(smtp_server.messages) == 1
    assert smtp_server.messages[0].rcpt_tos[-1] == "tp@example.vn"

    listed = client.get("/api/v1/explanation-requests/", {"investor": lagging.unit.code, "status": "pending"})
    assert [r["id"] for r in listed.json()["results"]] == [created["id"]]


def test_requests_that_cannot_be_made_say_why(lagging):
    client, _ = key_client("write")
    stream_flag = Flag.objects.filter(investor__isnull=True, district__isnull=True).first()

    unknown = client.post("/api/v1/explanation-requests/", {"flags": [999999]}, format="json")
    empty = client.post("/api/v1/explanation-requests/", {"flags": []}, format="json")
    bad_days = client.post(
        "/api/v1/explanation-requests/", {"flags": [lagging.flag.pk], "working_days": 0}, format="json"
    )

    assert unknown.status_code == 400
    assert unknown.json()["error"]["details"]["flags"] == ["Không có cảnh báo 999999."]
    assert empty.status_code == 400 and bad_days.status_code == 400
    if stream_flag is not None:
        refused = client.post("/api/v1/explanation-requests/", {"flags": [stream_flag.pk]}, format="json")
        assert refused.status_code == 400 and "không gắn với một đơn vị" in str(refused.json())
    assert not ExplanationRequest.objects.exists()


def test_a_read_key_reads_explanations_and_commitments_with_their_results(lagging):
    request = lagging.ask()
    answer(request, (dt.date(2024, 9, 30), 30 * TY), (dt.date(2024, 12, 31), 60 * TY))
    computed(snapshot(dt.date(2024, 10, 4), {lagging.unit: 25 * TY, lagging.other: 75 * TY}))
    client, _ = key_client("read")

    explanation = client.get("/api/v1/explanations/").json()["results"][0]
    missed = client.get("/api/v1/commitments/", {"status": "missed"}).json()["results"]
    refused = client.post("/api/v1/explanation-requests/", {"flags": [lagging.flag.pk]}, format="json")

    assert explanation["cause"] == "Giải phóng mặt bằng" and explanation["request"] == request.pk
    assert [c["due"] for c in explanation["commitments"]] == ["2024-09-30", "2024-12-31"]
    assert missed == [
        {
            "id": missed[0]["id"],
            "explanation": explanation["id"],
            "request": request.pk,
            "year": 2024,
            "stream": "city_assigned",
            "unit": {
                "level": "investor",
                "id": lagging.unit.pk,
                "code": lagging.unit.code,
                "name": "Sở Xây dựng",
                "display_name": "Sở Xây dựng",
            },
            "due": "2024-09-30",
            "amount": 30 * TY,
            "status": "missed",
            "evaluated_on": "2024-10-04",
            "disbursed": 25 * TY,
            "shortfall": 5 * TY,
        }
    ]
    assert refused.status_code == 403
