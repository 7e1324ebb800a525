"""The admin's home page is the staff's week: the latest figures and their changes, the files that
arrived and the reports missing, open flags, the digest and the draft, one click to each."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from core.money import TY
from disbursement.figures.services import recompute_year
from disbursement.models import CityPlan, DigestDelivery, DigestRecipient, Snapshot
from disbursement.sample.loader import load_master_data, read_master
from tests.builders import build_ranked_year, import_sample_file
from tests.factories import CityPlanRevisionFactory, UserFactory, source

pytestmark = pytest.mark.django_db


def _section(html: str, section_id: str) -> str:
    """The text of one block of the home page, tags removed and spaces collapsed."""
    match = re.search(rf'<section[^>]*id="{section_id}".*?</section>', html, re.S)
    assert match, f"no block {section_id}"
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", match.group(0)))).strip()


@pytest.fixture
def ranked_with_city_plans(db):
    """build_ranked_year with the city's plans: 1.000 tỷ in 2024, 900 tỷ in 2023."""
    CityPlanRevisionFactory(amount=1000 * TY)
    CityPlanRevisionFactory(
        plan=CityPlan.objects.get_or_create(year=2023, level="city", source=source("nsdp"))[0],
        amount=900 * TY,
        effective_from=dt.date(2023, 1, 1),
    )
    return build_ranked_year()


def test_headline_gives_the_latest_date_with_its_change_and_the_same_period(client, staff_user, ranked_with_city_plans):
    client.force_login(staff_user)
    html = client.get(reverse("admin:index")).content.decode()
    headline = _section(html, "home-headline")

    assert "Số liệu đến hết ngày 20/07/2024" in headline
    # 365 of 1.000 tỷ on 20/07/2024; 205 tỷ (20,50%) on 20/06/2024; 330 of 900 tỷ (36,67%) on 20/07/2023.
    assert "365,000 tỷ đồng" in headline
    assert "36,50%" in headline
    assert "+16,00 điểm % so với ngày 20/06/2024" in headline
    assert "+160,000 tỷ đồng" in headline
    assert "36,67%" in headline
    assert "-0,17 điểm % so với cùng kỳ (ngày 20/07/2023)" in headline
    # A rise and a fall are told apart by more than the sign.
    assert re.search(r'class="home-change home-up">\+16,00', html)
    assert re.search(r'class="home-change home-down">-0,17', html)
    current = ranked_with_city_plans["current"]
    assert reverse("admin:disbursement_snapshot_rankings_default", args=[current.pk]) in html


def test_flags_digest_and_draft_each_lead_to_their_page(client, staff_user, ranked_with_city_plans):
    current = ranked_with_city_plans["current"]
    DigestRecipient.objects.create(name="Phòng Kế hoạch", email="phongkh@example.vn")
    client.force_login(staff_user)
    html = client.get(reverse("admin:index")).content.decode()

    flags = _section(html, "home-flags")
    assert re.search(r"\d+ cảnh báo đang mở", flags)
    assert "Dưới tỷ lệ chung của dòng vốn" in flags
    assert reverse("admin:disbursement_flag_changelist") + "?status=open" in html

    digest = _section(html, "home-digest")
    assert "Chưa gửi bản tin tuần này." in digest
    assert "1 người nhận" in digest
    # The beat's weekly task, as the migration sets it: Monday 07:00, one click to change it.
    assert "Gửi tự động thứ Hai lúc 07:00." in digest
    task = PeriodicTask.objects.get(task="disbursement.digest.tasks.send_weekly_digests_task")
    assert reverse("admin:django_celery_beat_periodictask_change", args=[task.pk]) in html
    preview = reverse("admin:disbursement_digestrecipient_preview", args=[DigestRecipient.objects.get().pk])
    assert preview in html

    report = _section(html, "home-report")
    assert "20/07/2024" in report
    assert f"{reverse('admin:disbursement_report_draft')}?snapshot={current.pk}" in html
    assert reverse("admin:disbursement_report_draft_docx", args=[current.pk]) in html
    for url in (
        reverse("admin:disbursement_flag_changelist") + "?status=open",
        f"{preview}?tuan=2026-01-05",
        f"{reverse('admin:disbursement_report_draft')}?snapshot={current.pk}",
    ):
        assert client.get(url).status_code == 200, url


