"""Sending the weekly digest exactly once per (week, recipient).

plan_week creates one DigestDelivery row per recipient (unique per week);
send_delivery claims the row with a conditional UPDATE before it sends, so a
retried or duplicated task that loses the claim sends nothing. A row left
"claimed" by a crashed worker is not sent again automatically: a person
re-sends it from the admin once it is stale.
"""

from __future__ import annotations

import base64
import datetime as dt
import email.message
import email.policy
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone

from core.mail import ServiceEmail, mail_domain, new_message_id
from disbursement.digest import selectors
from disbursement.digest.chart import ranking_chart
from disbursement.models import DigestDelivery, DigestRecipient, Snapshot
from investors.models import Investor

logger = logging.getLogger(__name__)

Status = DigestDelivery.Status
STALE_CLAIM = dt.timedelta(minutes=15)
ERROR_LIMIT = 2000


class DigestSendError(Exception):
    """Sending one delivery failed; the failure is recorded on the row."""


# --- Recipients -------------------------------------------------------------------------------


def sync_head_recipient(investor: Investor) -> DigestRecipient | None:
    """The recipient row that follows the investor's head_email; None when it has none."""
    if not investor.head_email:
        return None
    name = investor.head_name or f"Thủ trưởng {investor.display_name}"
    defaults = {"name": name, "email": investor.head_email, "kind": DigestRecipient.Kind.UNIT_HEAD}
    try:
        row, created = DigestRecipient.objects.get_or_create(investor=investor, from_head_email=True, defaults=defaults)
    except IntegrityError:  # created meanwhile by a concurrent run
        row, created = DigestRecipient.objects.get(investor=investor, from_head_email=True), False
    if not created and (row.email != investor.head_email or row.name != name):
        row.email, row.name = investor.head_email, name
        row.save(update_fields=["email", "name"])
    return row


def week_recipients(snapshot: Snapshot) -> list[DigestRecipient]:
    """Staff, and the heads of the units flagged in the snapshot; paused ones left out."""
    investor_ids, district_ids = selectors.flagged_units(snapshot)
    for investor in Investor.objects.filter(pk__in=investor_ids):
        sync_head_recipient(investor)
    return list(
        DigestRecipient.objects.filter(paused=False)
        .filter(
            Q(kind=DigestRecipient.Kind.STAFF)
            | Q(kind=DigestRecipient.Kind.UNIT_HEAD, investor_id__in=investor_ids)
            | Q(kind=DigestRecipient.Kind.UNIT_HEAD, district_id__in=district_ids)
        )
        .order_by("pk")
    )


# --- Deliveries -------------------------------------------------------------------------------


def _delivery_for(week: dt.date, recipient: DigestRecipient, snapshot: Snapshot | None) -> DigestDelivery:
    try:
        with transaction.atomic():
            delivery, _ = DigestDelivery.objects.get_or_create(
                week=week, recipient=recipient, defaults={"snapshot": snapshot}
            )
    except IntegrityError:  # a duplicated task created it between the get and the create
        delivery = DigestDelivery.objects.get(week=week, recipient=recipient)
    return delivery


def plan_week(week: dt.date) -> list[int]:
    """Create the week's delivery rows; return the ids still waiting to be sent.

    Running it twice creates nothing new and returns rows not yet sent only.
    """
    snapshot = selectors.digest_snapshot(week)
    if snapshot is None:
        logger.warning("Không có kỳ số liệu đã tính đến %s: không gửi bản tin.", week)
        return []
    deliveries = [_delivery_for(week, r, snapshot) for r in week_recipients(snapshot)]
    return [d.pk for d in deliveries if d.status == Status.PENDING]


def send_now(recipients: list[DigestRecipient], week: dt.date) -> tuple[list[int], list[DigestRecipient]]:
    """Deliveries to send now for these recipients; second item: those skipped (paused or already sent)."""
    snapshot = selectors.digest_snapshot(week)
    ready, skipped = [], []
    for recipient in recipients:
        if recipient.paused:
            skipped.append(recipient)
            continue
        delivery = _delivery_for(week, recipient, snapshot)
        if release_for_retry(delivery.pk) or delivery.status == Status.PENDING:
            ready.append(delivery.pk)
        else:
            skipped.append(recipient)
    return ready, skipped


