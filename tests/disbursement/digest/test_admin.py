"""The digest in the admin: browser preview, 'Gửi ngay', pause, and the read-only delivery log."""

import datetime as dt

import pytest
from django.urls import reverse

from disbursement.digest import services
from disbursement.models import DigestDelivery, DigestRecipient
from tests.disbursement.digest.conftest import WEEK


@pytest.fixture
def admin_client_logged_in(client, staff_user):
    client.force_login(staff_user)
    return client


def test_preview_shows_the_recipients_digest_with_the_chart_in_the_page(digest_data, admin_client_logged_in):
    url = reverse("admin:disbursement_digestrecipient_preview", args=[digest_data.staff.pk])

    page = admin_client_logged_in.get(url, {"tuan": "2024-07-24"})
    html = admin_client_logged_in.get(url, {"tuan": "2024-07-24", "dang": "html"})
    text = admin_client_logged_in.get(url, {"tuan": "2024-07-24", "dang": "text"})

    assert page.status_code == 200
    # The page frames the mail as it is sent, for the week chosen.
    assert f'src="{url}?tuan=2024-07-22&amp;dang=html"' in page.content.decode()
    assert html.status_code == 200
    assert html["X-Frame-Options"] == "SAMEORIGIN"
    body = html.content.decode()
    assert "Tuần 22/07/2024 – số liệu đến hết ngày 20/07/2024" in body
    assert 'src="data:image/png;base64,' in body
    assert "cid:" not in body
    assert text["Content-Type"].startswith("text/plain")
    assert "đạt 28,70% kế hoạch thành phố giao" in text.content.decode()
    assert not DigestDelivery.objects.exists()  # a preview sends nothing


def test_preview_before_any_figures_says_so(db, admin_client_logged_in):
    recipient = DigestRecipient.objects.create(name="Phòng Kế hoạch", email="phongkh@example.vn")

    response = admin_client_logged_in.get(reverse("admin:disbursement_digestrecipient_preview", args=[recipient.pk]))

    assert response.status_code == 404
    assert "Chưa có kỳ số liệu" in response.content.decode()


def test_send_now_action_sends_once_even_when_clicked_twice(
    digest_data, admin_client_logged_in, mailoutbox, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr("disbursement.digest.selectors.current_week", lambda: WEEK)
    url = reverse("admin:disbursement_digestrecipient_changelist")
    data = {"action": "send_now", "_selected_action": [digest_data.staff.pk]}

    with django_capture_on_commit_callbacks(execute=True):
        first = admin_client_logged_in.post(url, data, follow=True)
    with django_capture_on_commit_callbacks(execute=True):
        second = admin_client_logged_in.post(url, data, follow=True)

    assert len(mailoutbox) == 1
    assert "Đã xếp 1 bản tin tuần 22/07/2024 để gửi." in first.content.decode()
    assert "đã gửi tuần này" in second.content.decode()


def test_pause_action_stops_the_recipient(digest_data, admin_client_logged_in):
    admin_client_logged_in.post(
        reverse("admin:disbursement_digestrecipient_changelist"),
        {"action": "pause", "_selected_action": [digest_data.staff.pk]},
    )

    digest_data.staff.refresh_from_db()
    assert digest_data.staff.paused
    assert services.plan_week(WEEK) == []


def test_delivery_log_shows_status_and_error_and_cannot_be_edited(digest_data, admin_client_logged_in):
    delivery = DigestDelivery.objects.create(
        week=WEEK,
        recipient=digest_data.staff,
        status=DigestDelivery.Status.FAILED,
        attempts=6,
        last_error="SMTPDataError: (451, 'Máy chủ tạm thời bận')",
    )

    listing = admin_client_logged_in.get(reverse("admin:disbursement_digestdelivery_changelist")).content.decode()
    detail = admin_client_logged_in.get(reverse("admin:disbursement_digestdelivery_change", args=[delivery.pk]))

    assert "lỗi" in listing and "Máy chủ tạm thời bận" in listing
    assert "Gửi ngay bản tin tuần này" in listing
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()


def test_send_now_button_sends_the_weeks_digests_and_resend_retries_a_failed_one(
    digest_data, admin_client_logged_in, mailoutbox, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr("disbursement.digest.selectors.current_week", lambda: WEEK)
    other = DigestRecipient.objects.create(name="Lãnh đạo Sở", email="lanhdao@example.vn")
    DigestDelivery.objects.create(week=WEEK, recipient=other, status=DigestDelivery.Status.FAILED, attempts=6)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_logged_in.post(reverse("admin:disbursement_digestdelivery_send_week"), follow=True)
    assert [m.to for m in mailoutbox] == [[digest_data.staff.email]]  # the failed row waits for 'Gửi lại'
    assert "Đã xếp 1 bản tin" in response.content.decode()

    failed = DigestDelivery.objects.get(recipient=other)
    with django_capture_on_commit_callbacks(execute=True):
        admin_client_logged_in.post(
            reverse("admin:disbursement_digestdelivery_changelist"),
            {"action": "resend", "_selected_action": [failed.pk]},
        )
    failed.refresh_from_db()
    assert failed.status == DigestDelivery.Status.SENT
    assert sorted(m.to[0] for m in mailoutbox) == ["lanhdao@example.vn", "phongkh@example.vn"]


def test_a_claim_abandoned_by_a_dead_worker_can_be_resent_only_once_stale(digest_data):
    [delivery_id] = services.plan_week(WEEK)
    services.claim(delivery_id)
    claimed_at = DigestDelivery.objects.get(pk=delivery_id).claimed_at

    assert not services.release_for_retry(delivery_id, now=claimed_at + dt.timedelta(minutes=1))
    assert services.release_for_retry(delivery_id, now=claimed_at + dt.timedelta(hours=1))
