"""Plans are revised in the admin by adding a revision typed in tỷ đồng; recorded revisions stay as they were."""

import datetime as dt

import pytest
from django.urls import reverse

from disbursement.models import CityPlan, CityPlanRevision
from tests.factories import CityPlanRevisionFactory


def inline_post(plan: CityPlan, amount: str, effective_from: str) -> dict:
    existing = list(plan.revisions.all())
    data = {
        "year": plan.year,
        "level": plan.level,
        "source": plan.source_id,
        "revisions-TOTAL_FORMS": str(len(existing) + 1),
        "revisions-INITIAL_FORMS": str(len(existing)),
        "revisions-MIN_NUM_FORMS": "0",
        "revisions-MAX_NUM_FORMS": "1000",
    }
    for i, revision in enumerate(existing):
        data[f"revisions-{i}-id"] = str(revision.pk)
        data[f"revisions-{i}-plan"] = str(plan.pk)
    n = len(existing)
    data.update(
        {
            f"revisions-{n}-amount": amount,
            f"revisions-{n}-effective_from": effective_from,
            f"revisions-{n}-note": "Nghị quyết HĐND điều chỉnh",
            f"revisions-{n}-plan": str(plan.pk),
        }
    )
    return data


@pytest.mark.django_db
def test_a_revision_typed_in_ty_dong_is_stored_in_dong_with_its_author(admin_client_vi, staff_user):
    first = CityPlanRevisionFactory(amount=22_156_828 * 10**6)
    plan = first.plan
    url = reverse("admin:disbursement_cityplan_change", args=[plan.pk])
    response = admin_client_vi.post(url, inline_post(plan, "22.770,828", "15/08/2024"))
    assert response.status_code == 302, response.content.decode()[:2000]
    revision = CityPlanRevision.objects.filter(plan=plan).exclude(pk=first.pk).get()
    assert revision.amount == 22_770_828 * 10**6
    assert revision.effective_from == dt.date(2024, 8, 15)
    assert revision.recorded_by == staff_user
    first.refresh_from_db()
    assert first.amount == 22_156_828 * 10**6


@pytest.mark.django_db
def test_an_amount_that_is_not_a_number_is_refused_in_vietnamese(admin_client_vi):
    plan = CityPlanRevisionFactory().plan
    url = reverse("admin:disbursement_cityplan_change", args=[plan.pk])
    response = admin_client_vi.post(url, inline_post(plan, "hai mươi tỷ", "15/08/2024"))
    assert response.status_code == 200
    assert "Số tiền không hợp lệ" in response.content.decode()
    assert plan.revisions.count() == 1


@pytest.mark.django_db
def test_a_recorded_revision_cannot_be_changed_by_posting_over_it(admin_client_vi):
    revision = CityPlanRevisionFactory(amount=10**12)
    plan = revision.plan
    data = inline_post(plan, "", "")
    data["revisions-0-amount"] = "1,000"
    data["revisions-0-effective_from"] = "01/01/2024"
    admin_client_vi.post(reverse("admin:disbursement_cityplan_change", args=[plan.pk]), data)
    revision.refresh_from_db()
    assert revision.amount == 10**12


@pytest.mark.django_db
def test_recorded_revisions_are_shown_read_only(admin_client_vi):
    revision = CityPlanRevisionFactory(amount=19_972_741 * 10**6)
    html = admin_client_vi.get(reverse("admin:disbursement_cityplan_change", args=[revision.plan.pk])).content.decode()
    assert 'value="19.972,741"' in html
    field = html.split('name="revisions-0-amount"', 1)[1].split(">", 1)[0]
    assert "disabled" in field
