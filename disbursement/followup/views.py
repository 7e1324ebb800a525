"""The public explanation form at /giai-trinh/<token>/: no account, one unit's request only.

The signed token is the only way in (disbursement.followup.tokens): it names one request, and the page shows
that request's unit, flags and figures, nothing else. Each client address may open or post the form
EXPLANATION_FORM_LIMIT times per EXPLANATION_FORM_WINDOW_SECONDS; posts need the CSRF token of the page.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from core.requests import client_ip
from disbursement.followup import services
from disbursement.followup.forms import ExplanationForm
from disbursement.followup.tokens import LinkExpired, LinkInvalid, read_token
from disbursement.models import ExplanationRequest


def _over_limit(request) -> bool:
    """Count this hit for the client address; True once it is beyond the allowance of the window."""
    key = f"giai-trinh:{client_ip(request) or ''}"
    try:
        cache.add(key, 0, timeout=settings.EXPLANATION_FORM_WINDOW_SECONDS)
        hits = cache.incr(key)
    except Exception:  # the shared cache is down: the form stays usable, the signature still guards it
        return False
    return hits > settings.EXPLANATION_FORM_LIMIT


def _page(request, template: str, context: dict, status: int = 200):
    response = render(request, f"followup/{template}", context, status=status)
    # The token must not leak to other sites; same-origin (not no-referrer) keeps the Origin the CSRF check reads.
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
@csrf_protect
def explanation_form(request, token: str):
    if _over_limit(request):
        response = _page(
            request, "refused.html", {"message": "Quá nhiều lần truy cập. Vui lòng thử lại sau ít phút."}, 429
        )
        response["Retry-After"] = str(settings.EXPLANATION_FORM_WINDOW_SECONDS)
        return response
    try:
        explanation_request = read_token(token)
    except LinkExpired:
        return _page(
            request,
            "refused.html",
            {"message": "Đường dẫn đã hết hạn. Vui lòng liên hệ cơ quan theo dõi giải ngân để nhận đường dẫn mới."},
            410,
        )
    except LinkInvalid:
        return _page(request, "refused.html", {"message": "Đường dẫn không hợp lệ."}, 404)
    if request.method not in ("GET", "POST"):
        return _page(request, "refused.html", {"message": "Phương thức không được hỗ trợ."}, 405)
    context = {"req": explanation_request, "unit_name": explanation_request.unit.display_name}
    if explanation_request.status == ExplanationRequest.Status.ANSWERED:
        return _page(request, "done.html", {**context, "explanation": explanation_request.explanation})
    form = ExplanationForm(request.POST or None, request=explanation_request)
    if request.method == "POST" and form.is_valid():
        explanation = services.submit_explanation(explanation_request.pk, form.data_for_service())
        if explanation is None:  # answered meanwhile (a second click, another tab): recorded once
            explanation_request.refresh_from_db()
            return _page(request, "done.html", {**context, "explanation": explanation_request.explanation})
        return _page(request, "done.html", {**context, "explanation": explanation, "just_sent": True})
    status = 400 if request.method == "POST" else 200
    return _page(
        request, "form.html", {**context, "form": form, "flags": explanation_request.summary.splitlines()}, status
    )
