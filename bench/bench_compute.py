"""Benchmark: recompute one snapshot of a national-scale synthetic data set.

    python bench/bench_compute.py                      # SQLite, in a temporary file
    DATABASE_URL=postgres://u:p@127.0.0.1:55432/giaingan python bench/bench_compute.py

With DATABASE_URL the script creates and then drops the database test_<name> on
that server (like the test runner); it never writes to <name> itself.

Data: --units units (90% investors in the city-assigned stream, 10% districts in
the district-transfer stream), --allocations project allocations (10% revised
mid-year), --snapshots weekly snapshots each listing every project. Reports, for
the snapshot at 1/4, 1/2 and the end of the year: wall time of compute_snapshot
(figures, comparisons, ranks, outlook, flags, stored in one transaction), Python
peak memory (tracemalloc, a separate run), and the time of one hand-written SQL
aggregate over the same rows (lines of the snapshot + allocations in force), the
floor the compute is compared with.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.testdb import setup_django, throwaway_database

setup_django("bench-compute-")

from django.db import connection  # noqa: E402

YEAR = 2024
TRIEU = 10**6

FLOOR_SQL = """
SELECT stream_id, source_id, investor_id, district_id, SUM(d), SUM(p) FROM (
    SELECT l.stream_id, l.source_id, l.investor_id, l.district_id, l.disbursed AS d, 0 AS p
    FROM disbursement_snapshotline l WHERE l.snapshot_id = %s
    UNION ALL
    SELECT a.stream_id, a.source_id, a.investor_id, a.district_id, 0 AS d, r.amount AS p
    FROM disbursement_allocation a JOIN disbursement_allocationrevision r ON r.allocation_id = a.id
    WHERE a.year = %s AND r.id = (
        SELECT r2.id FROM disbursement_allocationrevision r2
        WHERE r2.allocation_id = a.id AND r2.effective_from <= %s
        ORDER BY r2.effective_from DESC, r2.id DESC LIMIT 1
    )
) AS u GROUP BY stream_id, source_id, investor_id, district_id
"""


def _insert(table: str, columns: list[str], rows: list[tuple]) -> None:
    """Bulk insert: COPY on PostgreSQL, executemany elsewhere."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            raw = cursor.cursor
            with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return
    marks = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)


