"""A project of a merged department continues under its successor: its plan and its lines count there."""

from __future__ import annotations

import datetime as dt

import pytest

from core.money import TY
from core.succession import SuccessionKind
from disbursement.models import Allocation, AllocationRevision, Figure, Project, SnapshotLine
from investors.models import InvestorSuccession
from tests.builders import allocate, computed, local, snapshot, stream_figure, unit_figure
from tests.factories import InvestorFactory, stream

pytestmark = pytest.mark.django_db

MAR_1 = dt.date(2025, 3, 1)
JAN_1 = dt.date(2025, 1, 1)


@pytest.fixture
def merged():
    transport = InvestorFactory(name="Sở Giao thông vận tải", valid_to=MAR_1 - dt.timedelta(days=1))
    construction = InvestorFactory(name="Sở Xây dựng")
    InvestorSuccession.objects.create(
        predecessor=transport, successor=construction, kind=SuccessionKind.MERGE, effective_from=MAR_1
    )
    road = Project.objects.create(code="DA-01", name="Đường ven sông Lạch Tray", investor=transport, stream=stream())
    allocation = Allocation.objects.create(
        year=2025, stream=stream(), source=local(), investor=transport, project=road, deadline=dt.date(2026, 1, 31)
    )
    AllocationRevision.objects.create(allocation=allocation, amount=100 * TY, effective_from=JAN_1)
    allocate(construction, 300 * TY, year=2025, effective=JAN_1)
    return transport, construction, road


def _project_line(snap, road, amount):
    SnapshotLine.objects.create(
        snapshot=snap, stream=stream(), source=local(), investor=road.investor, project=road, disbursed=amount
    )


def test_before_the_merger_the_project_counts_under_its_own_investor(merged):
    transport, construction, road = merged
    february = snapshot(dt.date(2025, 2, 14), {construction: 50 * TY})
    _project_line(february, road, 20 * TY)
    computed(february)
    figure = unit_figure(february, transport)
    assert (figure.disbursed, figure.plan) == (20 * TY, 100 * TY)
    assert unit_figure(february, construction).plan == 300 * TY


def test_after_the_merger_the_project_plan_and_lines_count_under_the_successor(merged):
    transport, construction, road = merged
    july = snapshot(dt.date(2025, 7, 20), {construction: 50 * TY})
    _project_line(july, road, 20 * TY)
    computed(july)

    assert not Figure.objects.filter(snapshot=july, investor=transport).exists()
    figure = unit_figure(july, construction)
    assert (figure.disbursed, figure.plan) == (70 * TY, 400 * TY)
    assert stream_figure(july).disbursed == 70 * TY


def test_the_project_plan_stays_when_the_successor_plan_is_restated_after_the_merger(merged):
    transport, construction, road = merged
    # The successor's own plan, restated after the merger, is its unit plan; the project's plan is the project's.
    allocate(construction, 350 * TY, year=2025, effective=dt.date(2025, 4, 1))
    july = snapshot(dt.date(2025, 7, 20), {construction: 50 * TY})
    _project_line(july, road, 20 * TY)
    computed(july)

    figure = unit_figure(july, construction)
    assert (figure.disbursed, figure.plan) == (70 * TY, 450 * TY)


def test_a_project_carried_from_before_the_merger_counts_under_the_successor(merged):
    transport, construction, road = merged
    february = snapshot(dt.date(2025, 2, 14), {construction: 50 * TY})
    _project_line(february, road, 20 * TY)
    computed(february)
    march = computed(snapshot(dt.date(2025, 3, 7), {}))

    assert not Figure.objects.filter(snapshot=march, investor=transport).exists()
    figure = unit_figure(march, construction)
    assert (figure.disbursed, figure.plan) == (70 * TY, 400 * TY)