def test_digest_block_counts_this_weeks_deliveries(client, staff_user, ranked_with_city_plans):
    from disbursement.digest.selectors import current_week

    recipient = DigestRecipient.objects.create(name="Phòng Kế hoạch", email="phongkh@example.vn")
    DigestDelivery.objects.create(week=current_week(), recipient=recipient, status=DigestDelivery.Status.FAILED)
    client.force_login(staff_user)

    digest = _section(client.get(reverse("admin:index")).content.decode(), "home-digest")

    assert "Có 1 lượt gửi lỗi, cần gửi lại." in digest


def test_files_of_the_week_and_reports_still_missing(client, staff_user):
    load_master_data(read_master(), city_snapshots=False)
    import_sample_file("giai-ngan-2024-07-20.xlsx", as_of=dt.date(2024, 7, 13), sender="Sở Tài chính")
    import_sample_file("quan-huyen-2024-07-20.xlsx", sender="Phòng Ngân sách")
    recompute_year(2024)
    latest = Snapshot.objects.current().get(as_of=dt.date(2024, 7, 20))
    client.force_login(staff_user)
    html = client.get(reverse("admin:index")).content.decode()

    arrivals = _section(html, "home-arrivals")
    assert "quan-huyen-2024-07-20.xlsx (Phòng Ngân sách)" in arrivals
    assert "giai-ngan-2024-07-20.xlsx (Sở Tài chính)" in arrivals
    missing = _section(html, "home-missing")
    # The investors' figures of 20/07 are their 13/07 report, carried: 22 reports are missing.
    assert re.search(r"thiếu 22/22", missing)
    assert "(số liệu ngày 13/07/2024)" in missing
    assert "và 14 đơn vị khác" in missing
    assert reverse("admin:disbursement_submission_coverage", args=[latest.pk]) in html


def test_without_any_snapshot_the_home_page_says_what_to_do(client, staff_user):
    client.force_login(staff_user)
    html = client.get(reverse("admin:index")).content.decode()

    assert "Chưa có kỳ số liệu nào" in _section(html, "home-headline")
    assert reverse("admin:disbursement_snapshot_import") in html


def test_a_staff_member_without_access_to_the_figures_sees_no_week(client):
    user = UserFactory(is_staff=True)
    client.force_login(user)
    html = client.get(reverse("admin:index")).content.decode()

    assert 'id="home"' not in html


def test_the_schedulers_solar_and_clocked_schedules_are_not_listed(client, staff_user):
    client.force_login(staff_user)
    html = client.get(reverse("admin:index")).content.decode()

    assert "Sự kiện mặt trời" not in html and "solarschedule" not in html
    assert "clockedschedule" not in html
    assert reverse("admin:django_celery_beat_periodictask_changelist") in html


def test_view_site_link_is_gone_and_the_root_leads_home(client, staff_user):
    client.force_login(staff_user)
    html = client.get(reverse("admin:index")).content.decode()
    assert "Xem trang web" not in html

    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")


def test_overdue_explanations_are_listed_with_their_deadline(client, staff_user, ranked_with_city_plans):
    from disbursement.followup.services import create_requests
    from disbursement.models import ExplanationRequest, Flag

    flag = Flag.objects.filter(year=2024, investor__isnull=False).order_by("id").first()
    (request,) = create_requests([flag], extra_emails=["kehoach@example.vn"]).created
    ExplanationRequest.objects.filter(pk=request.pk).update(deadline=dt.date(2024, 8, 1))
    client.force_login(staff_user)

    html = client.get(reverse("admin:index")).content.decode()
    overdue = _section(html, "home-overdue")

    assert "1 yêu cầu giải trình đã quá hạn" in overdue
    assert f"{flag.investor.display_name} ({flag.stream.name}): hạn 01/08/2024, quá" in overdue
    assert reverse("admin:disbursement_explanationrequest_change", args=[request.pk]) in html
    assert reverse("admin:disbursement_explanationrequest_changelist") + "?tinh_trang=overdue" in html


def test_no_overdue_explanation_is_said_plainly(client, staff_user, ranked_with_city_plans):
    client.force_login(staff_user)
    html = client.get(reverse("admin:index")).content.decode()

    assert "Không có yêu cầu giải trình nào quá hạn." in _section(html, "home-overdue")
