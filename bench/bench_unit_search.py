"""Benchmark: the import job page's unit search box over a national number of local units.

    python bench/bench_unit_search.py                       # SQLite, in a temporary file
    DATABASE_URL=postgres://u:p@127.0.0.1:55432/giaingan python bench/bench_unit_search.py --units 50000

With DATABASE_URL the script creates and then drops the database test_<name> on that server (like the
test runner); it never writes to <name> itself.

Data: --units communes valid on the job's date (and as many that ended before it), one import job whose
file names an unknown local unit. Measured, median wall and CPU seconds over --repeat runs: one page of the
search (the admin's JSON view, through the test client as a logged-in editor) before anything is typed, for
a word most names hold, and for one name; and the job page itself. The floor, measured in the same run: the
raw SQL read of one page of matching names (LIKE on the stored matching key, ordered, 21 rows).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.measure import median
from bench.testdb import setup_django, throwaway_database

setup_django("bench-unit-search-")

from django.db import connection  # noqa: E402

FLOOR_SQL = """
SELECT id, name FROM districts_district
WHERE name_key LIKE %s AND valid_from <= %s AND (valid_to IS NULL OR valid_to >= %s)
ORDER BY "order", name, id LIMIT 21
"""
AS_OF = dt.date(2025, 7, 20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    with throwaway_database():
        from django.test import Client
        from django.urls import reverse

        from core.names import normalize_name
        from disbursement.models import ImportJob
        from districts.models import District
        from tests.factories import UserFactory

        rows = []
        for i in range(args.units):
            rows.append(District(code=f"X{i:06d}", name=f"Phú Hòa {i}", kind="xa", valid_from=dt.date(2025, 7, 1)))
            rows.append(District(code=f"H{i:06d}", name=f"Phú Hòa {i}", kind="huyen", valid_to=dt.date(2025, 6, 30)))
        for unit in rows:
            unit.name_key = normalize_name(unit.name)
            unit.level = District.level_of(unit.kind)
        District.objects.bulk_create(rows, batch_size=5_000)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        candidates = [{"id": rows[0].id or 1, "name": "xã Phú Hòa 0"}]
        job = ImportJob.objects.create(
            file="imports/giai-ngan.xlsx",
            file_name="giai-ngan.xlsx",
            status=ImportJob.Status.FAILED,
            as_of=AS_OF,
            summary={
                "as_of": AS_OF.isoformat(),
                "unknown_names": [
                    {"name": "xã Phú Hoà Mới", "level": "district", "candidates": candidates, "cells": ["B10"]}
                ],
            },
        )
        client = Client()
        client.force_login(UserFactory(is_staff=True, is_superuser=True))
        url = reverse("admin:disbursement_snapshot_import_units", args=[job.pk])
        page_url = reverse("admin:disbursement_snapshot_import_job", args=[job.pk])

        def search(**params):
            def run():
                response = client.get(url, {"level": "district", **params})
                assert response.status_code == 200 and response.json()["results"]

            return run

        def floor():
            with connection.cursor() as cursor:
                cursor.execute(FLOOR_SQL, ["%phu hoa 4999%", AS_OF, AS_OF])
                cursor.fetchall()

        def job_page():
            response = client.get(page_url)
            assert response.status_code == 200
            sizes.append(len(response.content))

        sizes: list[int] = []
        print(f"{connection.vendor}: {args.units} units valid on {AS_OF:%d/%m/%Y}, {args.units} ended before")
        print(f"{'':<34} {'wall ms':>8} {'CPU ms':>8} {'x floor':>8}")
        floor_wall = None
        for name, fn in (
            ("floor (raw SQL, one page)", floor),
            ("search, nothing typed", search(name="0")),
            ("search 'phu hoa' (all match)", search(term="phu hoa")),
            ("search 'Phú Hòa 4999' (11 match)", search(term="Phú Hòa 4999")),
            ("job page", job_page),
        ):
            fn()  # warm-up
            wall, cpu = median(fn, args.repeat)
            floor_wall = floor_wall or wall
            print(f"{name:<34} {wall * 1000:>8.1f} {cpu * 1000:>8.1f} {wall / floor_wall:>8.1f}")
        print(f"job page: {sizes[-1] / 1024:.1f} KiB")


if __name__ == "__main__":
    main()
