"""Flags through the API, against the flag engine's models (rules come from migration 0003)."""

import pytest

from tests.api.conftest import results
from tests.factories import stream


def default_rule(kind):
    from disbursement.models import FlagRule

    return FlagRule.objects.get(kind=kind, stream__isnull=True, year__isnull=True)


@pytest.fixture
def flags(world):
    from disbursement.models import Flag

    # The engine may have raised flags of its own while computing the snapshots; these tests own the table.
    Flag.objects.all().delete()
    current, last_year = world["current"], world["last_year"]
    health, an_lao = world["investors"]["health"], world["districts"]["an_lao"]
    open_flag = Flag.objects.create(
        year=current.year,
        rule=default_rule("not_disbursed"),
        kind="not_disbursed",
        stream=stream("city_assigned"),
        investor=health,
        raised_snapshot=current,
        raised_on=current.as_of,
        value=0,
        reason="Chưa giải ngân",
    )
    cleared = Flag.objects.create(
        year=last_year.year,
        rule=default_rule("below_threshold"),
        kind="below_threshold",
        stream=stream("district_transfer"),
        district=an_lao,
        raised_snapshot=last_year,
        raised_on=last_year.as_of,
        cleared_snapshot=current,
        cleared_on=current.as_of,
        value=5,
        reason="Giải ngân dưới 10%",
    )
    return open_flag, cleared


def test_history_and_status_filter(client, flags):
    open_flag, cleared = flags
    everything = results(client.get("/api/v1/flags/"))
    assert {f["id"] for f in everything} == {open_flag.pk, cleared.pk}
    only_open = results(client.get("/api/v1/flags/", {"status": "open"}))
    assert [(f["kind"], f["rule"], f["unit"]["code"], f["is_open"]) for f in only_open] == [
        ("not_disbursed", open_flag.rule_id, "SYT", True)
    ]
    assert only_open[0]["rule_name"] == open_flag.rule.name and only_open[0]["unit"]["name"] == "Sở Y tế"
    only_cleared = results(client.get("/api/v1/flags/", {"status": "cleared"}))
    assert [f["id"] for f in only_cleared] == [cleared.pk]
    history = results(client.get("/api/v1/flags/", {"district": "AL"}))
    assert history[0]["cleared_on"] == "2024-07-20" and history[0]["reason"] == "Giải ngân dưới 10%"
    assert history[0]["is_open"] is False and history[0]["value"] == "5" and history[0]["year"] == 2023
    assert [f["id"] for f in results(client.get("/api/v1/flags/", {"kind": "below_threshold"}))] == [cleared.pk]
    assert [f["id"] for f in results(client.get("/api/v1/flags/", {"rule": cleared.rule_id}))] == [cleared.pk]
    assert [f["id"] for f in results(client.get("/api/v1/flags/", {"year": 2024}))] == [open_flag.pk]


def test_invalid_kind_is_a_400(client, flags):
    assert client.get("/api/v1/flags/", {"kind": "not_started"}).status_code == 400


def test_open_flags_of_a_snapshot_and_by_unit(client, flags):
    open_flag, _ = flags
    rows = results(client.get("/api/v1/flags/open/"))
    assert [f["id"] for f in rows] == [open_flag.pk]
    grouped = results(client.get("/api/v1/flags/open/", {"group": "unit"}))
    assert grouped == [
        {
            "unit": {
                "level": "investor",
                "id": open_flag.investor_id,
                "code": "SYT",
                "name": "Sở Y tế",
                "display_name": "Sở Y tế",
            },
            "flags": [client.get(f"/api/v1/flags/{open_flag.pk}/").json()],
        }
    ]


def test_unknown_flag_is_404(client, flags):
    assert client.get("/api/v1/flags/999999/").json()["error"]["code"] == "not_found"
