"""Abbreviations senders write in unit names are written out on both sides before matching; the list is editable."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from core.names import normalize_name
from disbursement.importing.matching import INVESTOR, UnitMatcher, abbreviation_pairs
from disbursement.models import NameAbbreviation, SnapshotLine
from investors.models import Investor
from tests.builders import Row, build_workbook, small_spec
from tests.disbursement.importing.helpers import codes, run


def test_the_seeded_list_holds_the_common_abbreviations(db):
    shorts = {short for short, _full in abbreviation_pairs()}
    common = {"UBND", "BQL", "QLDA", "ĐTXD", "Bộ CHQS", "NN&PTNT", "GTVT", "TN&MT", "LĐ-TB&XH", "KKT", "KCN", "TP"}
    assert common <= shorts


@pytest.mark.parametrize(
    ("written", "full"),
    [
        ("Ban QLDA ĐTXD các công trình giao thông", "Ban Quản lý dự án đầu tư xây dựng các công trình giao thông"),
        ("Bộ CHQS thành phố", "Bộ Chỉ huy Quân sự thành phố"),
        ("Bộ CHQS TP", "Bộ Chỉ huy Quân sự thành phố"),
        ("Sở NN & PTNT", "Sở Nông nghiệp và Phát triển nông thôn"),
        ("Sở LĐ-TB&XH", "Sở Lao động - Thương binh và Xã hội"),
        ("Sở TN&MT", "Sở Tài nguyên và Môi trường"),
        ("BQL KKT", "Ban quản lý Khu kinh tế"),
    ],
)
def test_both_spellings_meet(db, written, full):
    pairs = abbreviation_pairs()
    assert normalize_name(written, pairs) == normalize_name(full, pairs)


def test_a_two_letter_abbreviation_is_not_read_inside_ordinary_words(db):
    pairs = abbreviation_pairs()
    # "DA" is "dự án" in capitals, but "Đà" and "da" are syllables of names.
    assert normalize_name("Ban QL DA", pairs) == normalize_name("Ban QL dự án", pairs)
    assert normalize_name("Đà Nẵng", pairs) == "da nang"
    assert normalize_name("Da Phúc", pairs) == "da phuc" != normalize_name("Dự án Phúc", pairs)


def test_a_workbook_with_abbreviated_names_imports_against_the_full_names(master_data):
    spec = small_spec(city=None)
    spec.sections[0].rows[3].name = "Ban QLDA ĐTXD các công trình giao thông"
    spec.sections[0].rows.append(Row("Bộ CHQS thành phố", 0, 100, 0, 50))

    result = run(build_workbook(spec))

    assert result.status == "imported", [str(e) for e in result.errors]
    lines = SnapshotLine.objects.filter(snapshot=result.snapshot)
    assert lines.filter(investor__code="BQL-GT").exists()
    assert lines.get(investor__code="BCHQS").disbursed == 50 * 10**6


def test_an_abbreviation_added_in_the_list_is_used_by_the_next_import(master_data):
    spec = small_spec(city=None)
    spec.sections[0].rows.append(Row("Sở KH&CN", 0, 100, 0, 50))
    data = build_workbook(spec)
    Investor.objects.create(code="SKHCN", name="Sở Khoa học và Công nghệ", kind=Investor.Kind.DEPARTMENT)
    NameAbbreviation.objects.filter(short="KH&CN").delete()
    assert "unknown_name" in codes(run(data).errors)

    NameAbbreviation.objects.create(short="KH&CN", full="Khoa học và Công nghệ")

    match = UnitMatcher(as_of=dt.date(2024, 7, 20)).match("Sở KH&CN", INVESTOR)
    assert match.display_name == "Sở Khoa học và Công nghệ"
    assert run(data).status == "imported"


def test_the_list_is_edited_in_the_admin(client, staff_user):
    client.force_login(staff_user)
    admin_client_vi = client
    page = admin_client_vi.get(reverse("admin:disbursement_nameabbreviation_changelist"))
    assert page.status_code == 200 and "Bộ CHQS" in page.content.decode()
    response = admin_client_vi.post(
        reverse("admin:disbursement_nameabbreviation_add"),
        {"short": "TT&TT", "full": "Thông tin và Truyền thông", "note": ""},
    )
    assert response.status_code == 302
    assert ("TT&TT", "Thông tin và Truyền thông") in abbreviation_pairs()
    assert normalize_name("Sở TT&TT", abbreviation_pairs()) == normalize_name("Sở Thông tin và Truyền thông")
