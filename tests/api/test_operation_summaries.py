"""Every operation of the schema has its own Vietnamese summary, which the documentation and the root show."""

import re

import yaml

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
