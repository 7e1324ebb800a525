"""Benchmark: render one weekly digest for a national-scale number of units.

    python bench/bench_digest.py                       # SQLite, in a temporary file
    DATABASE_URL=postgres://u:p@127.0.0.1:55432/giaingan python bench/bench_digest.py --units 50000

With DATABASE_URL the script creates and then drops the database test_<name> on that server (like the
test runner); it never writes to <name> itself.

Data: bench_compute's generator with --units units (90% investors in the city-assigned stream, 10%
districts in the district-transfer stream), one project each, two weekly snapshots computed by the
real compute (figures, ranks, changes, flags under the default rules). Then, for the week after the
second snapshot, it renders (subject, text, HTML and chart, as a send does) the staff digest and the
digest of one unit head whose unit sits in the middle of the ranking, and prints for each: median wall
and CPU seconds, Python peak memory (tracemalloc, a separate run) and the resident memory the render
added at its peak (Linux). The floor, measured in the same run: one raw SQL read of the same figures
(every unit's figure of the snapshot over all sources, with its name), fetched into Python.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.measure import median, peak
from bench.testdb import setup_django, throwaway_database

setup_django("bench-digest-")

from django.db import connection  # noqa: E402

from bench.bench_compute import generate  # noqa: E402

FLOOR_SQL = """
SELECT f.stream_id, f.investor_id, f.district_id, f.disbursed, f.plan, f.ratio, f.rank, f.rank_of,
       f.change_points, f.rank_change, COALESCE(i.name, d.name)
FROM disbursement_figure f
LEFT JOIN investors_investor i ON i.id = f.investor_id
LEFT JOIN districts_district d ON d.id = f.district_id
WHERE f.snapshot_id = %s AND f.scope IN ('investor', 'district') AND f.source_id IS NULL
ORDER BY f.stream_id, f.rank
"""


def floor(snapshot_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(FLOOR_SQL, [snapshot_id])
        cursor.fetchall()


def _status(field: str) -> int | None:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def _rss_growth(fn) -> int | None:
    """Resident memory `fn` added at its peak: the peak (VmHWM, reset first) less the resident size before."""
    gc.collect()
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")  # resets VmHWM to the current resident size
    except OSError:
        return None
    before = _status("VmRSS")
    fn()
    peak = _status("VmHWM")
    return None if before is None or peak is None else peak - before


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--queries", action="store_true", help="print the slowest queries of each digest")
    args = parser.parse_args()

    with throwaway_database():
        from disbursement.digest.services import render_digest
        from disbursement.figures.services import compute_snapshot
        from disbursement.models import DigestRecipient, Figure, Flag, Snapshot

        start = time.perf_counter()
        ids = generate(args.units, args.units, 2)
        generated = time.perf_counter() - start
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        start = time.perf_counter()
        for snapshot_id in ids:
            compute_snapshot(snapshot_id, cascade=False)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        last = Snapshot.objects.get(pk=ids[-1])
        week = last.as_of + dt.timedelta(days=7 - last.as_of.weekday())
        units = Figure.objects.filter(snapshot=last, scope__in=["investor", "district"], source=None)
        middle = units.filter(scope="investor").order_by("rank", "id")[units.filter(scope="investor").count() // 2]
        staff = DigestRecipient.objects.create(name="Cán bộ theo dõi", email="canbo@example.vn")
        head = DigestRecipient.objects.create(
            name="Thủ trưởng",
            email="thutruong@example.vn",
            kind=DigestRecipient.Kind.UNIT_HEAD,
            investor_id=middle.investor_id,
        )
        print(
            f"{connection.vendor}: {args.units} units, {units.count()} unit figures in the digest's snapshot, "
            f"{Flag.objects.filter(cleared_on__isnull=True).count()} open flags; generated in {generated:.1f} s, "
            f"computed in {time.perf_counter() - start:.1f} s"
        )

        def staff_digest():
            rendered = render_digest(staff, week)
            assert rendered is not None and rendered.snapshot.pk == last.pk
            sizes["staff"] = len(rendered.text) + len(rendered.html) + len(rendered.chart)

        def unit_digest():
            rendered = render_digest(head, week)
            assert rendered is not None and rendered.snapshot.pk == last.pk
            sizes["unit"] = len(rendered.text) + len(rendered.html) + len(rendered.chart)

        sizes: dict[str, int] = {}
        print(f"{'':<22} {'wall s':>8} {'CPU s':>8} {'x floor':>8} {'peak MiB':>9} {'RSS+ MiB':>9} {'KiB out':>8}")
        floor_wall = None
        for name, fn in (
            ("floor (raw SQL read)", lambda: floor(last.pk)),
            ("staff digest", staff_digest),
            ("unit head's digest", unit_digest),
        ):
            fn()  # warm-up
            wall, cpu = median(fn, args.repeat)
            floor_wall = floor_wall or wall  # the first row is the floor
            peak_bytes = peak(fn)
            rss = _rss_growth(fn)
            key = "staff" if name.startswith("staff") else "unit" if name.startswith("unit") else ""
            print(
                f"{name:<22} {wall:>8.3f} {cpu:>8.3f} {wall / floor_wall:>8.1f} {peak_bytes / 2**20:>9.1f} "
                f"{(rss or 0) / 2**20:>9.1f} {sizes.get(key, 0) / 1024:>8.0f}"
            )
            if args.queries and key:
                from django.test.utils import CaptureQueriesContext

                with CaptureQueriesContext(connection) as captured:
                    fn()
                slowest = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))[:6]
                print(f"  {len(captured)} queries; slowest:")
                for query in slowest:
                    print(f"  {float(query['time']):7.3f} s  {query['sql'][:300]}")


if __name__ == "__main__":
    main()
