"""A merged department continues under its successor; a split district's communes are not compared."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from core.money import TY
from core.succession import ComparisonBasis, SuccessionKind
from disbursement.models import Figure
from districts.models import District, DistrictSuccession
from investors.models import InvestorSuccession
from tests.builders import allocate, computed, snapshot, stream_figure, unit_figure
from tests.factories import DistrictFactory, InvestorFactory

MAR_1 = dt.date(2025, 3, 1)
JUL_1 = dt.date(2025, 7, 1)


def _departments():
    transport = InvestorFactory(name="Sở Giao thông vận tải", valid_to=MAR_1 - dt.timedelta(days=1))
    construction = InvestorFactory(name="Sở Xây dựng")
    InvestorSuccession.objects.create(
        predecessor=transport, successor=construction, kind=SuccessionKind.MERGE, effective_from=MAR_1
    )
    return transport, construction


def test_a_merged_department_plans_and_last_report_continue_under_its_successor(db):
    transport, construction = _departments()
    allocate(transport, 100 * TY, year=2025, effective=dt.date(2025, 1, 1))
    allocate(construction, 100 * TY, year=2025, effective=dt.date(2025, 1, 1))
    february = computed(snapshot(dt.date(2025, 2, 14), {transport: 10 * TY, construction: 5 * TY}))
    assert unit_figure(february, transport).plan == 100 * TY

    # Nobody reports on 7/3: the successor carries both last reports, against both plans.
    march = computed(snapshot(dt.date(2025, 3, 7), {}))
    assert not Figure.objects.filter(snapshot=march, investor=transport).exists()
    carried = unit_figure(march, construction)
    assert (carried.disbursed, carried.plan) == (15 * TY, 200 * TY)

    # The successor's own report on 14/3 covers the merged department: nothing is counted twice.
    later = computed(snapshot(dt.date(2025, 3, 14), {construction: 40 * TY}))
    figure = unit_figure(later, construction)
    assert (figure.disbursed, figure.plan, figure.ratio) == (40 * TY, 200 * TY, Decimal("20"))
    assert figure.previous_disbursed == 15 * TY
    assert figure.change_amount == 25 * TY
    assert stream_figure(later).disbursed == 40 * TY


def test_same_period_of_a_merged_department_sums_its_predecessors_last_year(db):
    transport, construction = _departments()
    for unit, plan in ((transport, 100 * TY), (construction, 300 * TY)):
        allocate(unit, plan, year=2024, effective=dt.date(2024, 1, 1))
    allocate(construction, 500 * TY, year=2025, effective=dt.date(2025, 1, 1))
    computed(snapshot(dt.date(2024, 7, 20), {transport: 30 * TY, construction: 70 * TY}))
    figure = unit_figure(computed(snapshot(dt.date(2025, 7, 20), {construction: 150 * TY})), construction)
    assert figure.same_period_basis == ComparisonBasis.PREDECESSORS
    assert (figure.same_period_disbursed, figure.same_period_plan) == (100 * TY, 400 * TY)
    assert figure.same_period_ratio == Decimal("25")


def test_communes_formed_by_splitting_a_district_are_not_compared(db):
    district = DistrictFactory(name="Kiến Thụy", kind=District.Kind.RURAL, valid_to=JUL_1 - dt.timedelta(days=1))
    first = DistrictFactory(name="Kiến Thụy", kind=District.Kind.COMMUNE, valid_from=JUL_1)
    second = DistrictFactory(name="Kiến Hưng", kind=District.Kind.COMMUNE, valid_from=JUL_1)
    untouched = DistrictFactory(name="Hồng Bàng", kind=District.Kind.URBAN, valid_to=None)
    for commune in (first, second):
        DistrictSuccession.objects.create(
            predecessor=district, successor=commune, kind=SuccessionKind.SPLIT, effective_from=JUL_1
        )
    allocate(district, 80 * TY, year=2025, effective=dt.date(2025, 1, 1))
    allocate(untouched, 50 * TY, year=2025, effective=dt.date(2025, 1, 1))
    for commune in (first, second):
        allocate(commune, 40 * TY, year=2025, effective=JUL_1)
    june = computed(snapshot(dt.date(2025, 6, 20), {district: 30 * TY, untouched: 10 * TY}))
    july = computed(snapshot(dt.date(2025, 7, 20), {first: 10 * TY, second: 5 * TY, untouched: 20 * TY}))

    assert {f.district_id for f in Figure.objects.filter(snapshot=june, scope="district", source=None)} == {
        district.id,
        untouched.id,
    }
    ranked = Figure.objects.filter(snapshot=july, scope="district", source=None)
    assert {f.district_id for f in ranked} == {first.id, second.id, untouched.id}
    commune = unit_figure(july, first)
    assert commune.previous_basis == ComparisonBasis.NOT_COMPARABLE
    assert (commune.previous_disbursed, commune.change_amount, commune.change_points) == (None, None, None)
    kept = unit_figure(july, untouched)
    assert (kept.previous_basis, kept.change_amount) == (ComparisonBasis.SAME_UNIT, 10 * TY)
    # The stream as a whole is always compared.
    assert stream_figure(july, "district_transfer").change_amount == 35 * TY - 40 * TY


def test_a_plan_recorded_for_the_successor_after_the_merger_is_its_whole_plan(db):
    transport, construction = _departments()
    allocate(transport, 100 * TY, year=2025, effective=dt.date(2025, 1, 1))
    allocate(construction, 100 * TY, year=2025, effective=dt.date(2025, 1, 1))
    before = computed(snapshot(dt.date(2025, 3, 7), {construction: 10 * TY}))
    assert unit_figure(before, construction).plan == 200 * TY
    # The merged department's plan is stated as one figure from 10/3: it replaces both.
    allocate(construction, 180 * TY, year=2025, effective=dt.date(2025, 3, 10))
    after = computed(snapshot(dt.date(2025, 3, 14), {construction: 40 * TY}))
    assert unit_figure(after, construction).plan == 180 * TY
