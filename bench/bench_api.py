"""Benchmark of the rankings endpoint for 1,000 units against gunicorn on loopback.

Not a test: run on demand. It builds a throw-away SQLite database with 1,000
investors in one stream and a computed snapshot, starts gunicorn, and drives
two endpoints of the same stack with the same load in the same run:

- floor: GET /api/v1/health/ (authentication, throttling, middleware, nothing else);
- rankings: GET /api/v1/rankings/?level=investor&page_size=1000 (all 1,000 units).

It prints requests per second, p50 and p99 latency and the error count of
each, and the ratio of the rankings throughput to the floor's. Target: p99
under 100 ms at 100 concurrent clients and at least half the floor's
throughput.

The load generator is wrk when installed (apt-get install wrk), otherwise a
Python one with one keep-alive connection per client thread.

    python bench/bench_api.py [--units 1000] [--connections 100] [--duration 15] [--workers N]
    DATABASE_URL=postgres://USER:PASS@127.0.0.1:5432/NAME python bench/bench_api.py

With a PostgreSQL DATABASE_URL the script creates the database test_NAME on that
server, serves from it and drops it at the end (the role needs CREATEDB); NAME
itself is never written. CACHE_URL, when set, is used by the server as in production.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
TY = 10**9
# Each worker builds and caches a body on its first request to an endpoint; measure after that.
WARM_SECONDS = 5


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def seed(units: int) -> str:
    """Migrate the throw-away database, load `units` investors with plans and a computed snapshot; return a key."""

    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from disbursement.api.keys import create_api_key
    from disbursement.figures.services import compute_snapshot
    from disbursement.models import AllocationRevision, CapitalStream, CityDisbursement, SnapshotLine
    from disbursement.models.plans import Allocation
    from disbursement.models.reference import BudgetSource
    from disbursement.plans.services import revise_city_plan
    from disbursement.snapshots.services import create_snapshot
    from investors.models import Investor

    stream = CapitalStream.objects.get(code="city_assigned")
    nsdp = BudgetSource.objects.get(code="nsdp")
    investors = Investor.objects.bulk_create(
        [
            Investor(code=f"CDT{i:04d}", name=f"Ban Quản lý dự án số {i}", kind="board", name_key=f"ban {i}")
            for i in range(units)
        ]
    )
    allocations = Allocation.objects.bulk_create(
        [
            Allocation(year=2024, stream=stream, source=nsdp, investor=inv, deadline=dt.date(2025, 1, 31))
            for inv in investors
        ]
    )
    AllocationRevision.objects.bulk_create(
        [
            AllocationRevision(allocation=a, amount=(50 + i % 400) * TY, effective_from=dt.date(2024, 1, 1))
            for i, a in enumerate(allocations)
        ]
    )
    revise_city_plan(year=2024, level="city", source=nsdp, amount=units * 300 * TY, effective_from=dt.date(2024, 1, 1))
    snapshot = create_snapshot(year=2024, as_of=dt.date(2024, 7, 20), file_name="bench.xlsx")
    CityDisbursement.objects.create(snapshot=snapshot, source=nsdp, disbursed=units * 100 * TY)
    SnapshotLine.objects.bulk_create(
        [
            SnapshotLine(snapshot=snapshot, stream=stream, source=nsdp, investor=inv, disbursed=(i * 7919 % 300) * TY)
            for i, inv in enumerate(investors)
        ]
    )
    compute_snapshot(snapshot.pk)
    return create_api_key(name="Đo tải", scope="read").plaintext


def wait_until_up(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def check(port: int, path: str, key: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers={"Authorization": f"Api-Key {key}", "Accept-Encoding": "gzip"})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    if response.status != 200:
        raise RuntimeError(f"{path}: HTTP {response.status}: {body[:300]!r}")
    return len(body)


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def run_wrk(url: str, key: str, connections: int, duration: int, threads: int) -> dict:
    out = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{duration}s",
            "--latency",
            "-H",
            f"Authorization: Api-Key {key}",
            "-H",
            "Accept-Encoding: gzip",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = _ms(re.search(r"\s50%\s+(\S+)", out).group(1))
    p99 = _ms(re.search(r"\s99%\s+(\S+)", out).group(1))
    errors = 0
    if m := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        errors += int(m.group(1))
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out):
        errors += sum(int(x) for x in m.groups())
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    return {"rps": rps, "p50": p50, "p99": p99, "errors": errors, "requests": requests}


def run_python(port: int, path: str, key: str, connections: int, duration: int) -> dict:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop = time.monotonic() + duration

    def client():
        nonlocal errors
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, bad = [], 0
        while time.monotonic() < stop:
            start = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Authorization": f"Api-Key {key}", "Accept-Encoding": "gzip"})
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    bad += 1
            except OSError:
                bad += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            mine.append((time.perf_counter() - start) * 1000)
        with lock:
            latencies.extend(mine)
            errors += bad

    began = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - began
    latencies.sort()
    q = statistics.quantiles(latencies, n=100)
    return {"rps": len(latencies) / elapsed, "p50": q[49], "p99": q[98], "errors": errors, "requests": len(latencies)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--connections", type=int, default=100)
    parser.add_argument("--duration", type=int, default=15)
    # One worker per core with a few threads gave the best throughput and the shortest tail on 2 cores.
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--threads", type=int, default=4, help="gthread threads per worker; 1 = sync workers")
    parser.add_argument("--generator", choices=["auto", "wrk", "python"], default="auto")
    args = parser.parse_args()

    var_dir = tempfile.mkdtemp(prefix="giaingan-bench-")
    database_url = os.environ.get("DATABASE_URL", "")
    postgres = database_url.startswith(("postgres://", "postgresql://"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "GIAINGAN_LOCAL": "1",
        "GIAINGAN_VAR_DIR": var_dir,
        "DJANGO_DEBUG": "0",
        "DATABASE_URL": database_url if postgres else f"sqlite:///{var_dir}/bench.sqlite3",
        # The throttle stays in the path; a one-second window keeps its history as short as a real rate would.
        "API_KEY_THROTTLE_RATE": "100000/second",
        "LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection

    old_name = connection.settings_dict["NAME"]
    if postgres:
        connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
        env["DATABASE_URL"] = urlsplit(database_url)._replace(path="/" + connection.settings_dict["NAME"]).geturl()
    print(f"Seeding {args.units} units ({connection.vendor}) ...", flush=True)
    key = seed(args.units)
    connection.close()

    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable, "-m", "gunicorn", "config.wsgi:application",
            "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers),
            "--worker-class", "sync" if args.threads == 1 else "gthread", "--threads", str(args.threads),
            "--keep-alive", "5", "--log-level", "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )  # fmt: skip
    try:
        wait_until_up(port)
        generator = args.generator
        if generator == "auto":
            generator = "wrk" if shutil.which("wrk") else "python"
        floor_path = "/api/v1/health/"
        ranking_path = "/api/v1/rankings/?level=investor&page_size=1000"
        sizes = {path: check(port, path, key) for path in (floor_path, ranking_path)}
        print(
            f"{connection.vendor}; gunicorn: {args.workers} workers x {args.threads} threads; load: {generator}, "
            f"{args.connections} connections, {args.duration} s per endpoint; CPUs: {os.cpu_count()}"
        )
        results = {}
        for name, path in (("floor (health)", floor_path), (f"rankings ({args.units} units)", ranking_path)):
            # Warm every worker (connections, caches) before measuring.
            if generator == "wrk":
                run_wrk(f"http://127.0.0.1:{port}{path}", key, args.connections, WARM_SECONDS, 2)
                results[name] = run_wrk(f"http://127.0.0.1:{port}{path}", key, args.connections, args.duration, 2)
            else:
                run_python(port, path, key, args.connections, WARM_SECONDS)
                results[name] = run_python(port, path, key, args.connections, args.duration)
            results[name]["bytes"] = sizes[path]
        print(f"{'endpoint':<22} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'requests':>9} {'body B':>9}")
        for name, r in results.items():
            print(
                f"{name:<22} {r['rps']:>9.1f} {r['p50']:>8.1f} {r['p99']:>8.1f} {r['errors']:>7} "
                f"{r['requests']:>9} {r['bytes']:>9}"
            )
        floor, ranking = results["floor (health)"], results[f"rankings ({args.units} units)"]
        ratio = ranking["rps"] / floor["rps"]
        print(f"rankings / floor throughput: {ratio:.2f} (target >= 0.50)")
        print(f"rankings p99: {ranking['p99']:.1f} ms (target < 100 ms)")
        ok = ratio >= 0.5 and ranking["p99"] < 100 and ranking["errors"] == 0
        print("target met" if ok else "target NOT met")
        return 0
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        if postgres:
            connection.creation.destroy_test_db(old_name, verbosity=0)
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
