"""The throw-away database a benchmark fills and measures, shared by the bench scripts.

    from bench.testdb import setup_django, throwaway_database

    setup_django("bench-import-")
    with throwaway_database():
        ...

SQLite: a file in the run's temporary folder (GIAINGAN_VAR_DIR). With DATABASE_URL
(PostgreSQL): the database test_<name> on that server, created like the test runner
does (the role needs CREATEDB) and dropped at the end; <name> itself is never written.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django(prefix: str = "bench-") -> str:
    """Django set up for a bench script, with its own temporary folder (returned) unless one is set."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("GIAINGAN_LOCAL", "1")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("GIAINGAN_VAR_DIR", tempfile.mkdtemp(prefix=prefix))
    import django

    django.setup()
    return os.environ["GIAINGAN_VAR_DIR"]


@contextmanager
def throwaway_database() -> Iterator[None]:
    """Create the bench's database, migrated, and drop it on the way out, whatever happens inside."""
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment

    db = settings.DATABASES["default"]
    if connection.vendor == "sqlite":
        db.setdefault("TEST", {})["NAME"] = str(Path(os.environ["GIAINGAN_VAR_DIR"]) / "bench.sqlite3")
    setup_test_environment()
    old_name = db["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        yield
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


def held_recomputes() -> list[tuple[int, dt.date]]:
    """Stand in for the broker: the recompute requests sent after commit are kept, as (year, from date), in the
    list returned, and marked sent, instead of reaching a worker (or running in-process), so that a bench
    times the import and the recompute a worker would run apart. Other tasks are sent as usual."""
    from django.utils import timezone

    from disbursement import outbox
    from disbursement.models import OutboxMessage
    from disbursement.recompute import RECOMPUTE_TASK

    held: list[tuple[int, dt.date]] = []
    send = outbox.send

    def keep(message_id: int) -> bool:
        message = OutboxMessage.objects.filter(id=message_id, sent_at__isnull=True).first()
        if message is None or message.task != RECOMPUTE_TASK:
            return send(message_id)
        year, day = message.args
        held.append((year, dt.date.fromisoformat(day)))
        OutboxMessage.objects.filter(id=message_id).update(sent_at=timezone.now())
        return True

    outbox.send = keep
    return held
