"""A database connection cut while rows are copied (COPY, on PostgreSQL) raises the error every other query
raises, Django's OperationalError: the one the import and compute tasks retry at once. The driver's own error
would fail the job instead, with its claim held until it expires."""

from __future__ import annotations

import psycopg
import pytest
from django.conf import settings
from django.db import OperationalError, connection

from disbursement.db import insert_into
from disbursement.outbox import RETRY_ON

# serialized_rollback restores the migrations' reference rows that the flush after this test removes.
pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's: run with DATABASE_URL")
def test_a_connection_cut_during_a_copy_is_an_error_the_tasks_retry():
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE copied (n integer NOT NULL)")
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    db = settings.DATABASES["default"]

    def rows():
        for n in range(100_000):
            if n == 1000:
                # Another session cuts this one in the middle of the copy, as a database restart would.
                with psycopg.connect(
                    host=db["HOST"], port=db["PORT"], user=db["USER"], password=db["PASSWORD"], dbname=db["NAME"]
                ) as other:
                    other.execute("SELECT pg_terminate_backend(%s)", [pid])
            yield (n,)

    try:
        with pytest.raises(OperationalError) as raised:
            insert_into("copied", ["n"], rows())
        assert isinstance(raised.value, RETRY_ON)
    finally:
        connection.close()
