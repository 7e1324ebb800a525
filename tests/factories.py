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


def stream(code: str = CapitalStream.CITY_ASSIGNED) -> CapitalStream:
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
