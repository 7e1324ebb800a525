"""ETag / Last-Modified for responses computed from a snapshot, and a cache keyed by them.

The validator of a response is the snapshot it reads (id and computed_at)
and the time the latest plan revision of that year was recorded, plus the
request's path and query. A new snapshot (it becomes the default) or a new
revision changes the validator, which both invalidates the cached body and
makes a client's conditional request miss.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable

from django.core.cache import cache
from django.db.models import Max
from django.utils.http import http_date, parse_http_date_safe, quote_etag
from rest_framework import status
from rest_framework.response import Response

from disbursement.models import AllocationRevision, CityPlanRevision, Snapshot

CACHE_SECONDS = 600


def last_revision_at(year: int) -> dt.datetime | None:
    city = CityPlanRevision.objects.filter(plan__year=year).aggregate(t=Max("recorded_at"))["t"]
    unit = AllocationRevision.objects.filter(allocation__year=year).aggregate(t=Max("recorded_at"))["t"]
    return max((t for t in (city, unit) if t is not None), default=None)


def snapshot_validators(snapshot: Snapshot, request) -> tuple[str, dt.datetime]:
    revised = last_revision_at(snapshot.year)
    stamps = [t for t in (snapshot.computed_at, snapshot.imported_at, revised) if t is not None]
    modified = max(stamps)
    raw = "|".join(
        [str(snapshot.pk), str(snapshot.computed_at), str(revised), request.path, request.META.get("QUERY_STRING", "")]
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


def conditional_response(request, snapshot: Snapshot, build: Callable[[], object]) -> Response:
    """304 when the client has the current version; otherwise the (cached) data of `build()`."""
    etag, modified = snapshot_validators(snapshot, request)
    headers = {
        "ETag": quote_etag(etag),
        "Last-Modified": http_date(modified.timestamp()),
        "Cache-Control": "private, no-cache",
    }
    if _not_modified(request, etag, modified):
        return Response(status=status.HTTP_304_NOT_MODIFIED, headers=headers)
    key = f"api:v1:{etag}"
    data = cache.get(key)
    if data is None:
        data = build()
        cache.set(key, data, CACHE_SECONDS)
    return Response(data, headers=headers)
