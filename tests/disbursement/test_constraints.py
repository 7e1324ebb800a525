"""The database refuses states the domain forbids, whatever code writes them."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from disbursement.models import Allocation, CityDisbursement, SnapshotLine
from tests.factories import (
    AllocationRevisionFactory,
    DistrictFactory,
    InvestorFactory,
    SnapshotFactory,
    SnapshotLineFactory,
    source,
    stream,
)

pytestmark = pytest.mark.django_db


def _refused(callable_):
    with pytest.raises(IntegrityError), transaction.atomic():
        callable_()


def test_negative_amounts_are_refused():
    _refused(lambda: SnapshotLineFactory(disbursed=-1))
    _refused(lambda: AllocationRevisionFactory(amount=-5))
    snapshot = SnapshotFactory()
    _refused(lambda: CityDisbursement.objects.create(snapshot=snapshot, source=source("nstw"), disbursed=-1))


def test_one_current_snapshot_per_year_and_date():
    SnapshotFactory(as_of=dt.date(2024, 7, 20))
    _refused(lambda: SnapshotFactory(as_of=dt.date(2024, 7, 20)))
    # A superseded one may share the date.
    SnapshotFactory(as_of=dt.date(2024, 7, 20), is_current=False)


def test_codes_are_unique():
    InvestorFactory(code="SYT")
    _refused(lambda: InvestorFactory(code="SYT"))
    DistrictFactory(code="314")
    _refused(lambda: DistrictFactory(code="314"))


def test_a_line_belongs_to_exactly_one_unit():
    snapshot = SnapshotFactory()
    investor = InvestorFactory()
    district = DistrictFactory()
    _refused(
        lambda: SnapshotLine.objects.create(
            snapshot=snapshot,
            stream=stream("city_assigned"),
            source=source("nsdp"),
            investor=investor,
            district=district,
            disbursed=1,
        )
    )
    _refused(
        lambda: SnapshotLine.objects.create(
            snapshot=snapshot, stream=stream("city_assigned"), source=source("nsdp"), disbursed=1
        )
    )


def test_one_line_per_unit_stream_and_source_in_a_snapshot():
    line = SnapshotLineFactory()
    _refused(lambda: SnapshotLineFactory(snapshot=line.snapshot, investor=line.investor))
    # Another source of the same unit is a separate line.
    SnapshotLineFactory(snapshot=line.snapshot, investor=line.investor, source=source("nstw"))


def test_one_allocation_per_unit_stream_source_and_year():
    investor = InvestorFactory()
    Allocation.objects.create(
        year=2024,
        stream=stream("city_assigned"),
        source=source("nsdp"),
        investor=investor,
        deadline=dt.date(2025, 1, 31),
    )
    _refused(
        lambda: Allocation.objects.create(
            year=2024,
            stream=stream("city_assigned"),
            source=source("nsdp"),
            investor=investor,
            deadline=dt.date(2025, 1, 31),
        )
    )


def test_district_committee_investor_needs_its_district():
    _refused(lambda: InvestorFactory(kind="district_committee", district=None))
    InvestorFactory(kind="district_committee", district=DistrictFactory())


def test_district_validity_cannot_end_before_it_starts():
    _refused(lambda: DistrictFactory(valid_from=dt.date(2025, 1, 1), valid_to=dt.date(2024, 12, 31)))


def test_amounts_hold_a_national_plan_in_dong():
    line = SnapshotLineFactory(disbursed=22_770_828_000_000)
    line.refresh_from_db()
    assert line.disbursed == 22_770_828_000_000
