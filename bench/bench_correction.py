"""Benchmark: a one-unit correction landing on a national-scale date, against a full recompute of that date.

    python bench/bench_correction.py                   # SQLite, in a temporary file
    DATABASE_URL=postgres://u:p@127.0.0.1:55432/giaingan python bench/bench_correction.py

Data: the compute bench's data set (bench_compute.generate: --units units, --allocations
project allocations, --snapshots weekly snapshots each listing every project). The last two
dates are computed, as in production. Then, alternately, --repeat times:
  - full: compute_snapshot of the last date's current version, from its lines;
  - correction: import_workbook of a one-row workbook correcting one investor on the last date
    (read, checked, written as a new version that shares every other line), then the recompute
    the import requests after commit (recompute_from_task, as the worker runs it).
Prints the medians, the correction's parts, and correction / full. After the last correction,
checks that its figures and flags are those a full compute of the same version gives.

With DATABASE_URL the script creates and then drops the database test_<name> on that server;
it never writes to <name> itself.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.testdb import held_recomputes, setup_django, throwaway_database

setup_django("bench-correction-")

from django.db import connection  # noqa: E402

from bench.bench_compute import TRIEU, YEAR, generate  # noqa: E402

SHEET_TITLE = "BIỂU TỔNG HỢP TÌNH HÌNH GIẢI NGÂN KẾ HOẠCH VỐN ĐẦU TƯ CÔNG NĂM 2024"
SECTION = "DỰ ÁN DO ỦY BAN NHÂN DÂN THÀNH PHỐ GIAO KẾ HOẠCH VỐN"


def correction_workbook(name: str, as_of: dt.date, nstw: int, nsdp: int) -> bytes:
    """One investor's corrected cumulative disbursement (triệu đồng), split by source, plan not restated."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Sua so lieu"
    ws.append([SHEET_TITLE])
    ws.append([f"(Số liệu tính đến hết ngày {as_of.day}/{as_of.month}/{as_of.year})"])
    ws.append(["Đơn vị tính: triệu đồng"])
    ws.append([])
    ws.append(
        [
            "STT",
            "Chủ đầu tư / Đơn vị",
            f"Kế hoạch vốn năm {as_of.year}",
            None,
            None,
            f"Giải ngân từ 01/01/{as_of.year} đến {as_of:%d/%m/%Y}",
            None,
            None,
        ]
    )
    ws.append([None, None, *["Tổng số", "Trong đó: NSTW", "Trong đó: NSĐP"] * 2])
    ws.merge_cells("C5:E5")
    ws.merge_cells("F5:H5")
    # The plan cells are left empty: a correction of the amounts disbursed restates no plan.
    ws.append(["A", SECTION, None, None, None, nstw + nsdp, nstw, nsdp])
    ws.append([1, name, None, None, None, nstw + nsdp, nstw, nsdp])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


class Parts:
    """Wall and CPU time spent in chosen functions during each correction."""

    def __init__(self):
        self.runs: list[dict[str, list[float]]] = []
        self.labels: list[str] = []
        self.incremental = 0
        self.active = False

    def watch(self, module, name: str, label: str | None) -> None:
        original = getattr(module, name)

        def timed(*args, **kwargs):
            t0, c0 = time.perf_counter(), time.process_time()
            try:
                result = original(*args, **kwargs)
            finally:
                if self.active and label is not None:
                    spent = self.runs[-1].setdefault(label, [0.0, 0.0])
                    spent[0] += time.perf_counter() - t0
                    spent[1] += time.process_time() - c0
            if self.active and name == "patch_from_base" and result is not None:
                self.incremental += 1
            return result

        if label is not None:
            self.labels.append(label)
        setattr(module, name, timed)

    def start(self) -> None:
        self.runs.append({})
        self.active = True

    def stop(self) -> None:
        self.active = False

    def medians(self) -> list[tuple[str, tuple[float, float]]]:
        return [
            (
                label,
                (
                    statistics.median(run.get(label, [0.0, 0.0])[0] for run in self.runs),
                    statistics.median(run.get(label, [0.0, 0.0])[1] for run in self.runs),
                ),
            )
            for label in self.labels
        ]


def figure_rows(snapshot_id: int) -> list[tuple]:
    from disbursement.models import Figure, Snapshot

    # What a reader sees: every figure the version reads, without ids and where each is stored.
    fields = [f.attname for f in Figure._meta.concrete_fields if f.attname not in ("id", "snapshot_id", "until_id")]
    snapshot = Snapshot.objects.get(pk=snapshot_id)
    return sorted(
        Figure.objects.of(snapshot).values_list(*fields, "stream_average"),
        key=lambda row: tuple((v is None, str(v)) for v in row),
    )


def flag_rows(year: int) -> list[tuple]:
    from disbursement.models import Flag

    fields = [f.attname for f in Flag._meta.concrete_fields if f.attname not in ("id", "created_at")]
    return sorted(
        Flag.objects.filter(year=year).values_list(*fields), key=lambda row: tuple((v is None, str(v)) for v in row)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--allocations", type=int, default=50_000)
    parser.add_argument("--snapshots", type=int, default=52)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="print where one more correction spends its time")
    parser.add_argument(
        "--sqlite-cache-mib", type=int, help="SQLite page cache of the connection (default: SQLite's 2 MiB)"
    )
    args = parser.parse_args()

    with throwaway_database():
        run(args)


