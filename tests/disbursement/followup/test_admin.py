"""Staff request explanations from the flags' page; the request page shows the answer and its commitments."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from core.money import TY
from disbursement.access import EDITOR, VIEWER, ensure_roles
from disbursement.followup import services
from disbursement.models import ExplanationCause, ExplanationRequest
from tests.factories import UserFactory

pytestmark = [pytest.mark.smtp]


def staff(client, role: str):
    ensure_roles()
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    client.force_login(user)
    return user


def test_an_editor_requests_an_explanation_from_selected_flags(
    lagging, client, smtp_server, django_capture_on_commit_callbacks
):
    editor = staff(client, EDITOR)
    url = reverse("admin:disbursement_flag_changelist")
    chosen = {"action": "request_explanation", "_selected_action": [lagging.flag.pk]}

    form = client.post(url, chosen)
    assert form.status_code == 200
    page = form.content.decode()
    assert "Thời hạn giải trình (ngày làm việc)" in page and 'value="5"' in page
    assert "Sở Xây dựng" in page

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, {**chosen, "apply": "1", "working_days": "7", "extra_emails": "tp@example.vn"})

    assert done.status_code == 302
    request = ExplanationRequest.objects.get()
    assert (request.working_days, request.requested_by, request.investor) == (7, editor, lagging.unit)
    assert request.recipients == ["giamdoc.sxd@example.vn", "kehoach.sxd@example.vn", "tp@example.vn"]
    assert len(smtp_server.messages) == 1
    messages = [m.message for m in client.get(done.url).context["messages"]]
    assert any(m.startswith("Đã gửi yêu cầu giải trình đến Sở Xây dựng") for m in messages)


def test_a_bad_address_is_refused_in_vietnamese(lagging, client):
    staff(client, EDITOR)
    url = reverse("admin:disbursement_flag_changelist")
    response = client.post(
        url,
        {
            "action": "request_explanation",
            "_selected_action": [lagging.flag.pk],
            "apply": "1",
            "working_days": "5",
            "extra_emails": "khong-phai-email",
        },
    )
    assert response.status_code == 200
    assert "Email &#x27;khong-phai-email&#x27; không hợp lệ." in response.content.decode()
    assert not ExplanationRequest.objects.exists()


def test_a_viewer_cannot_request(lagging, client):
    staff(client, VIEWER)
    url = reverse("admin:disbursement_flag_changelist")

    page = client.get(url)
    client.post(
        url, {"action": "request_explanation", "_selected_action": [lagging.flag.pk], "apply": "1", "working_days": "5"}
    )

    assert "request_explanation" not in page.content.decode()
    assert not ExplanationRequest.objects.exists()


def test_the_request_page_shows_the_answer_and_commitments(lagging, admin_client):
    request = lagging.ask()
    services.submit_explanation(
        request.pk,
        services.ExplanationData(
            cause=ExplanationCause.objects.get(name="Thủ tục đầu tư"),
            cause_detail="",
            actions="Trình điều chỉnh chủ trương đầu tư.",
            responsible_name="Trần Văn Bình",
            responsible_title="Giám đốc",
            commitments=[services.CommitmentData(dt.date(2024, 9, 30), 30 * TY)],
        ),
    )

    page = admin_client.get(reverse("admin:disbursement_explanationrequest_change", args=[request.pk]))
    listing = admin_client.get(reverse("admin:disbursement_explanationrequest_changelist"))

    text = page.content.decode()
    assert page.status_code == 200
    assert "Thủ tục đầu tư" in text and "Trình điều chỉnh chủ trương đầu tư." in text
    assert "30,000 tỷ đồng – chưa đến kỳ đánh giá" in text
    assert "Đã giải trình (quá hạn)" in listing.content.decode()
