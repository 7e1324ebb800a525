"""A ratio on date D uses the plan revision in force on D; revisions never overwrite."""

import datetime as dt

import pytest

from core.money import TY
from disbursement.models import AllocationRevision, CityPlanRevision
from disbursement.plans.selectors import allocations_in_force, city_plan_total, city_plans_in_force
from disbursement.plans.services import PlanError, revise_allocation, revise_city_plan
from tests.factories import DistrictFactory, InvestorFactory, source, stream

pytestmark = pytest.mark.django_db


def test_city_plan_revised_mid_year():
    # The city's 2023 plan: 22.156,828 tỷ in March, 22.770,828 tỷ later.
    revise_city_plan(
        year=2023, level="city", source=source("unsplit"), amount=22_156_828 * 10**6, effective_from=dt.date(2023, 1, 1)
    )
    revise_city_plan(
        year=2023, level="city", source=source("unsplit"), amount=22_770_828 * 10**6, effective_from=dt.date(2023, 7, 1)
    )
    assert city_plan_total(2023, dt.date(2023, 3, 31), "city") == 22_156_828 * 10**6
    assert city_plan_total(2023, dt.date(2023, 6, 30), "city") == 22_156_828 * 10**6
    assert city_plan_total(2023, dt.date(2023, 7, 1), "city") == 22_770_828 * 10**6
    assert city_plan_total(2023, dt.date(2023, 7, 20), "pm") is None
    # Both revisions are kept.
    assert CityPlanRevision.objects.count() == 2


def test_plan_before_first_revision_is_absent():
    revise_city_plan(year=2024, level="pm", source=source("nstw"), amount=5 * TY, effective_from=dt.date(2024, 2, 1))
    assert city_plans_in_force(2024, dt.date(2024, 1, 15)) == {}
    assert city_plans_in_force(2024, dt.date(2024, 2, 1)) == {"pm": {"nstw": 5 * TY}}


def test_city_plan_sums_sources():
    revise_city_plan(
        year=2024, level="pm", source=source("nstw"), amount=755_463 * 10**6, effective_from=dt.date(2024, 1, 1)
    )
    revise_city_plan(
        year=2024, level="pm", source=source("nsdp"), amount=16_263_735 * 10**6, effective_from=dt.date(2024, 1, 1)
    )
    assert city_plan_total(2024, dt.date(2024, 7, 20), "pm") == 17_019_198 * 10**6


def test_allocation_revision_in_force_and_history_kept():
    investor = InvestorFactory()
    kwargs = dict(year=2024, stream=stream("city_assigned"), source=source("nsdp"), investor=investor)
    revise_allocation(amount=100 * TY, effective_from=dt.date(2024, 1, 1), **kwargs)
    revise_allocation(amount=80 * TY, effective_from=dt.date(2024, 9, 1), note="Điều chuyển vốn", **kwargs)
    on = {d: allocations_in_force(2024, d).get().amount for d in (dt.date(2024, 8, 31), dt.date(2024, 9, 1))}
    assert on == {dt.date(2024, 8, 31): 100 * TY, dt.date(2024, 9, 1): 80 * TY}
    assert AllocationRevision.objects.count() == 2


def test_correction_on_the_same_date_wins_and_keeps_the_old_row():
    investor = InvestorFactory()
    kwargs = dict(year=2024, stream=stream("city_assigned"), source=source("nsdp"), investor=investor)
    revise_allocation(amount=100 * TY, effective_from=dt.date(2024, 1, 1), **kwargs)
    revise_allocation(amount=101 * TY, effective_from=dt.date(2024, 1, 1), note="Sửa số", **kwargs)
    assert allocations_in_force(2024, dt.date(2024, 3, 1)).get().amount == 101 * TY
    assert AllocationRevision.objects.count() == 2


def test_allocation_needs_exactly_one_unit_and_a_non_negative_amount():
    common = dict(
        year=2024, stream=stream("district_transfer"), source=source("nsdp"), effective_from=dt.date(2024, 1, 1)
    )
    with pytest.raises(PlanError):
        revise_allocation(amount=1, **common)
    with pytest.raises(PlanError):
        revise_allocation(amount=1, investor=InvestorFactory(), district=DistrictFactory(), **common)
    with pytest.raises(PlanError):
        revise_allocation(amount=-1, district=DistrictFactory(), **common)


def test_default_deadline_is_31_january_next_year():
    revision = revise_allocation(
        year=2024,
        stream=stream("district_transfer"),
        source=source("nsdp"),
        district=DistrictFactory(),
        amount=TY,
        effective_from=dt.date(2024, 1, 1),
    )
    assert revision.allocation.deadline == dt.date(2025, 1, 31)
