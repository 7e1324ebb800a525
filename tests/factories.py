"""Factories for test objects. Reference data (streams, sources) comes from the migrations."""

from __future__ import annotations

import datetime as dt

import factory
from django.contrib.auth import get_user_model

from disbursement.models import (
    Allocation,
    AllocationRevision,
    BudgetSource,
    CapitalStream,
    CityDisbursement,
    CityPlan,
    CityPlanRevision,
    Snapshot,
    SnapshotLine,
)
from districts.models import District, DistrictAlias
from investors.models import Investor, InvestorAlias


def stream(code: str) -> CapitalStream:
    return CapitalStream.objects.get(code=code)


def source(code: str) -> BudgetSource:
    return BudgetSource.objects.get(code=code)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"canbo{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.vn")
    password = factory.PostGenerationMethodCall("set_password", "mat-khau-thu-nghiem")


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District

    code = factory.Sequence(lambda n: f"D{n:03d}")
    name = factory.Sequence(lambda n: f"Huyện thử {n}")
    kind = District.Kind.RURAL


class DistrictAliasFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DistrictAlias

    district = factory.SubFactory(DistrictFactory)
    name = factory.Sequence(lambda n: f"Tên khác {n}")


class InvestorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Investor

    code = factory.Sequence(lambda n: f"I{n:03d}")
    name = factory.Sequence(lambda n: f"Sở thử nghiệm {n}")
    kind = Investor.Kind.DEPARTMENT


class InvestorAliasFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InvestorAlias

    investor = factory.SubFactory(InvestorFactory)
    name = factory.Sequence(lambda n: f"Tên viết tắt {n}")


class SnapshotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Snapshot

    year = 2024
    as_of = dt.date(2024, 7, 20)
    file_name = "giai-ngan.xlsx"


class CityPlanRevisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CityPlanRevision

    plan = factory.LazyFunction(
        lambda: CityPlan.objects.get_or_create(year=2024, level="city", source=source("nsdp"))[0]
    )
    amount = 10**12
    effective_from = dt.date(2024, 1, 1)


class AllocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Allocation

    year = 2024
    stream = factory.LazyFunction(lambda: stream("city_assigned"))
    source = factory.LazyFunction(lambda: source("nsdp"))
    investor = factory.SubFactory(InvestorFactory)
    deadline = dt.date(2025, 1, 31)


class AllocationRevisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AllocationRevision

    allocation = factory.SubFactory(AllocationFactory)
    amount = 100 * 10**9
    effective_from = dt.date(2024, 1, 1)


class SnapshotLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SnapshotLine

    snapshot = factory.SubFactory(SnapshotFactory)
    stream = factory.LazyFunction(lambda: stream("city_assigned"))
    source = factory.LazyFunction(lambda: source("nsdp"))
    investor = factory.SubFactory(InvestorFactory)
    disbursed = 10 * 10**9


class CityDisbursementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CityDisbursement

    snapshot = factory.SubFactory(SnapshotFactory)
    source = factory.LazyFunction(lambda: source("nsdp"))
    disbursed = 10**11


def build_ranked_year() -> dict:
    """Two plan years of computed figures: three investors and two districts, snapshots in 2023 and 2024.

    Returns the objects the tests read back. Ratios on 20/07/2024: Sở A 60%, Sở B 25%, Sở C 0,5%;
    Sở B climbs above Sở C since 20/06/2024; huyện Một 40%, huyện Hai 10%.
    """
    from disbursement.figures.services import compute_snapshot

    ty = 10**9
    investors = [
        InvestorFactory(name="Sở Thử nghiệm A"),
        InvestorFactory(name="Sở Thử nghiệm B"),
        InvestorFactory(name="Sở Thử nghiệm C"),
    ]
    districts = [DistrictFactory(name="Một"), DistrictFactory(name="Hai")]
    city, transfer = stream("city_assigned"), stream("district_transfer")
    for year in (2023, 2024):
        for investor, plan in zip(investors, (100, 200, 1000), strict=True):
            AllocationRevisionFactory(
                allocation=AllocationFactory(year=year, stream=city, investor=investor),
                amount=plan * ty,
                effective_from=dt.date(year, 1, 1),
            )
        for district in districts:
            AllocationRevisionFactory(
                allocation=AllocationFactory(year=year, stream=transfer, investor=None, district=district),
                amount=500 * ty,
                effective_from=dt.date(year, 1, 1),
            )
    # (as_of, disbursed of A, B, C in tỷ, of huyện Một, Hai)
    timeline = [
        (dt.date(2023, 6, 20), (20, 30, 50), (100, 20)),
        (dt.date(2023, 7, 20), (30, 40, 80), (150, 30)),
        (dt.date(2024, 6, 20), (40, 0, 5), (120, 40)),
        (dt.date(2024, 7, 20), (60, 50, 5), (200, 50)),
    ]
    snapshots = []
    for as_of, by_investor, by_district in timeline:
        snapshot = SnapshotFactory(year=as_of.year, as_of=as_of, file_name=f"giai-ngan-{as_of:%Y-%m-%d}.xlsx")
        for investor, amount in zip(investors, by_investor, strict=True):
            SnapshotLineFactory(snapshot=snapshot, stream=city, investor=investor, disbursed=amount * ty)
        for district, amount in zip(districts, by_district, strict=True):
            SnapshotLineFactory(
                snapshot=snapshot, stream=transfer, investor=None, district=district, disbursed=amount * ty
            )
        compute_snapshot(snapshot.pk)
        snapshots.append(snapshot)
    return {"investors": investors, "districts": districts, "snapshots": snapshots, "current": snapshots[-1]}
