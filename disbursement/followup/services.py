"""Writes of the follow-up: requests from flags, their emails, the unit's answer, reminders and escalation.

Each email is claimed by a conditional UPDATE before it is sent (the request's mail status, each reminder's
status), so a retried or duplicated task that loses the claim sends nothing. The answer is recorded once:
the request moves from pending to answered in the same UPDATE that admits the answer.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.dispatch import Signal
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from core.fiscal import add_working_days
from core.mail import ServiceEmail, new_message_id
from core.notation import format_amount_with_unit
from disbursement.figures.services import compute_snapshot
from disbursement.flags.followup import judged_on
from disbursement.followup import selectors
from disbursement.followup.tokens import make_token
from disbursement.models import (
    Commitment,
    DigestRecipient,
    Explanation,
    ExplanationCause,
    ExplanationReminder,
    ExplanationRequest,
    Flag,
    Snapshot,
)
from disbursement.recompute import request_recompute

logger = logging.getLogger(__name__)

Mail = ExplanationRequest.Mail
Status = ExplanationRequest.Status
ERROR_LIMIT = 2000


# Sent when a request is made, answered, cancelled or renewed: readers that cache the rankings forget them.
follow_up_changed = Signal()


def _changed() -> None:
    follow_up_changed.send(sender=ExplanationRequest)


class FollowUpError(ValueError):
    """A request that cannot be made as asked; the message says why, in Vietnamese."""


class FollowUpSendError(Exception):
    """Sending one email failed; the failure is recorded on its row."""


# --- Requests ---------------------------------------------------------------------------------


def unit_recipients(investor=None, district=None) -> list[str]:
    """The unit's head and contact addresses, and the heads registered for its digest (not paused)."""
    addresses: list[str] = []
    if investor is not None:
        addresses += [investor.head_email, investor.contact_email]
    rows = DigestRecipient.objects.filter(kind=DigestRecipient.Kind.UNIT_HEAD, paused=False)
    rows = rows.filter(investor=investor) if investor is not None else rows.filter(district=district)
    addresses += list(rows.order_by("pk").values_list("email", flat=True))
    return _unique(addresses)


def _unique(addresses: Iterable[str]) -> list[str]:
    seen: dict[str, str] = {}
    for address in addresses:
        address = (address or "").strip()
        if address and address.lower() not in seen:
            seen[address.lower()] = address
    return list(seen.values())


@dataclass
class Requested:
    created: list[ExplanationRequest] = field(default_factory=list)
    # Units that already have a request waiting for an answer in the same stream: not asked again.
    already_pending: list[ExplanationRequest] = field(default_factory=list)


def _reminders(request: ExplanationRequest, today: dt.date, holidays: frozenset[dt.date]) -> list[ExplanationReminder]:
    rows = []
    before = add_working_days(request.deadline, -settings.EXPLANATION_REMINDER_DAYS_BEFORE, holidays)
    if before > today:
        rows.append(ExplanationReminder(request=request, kind=ExplanationReminder.Kind.REMINDER, due_on=before))
    rows.append(
        ExplanationReminder(
            request=request,
            kind=ExplanationReminder.Kind.ESCALATION,
            due_on=request.deadline + dt.timedelta(days=1),
        )
    )
    return rows


