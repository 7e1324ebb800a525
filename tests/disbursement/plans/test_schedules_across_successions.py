"""A successor without a quarterly schedule of its own is held to the sum of its merged predecessors'."""

from __future__ import annotations

import datetime as dt

import pytest

from core.money import TY
from core.succession import SuccessionKind
from disbursement.models import QuarterlySchedule
from disbursement.plans.schedules import quarterly_schedules, unit_schedule
from districts.models import DistrictSuccession
from investors.models import InvestorSuccession
from tests.factories import DistrictFactory, InvestorFactory, stream

pytestmark = pytest.mark.django_db

MAR_1 = dt.date(2025, 3, 1)
JUL_1 = dt.date(2025, 7, 1)
YEAR_END = dt.date(2025, 12, 31)


def _register(unit, amounts: dict[int, int], code: str = "city_assigned") -> None:
    field = "investor" if unit._meta.model_name == "investor" else "district"
    for quarter, amount in amounts.items():
        QuarterlySchedule.objects.create(
            year=2025, quarter=quarter, stream=stream(code), amount=amount, **{field: unit}
        )


@pytest.fixture
def merger():
    transport = InvestorFactory(name="Sở Giao thông vận tải", valid_to=MAR_1 - dt.timedelta(days=1))
    information = InvestorFactory(name="Sở Thông tin và Truyền thông", valid_to=MAR_1 - dt.timedelta(days=1))
    construction = InvestorFactory(name="Sở Xây dựng", valid_from=MAR_1)
    for predecessor in (transport, information):
        InvestorSuccession.objects.create(
            predecessor=predecessor, successor=construction, kind=SuccessionKind.MERGE, effective_from=MAR_1
        )
    _register(transport, {1: 10 * TY, 2: 20 * TY, 3: 30 * TY})
    _register(information, {2: 5 * TY, 4: 15 * TY})
    return transport, information, construction


def test_without_its_own_the_successor_sums_its_predecessors_quarter_by_quarter(merger):
    transport, information, construction = merger
    schedule = unit_schedule(2025, YEAR_END, stream().id, investor_id=construction.id)

    assert schedule.quarters == {1: 10 * TY, 2: 25 * TY, 3: 30 * TY, 4: 15 * TY}
    assert schedule.inherited and set(schedule.predecessors) == {transport.id, information.id}
    assert schedule.due_by(2025, dt.date(2025, 7, 20)) == (35 * TY, 2)
    # The same figure for every unit at once, as the flags read it.
    assert quarterly_schedules(2025, YEAR_END)[(stream().id, construction.id, None)] == schedule


def test_before_the_merger_each_predecessor_keeps_its_own(merger):
    transport, _information, construction = merger
    assert unit_schedule(2025, dt.date(2025, 2, 14), stream().id, investor_id=construction.id) is None
    own = unit_schedule(2025, dt.date(2025, 2, 14), stream().id, investor_id=transport.id)
    assert (own.quarters[1], own.inherited) == (10 * TY, False)


def test_a_successor_that_registered_is_held_to_its_own_schedule(merger):
    _transport, _information, construction = merger
    _register(construction, {3: 100 * TY})
    schedule = unit_schedule(2025, YEAR_END, stream().id, investor_id=construction.id)
    assert (schedule.quarters, schedule.inherited) == ({3: 100 * TY}, False)


def test_a_split_unit_passes_its_schedule_to_nobody():
    district = DistrictFactory(name="Kiến Thụy", kind="huyen", valid_to=JUL_1 - dt.timedelta(days=1))
    communes = [DistrictFactory(name=n, kind="xa", valid_from=JUL_1) for n in ("Kiến Thụy", "Kiến Hưng")]
    for commune in communes:
        DistrictSuccession.objects.create(
            predecessor=district, successor=commune, kind=SuccessionKind.SPLIT, effective_from=JUL_1
        )
    _register(district, {1: 10 * TY, 3: 30 * TY}, "district_transfer")
    for commune in communes:
        assert unit_schedule(2025, YEAR_END, stream("district_transfer").id, district_id=commune.id) is None
