"""One normaliser for every name that comes from outside.

'UBND huyện Kiến Thuỵ', 'Kiến Thụy', 'KIEN THUY' and the decomposed
Unicode form all give the key 'kien thuy'. Matching compares keys.
"""

from __future__ import annotations

import re
import unicodedata

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


def strip_diacritics(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return stripped.replace("đ", "d").replace("Đ", "D")


def normalize_name(name: str) -> str:
    """The matching key of a unit name."""
    text = unicodedata.normalize("NFC", name or "").lower()
    text = strip_diacritics(text)
    text = re.sub(r"[\u2010-\u2015]", "-", text)
    for abbr, full in _ABBREVIATIONS.items():
        text = re.sub(rf"(?<![\w]){re.escape(strip_diacritics(abbr))}(?![\w])", full, text)
    # y and i are interchangeable at the end of these syllables (Vĩ / Vỹ, Thủy / Thuỷ
    # only differ in tone placement, which stripping already removed).
    text = re.sub(r"[^\w&]+", " ", text).strip()
    words = text.split()
    changed = True
    while changed and words:
        changed = False
        joined = " ".join(words)
        for prefix in _PREFIXES:
            p = prefix.rstrip(".")
            if joined == p:
                break
            if joined.startswith(p + " "):
                words = joined[len(p) + 1 :].split()
                changed = True
                break
    words = [_fold_y(w) for w in words]
    return " ".join(words)


def _fold_y(word: str) -> str:
    # 'vy' and 'vi' are the same syllable in Bạch Long Vĩ / Vỹ.
    if len(word) >= 2 and word.endswith("y") and word[-2] not in "aeiouy":
        return word[:-1] + "i"
    return word


def closest_names(name: str, candidates: dict[str, str], limit: int = 3) -> list[str]:
    """Known names most like `name`, for error messages. candidates: key -> display name."""
    import difflib

    key = normalize_name(name)
    keys = difflib.get_close_matches(key, list(candidates), n=limit, cutoff=0.5)
    return [candidates[k] for k in keys]
