"""A successor's unit page shows its predecessors' flags, follow-up and quarterly schedules."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from core.money import TY
from core.succession import SuccessionKind
from disbursement.flags.selectors import open_flags
from disbursement.followup.services import create_requests
from disbursement.models import QuarterlySchedule
from investors.models import InvestorSuccession
from tests.builders import allocate, computed, snapshot
from tests.factories import InvestorFactory, stream

MAR_1 = dt.date(2025, 3, 1)


def _page(client, unit, year=2025) -> str:
    url = reverse("admin:disbursement_snapshot_unit_history", args=["city_assigned", "investor", unit.pk])
    return client.get(url, {"year": year}).content.decode()


def _part(html: str, element_id: str) -> str:
    return html.split(f'id="{element_id}"', 1)[1].split("</table>", 1)[0]


def _merged():
    transport = InvestorFactory(
        name="Sở Giao thông vận tải", valid_to=MAR_1 - dt.timedelta(days=1), head_email="gd.sgtvt@example.vn"
    )
    construction = InvestorFactory(name="Sở Xây dựng")
    InvestorSuccession.objects.create(
        predecessor=transport, successor=construction, kind=SuccessionKind.MERGE, effective_from=MAR_1
    )
    allocate(transport, 100 * TY, year=2025, effective=dt.date(2025, 1, 1))
    allocate(construction, 100 * TY, year=2025, effective=dt.date(2025, 1, 1))
    return transport, construction


def test_the_predecessors_open_flag_and_unanswered_request_show_on_the_successors_page(admin_client_vi):
    transport, construction = _merged()
    february = computed(snapshot(dt.date(2025, 2, 14), {transport: 5 * TY, construction: 50 * TY}))
    flag = next(f for f in open_flags(february) if f.investor_id == transport.id and f.kind == "below_threshold")
    create_requests([flag], now=timezone.make_aware(dt.datetime(2025, 2, 17, 9, 0)))
    computed(snapshot(dt.date(2025, 3, 14), {construction: 70 * TY}))

    html = _page(admin_client_vi, construction)

    table = _part(html, "predecessor-timeline")
    assert "Sở Giao thông vận tải" in table
    assert "Cảnh báo: Giải ngân dưới ngưỡng (còn mở khi sắp xếp)" in table
    assert "Giải ngân 5% (5,000 tỷ đồng / 100,000 tỷ đồng), dưới ngưỡng 10%." in table
    assert "Yêu cầu giải trình (hạn 24/02/2025) (chưa giải trình khi sắp xếp)" in table
    # The successor's own timeline stays its own.
    assert "Sở Giao thông vận tải" not in _part(html, "timeline")
    # The predecessor's own page has no such section.
    assert 'id="predecessor-timeline"' not in _page(admin_client_vi, transport)


def test_the_successor_without_a_schedule_shows_its_predecessors_sum_marked(admin_client_vi):
    transport, construction = _merged()
    for quarter, amount in ((1, 10), (2, 20), (3, 30), (4, 40)):
        QuarterlySchedule.objects.create(
            year=2025, quarter=quarter, stream=stream(), investor=transport, amount=amount * TY
        )

    table = _part(_page(admin_client_vi, construction), "schedule")

    rows = table.split("<tr>")[2:]
    assert "Sở Xây dựng" in rows[0] and "cộng tiến độ đăng ký của các đơn vị trước sắp xếp" in rows[0]
    assert "10,000" in rows[0] and "40,000" in rows[0] and "100,000" in rows[0]
    assert "Sở Giao thông vận tải" in rows[1] and "đơn vị trước sắp xếp (sáp nhập)" in rows[1]


def test_a_unit_without_a_schedule_says_so(admin_client_vi):
    _transport, construction = _merged()
    html = _page(admin_client_vi, construction)
    assert 'id="schedule"' not in html
    assert "Đơn vị chưa đăng ký tiến độ giải ngân hằng quý năm 2025." in html
