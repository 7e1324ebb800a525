"""ETag / Last-Modified for responses computed from a snapshot, and a cache keyed by them.

The validator of a response is the snapshot it reads (id and computed_at),
the time the latest plan revision was recorded or an explanation request
changed, and the day (the follow-up of the latest snapshot is read as of
today), plus the request's path and query. A new snapshot (it becomes the default) or a new
revision changes the validator, which both invalidates the cached body and
makes a client's conditional request miss.

Lists of what imports, computes and plan revisions write across snapshots (flags, snapshots, files,
plans) are validated alike by `data_stamp`: the latest snapshot, computation, import, supersession,
edit of a snapshot and plan revision, and the number of snapshots.

Every response of this module varies on the same request headers (VARY), the 304 as its 200.

The cache is the shared one (CACHE_URL) through disbursement.api.sharedcache: with it down, responses are
built from the database every time, never refused.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, Max, QuerySet, Subquery
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import http_date, parse_http_date_safe, quote_etag
from rest_framework import status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from disbursement.api import sharedcache
from disbursement.models import AllocationRevision, CityPlanRevision, ExplanationRequest, Snapshot

CACHE_SECONDS = 600
# Which snapshot a query shape (?snapshot, ?year, ?as_of) reads is remembered this long. Every
# process forgets at once when it sees a snapshot or plan revision land (`forget_resolved_snapshots`);
# another process without a shared cache (CACHE_URL) notices within this time.
RESOLUTION_SECONDS = 5
_GENERATION_KEY = "api:v1:snapshot-generation"
# What a response depends on besides its URL: the representation (Accept, Accept-Encoding) and the caller
# (a key or a session). A 304 names the same, so a cache keeps one entry per variant.
VARY = "Accept, Accept-Encoding, Authorization, Cookie"


@dataclass(frozen=True)
class SnapshotStamp:
    """What the validators of a response need of its snapshot, without loading the snapshot."""

    pk: int
    computed_at: dt.datetime | None
    imported_at: dt.datetime | None
    revised_at: dt.datetime | None
    # Anything else the response depends on (data_stamp: the number of snapshots, the latest edit).
    extra: str = ""


def with_revision_times(snapshots: QuerySet[Snapshot]) -> QuerySet[Snapshot]:
    """Annotate when the latest plan revision was recorded, in the same query as the snapshot.

    Revisions are only ever added, so the newest row by primary key is the latest one; any year's
    revision counts, which keeps the lookup a single index step.
    """
    latest_city = CityPlanRevision.objects.order_by("-pk").values("recorded_at")[:1]
    latest_unit = AllocationRevision.objects.order_by("-pk").values("recorded_at")[:1]
    latest_follow_up = ExplanationRequest.objects.order_by("-changed_at").values("changed_at")[:1]
    return snapshots.annotate(
        city_revised_at=Subquery(latest_city),
        unit_revised_at=Subquery(latest_unit),
        followed_up_at=Subquery(latest_follow_up),
    )


def last_revision_at(snapshot: Snapshot) -> dt.datetime | None:
    """The latest plan revision or change of an explanation request (the rankings show the follow-up)."""
    if not hasattr(snapshot, "followed_up_at"):
        snapshot = with_revision_times(Snapshot.objects.filter(pk=snapshot.pk)).get()
    times = (snapshot.city_revised_at, snapshot.unit_revised_at, snapshot.followed_up_at)
    return max((t for t in times if t is not None), default=None)


def stamp_of(snapshot: Snapshot | SnapshotStamp) -> SnapshotStamp:
    if isinstance(snapshot, SnapshotStamp):
        return snapshot
    return SnapshotStamp(snapshot.pk, snapshot.computed_at, snapshot.imported_at, last_revision_at(snapshot))


def data_stamp(extra: str = "") -> SnapshotStamp:
    """The stamp of everything imports, computes and plan revisions write, for lists across snapshots.

    Imports add snapshots (latest id, count, imported_at) and supersede others (superseded_at), a compute
    rewrites a snapshot's figures and flags (computed_at), an edit in the admin is kept in the snapshot's
    history, revisions are only ever added (their recorded_at).
    """
    snapshots = Snapshot.objects.aggregate(
        last=Max("pk"),
        count=Count("pk"),
        computed=Max("computed_at"),
        imported=Max("imported_at"),
        superseded=Max("superseded_at"),
    )
    edited = Snapshot.history.aggregate(last=Max("history_id"))["last"]
    latest_city = CityPlanRevision.objects.order_by("-pk").values_list("recorded_at", flat=True).first()
    latest_unit = AllocationRevision.objects.order_by("-pk").values_list("recorded_at", flat=True).first()
    revised = max((t for t in (latest_city, latest_unit) if t is not None), default=None)
    return SnapshotStamp(
        pk=snapshots["last"] or 0,
        computed_at=snapshots["computed"],
        imported_at=max((t for t in (snapshots["imported"], snapshots["superseded"]) if t is not None), default=None),
        revised_at=revised,
        extra=f"{snapshots['count']}|{edited}|{extra}",
    )


def forget_resolved_snapshots() -> None:
    """A snapshot or a plan revision has landed: resolve every query shape again."""
    sharedcache.put(_GENERATION_KEY, time.time_ns(), None)


def resolve_snapshot(shape: dict, find: Callable[[], Snapshot | None]) -> SnapshotStamp | None:
    """The stamp of the snapshot `find()` returns for this query shape, remembered for a few seconds.

    Resolving a snapshot (the latest current one, with the latest revision times) is the one
    query a repeated dashboard request would otherwise pay before its cached body.
    """
    generation = sharedcache.get(_GENERATION_KEY, 0)
    key = "api:v1:snapshot:{}:{}:{}:{}".format(generation, shape.get("snapshot"), shape.get("year"), shape.get("as_of"))
    stamp = sharedcache.get(key)
    if stamp is None:
        snapshot = find()
        if snapshot is None:
            return None
        stamp = stamp_of(snapshot)
        sharedcache.put(key, stamp, RESOLUTION_SECONDS)
    return stamp


def snapshot_validators(snapshot: Snapshot | SnapshotStamp, request) -> tuple[str, dt.datetime]:
    snapshot = stamp_of(snapshot)
    revised = snapshot.revised_at
    stamps = [t for t in (snapshot.computed_at, snapshot.imported_at, revised) if t is not None]
    modified = max(stamps, default=dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
    raw = "|".join(
        [
            str(snapshot.pk),
            str(snapshot.computed_at),
            str(revised),
            snapshot.extra,
            str(timezone.localdate()),
            request.get_host(),
            request.path,
            request.META.get("QUERY_STRING", ""),
        ]
    )
    accepted = request.accepted_renderer.format if getattr(request, "accepted_renderer", None) else ""
    etag = hashlib.sha256(f"{raw}|{accepted}".encode()).hexdigest()[:32]
    return etag, modified.replace(microsecond=0)


def _not_modified(request, etag: str, modified: dt.datetime) -> bool:
    if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
    if if_none_match is not None:
        tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
        return "*" in tags or quote_etag(etag) in tags
    since = parse_http_date_safe(request.META.get("HTTP_IF_MODIFIED_SINCE", ""))
    return since is not None and int(modified.timestamp()) <= since


def conditional_response(request, snapshot: Snapshot | SnapshotStamp, build: Callable[[], object]) -> Response:
    """304 when the client has the current version; otherwise the (cached) data of `build()`."""
    etag, modified = snapshot_validators(snapshot, request)
    headers = {
        "ETag": quote_etag(etag),
        "Last-Modified": http_date(modified.timestamp()),
        "Cache-Control": "private, no-cache",
        "Vary": VARY,
    }
    if _not_modified(request, etag, modified):
        return Response(status=status.HTTP_304_NOT_MODIFIED, headers=headers)
    renderer = getattr(request, "accepted_renderer", None)
    if isinstance(renderer, JSONRenderer):
        # The rendered bytes are cached: a ranking of a thousand units is then served without re-encoding.
        gzipped = "gzip" in request.META.get("HTTP_ACCEPT_ENCODING", "")
        key = f"api:v1:json:{etag}:{'gz' if gzipped else 'id'}"
        content = sharedcache.get(key)
        if content is None:
            content = renderer.render(build(), request.accepted_media_type, {"request": request})
            if gzipped:
                content = gzip.compress(content, compresslevel=6)
            sharedcache.put(key, content, CACHE_SECONDS)
        if gzipped:
            headers["Content-Encoding"] = "gzip"
        return HttpResponse(content, content_type=f"{renderer.media_type}; charset=utf-8", headers=headers)
    return Response(build(), headers=headers)
