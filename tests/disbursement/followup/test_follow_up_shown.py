"""Where staff look: the rankings (admin and API), the unit's timeline, the digest first, the draft report."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from core.money import TY
from disbursement.digest import services as digest_services
from disbursement.digest.selectors import week_start
from disbursement.models import DigestRecipient, ReportTemplate
from disbursement.report.services import draft_report
from tests.builders import computed, snapshot
from tests.disbursement.followup.helpers import answer
from tests.factories import UserFactory

OCT = dt.date(2024, 10, 4)
STREAM = "Dự án do Ủy ban nhân dân thành phố giao kế hoạch vốn"


def rankings_page(client, snap) -> str:
    url = reverse("admin:disbursement_snapshot_rankings", args=[snap.pk, "city_assigned"])
    return client.get(url).content.decode()


def api_follow_up(client, snap) -> dict:
    rows = client.get("/api/v1/rankings/", {"snapshot": snap.pk, "stream": "city_assigned"}).json()["results"]
    return {row["unit"]["name"]: row["follow_up"] for row in rows}


@pytest.fixture
def api(db):
    client = APIClient()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_the_rankings_show_overdue_then_explained_then_missed(lagging, admin_client, api):
    request = lagging.ask()

    # The year's latest snapshot is read as of today: the deadline of 15/07/2024 has passed.
    assert "follow-up-overdue" in rankings_page(admin_client, lagging.first)
    first = api.get("/api/v1/rankings/", {"snapshot": lagging.first.pk, "stream": "city_assigned"})
    assert api_follow_up(api, lagging.first) == {
        "Sở Xây dựng": {"status": "overdue", "label": "quá hạn giải trình", "request": request.pk},
        "Sở Công Thương": None,
    }

    answer(request, (dt.date(2024, 9, 30), 30 * TY))
    page = rankings_page(admin_client, lagging.first)
    assert '<span class="follow-up-explained">đã giải trình</span>' in page
    # The API's validators change with the answer: a client holding the earlier ranking gets the new one.
    again = api.get(
        "/api/v1/rankings/",
        {"snapshot": lagging.first.pk, "stream": "city_assigned"},
        HTTP_IF_NONE_MATCH=first["ETag"],
    )
    assert again.status_code == 200
    assert again.json()["results"][1]["follow_up"]["status"] == "explained"

    october = computed(snapshot(OCT, {lagging.unit: 25 * TY, lagging.other: 75 * TY}))
    assert '<span class="follow-up-missed-commitment">cam kết không đạt</span>' in rankings_page(admin_client, october)
    assert api_follow_up(api, october)["Sở Xây dựng"]["status"] == "missed_commitment"


def test_the_units_page_shows_its_flags_request_explanation_and_commitments_on_a_timeline(lagging, admin_client):
    request = lagging.ask()
    answer(request, (dt.date(2024, 9, 30), 30 * TY), now=timezone.make_aware(dt.datetime(2024, 7, 12, 15, 0)))
    computed(snapshot(OCT, {lagging.unit: 25 * TY, lagging.other: 75 * TY}))

    url = reverse("admin:disbursement_snapshot_unit_history", args=["city_assigned", "investor", lagging.unit.pk])
    page = admin_client.get(url, {"year": 2024}).content.decode()

    timeline = page[page.index('id="timeline"') :]
    order = [
        "Cảnh báo: Giải ngân dưới ngưỡng",
        "Yêu cầu giải trình (hạn 15/07/2024)",
        "Đã giải trình",
        "Cam kết không đạt",
        "Cảnh báo: Cam kết giải ngân không đạt",
    ]
    positions = [timeline.index(text) for text in order]
    assert positions == sorted(positions)
    assert "Nguyên nhân: Giải phóng mặt bằng." in timeline
    assert "còn thiếu 5,000 tỷ đồng" in timeline
    # The commitment is drawn on the unit's curve.
    assert "Cam kết của đơn vị" in page


def test_the_digest_lists_overdue_explanations_and_missed_commitments_first(lagging):
    lagging.ask()
    week = week_start(dt.date(2024, 7, 22))
    staff = lagging.first  # the 05/07 snapshot is the digest's

    rendered = digest_services.render_digest(
        digest_services.DigestRecipient.objects.get(email="phongkh@example.vn"), week
    )

    assert rendered.snapshot == staff
    text = rendered.text
    assert text.index("CẦN XỬ LÝ TRƯỚC: GIẢI TRÌNH VÀ CAM KẾT") < text.index("1. TOÀN THÀNH PHỐ")
    assert f"- Sở Xây dựng ({STREAM}): yêu cầu giải trình ngày 08/07/2024, hạn 15/07/2024, quá hạn" in text
    assert 'id="follow-up"' in rendered.html


def test_the_digest_names_a_missed_commitment(lagging):
    request = lagging.ask()
    answer(request, (dt.date(2024, 9, 30), 30 * TY))
    computed(snapshot(OCT, {lagging.unit: 25 * TY, lagging.other: 75 * TY}))

    rendered = digest_services.render_digest(
        digest_services.DigestRecipient.objects.get(email="phongkh@example.vn"), week_start(dt.date(2024, 10, 7))
    )

    assert "Cam kết không đạt (1):" in rendered.text
    assert (
        "cam kết giải ngân lũy kế 30,000 tỷ đồng đến hết ngày 30/09/2024; đến ngày 04/10/2024 đạt 25,000 tỷ đồng, "
        "còn thiếu 5,000 tỷ đồng." in rendered.text
    )


def test_the_draft_names_units_that_have_not_explained_and_missed_commitments(lagging):
    first_request = lagging.ask()
    assert "Việc giải trình" in draft_report(lagging.first.pk).text
    answer(first_request, (dt.date(2024, 9, 30), 30 * TY))
    october = computed(snapshot(OCT, {lagging.unit: 25 * TY, lagging.other: 75 * TY}))

    draft = draft_report(october.pk)

    title, text = draft.sections[-1]
    assert title == "Việc giải trình và thực hiện cam kết giải ngân của các đơn vị"
    assert text == (
        "- Có 01 cam kết giải ngân không đạt: Sở Xây dựng cam kết giải ngân lũy kế 30,000 tỷ đồng đến hết ngày "
        f"30/09/2024 ({STREAM}), đến ngày 04/10/2024 đạt 25,000 tỷ đồng, còn thiếu 5,000 tỷ đồng."
    )


def test_the_follow_up_wording_is_edited_like_the_other_sections(lagging):
    lagging.ask()
    template = ReportTemplate.objects.get(section="follow_up", stream=None)
    template.title = "Đơn vị chưa giải trình"
    template.body = "{% for u in not_explained %}{{ u.name }} (hạn {{ u.deadline }}){% endfor %}"
    template.save()

    title, text = draft_report(lagging.first.pk).sections[-1]

    assert (title, text) == ("Đơn vị chưa giải trình", "Sở Xây dựng (hạn 15/07/2024)")


def test_a_draft_without_any_request_has_no_follow_up_section(lagging):
    titles = [title for title, _ in draft_report(lagging.first.pk).sections]
    assert not any("giải trình" in title for title in titles)


def test_the_units_head_reads_its_own_overdue_explanation_first(lagging):
    lagging.ask()
    head = DigestRecipient.objects.create(
        name="Trần Văn Bình", email="giamdoc.sxd@example.vn", kind="unit_head", investor=lagging.unit
    )
    other_head = DigestRecipient.objects.create(
        name="Lê Thị C", email="giamdoc.sct@example.vn", kind="unit_head", investor=lagging.other
    )
    week = week_start(dt.date(2024, 7, 22))

    own = digest_services.render_digest(head, week)
    others = digest_services.render_digest(other_head, week)

    assert own.text.index("CẦN XỬ LÝ TRƯỚC") < own.text.index("Tỷ lệ giải ngân:")
    assert "- Quá hạn giải trình: Sở Xây dựng" in own.text
    assert 'id="follow-up"' in own.html
    assert "CẦN XỬ LÝ TRƯỚC" not in others.text and "Sở Xây dựng" not in others.text
