"""Queued work is written with the transaction that asks for it: a rollback sends nothing, a commit sends it, and
a broker that refuses it leaves it in the outbox for the sweeper, which sends it once the broker is back."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.db import transaction
from django.test import override_settings

from config.celery import app
from disbursement.models import OutboxMessage
from disbursement.recompute import RECOMPUTE_TASK, request_recompute
from disbursement.upkeep.services import sweep
from tests.disbursement.survival.conftest import point_app_at

pytestmark = pytest.mark.django_db


class Boom(Exception):
    pass


def test_a_request_in_a_transaction_that_rolls_back_leaves_nothing_to_send():
    with pytest.raises(Boom), transaction.atomic():
        request_recompute(2024, dt.date(2024, 7, 20))
        assert OutboxMessage.objects.count() == 1
        raise Boom
    assert OutboxMessage.objects.count() == 0


def test_requests_of_one_transaction_are_one_message_per_year_sent_on_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        request_recompute(2024, dt.date(2024, 7, 20))
        request_recompute(2024, dt.date(2024, 3, 1))
        request_recompute(2023, dt.date(2023, 12, 1))
        assert not OutboxMessage.objects.filter(sent_at__isnull=False).exists()
    messages = OutboxMessage.objects.order_by("args")
    assert [(m.task, m.args) for m in messages] == [
        (RECOMPUTE_TASK, [2023, "2023-12-01"]),
        (RECOMPUTE_TASK, [2024, "2024-03-01"]),
    ]
    assert all(m.sent_at for m in messages)


def _broker_back(environment_url: str | None, settings) -> None:
    point_app_at(environment_url)
    app.conf.broker_url = environment_url or settings.CELERY_BROKER_URL
    app.conf.task_always_eager = True  # tasks run in this process, as in every other test here


@pytest.fixture
def broker_down(settings):
    """Tasks go to a broker on a closed port instead of running in this process; yields the way back."""
    environment_url = os.environ.get("CELERY_BROKER_URL")
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER = False
    point_app_at("redis://127.0.0.1:9/0")
    try:
        yield lambda: _broker_back(environment_url, settings)
    finally:
        _broker_back(environment_url, settings)
        app.conf.task_always_eager = eager


@override_settings(OUTBOX_RESEND_SECONDS=0)
def test_a_message_the_broker_refuses_is_kept_and_sent_by_the_sweeper(broker_down, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        request_recompute(2024, dt.date(2024, 7, 20))

    (message,) = OutboxMessage.objects.all()
    assert message.sent_at is None and message.attempts == 1
    assert "OperationalError" in message.last_error
    assert sweep()["outbox_sent"] == 0

    broker_down()  # back
    counts = sweep()
    message.refresh_from_db()
    assert counts["outbox_sent"] == 1, message.last_error
    assert message.sent_at is not None and message.attempts == 3
