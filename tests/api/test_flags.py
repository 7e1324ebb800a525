"""Flags through the API. Needs disbursement.flags (merged from its own branch)."""

import pytest

from tests.api.conftest import results
from tests.factories import stream


@pytest.fixture
def flags(world):
    from disbursement.models import Flag

    current, last_year = world["current"], world["last_year"]
    health, an_lao = world["investors"]["health"], world["districts"]["an_lao"]
    open_flag = Flag.objects.create(
        rule="not_started",
        stream=stream("city_assigned"),
        investor=health,
        raised_snapshot=current,
        raised_on=current.as_of,
        value=0,
        reason="Chưa giải ngân",
    )
    cleared = Flag.objects.create(
        rule="below_10",
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
    assert [(f["rule"], f["investor"], f["is_open"]) for f in only_open] == [("not_started", "SYT", True)]
    history = results(client.get("/api/v1/flags/", {"district": "AL"}))
    assert history[0]["cleared_on"] == "2024-07-20" and history[0]["reason"] == "Giải ngân dưới 10%"
    assert results(client.get("/api/v1/flags/", {"rule": "below_10"}))[0]["id"] == cleared.pk


def test_open_flags_of_a_snapshot_and_by_unit(client, flags):
    open_flag, _ = flags
    rows = results(client.get("/api/v1/flags/open/"))
    assert [f["id"] for f in rows] == [open_flag.pk]
    grouped = results(client.get("/api/v1/flags/open/", {"group": "unit"}))
    assert grouped == [
        {
            "level": "investor",
            "code": "SYT",
            "name": "Sở Y tế",
            "flags": [client.get(f"/api/v1/flags/{open_flag.pk}/").json()],
        }
    ]


def test_unknown_flag_is_404(client, flags):
    assert client.get("/api/v1/flags/999999/").json()["error"]["code"] == "not_found"
