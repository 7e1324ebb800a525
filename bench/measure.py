"""Time and memory of one call, measured the same way by every bench script."""

from __future__ import annotations

import gc
import statistics
import time
import tracemalloc


def timed(fn) -> tuple[float, float]:
    """(wall, process CPU) seconds; on SQLite the CPU time includes the database's work."""
    gc.collect()
    start, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - start, time.process_time() - cpu


def median(fn, repeat: int) -> tuple[float, float]:
    """Median wall and CPU seconds over `repeat` runs."""
    runs = [timed(fn) for _ in range(repeat)]
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


def peak(fn) -> int:
    """Python's peak allocation during `fn`, in bytes (tracemalloc: run apart from the timed runs)."""
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
