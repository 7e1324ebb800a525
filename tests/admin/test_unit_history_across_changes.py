"""A unit's history page follows its predecessors and names its successors."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from core.money import TY
from core.succession import SuccessionKind
from investors.models import InvestorSuccession
from tests.builders import allocate, computed, snapshot
from tests.factories import InvestorFactory

MAR_1 = dt.date(2025, 3, 1)


def _history(client, unit, year=2025):
    url = reverse("admin:disbursement_snapshot_unit_history", args=["city_assigned", "investor", unit.pk])
    return client.get(url, {"year": year}).content.decode()


def test_the_successor_shows_its_predecessors_figures_and_the_predecessor_links_to_it(admin_client_vi):
    transport = InvestorFactory(name="Sở Giao thông vận tải", valid_to=MAR_1 - dt.timedelta(days=1))
    construction = InvestorFactory(name="Sở Xây dựng")
    InvestorSuccession.objects.create(
        predecessor=transport, successor=construction, kind=SuccessionKind.MERGE, effective_from=MAR_1
    )
    allocate(transport, 100 * TY, year=2025, effective=dt.date(2025, 1, 1))
    allocate(construction, 100 * TY, year=2025, effective=dt.date(2025, 1, 1))
    computed(snapshot(dt.date(2025, 2, 14), {transport: 10 * TY, construction: 5 * TY}))
    computed(snapshot(dt.date(2025, 3, 14), {construction: 40 * TY}))

    html = _history(admin_client_vi, construction)
    box = html.split('id="successions"', 1)[1].split("</div>", 1)[0]
    assert "Đơn vị trước sắp xếp:" in box and "Sở Giao thông vận tải" in box and "sáp nhập từ 01/03/2025" in box
    table = html.split('id="predecessor-history"', 1)[1].split("</table>", 1)[0]
    assert "14/02/2025" in table and "Sở Giao thông vận tải" in table and "10%" in table
    # The merged department's last report and plan count under its successor on 14/3: 40 of 200 tỷ.
    history = html.split('<table id="history"', 1)[1].split("</table>", 1)[0]
    assert "20%" in history

    before = _history(admin_client_vi, transport)
    assert "Đơn vị kế thừa:" in before and "Sở Xây dựng" in before.split('id="successions"', 1)[1]
    assert 'id="predecessor-history"' not in before
