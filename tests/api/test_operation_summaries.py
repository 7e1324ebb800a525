"""Every operation of the schema has its own Vietnamese summary, which the documentation and the root show."""

import re

import yaml

from disbursement.api.keys import create_api_key

VIETNAMESE = re.compile(r"[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]", re.IGNORECASE)


def test_every_operation_has_a_distinct_vietnamese_summary(anon_client, db):
    schema = yaml.safe_load(anon_client.get("/api/v1/schema/").content)
    seen: dict[str, str] = {}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            summary = operation.get("summary", "")
            assert summary, f"{where} has no summary"
            assert len(summary) <= 100, where
            assert VIETNAMESE.search(summary), f"{where}: {summary!r}"
            assert summary not in seen, f"{where} and {seen.get(summary)} share {summary!r}"
            seen[summary] = where


def test_summaries_read_as_the_operation(anon_client, db):
    paths = yaml.safe_load(anon_client.get("/api/v1/schema/").content)["paths"]
    assert paths["/api/v1/flags/"]["get"]["summary"] == "Danh sách cảnh báo"
    assert paths["/api/v1/flags/{id}/"]["get"]["summary"] == "Xem một cảnh báo"
    assert paths["/api/v1/api-keys/"]["post"]["summary"] == "Thêm khóa API"
    # A view's own summary, else the first clause of its description.
    assert paths["/api/v1/coverage/"]["get"]["summary"] == "Tình trạng báo cáo"
    assert paths["/api/v1/ratios/"]["get"]["summary"] == "Số liệu đã tính của một kỳ"
    assert paths["/api/v1/ratios/"]["get"]["description"].startswith("Số liệu đã tính của một kỳ: ")


def test_options_and_the_browsable_api_name_views_in_vietnamese(client, staff_client, world):
    assert client.options("/api/v1/flags/").json()["name"] == "Cảnh báo"
    assert client.options("/api/v1/flags/1/").json()["name"] == "Cảnh báo"
    assert client.options("/api/v1/rankings/").json()["name"] == (
        "Xếp hạng đơn vị của một dòng vốn trong một kỳ, tỷ lệ cao trước"
    )
    new = create_api_key(name="Bảng điều khiển", scope="read")
    page = staff_client.get(f"/api/v1/api-keys/{new.api_key.pk}/", HTTP_ACCEPT="text/html").content.decode()
    assert "<title>Khóa API" in page
    # The extra action is named by its docstring, DRF's own words by the catalogue.
    assert "Thu hồi khóa" in page and "Revoke" not in page
    assert "Thao tác khác" in page and "Extra Actions" not in page