@transaction.atomic
def create_requests(
    flags: Iterable[Flag],
    *,
    user=None,
    working_days: int | None = None,
    extra_emails: Iterable[str] = (),
    now: dt.datetime | None = None,
) -> Requested:
    """One request per unit and stream of the flags, mailed once the transaction commits.

    Flags not about a unit (a stream's or the city's) cannot be explained by a unit and are refused, as is a
    unit with no address to write to.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    working_days = working_days or settings.EXPLANATION_WORKING_DAYS
    if working_days < 1:
        raise FollowUpError("Thời hạn giải trình phải ít nhất 1 ngày làm việc.")
    groups: dict[tuple, list[Flag]] = {}
    for flag in flags:
        if flag.unit is None or flag.stream_id is None:
            raise FollowUpError(f"Cảnh báo '{flag.reason}' không gắn với một đơn vị: không thể yêu cầu giải trình.")
        groups.setdefault((flag.year, flag.stream_id, flag.investor_id, flag.district_id), []).append(flag)
    if not groups:
        raise FollowUpError("Chưa chọn cảnh báo nào.")
    extra = _unique(extra_emails)
    holidays = selectors.public_holidays()
    result = Requested()
    for (year, stream_id, investor_id, district_id), group in groups.items():
        unit = group[0].unit
        pending = (
            ExplanationRequest.objects.select_for_update()
            .filter(
                year=year, stream_id=stream_id, investor_id=investor_id, district_id=district_id, status=Status.PENDING
            )
            .first()
        )
        if pending is not None:
            pending.flags.add(*group)
            result.already_pending.append(pending)
            continue
        recipients = _unique(unit_recipients(group[0].investor, group[0].district) + extra)
        if not recipients:
            raise FollowUpError(
                f"{unit} chưa có email thủ trưởng hay email liên hệ: hãy nhập email nhận yêu cầu giải trình."
            )
        request = ExplanationRequest.objects.create(
            year=year,
            stream_id=stream_id,
            investor_id=investor_id,
            district_id=district_id,
            summary="\n".join(sorted({flag.reason for flag in group})),
            recipients=recipients,
            requested_by=user if user is not None and user.is_authenticated else None,
            requested_at=now,
            changed_at=timezone.now(),
            working_days=working_days,
            deadline=add_working_days(today, working_days, holidays),
        )
        request.flags.add(*group)
        ExplanationReminder.objects.bulk_create(_reminders(request, today, holidays))
        result.created.append(request)
    from disbursement.followup.tasks import enqueue_request_mails

    enqueue_request_mails([r.pk for r in result.created])
    _changed()
    return result


@transaction.atomic
def renew_link(request_id: int) -> ExplanationRequest:
    """A new link for a request still waiting: earlier links stop working, and the email is sent again."""
    from disbursement.models.followup import new_secret

    updated = ExplanationRequest.objects.filter(pk=request_id, status=Status.PENDING).update(
        secret=new_secret(), mail_status=Mail.PENDING, message_id="", changed_at=timezone.now()
    )
    if not updated:
        raise FollowUpError("Chỉ gửi lại được yêu cầu đang chờ giải trình.")
    from disbursement.followup.tasks import enqueue_request_mails

    enqueue_request_mails([request_id])
    _changed()
    return ExplanationRequest.objects.get(pk=request_id)


def cancel_request(request_id: int) -> bool:
    """Cancel a request still waiting; its link stops working and no reminder goes out."""
    with transaction.atomic():
        request = ExplanationRequest.objects.filter(pk=request_id, status=Status.PENDING).first()
        if request is None:
            return False
        ExplanationRequest.objects.filter(pk=request_id).update(status=Status.CANCELLED, changed_at=timezone.now())
        ExplanationReminder.objects.filter(request_id=request_id, status=ExplanationReminder.Status.PENDING).update(
            status=ExplanationReminder.Status.SKIPPED
        )
        _recompute_latest(request.year)
        _changed()
    return True


# --- Emails -----------------------------------------------------------------------------------


def form_url(request: ExplanationRequest) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("explanation-form", args=[make_token(request)])


def _context(request: ExplanationRequest) -> dict:
    unit = request.unit
    head = request.investor.head_name if request.investor_id and request.investor.head_name else ""
    return {
        "request": request,
        "unit_name": unit.display_name,
        "greeting": head or f"Thủ trưởng {unit.display_name}",
        "stream_name": request.stream.name,
        "flags": request.summary.splitlines(),
        "deadline": f"{request.deadline:%d/%m/%Y}",
        "working_days": request.working_days,
        "url": form_url(request),
        "valid_days": settings.EXPLANATION_LINK_MAX_AGE_DAYS,
        "requested_on": f"{timezone.localtime(request.requested_at):%d/%m/%Y}",
    }


def _message(subject: str, template: str, context: dict, to: list[str], message_id: str) -> ServiceEmail:
    return ServiceEmail(subject, render_to_string(template, context), to, message_id)


def request_email(request: ExplanationRequest, message_id: str) -> ServiceEmail:
    context = _context(request)
    subject = f"Yêu cầu giải trình tiến độ giải ngân – {context['unit_name']} (hạn {context['deadline']})"
    return _message(subject, "followup/request_email.txt", context, list(request.recipients), message_id)


def send_request_mail(request_id: int) -> str:
    """Send a request's email if its claim succeeds; returns the resulting mail status or 'skipped'."""
    claimed = ExplanationRequest.objects.filter(
        pk=request_id, status=Status.PENDING, mail_status__in=[Mail.PENDING, Mail.FAILED]
    ).update(mail_status=Mail.CLAIMED, mail_attempts=F("mail_attempts") + 1)
    if not claimed:
        return "skipped"
    request = ExplanationRequest.objects.select_related("investor", "district", "stream").get(pk=request_id)
    if not request.message_id:
        request.message_id = new_message_id("giaitrinh")
        ExplanationRequest.objects.filter(pk=request_id).update(message_id=request.message_id)
    try:
        request_email(request, request.message_id).send()
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"[:ERROR_LIMIT]
        ExplanationRequest.objects.filter(pk=request_id).update(mail_status=Mail.FAILED, mail_error=error)
        logger.warning("Gửi yêu cầu giải trình %s thất bại: %s", request_id, error)
        raise FollowUpSendError(error) from exc
    ExplanationRequest.objects.filter(pk=request_id).update(
        mail_status=Mail.SENT, sent_at=timezone.now(), mail_error=""
    )
    return Mail.SENT


