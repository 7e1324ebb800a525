"""The form a unit reaches from its link: one unit's request only, validated in Vietnamese, answered once."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.core import signing
from django.test import Client

from core.money import TY
from disbursement.followup import services
from disbursement.followup.tokens import make_token
from disbursement.models import Commitment, Explanation, ExplanationCause, ExplanationReminder

ANSWER = {
    "actions": "Đẩy nhanh nghiệm thu khối lượng, hoàn thiện hồ sơ thanh toán gửi Kho bạc trong tháng 8.",
    "responsible_name": "Trần Văn Bình",
    "responsible_title": "Giám đốc",
    "due_1": "30/09/2024",
    "amount_1": "30",
    "due_2": "31/12/2024",
    "amount_2": "62,5",
}


def answer(**changes) -> dict:
    data = {**ANSWER, "cause": ExplanationCause.objects.get(name="Hồ sơ thanh toán").pk, **changes}
    return {key: value for key, value in data.items() if value is not None}


def path_of(request) -> str:
    return f"/giai-trinh/{make_token(request)}/"


def test_the_form_shows_the_units_flags_and_nothing_of_other_units(lagging, client):
    request = lagging.ask()

    response = client.get(path_of(request))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Giải trình tiến độ giải ngân – Sở Xây dựng" in page
    assert "Giải ngân 5% (5,000 tỷ đồng / 100,000 tỷ đồng), dưới ngưỡng 10%." in page
    assert "hết ngày 15/07/2024" in page
    for cause in ("Giải phóng mặt bằng", "Thủ tục đầu tư", "Năng lực nhà thầu", "Chưa được giao vốn chi tiết", "Khác"):
        assert cause in page
    assert "Sở Công Thương" not in page and "60,000" not in page
    assert response["Referrer-Policy"] == "same-origin"


def test_an_answer_is_recorded_with_its_commitments(lagging, client):
    request = lagging.ask()

    response = client.post(path_of(request), answer())

    assert response.status_code == 200
    assert "Đã nhận giải trình của đơn vị" in response.content.decode()
    explanation = Explanation.objects.get(request=request)
    assert explanation.cause.name == "Hồ sơ thanh toán"
    assert explanation.responsible_name == "Trần Văn Bình"
    assert [(c.due, c.amount, c.status) for c in explanation.commitments.all()] == [
        (dt.date(2024, 9, 30), 30 * TY, "pending"),
        (dt.date(2024, 12, 31), 62_500_000_000, "pending"),
    ]
    commitment = explanation.commitments.first()
    assert (commitment.investor, commitment.stream, commitment.year) == (lagging.unit, request.stream, 2024)
    request.refresh_from_db()
    assert request.status == "answered" and request.answered_at is not None
    # No reminder goes out for an answered request.
    assert set(request.reminders.values_list("status", flat=True)) == {ExplanationReminder.Status.SKIPPED}


def test_a_second_submission_is_recorded_once(lagging, client):
    request = lagging.ask()
    client.post(path_of(request), answer())

    again = client.post(path_of(request), answer(actions="Một nội dung khác", amount_1="1"))

    assert again.status_code == 200
    assert "mỗi yêu cầu chỉ nhận một lần giải trình" in again.content.decode()
    assert Explanation.objects.count() == 1
    assert Explanation.objects.get().actions.startswith("Đẩy nhanh nghiệm thu")
    assert sorted(Commitment.objects.values_list("amount", flat=True)) == [30 * TY, 62_500_000_000]


def test_the_service_admits_one_answer_even_when_called_twice(lagging):
    request = lagging.ask()
    data = services.ExplanationData(
        cause=ExplanationCause.objects.first(),
        cause_detail="",
        actions="Đẩy nhanh",
        responsible_name="Trần Văn Bình",
        responsible_title="",
        commitments=[services.CommitmentData(dt.date(2024, 9, 30), 30 * TY)],
    )

    assert services.submit_explanation(request.pk, data) is not None
    assert services.submit_explanation(request.pk, data) is None
    assert Commitment.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"cause": None}, "Hãy chọn nguyên nhân chính."),
        ({"cause": "999999"}, "Nguyên nhân đã chọn không có trong danh sách."),
        ({"actions": ""}, "Hãy nêu giải pháp đơn vị đang thực hiện."),
        ({"responsible_name": ""}, "Hãy ghi họ và tên người chịu trách nhiệm."),
        ({"amount_1": "ba mươi"}, "Cam kết 1: số vốn &#x27;ba mươi&#x27; không đọc được; viết dạng 12,5 (tỷ đồng)."),
        ({"due_1": "31/02/2024"}, "Cam kết 1: ngày phải viết dạng ngày/tháng/năm, ví dụ 30/09/2024."),
        ({"due_1": "01/07/2024"}, "Cam kết 1: ngày phải sau ngày yêu cầu giải trình (08/07/2024)"),
        ({"due_2": "28/02/2025"}, "không quá hạn giải ngân kế hoạch năm 2024 (31/01/2025)"),
        ({"amount_2": None}, "Cam kết 2: hãy nhập cả ngày và số vốn giải ngân lũy kế."),
        ({"amount_1": "0"}, "Cam kết 1: số vốn phải lớn hơn 0."),
        ({"amount_2": "20"}, "cam kết ở ngày sau không được thấp hơn cam kết ở ngày trước."),
        ({"due_2": "30/09/2024"}, "Mỗi ngày chỉ cam kết một lần."),
        ({"due_1": None, "amount_1": None, "due_2": None, "amount_2": None}, "Hãy nhập ít nhất một cam kết"),
    ],
)
def test_invalid_answers_are_refused_with_vietnamese_messages(lagging, client, changes, message):
    request = lagging.ask()

    response = client.post(path_of(request), answer(**changes))

    assert response.status_code == 400
    assert message in response.content.decode()
    assert Explanation.objects.count() == 0
    request.refresh_from_db()
    assert request.status == "pending"


def test_the_cause_other_needs_its_detail(lagging, client):
    request = lagging.ask()
    other = ExplanationCause.objects.get(name="Khác")

    refused = client.post(path_of(request), answer(cause=other.pk))
    accepted = client.post(path_of(request), answer(cause=other.pk, cause_detail="Chờ điều chỉnh chủ trương đầu tư"))

    assert refused.status_code == 400
    assert "Đã chọn &#x27;Khác&#x27;: hãy ghi rõ nguyên nhân." in refused.content.decode()
    assert accepted.status_code == 200
    assert Explanation.objects.get().cause_detail == "Chờ điều chỉnh chủ trương đầu tư"


def test_a_tampered_link_is_refused(lagging, client):
    request = lagging.ask()
    token = make_token(request)
    tampered = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")

    response = client.get(f"/giai-trinh/{tampered}/")
    posted = client.post(f"/giai-trinh/{tampered}/", answer())

    assert response.status_code == 404 and "Đường dẫn không hợp lệ." in response.content.decode()
    assert "Sở Xây dựng" not in response.content.decode()
    assert posted.status_code == 404
    assert Explanation.objects.count() == 0


def test_a_link_to_another_request_cannot_be_forged(lagging, client):
    """The signature covers the request id and its secret: neither can be swapped."""
    request = lagging.ask()
    forged = signing.dumps({"r": request.pk, "s": "doan-mo"}, salt="khac")

    assert client.get(f"/giai-trinh/{forged}/").status_code == 404


def test_an_expired_link_is_refused(lagging, client, monkeypatch, settings):
    settings.EXPLANATION_LINK_MAX_AGE_DAYS = 30
    request = lagging.ask()
    made = time.time() - 31 * 24 * 3600
    monkeypatch.setattr(signing.time, "time", lambda: made)
    token = make_token(request)
    monkeypatch.undo()

    response = client.get(f"/giai-trinh/{token}/")
    posted = client.post(f"/giai-trinh/{token}/", answer())

    assert response.status_code == 410
    assert "Đường dẫn đã hết hạn." in response.content.decode()
    assert posted.status_code == 410 and Explanation.objects.count() == 0


def test_a_renewed_link_replaces_the_earlier_one(lagging, client, django_capture_on_commit_callbacks, smtp_server):
    request = lagging.ask()
    old = path_of(request)

    with django_capture_on_commit_callbacks(execute=True):
        renewed = services.renew_link(request.pk)

    assert client.get(old).status_code == 404
    assert client.get(path_of(renewed)).status_code == 200
    assert len(smtp_server.messages) == 1


def test_posting_without_the_pages_csrf_token_is_refused(lagging):
    request = lagging.ask()
    browser = Client(enforce_csrf_checks=True)

    response = browser.post(path_of(request), answer())

    assert response.status_code == 403
    assert Explanation.objects.count() == 0


def test_the_form_is_rate_limited_per_address(lagging, client, settings):
    settings.EXPLANATION_FORM_LIMIT = 3
    request = lagging.ask()
    path = path_of(request)

    statuses = [client.get(path).status_code for _ in range(3)]
    refused = client.post(path, answer())

    assert statuses == [200, 200, 200]
    assert refused.status_code == 429
    assert "Quá nhiều lần truy cập" in refused.content.decode()
    assert refused["Retry-After"] == str(settings.EXPLANATION_FORM_WINDOW_SECONDS)
    assert Explanation.objects.count() == 0
    # Another address still has its allowance.
    assert client.get(path, REMOTE_ADDR="10.0.0.9").status_code == 200
