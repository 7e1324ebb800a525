import datetime as dt

import pytest

from disbursement.snapshots.services import create_snapshot
from tests.api.conftest import results


@pytest.mark.django_db
def test_superseded_snapshots_are_kept_and_filterable(client):
    old = create_snapshot(year=2024, as_of=dt.date(2024, 7, 20), file_name="lan-1.xlsx")
    new = create_snapshot(year=2024, as_of=dt.date(2024, 7, 20), file_name="lan-2.xlsx")
    create_snapshot(year=2024, as_of=dt.date(2024, 6, 30))
    current = results(client.get("/api/v1/snapshots/", {"is_current": "true"}))
    assert [(s["as_of"], s["file_name"]) for s in current] == [("2024-07-20", "lan-2.xlsx"), ("2024-06-30", "")]
    everything = results(client.get("/api/v1/snapshots/", {"as_of": "2024-07-20"}))
    assert {s["id"] for s in everything} == {old.pk, new.pk}
    detail = client.get(f"/api/v1/snapshots/{old.pk}/").json()
    assert detail["is_current"] is False and detail["superseded_by"] == new.pk


@pytest.mark.django_db
def test_range_filter_and_ordering(client):
    for day in (dt.date(2024, 3, 31), dt.date(2024, 6, 30), dt.date(2024, 9, 30)):
        create_snapshot(year=2024, as_of=day)
    rows = results(client.get("/api/v1/snapshots/", {"as_of_after": "2024-06-01", "ordering": "as_of"}))
    assert [s["as_of"] for s in rows] == ["2024-06-30", "2024-09-30"]
