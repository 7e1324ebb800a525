"""Each record's own change history page, and the third-party admin pages, are in Vietnamese."""

import pytest
from django.urls import reverse

from tests.factories import AllocationRevisionFactory


@pytest.mark.django_db
def test_history_page_of_a_revision_is_in_vietnamese(admin_client_vi):
    revision = AllocationRevisionFactory()
    html = admin_client_vi.get(
        reverse("admin:disbursement_allocationrevision_history", args=[revision.pk])
    ).content.decode()
    assert "Thời điểm" in html
    assert "Người thay đổi" in html
    assert "Date/time" not in html
    assert "Changed by" not in html


@pytest.mark.django_db
def test_index_names_the_periodic_tasks_in_vietnamese(admin_client_vi):
    html = admin_client_vi.get(reverse("admin:index")).content.decode()
    assert "Tác vụ định kỳ" in html
    assert "Periodic Tasks" not in html
