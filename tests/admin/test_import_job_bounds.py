"""The admin's job page of a file with hundreds of thousands of wrong rows: the first ones, then how many more."""

from __future__ import annotations

import html as html_lib
import re

import pytest
from django.urls import reverse

from disbursement.admin.imports import SHOWN_ISSUES, SHOWN_UNKNOWN_NAMES
from disbursement.models import ImportJob

JOB = "admin:disbursement_snapshot_import_job"
TOTAL = 200_000


def _issue(code: str, row: int, message: str) -> dict:
    cell = f"B{row}"
    return {
        "file": "sai.xlsx",
        "sheet": "Giai ngan",
        "row": row,
        "column": 2,
        "cell": cell,
        "code": code,
        "message": message,
        "key": f"{code}:Giai ngan:{cell}",
    }


@pytest.fixture
def wrong_job(db, settings) -> ImportJob:
    """What the importer stores for a 200,000-row workbook of unknown names, each row also warned about."""
    errors = settings.IMPORT_MAX_STORED_ERRORS
    names = settings.IMPORT_MAX_STORED_NAMES
    return ImportJob.objects.create(
        file_name="sai.xlsx",
        status=ImportJob.Status.FAILED,
        errors=[_issue("unknown_name", 9 + n, f"Không nhận ra đơn vị 'Ban số {n}'.") for n in range(errors)],
        errors_total=TOTAL,
        warnings=[_issue("not_a_number", 9 + n, f"Không đọc được tỷ lệ ở dòng {9 + n}.") for n in range(errors)],
        summary={
            "warnings_total": TOTAL,
            "to_confirm": [],
            "unknown_names": [
                {
                    "name": f"Ban số {n}",
                    "level": "investor",
                    "level_label": "chủ đầu tư",
                    "streams": ["Vốn thành phố giao"],
                    "cells": [f"Giai ngan!B{9 + n}"],
                    "cells_total": 1,
                    "candidates": [],
                }
                for n in range(names)
            ],
            "unknown_names_total": TOTAL,
        },
    )


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_page_lists_the_first_errors_warnings_and_names_and_says_how_many_more(admin_client_vi, wrong_job):
    response = admin_client_vi.get(reverse(JOB, args=[wrong_job.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    text = html_lib.unescape(_text(html))

    assert "Lỗi (200000)" in text and "Cảnh báo (200000)" in text
    assert f"và {200_000 - SHOWN_ISSUES:_} lỗi khác".replace("_", ".") in text
    assert f"và {200_000 - SHOWN_ISSUES:_} cảnh báo khác".replace("_", ".") in text
    assert text.count("Không nhận ra đơn vị 'Ban số") == SHOWN_ISSUES
    assert text.count("Không đọc được tỷ lệ ở dòng") == SHOWN_ISSUES

    assert "Tên chưa nhận ra (200000)" in text
    assert f"và {200_000 - SHOWN_UNKNOWN_NAMES:_} tên khác".replace("_", ".") in text
    assert len(re.findall(r'name="resolve-\d+-name"', html)) == SHOWN_UNKNOWN_NAMES
    assert 'value="Ban số 19"' in html and 'value="Ban số 20"' not in html
    assert len(response.content) < 400_000
