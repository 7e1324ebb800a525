"""Benchmark: import of a large workbook against a bare openpyxl read of the same file.

    python bench/bench_import.py [--rows 50000] [--skip-write] [--repeat 3] [--profile dry|full]
    DATABASE_URL=postgres://u:p@127.0.0.1:55432/giaingan python bench/bench_import.py

Builds a workbook in the sample's layout with ROWS investor rows (NSTW/NSĐP
split, ten columns), in a throw-away database with ROWS investors (SQLite in a
temporary folder, or test_<name> beside the PostgreSQL database of DATABASE_URL,
dropped at the end). Prints, for the same file in the same run:
  - floor: openpyxl read_only load + iterating every row's values;
  - dry run: archive checks, reading, name matching and all checks, no writes;
  - import: the dry run plus writing the snapshot, lines and plan revisions
    (first import: an allocation and a revision per unit and source, with history),
    committed; the recompute it asks for is timed on its own line;
wall and process CPU time (medians of --repeat runs for the floor and the dry run; for the import on a
PostgreSQL server on this machine, also the CPU time its backend used),
peak Python memory (tracemalloc, in a separate pass so it does not slow the timed
one), the resident memory a stage adds (Rust allocations of the reader included,
in a forked process), and each stage's ratio to the floor.
"""

from __future__ import annotations

import argparse
import gc
import io
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.measure import median, peak, timed
from bench.testdb import held_recomputes, setup_django, throwaway_database
from bench.workbooks import add_investors, long_workbook


def _floor(data: bytes) -> int:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    count = 0
    for ws in wb.worksheets:
        for _row in ws.iter_rows(values_only=True):
            count += 1
    wb.close()
    return count


def _import(data: bytes, *, dry_run: bool):
    from disbursement.importing.services import import_workbook

    result = import_workbook(io.BytesIO(data), file_name="bench.xlsx", dry_run=dry_run, confirm_warnings=True)
    assert result.status == ("dry_run" if dry_run else "imported"), [str(e) for e in result.errors[:5]]
    return result


def _rss() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _rss_growth(fn) -> int | None:
    """The resident memory `fn` adds at its peak, measured in a forked child (Linux); None elsewhere.

    Counts what tracemalloc cannot see (the reader's Rust buffers). The child opens its own database
    connection and only reads.
    """
    if not hasattr(os, "fork") or not os.path.exists("/proc/self/statm"):
        return None
    import resource

    from django.db import connections

    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - child
        try:
            os.close(read)
            for conn in connections.all(initialized_only=True):
                conn.connection = None  # the parent's; a new one is opened here
            gc.collect()
            base = _rss()
            fn()
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
            os.write(write, str(max(0, peak - base)).encode())
        finally:
            os._exit(0)
    os.close(write)
    answer = os.read(read, 64)
    os.close(read)
    os.waitpid(pid, 0)
    return int(answer) if answer else None


def _server_cpu() -> float | None:
    """CPU seconds the PostgreSQL backend serving this connection has used, when it runs on this machine (Linux);
    None otherwise. The import's CPU column counts Python's only: this is the database's work beside it."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _mb(value: int | None) -> str:
    return "" if value is None else f"{value / 1e6:.1f}"


def _x(value: float | None, floor: float | None) -> str:
    return "" if value is None or not floor else f"{value / floor:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of the floor and the dry run (median)")
    parser.add_argument("--skip-write", action="store_true", help="Only the floor and the dry run.")
    parser.add_argument("--profile", choices=["dry", "full"], help="print where that stage spends its time")
    args = parser.parse_args()
    setup_django("bench-import-")
    with throwaway_database():
        _run(args)


def _run(args) -> None:
    from django.db import connection
    from django.test.utils import override_settings

    data = long_workbook(args.rows)
    add_investors(args.rows)
    # The recompute an import asks for runs in a worker: keep the request, and time it on its own line.
    requests = held_recomputes()
    print(f"{connection.vendor}: workbook of {args.rows:,} unit rows, {len(data) / 1e6:.1f} MB")
    with override_settings(IMPORT_MAX_FILE_BYTES=10**9, IMPORT_MAX_UNCOMPRESSED_BYTES=10**10):
        _floor(data)  # warm-up
        floor = median(lambda: _floor(data), args.repeat)
        dry = median(lambda: _import(data, dry_run=True), args.repeat)
        floor_mem, dry_mem = peak(lambda: _floor(data)), peak(lambda: _import(data, dry_run=True))
        floor_rss, dry_rss = _rss_growth(lambda: _floor(data)), _rss_growth(lambda: _import(data, dry_run=True))
        print(f"{'stage':<36}{'wall s':>8}{'x':>6}{'cpu s':>8}{'x':>6}{'py peak MB':>11}{'x':>6}{'+RSS MB':>9}{'x':>6}")

        def line(label, timing, mem=None, rss=None):
            print(
                f"{label:<36}{timing[0]:>8.2f}{_x(timing[0], floor[0]):>6}{timing[1]:>8.2f}{_x(timing[1], floor[1]):>6}"
                f"{_mb(mem):>11}{_x(mem, floor_mem):>6}{_mb(rss):>9}{_x(rss, floor_rss):>6}"
            )

        line("openpyxl read-only read (floor)", floor, floor_mem, floor_rss)
        line("import --dry-run (read + checks)", dry, dry_mem, dry_rss)
        if args.profile:
            import cProfile
            import pstats

            from django.db import transaction

            def profiled():
                with transaction.atomic():
                    _import(data, dry_run=args.profile == "dry")
                    transaction.set_rollback(True)

            profiler = cProfile.Profile()
            profiler.runcall(profiled)
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)

        if not args.skip_write:
            from django.db import transaction

            from disbursement.figures.tasks import recompute_from_task

            def rolled_back_import():
                with transaction.atomic():
                    _import(data, dry_run=False)
                    transaction.set_rollback(True)

            full_mem = peak(rolled_back_import)
            server = _server_cpu()
            full = timed(lambda: _import(data, dry_run=False))
            line("import (checks + write, committed)", full, full_mem)
            if server is not None:
                used = _server_cpu() - server
                print(f"{'import: the PostgreSQL backend':<36}{'':>14}{used:>8.2f}{_x(used, floor[1]):>6}")
            compute = timed(lambda: [recompute_from_task(y, d.isoformat()) for y, d in requests])
            line("recompute it asks for (worker)", compute)


if __name__ == "__main__":
    main()
