"""Exports through the API: the ranking workbook and CSV of the same query as /rankings/."""

import csv
import io

import openpyxl


def test_ranking_workbook(client, world):
    response = client.get("/api/v1/exports/ranking.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert "xep-hang-2024-2024-07-20.xlsx" in response["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    text = " ".join(str(c.value) for ws in workbook.worksheets for row in ws.iter_rows() for c in row if c.value)
    assert "Sở Y tế" in text and "Kiến Thụy" in text


def test_ranking_csv_of_the_same_query(client, world):
    response = client.get("/api/v1/exports/ranking.csv", {"stream": "district_transfer", "year": 2024})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    assert "Kiến Thụy" in text and "Sở Y tế" not in text


def test_export_is_conditional_and_validated(client, world):
    first = client.get("/api/v1/exports/ranking.csv")
    assert client.get("/api/v1/exports/ranking.csv", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    bad = client.get("/api/v1/exports/ranking.csv", {"stream": "nope"}, HTTP_ACCEPT="text/csv")
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid"


def test_exports_take_the_rankings_level_and_source(client, central_capital):
    response = client.get("/api/v1/exports/ranking.csv", {"level": "district", "source": "nstw"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [(row[0], row[1], row[2], row[5]) for row in rows[1:]] == [
        ("Vốn bổ sung có mục tiêu, vốn phân cấp cho các quận, huyện – Ngân sách trung ương", "1", "huyện An Lão", "90")
    ]
    investors = client.get("/api/v1/exports/ranking.xlsx", {"level": "investor"})
    workbook = openpyxl.load_workbook(io.BytesIO(investors.content))
    text = " ".join(str(c.value) for ws in workbook.worksheets[1:] for row in ws.iter_rows() for c in row if c.value)
    assert "Sở Y tế" in text and "Kiến Thụy" not in text
    bad = client.get("/api/v1/exports/ranking.csv", {"level": "district", "stream": "city_assigned"})
    assert bad.status_code == 400 and "level" in bad.json()["error"]["details"]
