import datetime as dt

import pytest

from tests.api.conftest import results
from tests.factories import DistrictAliasFactory, DistrictFactory


@pytest.mark.django_db
def test_list_names_as_stored_and_display_names(client):
    DistrictFactory(code="KT", name="Kiến Thụy", kind="huyen")
    row = results(client.get("/api/v1/districts/"))[0]
    assert row["name"] == "Kiến Thụy"
    assert row["display_name"] == "huyện Kiến Thụy"
    assert row["kind"] == "huyen"


@pytest.mark.django_db
def test_filter_by_any_spelling(client):
    blv = DistrictFactory(code="BLV", name="Bạch Long Vĩ")
    DistrictAliasFactory(district=blv, name="Bạch Long Vỹ")
    DistrictFactory(code="AL", name="An Lão")
    for spelling in ("Bạch Long Vỹ", "bach long vi", "BẠCH LONG VĨ"):
        assert [r["code"] for r in results(client.get("/api/v1/districts/", {"name": spelling}))] == ["BLV"]


@pytest.mark.django_db
def test_filter_by_validity_and_successor(client):
    thuy_nguyen_city = DistrictFactory(code="TNC", name="Thủy Nguyên", kind="thanh_pho", valid_from=dt.date(2025, 1, 1))
    DistrictFactory(code="TN", name="Thủy Nguyên", valid_to=dt.date(2024, 12, 31), successor=thuy_nguyen_city)
    in_2024 = results(client.get("/api/v1/districts/", {"valid_on": "2024-06-30"}))
    assert [(r["code"], r["successor"]) for r in in_2024] == [("TN", "TNC")]
    in_2025 = results(client.get("/api/v1/districts/", {"valid_on": "2025-02-01"}))
    assert [r["code"] for r in in_2025] == ["TNC"]


@pytest.mark.django_db
def test_ordering_pagination_and_detail(client):
    for i, name in enumerate(["Vĩnh Bảo", "An Lão", "Tiên Lãng"]):
        DistrictFactory(code=f"X{i}", name=name, order=0)
    names = [r["name"] for r in results(client.get("/api/v1/districts/", {"ordering": "-code"}))]
    assert names == ["Tiên Lãng", "An Lão", "Vĩnh Bảo"]
    page = client.get("/api/v1/districts/", {"page_size": 2, "ordering": "name"}).json()
    assert page["count"] == 3 and len(page["results"]) == 2 and page["next"]
    first = page["results"][0]
    assert client.get(f"/api/v1/districts/{first['id']}/").json()["name"] == "An Lão"


@pytest.mark.django_db
def test_unknown_district_is_a_404_in_the_error_format(client):
    response = client.get("/api/v1/districts/999999/")
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "Không tìm thấy.", "details": None}}


@pytest.mark.django_db
def test_a_commune_is_named_by_its_kind_with_its_level_and_the_unit_above(client):
    district = DistrictFactory(code="KT", name="Kiến Thụy", kind="huyen", valid_to=dt.date(2025, 6, 30))
    DistrictFactory(code="X-KT", name="Kiến Thụy", kind="xa", parent=district, valid_from=dt.date(2025, 7, 1))
    (row,) = results(client.get("/api/v1/districts/", {"valid_on": "2025-07-20"}))
    assert (row["display_name"], row["level"], row["parent"]) == ("xã Kiến Thụy", "commune", "KT")


@pytest.mark.django_db
def test_filter_by_level(client):
    DistrictFactory(code="KT", name="Kiến Thụy", kind="huyen")
    DistrictFactory(code="DK-CH", name="Cát Hải", kind="dac_khu")
    assert [r["code"] for r in results(client.get("/api/v1/districts/", {"level": "commune"}))] == ["DK-CH"]
