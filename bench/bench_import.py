"""Benchmark: import of a large workbook against a bare openpyxl read of the same file.

    /work/main/.venv/bin/python bench/bench_import.py [--rows 50000] [--skip-write]

Builds a workbook in the sample's layout with ROWS investor rows (NSTW/NSĐP
split, ten columns), in a throw-away SQLite database with ROWS investors.
Prints, for the same file in the same run:
  - floor: openpyxl read_only load + iterating every row's values;
  - dry run: archive checks, parsing, name matching and all checks, no writes;
  - import: the dry run plus writing the snapshot, lines and plan revisions;
time and peak Python memory (tracemalloc, measured in a separate pass so it
does not slow the timed one), and each stage's ratio to the floor.
"""

from __future__ import annotations

import argparse
import gc
import io
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _setup_django(var_dir: str) -> None:
    os.environ["GIAINGAN_VAR_DIR"] = var_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("GIAINGAN_LOCAL", "1")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _build(rows: int) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Giai ngan 20.7.2024")
    ws.append(["ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG"])
    ws.append(["BIỂU TỔNG HỢP TÌNH HÌNH GIẢI NGÂN KẾ HOẠCH VỐN ĐẦU TƯ CÔNG NĂM 2024"])
    ws.append(["(Số liệu tính đến hết ngày 20/7/2024)"])
    ws.append(["Đơn vị tính: triệu đồng"])
    ws.append([])
    ws.append(
        [
            "STT",
            "Chủ đầu tư / Đơn vị",
            "Kế hoạch vốn năm 2024",
            None,
            None,
            "Giải ngân từ 01/01/2024 đến 20/7/2024",
            None,
            None,
            "Tỷ lệ giải ngân (%)",
            "Ghi chú",
        ]
    )
    ws.append(
        [None, None, "Tổng số", "Trong đó: NSTW", "Trong đó: NSĐP", "Tổng số", "Trong đó: NSTW", "Trong đó: NSĐP"]
    )
    ws.append([f"({i})" for i in range(1, 11)])
    data = []
    for i in range(rows):
        nstw, nsdp = (i % 7) * 1000, 5000 + i % 9973
        d_nstw, d_nsdp = nstw // 3, nsdp // 2
        data.append((i + 1, f"Ban quản lý dự án số {i + 1}", nstw + nsdp, nstw, nsdp, d_nstw + d_nsdp, d_nstw, d_nsdp))
    totals = [sum(r[k] for r in data) for k in range(2, 8)]
    ws.append(
        ["A", "DỰ ÁN DO ỦY BAN NHÂN DÂN THÀNH PHỐ GIAO KẾ HOẠCH VỐN", *totals, round(totals[3] * 100 / totals[0], 2)]
    )
    for r in data:
        ws.append([*r, round(r[5] * 100 / r[2], 2)])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _investors(rows: int) -> None:
    from core.names import normalize_name
    from investors.models import Investor

    objs = []
    for i in range(rows):
        name = f"Ban quản lý dự án số {i + 1}"
        objs.append(Investor(code=f"B{i + 1}", name=name, kind="board", name_key=normalize_name(name)))
    Investor.objects.bulk_create(objs, batch_size=5000)


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


def _timed(fn):
    gc.collect()
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _peak(fn) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--skip-write", action="store_true", help="Only the floor and the dry run.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as var_dir:
        _setup_django(var_dir)
        from django.test.utils import override_settings

        data = _build(args.rows)
        _investors(args.rows)
        print(f"Workbook: {args.rows:,} unit rows, {len(data) / 1e6:.1f} MB")
        with override_settings(IMPORT_MAX_FILE_BYTES=10**9, IMPORT_MAX_UNCOMPRESSED_BYTES=10**10):
            floor_rows = _floor(data)
            floor = _timed(lambda: _floor(data))
            dry = _timed(lambda: _import(data, dry_run=True))
            floor_mem = _peak(lambda: _floor(data))
            dry_mem = _peak(lambda: _import(data, dry_run=True))
            print(f"{'stage':<34}{'seconds':>10}{'x floor':>9}{'peak MB':>10}{'x floor':>9}")
            print(f"{'openpyxl read-only read (floor)':<34}{floor:>10.2f}{1:>9.2f}{floor_mem / 1e6:>10.1f}{1:>9.2f}")
            print(
                f"{'import --dry-run (parse + checks)':<34}{dry:>10.2f}{dry / floor:>9.2f}"
                f"{dry_mem / 1e6:>10.1f}{dry_mem / floor_mem:>9.2f}"
            )
            if not args.skip_write:
                from config.celery import app
                from disbursement.figures.services import compute_snapshot
                from disbursement.models import Snapshot

                # The compute job runs in a worker in production: queue it (in memory) instead of running it here,
                # and time it on its own line.
                app.conf.task_always_eager = False
                full = _timed(lambda: _import(data, dry_run=False))
                print(f"{'import (checks + write)':<34}{full:>10.2f}{full / floor:>9.2f}{'':>10}{'':>9}")
                snapshot_id = Snapshot.objects.get().id
                compute = _timed(lambda: compute_snapshot(snapshot_id))
                print(f"{'compute job afterwards':<34}{compute:>10.2f}{compute / floor:>9.2f}{'':>10}{'':>9}")
        print(f"rows read by the floor: {floor_rows:,}")
        try:
            import resource

            print(f"process peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
        except ImportError:
            pass


if __name__ == "__main__":
    main()
