"""Many revisions at once (a large import) write the rows and history that one-by-one revisions write."""

import datetime as dt

import pytest

from core.money import TY
from disbursement.models import Allocation, AllocationRevision
from disbursement.plans.services import AllocationChange, PlanError, revise_allocation, revise_allocations
from tests.factories import DistrictFactory, InvestorFactory, UserFactory, source, stream

pytestmark = pytest.mark.django_db

JAN_1, JULY_1 = dt.date(2024, 1, 1), dt.date(2024, 7, 1)


def plan_rows() -> list[tuple]:
    return sorted(
        (
            r.allocation.stream.code,
            r.allocation.source.code,
            r.allocation.investor_id,
            r.allocation.district_id,
            r.allocation.deadline,
            r.amount,
            r.effective_from,
            r.note,
            r.recorded_by_id,
            # The audit trail: who made each record and what it holds, for the revision and its allocation.
            tuple(r.history.values_list("history_type", "amount", "effective_from", "note", "history_user_id")),
            tuple(r.allocation.history.values_list("history_type", "year", "deadline", "history_user_id")),
        )
        for r in AllocationRevision.objects.select_related("allocation__stream", "allocation__source")
    )


def test_bulk_revisions_write_what_single_revisions_write():
    investor, district, user = InvestorFactory(), DistrictFactory(), UserFactory()
    city, transfer, nsdp = stream("city_assigned"), stream("district_transfer"), source("nsdp")
    # The investor already has a plan; the district gets its first one.
    revise_allocation(year=2024, stream=city, source=nsdp, amount=100 * TY, effective_from=JAN_1, investor=investor)
    changes = [
        AllocationChange(city, nsdp, investor.id, None, 80 * TY, JULY_1, "Điều chuyển vốn"),
        AllocationChange(transfer, nsdp, None, district.id, 50 * TY, JAN_1, "Theo tệp"),
    ]
    for change in changes:
        revise_allocation(
            year=2024,
            stream=change.stream,
            source=change.source,
            amount=change.amount,
            effective_from=change.effective_from,
            investor=investor if change.investor_id else None,
            district=district if change.district_id else None,
            note=change.note,
            user=user,
        )
    one_by_one = plan_rows()

    AllocationRevision.objects.exclude(amount=100 * TY).delete()
    Allocation.objects.filter(district=district).delete()
    assert revise_allocations(2024, changes, user=user) == 2

    assert plan_rows() == one_by_one
    # Both paths name the user in the history, outside any page as in one.
    revised = AllocationRevision.objects.exclude(amount=100 * TY)
    assert set(
        AllocationRevision.history.filter(id__in=revised.values("id")).values_list("history_user", flat=True)
    ) == {user.id}
    created = Allocation.history.filter(district=district).order_by("history_id").last()
    assert (created.history_type, created.history_user) == ("+", user)
    assert Allocation.objects.filter(investor=investor).count() == 1


def test_bulk_revisions_refuse_what_a_single_revision_refuses():
    investor, district = InvestorFactory(), DistrictFactory()
    city, nsdp = stream("city_assigned"), source("nsdp")
    with pytest.raises(PlanError):
        revise_allocations(2024, [AllocationChange(city, nsdp, investor.id, None, -1, JAN_1)])
    with pytest.raises(PlanError):
        revise_allocations(2024, [AllocationChange(city, nsdp, investor.id, district.id, TY, JAN_1)])
    assert not AllocationRevision.objects.exists()
