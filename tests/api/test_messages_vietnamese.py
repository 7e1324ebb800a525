"""Every message the API can answer with is Vietnamese: Django's, DRF's and django-filter's own messages have
their Vietnamese (the project's catalogues, compiled in the repository), with the same placeholders, and
refused requests read in Vietnamese end to end."""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

import django
import django_filters
import pytest
import rest_framework
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
VIETNAMESE = re.compile(r"[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]", re.IGNORECASE)
PLACEHOLDER = re.compile(r"%\(\w+\)[sdr]|%[sd]|\{[\w:]+\}")
# Written alike in Vietnamese.
NEUTRAL = {"…", ":", ", ", ":?.!", "IPv4", "IPv6", "%(truncated_text)s…"}
# Django's messages a request can meet: forms, validators, pages, model fields.
DJANGO_SOURCES = ("forms/", "core/validators", "core/paginator", "db/models", "core/files")


def _package_messages(package) -> set[tuple[str | None, str, str | None]]:
    """(context, msgid, plural) of every message a package's compiled catalogues know."""
    found = set()
    for mo in Path(package.__file__).parent.glob("locale/*/LC_MESSAGES/django.mo"):
        with mo.open("rb") as handle:
            catalog = gettext.GNUTranslations(handle)._catalog
        for key in catalog:
            if isinstance(key, tuple):
                continue
            context, _sep, text = key.rpartition("\x04")
            singular, _sep, plural = text.partition("\x00")
            if singular:
                found.add((context or None, singular, plural or None))
    return found


def _django_messages() -> set[tuple[str | None, str, str | None]]:
    """Django's messages of the sources a request meets, read from its English catalogue."""
    po = Path(django.__file__).parent / "conf/locale/en/LC_MESSAGES/django.po"
    found, refs, entry, key = set(), "", {}, None

    def flush():
        if entry.get("msgid") and any(source in entry["refs"] for source in DJANGO_SOURCES):
            found.add((entry.get("msgctxt"), entry["msgid"], entry.get("msgid_plural")))

    for line in po.read_text(encoding="utf-8").splitlines():
        if line.startswith("#:"):
            refs += line
        elif line.startswith(("msgctxt ", "msgid ")) and (line.startswith("msgctxt") or "msgctxt" not in entry):
            flush()
            entry, refs = {"refs": refs}, ""
            key, _sep, value = line.partition(" ")
            entry[key] = ast.literal_eval(value)
        elif line.startswith(("msgid ", "msgid_plural ")):
            key, _sep, value = line.partition(" ")
            entry[key] = ast.literal_eval(value)
        elif line.startswith("msgstr"):
            key = None
        elif line.startswith('"') and key:
            entry[key] += ast.literal_eval(line)
    flush()
    return found


def _vietnamese(context, msgid, plural) -> str:
    if plural:
        return ngettext(msgid, plural, 2)
    if context:
        return pgettext(context, msgid)
    return _(msgid)


@pytest.mark.parametrize(
    "messages",
    [
        pytest.param(lambda: _package_messages(rest_framework), id="rest_framework"),
        pytest.param(lambda: _package_messages(django_filters), id="django_filters"),
        pytest.param(_django_messages, id="django"),
    ],
)
def test_every_framework_message_has_its_vietnamese(messages):
    known = messages()
    assert len(known) > 20
    missing, broken = [], []
    with translation.override("vi"):
        for context, msgid, plural in sorted(known, key=lambda m: m[1]):
            if msgid in NEUTRAL:
                continue
            said = _vietnamese(context, msgid, plural)
            if said in (msgid, plural):
                missing.append(msgid)
            elif sorted(PLACEHOLDER.findall(said)) != sorted(PLACEHOLDER.findall(msgid)):
                broken.append((msgid, said))
    assert not missing, f"{len(missing)} without Vietnamese: {missing[:10]}"
    assert not broken, broken


def test_the_catalogues_are_compiled_from_their_sources():
    """The .mo shipped beside each .po says what the .po says (msgfmt was run after the last change)."""
    for po in (ROOT / "locale").rglob("django.po"):
        with po.with_suffix(".mo").open("rb") as handle:
            compiled = gettext.GNUTranslations(handle)._catalog
        source = po.read_text(encoding="utf-8")
        written = {ast.literal_eval(m) for m in re.findall(r'^msgid (".+")$', source, flags=re.MULTILINE)}
        keys = [key[0] if isinstance(key, tuple) else key for key in compiled]
        singulars = {key.partition("\x00")[0].rpartition("\x04")[2] for key in keys}
        assert written <= singulars, (po, sorted(written - singulars)[:5])


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/api/v1/flags/", {"year": "hai nghìn"}),
        ("/api/v1/flags/", {"rule": "0"}),
        ("/api/v1/ratios/", {"snapshot": "-1", "ratio_min": "x"}),
        ("/api/v1/rankings/", {"as_of": "20/7/2024", "level": "tinh"}),
        ("/api/v1/series/", {"year": 2024}),
        ("/api/v1/districts/", {"page": "cuoi"}),
        ("/api/v1/flags/", {"page": "99"}),
    ],
)
def test_a_refused_query_reads_in_vietnamese(client, world, path, query):
    response = client.get(path, query)
    assert response.status_code in (400, 404), response.content
    error = response.json()["error"]
    for text in [error["message"], *_strings(error["details"])]:
        assert VIETNAMESE.search(text), (path, text)


@pytest.mark.django_db
def test_a_refused_body_reads_in_vietnamese(anon_client):
    anon_client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = anon_client.post("/api/v1/api-keys/", {"name": "", "scope": "admin"}, format="json")
    assert response.status_code == 400
    details = response.json()["error"]["details"]
    assert details["name"] == ["Trường này không được bỏ trống."]
    assert details["scope"] == ['"admin" không phải là một lựa chọn hợp lệ.']
    malformed = anon_client.post("/api/v1/api-keys/", "{không phải json", content_type="application/json")
    assert malformed.status_code == 400
    assert malformed.json()["error"]["message"] == "Không đọc được nội dung yêu cầu."
    wrong_type = anon_client.post("/api/v1/api-keys/", "name=x", content_type="text/csv")
    assert wrong_type.status_code == 415
    assert VIETNAMESE.search(wrong_type.json()["error"]["message"])


def test_a_wrong_method_and_an_integer_read_in_vietnamese(client, staff_client, world):
    response = staff_client.delete("/api/v1/flags/")
    assert response.status_code == 405
    assert response.json()["error"]["message"] == "Phương thức không được hỗ trợ."
    details = client.get("/api/v1/snapshots/", {"year": "2024.5"}).json()["error"]["details"]
    assert details == {"year": ["Nhập một số nguyên."]}