def staff_addresses() -> list[str]:
    rows = DigestRecipient.objects.filter(kind=DigestRecipient.Kind.STAFF, paused=False).order_by("pk")
    return _unique(rows.values_list("email", flat=True))


def reminder_email(reminder: ExplanationReminder) -> ServiceEmail:
    request = reminder.request
    context = _context(request)
    if reminder.kind == ExplanationReminder.Kind.REMINDER:
        subject = f"Nhắc giải trình tiến độ giải ngân – {context['unit_name']} (hạn {context['deadline']})"
        template = "followup/reminder_email.txt"
    else:
        subject = f"Quá hạn giải trình tiến độ giải ngân – {context['unit_name']} (hạn {context['deadline']})"
        template = "followup/escalation_email.txt"
    message_id = new_message_id("nhacgiaitrinh")
    return _message(subject, template, context, list(reminder.recipients), message_id)


def claim_reminder(reminder_id: int, today: dt.date) -> ExplanationReminder | None:
    """Take a due reminder for sending; None if it is not due, someone else has it, or it was sent."""
    claimed = ExplanationReminder.objects.filter(
        pk=reminder_id,
        due_on__lte=today,
        status__in=[ExplanationReminder.Status.PENDING, ExplanationReminder.Status.FAILED],
        request__status=Status.PENDING,
    ).update(status=ExplanationReminder.Status.CLAIMED, claimed_at=timezone.now())
    if claimed != 1:
        return None
    return ExplanationReminder.objects.select_related("request__investor", "request__district", "request__stream").get(
        pk=reminder_id
    )


def send_reminder(reminder_id: int, today: dt.date | None = None) -> str:
    """Send one reminder or escalation once; a request answered or cancelled meanwhile needs none."""
    today = today or timezone.localdate()
    reminder = claim_reminder(reminder_id, today)
    if reminder is None:
        return "skipped"
    request = reminder.request
    recipients = list(request.recipients)
    if reminder.kind == ExplanationReminder.Kind.ESCALATION:
        # After the deadline the staff following the units are told as well.
        recipients = _unique(recipients + staff_addresses())
    reminder.recipients = recipients
    try:
        reminder_email(reminder).send()
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"[:ERROR_LIMIT]
        ExplanationReminder.objects.filter(pk=reminder_id).update(
            status=ExplanationReminder.Status.FAILED, last_error=error
        )
        raise FollowUpSendError(error) from exc
    ExplanationReminder.objects.filter(pk=reminder_id).update(
        status=ExplanationReminder.Status.SENT, sent_at=timezone.now(), recipients=recipients, last_error=""
    )
    return ExplanationReminder.Status.SENT


def due_reminders(today: dt.date) -> list[int]:
    """Reminders due by today; those of requests no longer waiting are marked as not needed."""
    ExplanationReminder.objects.filter(status=ExplanationReminder.Status.PENDING).exclude(
        request__status=Status.PENDING
    ).update(status=ExplanationReminder.Status.SKIPPED)
    return list(
        ExplanationReminder.objects.filter(
            due_on__lte=today,
            status__in=[ExplanationReminder.Status.PENDING, ExplanationReminder.Status.FAILED],
            request__status=Status.PENDING,
        )
        .order_by("due_on", "id")
        .values_list("id", flat=True)
    )


