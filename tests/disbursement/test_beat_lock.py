"""The beat lock: one holder at a time, renewed by its holder, taken by another only once it has expired."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from disbursement.beat import hold_lock, release_lock
from disbursement.models import ScheduleLock

pytestmark = pytest.mark.django_db


def test_one_holder_at_a_time_until_the_lock_expires_or_is_released():
    assert hold_lock("beat", "may-a", 60)
    assert not hold_lock("beat", "may-b", 60)
    assert hold_lock("beat", "may-a", 60), "the holder renews"

    ScheduleLock.objects.filter(name="beat").update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert hold_lock("beat", "may-b", 60), "an expired lock is taken over"
    assert not hold_lock("beat", "may-a", 60)

    release_lock("beat", "may-b")
    assert hold_lock("beat", "may-a", 60)
    assert ScheduleLock.objects.get().holder == "may-a"
