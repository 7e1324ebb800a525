"""A successor with no quarterly schedule of its own is flagged against its merged predecessors' schedules."""

from __future__ import annotations

import datetime as dt

import pytest

from core.money import TY
from core.succession import SuccessionKind
from disbursement.flags.selectors import open_flags
from disbursement.models import QuarterlySchedule
from investors.models import InvestorSuccession
from tests.builders import allocate, computed, snapshot
from tests.factories import InvestorFactory, stream

pytestmark = pytest.mark.django_db

MAR_1 = dt.date(2025, 3, 1)


def test_the_successor_is_behind_the_sum_of_its_predecessors_registrations():
    transport = InvestorFactory(name="Sở Giao thông vận tải", valid_to=MAR_1 - dt.timedelta(days=1))
    information = InvestorFactory(name="Sở Thông tin và Truyền thông", valid_to=MAR_1 - dt.timedelta(days=1))
    construction = InvestorFactory(name="Sở Xây dựng")
    for predecessor in (transport, information):
        InvestorSuccession.objects.create(
            predecessor=predecessor, successor=construction, kind=SuccessionKind.MERGE, effective_from=MAR_1
        )
        allocate(predecessor, 100 * TY, year=2025, effective=dt.date(2025, 1, 1))
    for predecessor, q1, q2 in ((transport, 10, 20), (information, 5, 10)):
        for quarter, amount in ((1, q1), (2, q2)):
            QuarterlySchedule.objects.create(
                year=2025, quarter=quarter, stream=stream(), investor=predecessor, amount=amount * TY
            )

    july = computed(snapshot(dt.date(2025, 7, 4), {construction: 40 * TY}))

    (flag,) = [f for f in open_flags(july) if f.kind == "behind_registered"]
    assert flag.investor == construction
    # 10 + 20 + 5 + 10 = 45 tỷ due by the end of the second quarter, 40 disbursed.
    assert flag.value == 5 * TY
    assert "của các đơn vị trước sắp xếp (Sở Giao thông vận tải, Sở Thông tin và Truyền thông)" in flag.reason
    assert "quý 2" in flag.reason
