"""ETag / Last-Modified on snapshot responses; 304 on a conditional request; invalidation."""

import datetime as dt

from django.utils.http import http_date

from disbursement.figures.services import compute_snapshot
from disbursement.plans.services import revise_allocation
from tests.api.conftest import TY, _snapshot, results
from tests.factories import source, stream

URLS = ["/api/v1/rankings/?level=district", "/api/v1/ratios/", "/api/v1/summary/"]


def test_validators_and_304(client, world):
    for url in URLS:
        first = client.get(url)
        assert first.status_code == 200
        etag, modified = first["ETag"], first["Last-Modified"]
        assert etag.startswith('"') and modified.endswith("GMT")
        again = client.get(url, HTTP_IF_NONE_MATCH=etag)
        assert again.status_code == 304 and again.content == b""
        assert again["ETag"] == etag
        since = client.get(url, HTTP_IF_MODIFIED_SINCE=modified)
        assert since.status_code == 304
        stale = client.get(url, HTTP_IF_NONE_MATCH='"something-else"')
        assert stale.status_code == 200


def test_different_queries_have_different_etags(client, world):
    a = client.get("/api/v1/rankings/", {"level": "district"})["ETag"]
    b = client.get("/api/v1/rankings/", {"level": "investor"})["ETag"]
    assert a != b


def test_new_snapshot_invalidates(client, world):
    before = client.get("/api/v1/rankings/", {"level": "district"})
    _snapshot(
        2024, dt.date(2024, 8, 31), {"nsdp": 5000 * TY}, [("district_transfer", world["districts"]["an_lao"], 90 * TY)]
    )
    after = client.get("/api/v1/rankings/", {"level": "district"}, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert next(r["unit"]["code"] for r in after.json()["results"]) == "AL"


def test_new_revision_invalidates(client, world):
    before = client.get("/api/v1/rankings/", {"level": "district"})
    revise_allocation(
        year=2024,
        stream=stream("district_transfer"),
        source=source("nsdp"),
        district=world["districts"]["an_lao"],
        amount=7 * TY,
        effective_from=dt.date(2024, 7, 1),
    )
    after = client.get("/api/v1/rankings/", {"level": "district"}, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200 and after["ETag"] != before["ETag"]
    # Recomputing the snapshot then shows the revised plan.
    compute_snapshot(world["current"].pk)
    rows = results(client.get("/api/v1/rankings/", {"level": "district"}))
    assert next(r for r in rows if r["unit"]["code"] == "AL")["plan"] == 7 * TY


def test_old_if_modified_since_gets_the_body(client, world):
    old = http_date(dt.datetime(2020, 1, 1, tzinfo=dt.UTC).timestamp())
    assert client.get("/api/v1/summary/", HTTP_IF_MODIFIED_SINCE=old).status_code == 200


def test_snapshot_detail_is_conditional(client, world):
    url = f"/api/v1/snapshots/{world['current'].pk}/"
    etag = client.get(url)["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_gzip_when_accepted(client, world):
    import gzip
    import json

    plain = client.get("/api/v1/rankings/", {"level": "investor"})
    packed = client.get("/api/v1/rankings/", {"level": "investor"}, HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert packed["Content-Encoding"] == "gzip" and "Content-Encoding" not in plain
    assert json.loads(gzip.decompress(packed.content)) == plain.json()
    assert packed["ETag"] == plain["ETag"]


def test_a_change_this_process_did_not_hear_of_is_seen_within_seconds(client, world, monkeypatch):
    """Another web process without a shared cache: the snapshot it resolved expires after RESOLUTION_SECONDS."""
    import time

    from disbursement.api import conditional
    from disbursement.models import Snapshot

    monkeypatch.setattr(conditional, "RESOLUTION_SECONDS", 1)
    before = client.get("/api/v1/summary/")
    # Written without the model's save signal, as a change made in another process looks from here.
    Snapshot.objects.filter(pk=world["current"].pk).update(computed_at=world["current"].computed_at + dt.timedelta(1))
    assert client.get("/api/v1/summary/")["ETag"] == before["ETag"]
    time.sleep(1.1)
    after = client.get("/api/v1/summary/", HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200 and after["ETag"] != before["ETag"]