def run(args) -> None:
    from disbursement.figures import corrections, services
    from disbursement.figures.services import compute_snapshot
    from disbursement.figures.tasks import recompute_from_task
    from disbursement.importing import writing
    from disbursement.importing.services import import_workbook
    from disbursement.models import Figure, Snapshot, SnapshotLine
    from investors.models import Investor

    start = time.perf_counter()
    ids = generate(args.units, args.allocations, args.snapshots)
    print(
        f"{connection.vendor}: {args.units} units, {args.allocations} allocations, {len(ids)} snapshots, "
        f"{SnapshotLine.objects.filter(snapshot_id=ids[-1]).count():,} lines on the last date; "
        f"generated in {time.perf_counter() - start:.0f} s"
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    if connection.vendor == "sqlite" and args.sqlite_cache_mib:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = -{args.sqlite_cache_mib * 1024}")
    for snapshot_id in ids[-2:]:
        compute_snapshot(snapshot_id, cascade=False)
    last = Snapshot.objects.get(pk=ids[-1])
    investor = Investor.objects.order_by("id")[7]
    amounts = {}
    for code, disbursed in SnapshotLine.objects.filter(snapshot=last, investor=investor).values_list(
        "source__code", "disbursed"
    ):
        amounts[code] = amounts.get(code, 0) + disbursed
    requests = held_recomputes()
    parts = Parts()
    parts.watch(writing, "end_replaced_lines", "lines the file restates, ended")
    parts.watch(corrections, "incremental_base", "compute: is the superseded version a base")
    parts.watch(corrections, "patch_from_base", "compute: the figures the file moves, built")
    parts.watch(services, "_store_patch", "compute: those figures stored")
    parts.watch(services, "_judged_figures", "compute: figures to judge, read")
    parts.watch(services, "evaluate_flags", "compute: flags")
    parts.watch(corrections, "inputs_from_base", "compute (other files): inputs from the base")
    parts.watch(services, "build_figures", "compute (other files): every figure built")
    # Where a database checks deferred foreign keys (PostgreSQL) and writes its journal (SQLite).
    parts.watch(connection, "commit", "commits (import's and compute's)")

    def full() -> tuple[float, float]:
        current = Snapshot.objects.current().get(year=YEAR, as_of=last.as_of)
        t0, c0 = time.perf_counter(), time.process_time()
        compute_snapshot(current.id, cascade=False, incremental=False)
        return time.perf_counter() - t0, time.process_time() - c0

    def correction(step: int, *, incremental: bool = True) -> tuple[tuple[float, float], tuple[float, float]]:
        # Each correction adds a little more, so that no two files are the same (a same file is a no-op).
        nstw = amounts.get("nstw", 0) // TRIEU + step
        nsdp = amounts.get("nsdp", 0) // TRIEU + 10 * step
        data = correction_workbook(investor.name, last.as_of, nstw, nsdp)
        requests.clear()
        t0, c0 = time.perf_counter(), time.process_time()
        result = import_workbook(io.BytesIO(data), file_name=f"sua-{step}.xlsx", confirm_warnings=True)
        t1, c1 = time.perf_counter(), time.process_time()
        assert result.status == "imported", [str(e) for e in result.errors + result.to_confirm]
        for year, from_date in requests:
            if incremental:
                recompute_from_task(year, from_date.isoformat())
            else:
                services.recompute_year(year, from_date=from_date)
        return (t1 - t0, c1 - c0), (time.perf_counter() - t1, time.process_time() - c1)

    full()  # warm-up
    correction(1)
    fulls, imports, computes, in_full = [], [], [], []
    for step in range(2, 2 * args.repeat + 2, 2):
        fulls.append(full())
        parts.start()
        applied, recomputed = correction(step)
        parts.stop()
        imports.append(applied)
        computes.append(recomputed)
        # The same kind of correction, its version computed from all its lines instead.
        in_full.append(correction(step + 1, incremental=False)[1])
    totals = [(a[0] + b[0], a[1] + b[1]) for a, b in zip(imports, computes, strict=True)]

    def median(pairs: list[tuple[float, float]]) -> tuple[float, float]:
        return statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs)

    # Wall time is what a user waits for; on SQLite the process CPU time also counts the database's work
    # and is steadier on a shared machine (on PostgreSQL the server's work is not in it).
    print(f"{'':<44}{'wall s':>9}{'cpu s':>9}")
    for label, pairs in [
        ("full recompute of the date", fulls),
        ("correction: import (read, check, write)", imports),
        ("correction: recompute it requests", computes),
        ("  (the same, computed from all the lines)", in_full),
        ("correction: applied + recomputed", totals),
    ]:
        wall, cpu = median(pairs)
        print(f"{label:<44}{wall:>9.3f}{cpu:>9.3f}")
    (fw, fc), (cw, cc) = median(fulls), median(totals)
    print(f"{'ratio correction / full (target <= 0.100)':<44}{cw / fw:>9.3f}{cc / fc:>9.3f}")
    print("of the correction:")
    for label, (wall, cpu) in parts.medians():
        print(f"  {label:<42}{wall:>9.3f}{cpu:>9.3f}")
    print(f"built from the figures the file moves: {parts.incremental} of {args.repeat} corrections")

    current = Snapshot.objects.current().get(year=YEAR, as_of=last.as_of)
    incremental = (figure_rows(current.id), flag_rows(YEAR))
    compute_snapshot(current.id, cascade=False, incremental=False)
    assert (figure_rows(current.id), flag_rows(YEAR)) == incremental, (
        "the correction's figures differ from a full compute"
    )
    print(
        f"figures after the correction: {Figure.objects.filter(snapshot=current).count():,}, "
        "the same as a full compute of that version"
    )
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.runcall(correction, args.repeat + 2)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)


if __name__ == "__main__":
    main()
