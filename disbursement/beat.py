"""One beat process sends the schedule, however many are started.

A second beat (a failover machine, a unit started twice) would send every periodic task a second time. The
scheduler below sends only while it holds the lock "beat": a ScheduleLock row taken or renewed by a conditional
UPDATE (free, expired, or already ours), renewed at every tick and released when the beat stops. A beat that does
not hold it waits; when the holder stops renewing (it died), the lock expires after BEAT_LOCK_SECONDS and the
waiting beat takes over, reading the schedule's last runs from the database first, so nothing is sent twice.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import uuid

from django.conf import settings
from django.db import IntegrityError, close_old_connections, transaction
from django.db.models import Q
from django.utils import timezone
from django_celery_beat.schedulers import DatabaseScheduler

from disbursement.models import ScheduleLock

logger = logging.getLogger(__name__)

BEAT_LOCK = "beat"


def hold_lock(name: str, holder: str, seconds: int) -> bool:
    """Take or renew the lock for `seconds`; False while someone else holds it."""
    now = timezone.now()
    expires = now + dt.timedelta(seconds=seconds)
    free_or_ours = Q(holder=holder) | Q(expires_at__lte=now)
    if ScheduleLock.objects.filter(free_or_ours, name=name).update(holder=holder, expires_at=expires):
        return True
    try:
        with transaction.atomic():
            ScheduleLock.objects.create(name=name, holder=holder, expires_at=expires)
    except IntegrityError:
        return False  # the row exists and is held by another
    return True


def release_lock(name: str, holder: str) -> None:
    ScheduleLock.objects.filter(name=name, holder=holder).update(expires_at=timezone.now())


class SingleBeatScheduler(DatabaseScheduler):
    """django-celery-beat's database scheduler, sending only while it holds the beat lock."""

    def __init__(self, *args, **kwargs):
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.holding = False
        super().__init__(*args, **kwargs)
        # Each task sent is written back at once (last run, run count), for a beat that takes over.
        self.sync_every_tasks = 1

    def _renew_every(self) -> float:
        return max(0.2, settings.BEAT_LOCK_SECONDS / 4)

    def tick(self, *args, **kwargs) -> float:
        try:
            close_old_connections()  # a connection broken by a database restart is replaced
            held = hold_lock(BEAT_LOCK, self.holder, settings.BEAT_LOCK_SECONDS)
        except Exception:
            logger.warning("Không giữ được khóa lịch chạy; không gửi tác vụ theo lịch lần này", exc_info=True)
            held = False
        if not held:
            if self.holding:
                logger.warning("Lịch chạy đã có tiến trình beat khác giữ (%s nhường lại).", self.holder)
            self.holding = False
            return self._renew_every()
        if not self.holding:
            logger.info("Tiến trình beat %s giữ lịch chạy.", self.holder)
            # The last runs another beat wrote count: read the schedule again before sending anything.
            self._initial_read = True
            self._heap = None
            self.holding = True
        return min(super().tick(*args, **kwargs), self._renew_every())

    def close(self) -> None:
        super().close()
        if self.holding:
            try:
                release_lock(BEAT_LOCK, self.holder)
            except Exception:
                logger.warning("Không trả được khóa lịch chạy; nó hết hạn sau BEAT_LOCK_SECONDS", exc_info=True)
