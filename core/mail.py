"""The service's outgoing mail: headers encoded by the standard library's SMTP policy (RFC 6532/2047).

Every message carries its own Message-ID, made once and stored by the sender before sending, so a
retried send is recognisable as the same message.
"""

from __future__ import annotations

import email.message
import email.policy
from email.utils import formatdate, make_msgid

from django.conf import settings
from django.core.mail import EmailMessage


def mail_domain() -> str:
    """The domain of the service's sender address, for message and content ids."""
    return settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip(">") or "localhost"


def new_message_id(prefix: str) -> str:
    return make_msgid(prefix, domain=mail_domain())


class _MIMEMessage(email.message.EmailMessage):
    """A standard-library message that Django's mail backends can serialise."""

    def as_bytes(self, unixfrom: bool = False, linesep: str = "\n", policy=None) -> bytes:
        return super().as_bytes(unixfrom=unixfrom, policy=(policy or self.policy).clone(linesep=linesep))


class ServiceEmail(EmailMessage):
    """A plain-text message sent by the service itself; subclasses add alternative parts."""

    def __init__(self, subject: str, body: str, to: list[str], message_id: str):
        super().__init__(subject=subject, body=body, to=to)
        self.message_id = message_id

    def message(self, **kwargs):
        msg = _MIMEMessage(policy=email.policy.SMTP)
        msg["Subject"] = self.subject
        msg["From"] = self.from_email
        msg["To"] = ", ".join(self.to)
        msg["Date"] = formatdate(localtime=True)
        msg["Message-ID"] = self.message_id
        msg["Auto-Submitted"] = "auto-generated"
        msg.set_content(self.body, cte="quoted-printable")
        self.add_parts(msg)
        return msg

    def add_parts(self, msg: email.message.EmailMessage) -> None:
        """Parts beyond the text; none by default."""
