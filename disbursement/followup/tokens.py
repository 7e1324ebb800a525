"""The signed, expiring link of an explanation request.

The token names the request and carries its secret, signed with the site's key and timestamped: a changed
character makes it invalid, and it expires EXPLANATION_LINK_MAX_AGE_DAYS after it was made. Renewing the
request's secret (a new email) makes every earlier link invalid.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing

from disbursement.models import ExplanationRequest

SALT = "disbursement.followup.giai-trinh"


class LinkInvalid(Exception):
    """The link was altered, names no request, or was replaced by a newer one."""


class LinkExpired(Exception):
    """The link is authentic but older than its validity."""


def make_token(request: ExplanationRequest) -> str:
    return signing.dumps({"r": request.pk, "s": request.secret}, salt=SALT, compress=True)


def read_token(token: str) -> ExplanationRequest:
    max_age = settings.EXPLANATION_LINK_MAX_AGE_DAYS * 24 * 3600
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise LinkExpired from exc
    except signing.BadSignature as exc:
        raise LinkInvalid from exc
    if not isinstance(data, dict) or not isinstance(data.get("r"), int) or not isinstance(data.get("s"), str):
        raise LinkInvalid
    request = (
        ExplanationRequest.objects.select_related("investor", "district", "stream")
        .filter(pk=data["r"], secret=data["s"])
        .exclude(status=ExplanationRequest.Status.CANCELLED)
        .first()
    )
    if request is None:
        raise LinkInvalid
    return request
