"""Every spelling DOMAIN.md lists must meet the same unit."""

import unicodedata

import pytest

from core.names import closest_names, normalize_name


@pytest.mark.parametrize(
    "spellings",
    [
        ["Bạch Long Vĩ", "Bạch Long Vỹ", "huyện Bạch Long Vĩ", "BACH LONG VI", "Bach Long Vy"],
        ["Thủy Nguyên", "Thuỷ Nguyên", "huyện Thủy Nguyên", "UBND huyện Thuỷ Nguyên", "thuy nguyen"],
        ["Kiến Thụy", "Kiến Thuỵ", "huyện Kiến Thụy", "Ủy ban nhân dân huyện Kiến Thuỵ", "KIẾN THỤY"],
        ["Vĩnh Bảo", "UBND huyện Vĩnh Bảo", "vinh bao"],
        ["Lê Chân", "quận Lê Chân", "UBND quận Lê Chân"],
        [
            "Ban Quản lý dự án đầu tư xây dựng các công trình nông nghiệp và PTNT",
            "BQL dự án đầu tư xây dựng các công trình nông nghiệp và phát triển nông thôn",
        ],
    ],
)
def test_spellings_share_one_key(spellings):
    keys = {normalize_name(s) for s in spellings}
    assert len(keys) == 1, keys


def test_composed_and_decomposed_unicode_match():
    composed = unicodedata.normalize("NFC", "Sở Nông nghiệp và Phát triển nông thôn")
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed
    assert normalize_name(composed) == normalize_name(decomposed)


def test_different_units_stay_apart():
    assert normalize_name("huyện An Lão") != normalize_name("huyện An Dương")
    assert normalize_name("Sở Y tế") != normalize_name("Sở Xây dựng")
    assert normalize_name("quận Kiến An") != normalize_name("huyện Kiến Thụy")


def test_prefix_only_name_is_not_emptied():
    assert normalize_name("Huyện") == "huyen"


def test_closest_names_suggests_the_likely_unit():
    known = {normalize_name(n): n for n in ["huyện Kiến Thụy", "quận Kiến An", "huyện Tiên Lãng"]}
    assert closest_names("Kien Thuyy", known)[0] == "huyện Kiến Thụy"