# --- Overdue flags ----------------------------------------------------------------------------


def _recompute_latest(year: int) -> None:
    latest = selectors.latest_computed_snapshot(year)
    if latest is not None:
        request_recompute(year, latest.as_of)


def snapshots_to_reflag(today: dt.date) -> list[Snapshot]:
    """The latest computed snapshot of each year whose overdue-explanation flags do not say what the requests
    say today (which units, how many days)."""
    years = set(
        ExplanationRequest.objects.filter(status=Status.PENDING, deadline__lt=today).values_list("year", flat=True)
    ) | set(Flag.objects.filter(kind="overdue_explanation", cleared_on__isnull=True).values_list("year", flat=True))
    stale = []
    for year in sorted(years):
        latest = selectors.latest_computed_snapshot(year)
        if latest is None:
            continue
        expected = selectors.overdue_days(year, max(today, latest.as_of))
        flagged = {
            (stream_id, investor_id, district_id): int(value)
            for stream_id, investor_id, district_id, value in Flag.objects.filter(
                year=year, kind="overdue_explanation", raised_on__lte=latest.as_of, last_seen_on__gte=latest.as_of
            ).values_list("stream_id", "investor_id", "district_id", "value")
        }
        if expected != flagged:
            stale.append(latest)
    return stale


def reflag_overdue(today: dt.date) -> list[int]:
    """Evaluate again, as of `today`, the latest snapshot of each year whose overdue flags are out of date.

    Returns the ids of the snapshots evaluated; nothing is done when the flags already match the requests.
    """
    evaluated = []
    with judged_on(today):
        for snapshot in snapshots_to_reflag(today):
            compute_snapshot(snapshot.pk, cascade=False)
            evaluated.append(snapshot.pk)
    return evaluated


# --- The unit's answer ------------------------------------------------------------------------


@dataclass(frozen=True)
class CommitmentData:
    due: dt.date
    amount: int  # đồng


@dataclass(frozen=True)
class ExplanationData:
    cause: ExplanationCause
    cause_detail: str
    actions: str
    responsible_name: str
    responsible_title: str
    commitments: list[CommitmentData]


def submit_explanation(request_id: int, data: ExplanationData, *, now: dt.datetime | None = None) -> Explanation | None:
    """Record the unit's answer once: None when the request was already answered (or cancelled)."""
    now = now or timezone.now()
    with transaction.atomic():
        admitted = ExplanationRequest.objects.filter(pk=request_id, status=Status.PENDING).update(
            status=Status.ANSWERED, answered_at=now, changed_at=timezone.now()
        )
        if admitted != 1:
            return None
        request = ExplanationRequest.objects.get(pk=request_id)
        explanation = Explanation.objects.create(
            request=request,
            cause=data.cause,
            cause_detail=data.cause_detail,
            actions=data.actions,
            responsible_name=data.responsible_name,
            responsible_title=data.responsible_title,
            submitted_at=now,
        )
        Commitment.objects.bulk_create(
            [
                Commitment(
                    explanation=explanation,
                    year=request.year,
                    stream_id=request.stream_id,
                    investor_id=request.investor_id,
                    district_id=request.district_id,
                    due=item.due,
                    amount=item.amount,
                )
                for item in sorted(data.commitments, key=lambda c: c.due)
            ]
        )
        ExplanationReminder.objects.filter(request_id=request_id, status=ExplanationReminder.Status.PENDING).update(
            status=ExplanationReminder.Status.SKIPPED
        )
        # An overdue flag clears, and commitments dated on or before a computed snapshot are judged.
        first_due = min((item.due for item in data.commitments), default=None)
        latest = selectors.latest_computed_snapshot(request.year)
        if latest is not None:
            request_recompute(request.year, min(latest.as_of, first_due) if first_due else latest.as_of)
        _changed()
    return explanation


def commitment_text(commitment: Commitment) -> str:
    return f"{format_amount_with_unit(commitment.amount)} đến hết ngày {commitment.due:%d/%m/%Y}"
