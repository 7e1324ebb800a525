"""One normaliser for every name that comes from outside.

'UBND huyện Kiến Thuỵ', 'Kiến Thụy', 'KIEN THUY' and the decomposed
Unicode form all give the key 'kien thuy'; 'UBND xã An Hưng' and 'đặc khu
Cát Hải' lose their kind words the same way. Matching compares keys.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

# Prefixes that say what kind of unit a name is, not which one. Order matters:
# longer first. Compared after diacritics are stripped.
_PREFIXES = (
    "uy ban nhan dan",
    "ubnd",
    "thanh pho",
    "tp.",
    "tp",
    "thi xa",
    "quan",
    "huyen",
    # Commune level (since 1/7/2025): xã, phường, đặc khu.
    "dac khu",
    "phuong",
    "xa",
    "ban quan ly du an",
    "ban quan ly",
    "bql du an",
    "bqlda",
    "bql",
)

# Abbreviations expanded so that both spellings meet.
_ABBREVIATIONS = {
    "ptnt": "phat trien nong thon",
    "nn&ptnt": "nong nghiep va phat trien nong thon",
    "nn và ptnt": "nong nghiep va phat trien nong thon",
    "dtxd": "dau tu xay dung",
    "đtxd": "dau tu xay dung",
    "gtvt": "giao thong van tai",
    "kcn": "khu cong nghiep",
}


class _WithoutMarks(dict):
    """str.translate table dropping combining marks (category Mn), filled one character at a time."""

    def __missing__(self, code: int) -> str | None:
        char = chr(code)
        value = None if unicodedata.category(char) == "Mn" else char
        self[code] = value
        return value


_WITHOUT_MARKS = _WithoutMarks()


def strip_diacritics(text: str) -> str:
    # A translate table rather than a test per character: every import normalises each unit name.
    stripped = unicodedata.normalize("NFD", text).translate(_WITHOUT_MARKS)
    return stripped.replace("đ", "d").replace("Đ", "D")


_DASHES = {code: "-" for code in range(0x2010, 0x2016)}
_SEPARATORS = re.compile(r"[^\w&]+")
# The built-in abbreviations, compiled once, tried in the order listed; a pattern is only run on a
# name that holds its letters.
_ABBREVIATION_PATTERNS = [
    (strip_diacritics(abbr), re.compile(rf"(?<![\w]){re.escape(strip_diacritics(abbr))}(?![\w])"), full)
    for abbr, full in _ABBREVIATIONS.items()
]
_PREFIX_WORDS = [(prefix.rstrip("."), prefix.rstrip(".") + " ") for prefix in _PREFIXES]


@lru_cache(maxsize=16)
def _abbreviation_pattern(pairs: tuple[tuple[str, str], ...]) -> tuple[re.Pattern, dict[int, str]] | None:
    """One pattern for a list of (short, full) pairs, longest short first so 'Bộ CHQS' wins over 'CHQS'.

    Matched with diacritics kept ('ĐTXD' is not 'DTXD' unless both are listed). Two-letter
    shorts (TP, CT, DA) are ordinary syllables too, so they match only in capitals.
    """
    alternatives = []
    fulls: dict[int, str] = {}
    ordered = sorted(
        {unicodedata.normalize("NFC", s).strip(): f for s, f in pairs if s and s.strip()}.items(),
        key=lambda item: -len(item[0]),
    )
    for group, (short, full) in enumerate(ordered, start=1):
        parts = []
        for ch in short:
            if ch.isspace():
                parts.append(r"\s+")
            elif ch in "&-":
                parts.append(rf"\s*[{re.escape(ch)}\u2010-\u2015]\s*" if ch == "-" else r"\s*&\s*")
            else:
                parts.append(re.escape(ch))
        body = "".join(parts)
        if sum(ch.isalpha() for ch in short) > 2:
            body = f"(?i:{body})"
        alternatives.append(f"({body})")
        fulls[group] = unicodedata.normalize("NFC", full)
    if not alternatives:
        return None
    return re.compile(rf"(?<!\w)(?:{'|'.join(alternatives)})(?!\w)"), fulls


def expand_abbreviations(text: str, abbreviations: Iterable[tuple[str, str]]) -> str:
    """Write out the abbreviations of a name ('Ban QLDA' -> 'Ban quản lý dự án')."""
    found = _abbreviation_pattern(tuple((short, full) for short, full in abbreviations))
    if found is None:
        return text
    pattern, fulls = found
    return pattern.sub(lambda m: fulls[m.lastindex], unicodedata.normalize("NFC", text))


def normalize_name(name: str, abbreviations: Iterable[tuple[str, str]] = ()) -> str:
    """The matching key of a unit name.

    `abbreviations` are (short, full) pairs (the editable list kept by the app) written
    out before anything else, so both spellings of a name meet.
    """
    text = unicodedata.normalize("NFC", name or "")
    if abbreviations:
        text = expand_abbreviations(text, abbreviations)
    text = strip_diacritics(text.lower())
    text = text.translate(_DASHES)
    for letters, pattern, full in _ABBREVIATION_PATTERNS:
        if letters in text:
            text = pattern.sub(full, text)
    # y and i are interchangeable at the end of these syllables (Vĩ / Vỹ, Thủy / Thuỷ
    # only differ in tone placement, which stripping already removed).
    text = _SEPARATORS.sub(" ", text).strip()
    words = text.split()
    changed = True
    while changed and words:
        changed = False
        joined = " ".join(words)
        for p, with_space in _PREFIX_WORDS:
            if joined == p:
                break
            if joined.startswith(with_space):
                words = joined[len(with_space) :].split()
                changed = True
                break
    words = [_fold_y(w) for w in words]
    return " ".join(words)


def _fold_y(word: str) -> str:
    # 'vy' and 'vi' are the same syllable in Bạch Long Vĩ / Vỹ.
    if len(word) >= 2 and word.endswith("y") and word[-2] not in "aeiouy":
        return word[:-1] + "i"
    return word


def closest_names(
    name: str, candidates: dict[str, str], limit: int = 3, abbreviations: Iterable[tuple[str, str]] = ()
) -> list[str]:
    """Known names most like `name`, for error messages. candidates: key -> display name."""
    import difflib

    key = normalize_name(name, abbreviations)
    keys = difflib.get_close_matches(key, list(candidates), n=limit, cutoff=0.5)
    return [candidates[k] for k in keys]