def release_for_retry(delivery_id: int, *, now: dt.datetime | None = None) -> bool:
    """Make a failed delivery, or one claimed long ago by a worker that died, sendable again."""
    now = now or timezone.now()
    return bool(
        DigestDelivery.objects.filter(pk=delivery_id)
        .filter(Q(status=Status.FAILED) | Q(status=Status.CLAIMED, claimed_at__lt=now - STALE_CLAIM))
        .update(status=Status.FAILED)
    )


def claim(delivery_id: int) -> DigestDelivery | None:
    """Take the delivery for sending; None if someone else has it, it was sent, or the recipient is paused."""
    claimed = (
        DigestDelivery.objects.filter(
            pk=delivery_id, status__in=[Status.PENDING, Status.FAILED], recipient__paused=False
        ).update(status=Status.CLAIMED, attempts=F("attempts") + 1, claimed_at=timezone.now())
        == 1
    )
    if not claimed:
        return None
    return DigestDelivery.objects.select_related("recipient__investor", "recipient__district").get(pk=delivery_id)


def send_delivery(delivery_id: int) -> str:
    """Send one delivery if its claim succeeds. Returns the resulting status, or 'skipped'."""
    delivery = claim(delivery_id)
    if delivery is None:
        return "skipped"
    if not delivery.message_id:
        # Kept across retries so a receiving server can recognise a repeat.
        delivery.message_id = new_message_id("bantin")
        DigestDelivery.objects.filter(pk=delivery.pk).update(message_id=delivery.message_id)
    try:
        rendered = render_digest(delivery.recipient, delivery.week)
        if rendered is None:
            raise DigestSendError("Chưa có kỳ số liệu đã tính cho tuần này.")
        digest_email(rendered, delivery.recipient, message_id=delivery.message_id).send()
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"[:ERROR_LIMIT]
        DigestDelivery.objects.filter(pk=delivery.pk).update(status=Status.FAILED, last_error=error)
        logger.warning("Gửi bản tin %s thất bại (lần %s): %s", delivery, delivery.attempts, error)
        raise DigestSendError(error) from exc
    DigestDelivery.objects.filter(pk=delivery.pk).update(
        status=Status.SENT, sent_at=timezone.now(), snapshot=rendered.snapshot
    )
    return Status.SENT


# --- Content ------------------------------------------------------------------------------------


@dataclass
class RenderedDigest:
    subject: str
    text: str
    html: str
    chart: bytes
    chart_cid: str
    snapshot: Snapshot


def render_digest(recipient: DigestRecipient, week: dt.date, *, for_browser: bool = False) -> RenderedDigest | None:
    """Subject, text, HTML and chart of a recipient's digest; for_browser embeds the chart as a data: URL."""
    if recipient.kind == DigestRecipient.Kind.STAFF:
        digest = selectors.full_digest(week)
        template = "digest/email_full"
        highlight: set[tuple] = set()
    else:
        digest = selectors.unit_digest(week, recipient)
        template = "digest/email_unit"
        highlight = {line.key for line in digest.lines} if digest else set()
    if digest is None:
        return None
    chart = ranking_chart(digest.streams, highlight)
    cid = f"bieu-do-{week:%Y%m%d}-{recipient.pk}@{mail_domain()}"
    src = f"data:image/png;base64,{base64.b64encode(chart).decode()}" if for_browser else f"cid:{cid}"
    context = {"digest": digest, "recipient": recipient, "chart_src": src, "site_url": settings.SITE_URL}
    return RenderedDigest(
        subject=digest.subject,
        text=render_to_string(f"{template}.txt", context),
        html=render_to_string(f"{template}.html", context),
        chart=chart,
        chart_cid=cid,
        snapshot=digest.snapshot,
    )


class DigestEmail(ServiceEmail):
    """multipart/alternative: the text part, and the HTML part related to its inline chart."""

    def __init__(self, rendered: RenderedDigest, to: list[str], message_id: str):
        super().__init__(rendered.subject, rendered.text, to, message_id)
        self.rendered = rendered

    def add_parts(self, msg: email.message.EmailMessage) -> None:
        msg.add_alternative(self.rendered.html, subtype="html", cte="quoted-printable")
        html_part = msg.get_payload()[1]
        html_part.add_related(
            self.rendered.chart,
            maintype="image",
            subtype="png",
            cid=f"<{self.rendered.chart_cid}>",
            disposition="inline",
            filename="bieu-do-giai-ngan.png",
        )


def digest_email(rendered: RenderedDigest, recipient: DigestRecipient, *, message_id: str) -> DigestEmail:
    return DigestEmail(rendered, to=[recipient.email], message_id=message_id)
