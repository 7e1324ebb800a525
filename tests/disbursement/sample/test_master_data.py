"""The shipped Hải Phòng master data loads, and loads again without change."""

import datetime as dt

import pytest

from disbursement.models import CityPlanRevision, Snapshot
from disbursement.plans.selectors import city_plan_total
from disbursement.sample.loader import load_master_data
from districts.models import District
from districts.selectors import find_district
from investors.models import Investor
from investors.selectors import find_investor

pytestmark = pytest.mark.django_db


def test_master_data_loads_idempotently():
    first = load_master_data()
    assert first.districts == 17
    assert first.investors == 22
    revisions = CityPlanRevision.objects.count()
    second = load_master_data()
    assert (second.districts, second.investors, second.plan_revisions) == (0, 0, 0)
    assert CityPlanRevision.objects.count() == revisions
    assert Snapshot.objects.count() == 1


def test_fifteen_districts_in_2024_and_their_successors():
    load_master_data()
    on_2024 = District.objects.filter(valid_from__lte=dt.date(2024, 7, 20)).exclude(valid_to__lt=dt.date(2024, 7, 20))
    assert on_2024.count() == 15
    assert on_2024.filter(kind="quan").count() == 7
    thuy_nguyen = District.objects.get(code="311")
    assert thuy_nguyen.successor.get_kind_display() == "thành phố"
    # The name means the huyện in 2024 and the city in 2025.
    assert find_district("Thuỷ Nguyên", on=dt.date(2024, 7, 20)).code == "311"
    assert find_district("Thủy Nguyên", on=dt.date(2025, 3, 1)).code == "311-TP"
    assert find_district("Bạch Long Vỹ", on=dt.date(2024, 7, 20)).code == "318"


def test_investors_found_by_any_spelling():
    load_master_data()
    assert find_investor("UBND huyện Vĩnh Bảo").code == "UB-316"
    assert find_investor("Vĩnh Bảo").code == "UB-316"
    assert find_investor("Sở NN&PTNT").code == "SNN"
    assert Investor.objects.get(code="UB-316").district.code == "316"


def test_citywide_plans_of_2023_and_2024():
    load_master_data()
    assert city_plan_total(2024, dt.date(2024, 7, 20), "pm") == 17_019_198 * 10**6
    assert city_plan_total(2024, dt.date(2024, 7, 20), "city") == 19_972_741 * 10**6
    assert city_plan_total(2023, dt.date(2023, 3, 31), "city") == 22_156_828 * 10**6
    assert city_plan_total(2023, dt.date(2023, 7, 20), "city") == 22_770_828 * 10**6
