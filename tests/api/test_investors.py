import datetime as dt

import pytest

from tests.api.conftest import results
from tests.factories import DistrictFactory, InvestorAliasFactory, InvestorFactory


@pytest.mark.django_db
def test_list_and_filter(client):
    vinh_bao = DistrictFactory(code="VB", name="Vĩnh Bảo")
    InvestorFactory(code="UBNDVB", name="UBND huyện Vĩnh Bảo", kind="district_committee", district=vinh_bao)
    health = InvestorFactory(code="SYT", name="Sở Y tế", head_email="giamdoc@example.vn")
    InvestorAliasFactory(investor=health, name="SYT Hải Phòng")
    rows = results(client.get("/api/v1/investors/", {"kind": "district_committee"}))
    assert [(r["code"], r["district"]) for r in rows] == [("UBNDVB", "VB")]
    assert [r["code"] for r in results(client.get("/api/v1/investors/", {"name": "syt hai phong"}))] == ["SYT"]
    assert [r["code"] for r in results(client.get("/api/v1/investors/", {"district": "VB"}))] == ["UBNDVB"]
    # Personal contact details are not published to dashboards.
    assert "head_email" not in results(client.get("/api/v1/investors/"))[0]


@pytest.mark.django_db
def test_detail_and_ordering(client):
    InvestorFactory(code="B", name="Sở Xây dựng")
    a = InvestorFactory(code="A", name="Ban Quản lý dự án", kind="board")
    assert [r["code"] for r in results(client.get("/api/v1/investors/", {"ordering": "code"}))] == ["A", "B"]
    assert [r["code"] for r in results(client.get("/api/v1/investors/"))] == ["A", "B"]
    assert client.get(f"/api/v1/investors/{a.pk}/").json()["name"] == "Ban Quản lý dự án"


@pytest.mark.django_db
def test_invalid_filter_value_is_a_400(client):
    response = client.get("/api/v1/investors/", {"kind": "ministry"})
    assert response.status_code == 400
    body = response.json()["error"]
    assert body["code"] == "invalid" and "kind" in body["details"]


@pytest.mark.django_db
def test_filter_by_validity_a_merged_department_ends_and_its_successor_goes_on(client):
    InvestorFactory(code="SGTVT", name="Sở Giao thông vận tải", valid_to=dt.date(2025, 2, 28))
    InvestorFactory(code="SXD", name="Sở Xây dựng")
    in_2024 = results(client.get("/api/v1/investors/", {"valid_on": "2024-07-20"}))
    assert sorted(r["code"] for r in in_2024) == ["SGTVT", "SXD"]
    in_2025 = results(client.get("/api/v1/investors/", {"valid_on": "2025-07-20"}))
    assert [(r["code"], r["valid_to"]) for r in in_2025] == [("SXD", None)]