def generate(units: int, allocations: int, snapshots: int, seed: int = 20240720) -> list[int]:
    """Create the synthetic data set; returns the snapshot ids in date order."""
    from django.db import transaction

    from disbursement.models import (
        Allocation,
        BudgetSource,
        CapitalStream,
        CityPlan,
        CityPlanRevision,
        Project,
        Snapshot,
    )
    from districts.models import District
    from investors.models import Investor

    rnd = random.Random(seed)
    nstw = BudgetSource.objects.get(code=BudgetSource.CENTRAL)
    nsdp = BudgetSource.objects.get(code=BudgetSource.LOCAL)
    assigned = CapitalStream.objects.get(code=CapitalStream.CITY_ASSIGNED)
    transfer = CapitalStream.objects.get(code=CapitalStream.DISTRICT_TRANSFER)
    n_districts = max(1, units // 10)
    n_investors = units - n_districts
    with transaction.atomic():
        District.objects.bulk_create(
            [District(code=f"B{i:04d}", name=f"Huyện {i}", kind=District.Kind.RURAL) for i in range(n_districts)]
        )
        Investor.objects.bulk_create(
            [Investor(code=f"B{i:05d}", name=f"Chủ đầu tư {i}", kind="department") for i in range(n_investors)]
        )
        district_ids = list(District.objects.values_list("id", flat=True))
        investor_ids = list(Investor.objects.values_list("id", flat=True))
        unit_of_project = []
        for i in range(allocations):
            if i < n_districts or (i >= units and rnd.random() < 0.1):
                unit_of_project.append((transfer.id, None, district_ids[i % n_districts]))
            else:
                unit_of_project.append((assigned.id, investor_ids[i % n_investors], None))
        Project.objects.bulk_create(
            [
                Project(code=f"P{i:06d}", name=f"Dự án {i}", investor_id=investor_ids[i % n_investors], stream_id=s)
                for i, (s, _, _) in enumerate(unit_of_project)
            ],
            batch_size=5000,
        )
        project_ids = list(Project.objects.order_by("id").values_list("id", flat=True))

        deadline = dt.date(YEAR + 1, 1, 31)
        alloc_rows, plans, sources = [], [], []
        for i, (stream_id, investor_id, district_id) in enumerate(unit_of_project):
            source = nstw if rnd.random() < 0.15 else nsdp
            sources.append(source.id)
            plans.append(rnd.randint(100, 50_000) * TRIEU)
            alloc_rows.append((YEAR, stream_id, source.id, investor_id, district_id, project_ids[i], deadline))
        _insert(
            "disbursement_allocation",
            ["year", "stream_id", "source_id", "investor_id", "district_id", "project_id", "deadline"],
            alloc_rows,
        )
        allocation_ids = list(Allocation.objects.order_by("project_id").values_list("id", flat=True))
        # Plans were recorded weeks before the figures that read them, as in a deployment.
        now = dt.datetime.now(dt.UTC) - dt.timedelta(days=30)
        revisions = []
        for allocation_id, plan in zip(allocation_ids, plans, strict=True):
            revisions.append((allocation_id, plan, dt.date(YEAR, 1, 1), "", now))
            if rnd.random() < 0.1:
                revisions.append((allocation_id, plan * rnd.choice([8, 12]) // 10, dt.date(YEAR, 7, 1), "", now))
        _insert(
            "disbursement_allocationrevision",
            ["allocation_id", "amount", "effective_from", "note", "recorded_at"],
            revisions,
        )
        for level in ("pm", "city"):
            for source in (nstw, nsdp):
                plan = CityPlan.objects.create(year=YEAR, level=level, source=source)
                share = sum(p for p, s in zip(plans, sources, strict=True) if s == source.id)
                CityPlanRevision.objects.create(
                    plan=plan, amount=share if level == "city" else share * 9 // 10, effective_from=dt.date(YEAR, 1, 1)
                )

    # Cumulative disbursement per project: a pace per project, some stall, a few never start.
    pace = [rnd.choice([0.0, 0.005, 0.01, 0.015, 0.02, 0.025]) for _ in plans]
    snapshot_ids = []
    day = dt.date(YEAR, 1, 5)
    for week in range(snapshots):
        with transaction.atomic():
            snap = Snapshot.objects.create(year=YEAR, as_of=day, file_name=f"tuan-{week + 1}.xlsx")
            lines = []
            by_source: dict[int, int] = {}
            for i, (stream_id, investor_id, district_id) in enumerate(unit_of_project):
                amount = min(plans[i], int(plans[i] * pace[i] * (week + 1)) // TRIEU * TRIEU)
                by_source[sources[i]] = by_source.get(sources[i], 0) + amount
                lines.append(
                    (snap.id, stream_id, sources[i], investor_id, district_id, project_ids[i], amount, "", None)
                )
            _insert(
                "disbursement_snapshotline",
                [
                    "snapshot_id",
                    "stream_id",
                    "source_id",
                    "investor_id",
                    "district_id",
                    "project_id",
                    "disbursed",
                    "sheet",
                    "row",
                ],
                lines,
            )
            _insert(
                "disbursement_citydisbursement",
                ["snapshot_id", "source_id", "disbursed"],
                [(snap.id, s, v) for s, v in by_source.items()],
            )
        snapshot_ids.append(snap.id)
        day += dt.timedelta(days=7)
    return snapshot_ids


def floor(snapshot_id: int) -> float:
    from disbursement.models import Snapshot

    as_of = Snapshot.objects.get(pk=snapshot_id).as_of
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(FLOOR_SQL, [snapshot_id, YEAR, as_of])
        cursor.fetchall()
    return time.perf_counter() - start


def timed_compute(snapshot_id: int) -> float:
    from disbursement.figures.services import compute_snapshot

    start = time.perf_counter()
    compute_snapshot(snapshot_id, cascade=False)
    return time.perf_counter() - start


def peak_memory(snapshot_id: int) -> int:
    from disbursement.figures.services import compute_snapshot

    tracemalloc.start()
    compute_snapshot(snapshot_id, cascade=False)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--allocations", type=int, default=50_000)
    parser.add_argument("--snapshots", type=int, default=52)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="print where the last compute spends its time")
    args = parser.parse_args()

    with throwaway_database():
        start = time.perf_counter()
        ids = generate(args.units, args.allocations, args.snapshots)
        from disbursement.models import AllocationRevision, SnapshotLine

        print(
            f"{connection.vendor}: {args.units} units, {args.allocations} allocations "
            f"({AllocationRevision.objects.count()} revisions), {len(ids)} snapshots, "
            f"{SnapshotLine.objects.count()} lines; generated in {time.perf_counter() - start:.1f} s"
        )
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        checkpoints = sorted({max(1, len(ids) // 4), max(1, len(ids) // 2), len(ids)})
        print(f"{'snapshot':>9} {'compute s':>10} {'floor s':>8} {'ratio':>6} {'peak MiB':>9} {'figures':>8}")
        from disbursement.models import Figure, Flag

        for k in checkpoints:
            # The snapshot before is computed first, so comparisons read stored figures as in production.
            if k > 1:
                timed_compute(ids[k - 2])
            timed_compute(ids[k - 1])  # warm-up
            computes = [timed_compute(ids[k - 1]) for _ in range(args.repeat)]
            floors = [floor(ids[k - 1]) for _ in range(args.repeat)]
            peak = peak_memory(ids[k - 1])
            c, f = statistics.median(computes), statistics.median(floors)
            print(
                f"{k:>9} {c:>10.3f} {f:>8.3f} {c / f:>6.1f} {peak / 2**20:>9.1f} "
                f"{Figure.objects.filter(snapshot_id=ids[k - 1]).count():>8}"
            )
        if args.profile:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.runcall(timed_compute, ids[-1])
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
        print(f"open flags at the last snapshot: {Flag.objects.filter(cleared_on__isnull=True).count()}")


if __name__ == "__main__":
    main()
