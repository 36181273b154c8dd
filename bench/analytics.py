#!/usr/bin/env python
"""Speed of the dashboards (形势网上判) at scale: the city leader's and a township's.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/xinfang_bench_analytics \\
        .venv/bin/python bench/analytics.py --matters 1000000          # builds if needed
    .venv/bin/python bench/analytics.py --reuse --skip-rebuild         # measure again

Steps: the scratch database of bench/petitions.py (its generator: N matters in the
shape of a real office, by COPY; `--reuse` keeps a built one), migrate, the
summaries rebuilt (`analytics_rebuild`, timed), gunicorn with production settings
(DEBUG=0) as bench/petitions.py serves it, a logged-in session each for the
city's leader (孙国庆, the demo's `leader`) and a leader of 八台镇, then each
dashboard page (HTML, this year, default league table) requested by one client
for --duration seconds after a warm-up; p50/p95/max and requests per second
printed, and a JSON copy in bench/results/. Each phase first waits (at most
--max-wait seconds) for the machine to be idle and prints the load it saw
(the machine is shared); it asserts nothing (docs/benchmarks.md has results).

Only 127.0.0.1 is contacted. The database is kept (drop it by hand).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import petitions as base  # noqa: E402

PG_URL = "postgres://postgres@127.0.0.1:5432/xinfang_bench_analytics"
TOWNSHIP = "410481102"  # 八台镇 (orgs.demo.TOWNSHIP_A), a middling township in the generator


def build_if_needed(args, db_url: str) -> None:
    """bench/petitions.py builds the matters (and keeps the database)."""
    cmd = [sys.executable, str(ROOT / "bench/petitions.py"), "--db", "pg"]
    cmd += ["--matters", str(args.matters), "--keep", "--no-load", "--no-explain"]
    if args.reuse:
        cmd.append("--reuse")
    env = dict(os.environ, BENCH_DATABASE_URL=db_url)
    subprocess.run(cmd, check=True, env=env, cwd=ROOT)


def township_leader() -> str:
    from xinfang.orgs import services as org_services
    from xinfang.orgs.models import Membership, Unit

    name = "bench-township-leader"
    township = Unit.objects.get(code=TOWNSHIP)
    if not Membership.objects.filter(user__username=name).exists():
        user = org_services.user_create(
            username=name, password="Bench-Passw0rd-2026", full_name="八台镇领导"
        )
        org_services.membership_add(user=user, unit=township, role="leader", is_primary=True)
    return name


def measure(port: int, path: str, cookie: str, duration: float, meter) -> dict:
    conn = base.Conn(port)
    headers = {"Cookie": f"sessionid={cookie}", "Accept": "text/html"}
    status, _t, body = conn.request("GET", path, headers=headers)
    if status != 200:
        sys.exit(f"{path}: HTTP {status}\n{body[:500]!r}")
    for _i in range(3):  # warm-up: connections, caches
        conn.request("GET", path, headers=headers)
    times, errors = [], 0
    meter.start()
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < duration:
        status, t, _body = conn.request("GET", path, headers=headers)
        if status == 200:
            times.append(t)
        else:
            errors += 1
    cpu = meter.stop()
    elapsed = time.perf_counter() - t0
    times.sort()
    return {
        "requests": len(times),
        "errors": errors,
        "rps": round(len(times) / elapsed, 1),
        "p50_ms": round(statistics.median(times) * 1000, 1),
        "p95_ms": round(base.percentile(times, 95) * 1000, 1),
        "max_ms": round(times[-1] * 1000, 1),
        "bytes": len(body),
        **cpu,
    }


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--matters", type=int, default=1_000_000)
    ap.add_argument("--reuse", action="store_true", help="use the kept database as it is")
    ap.add_argument("--skip-rebuild", action="store_true", help="keep the summaries")
    ap.add_argument("--duration", type=float, default=20, help="seconds per dashboard")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--max-wait", type=float, default=120, help="cap on waiting for idle")
    args = ap.parse_args(argv)

    db_url = os.environ.get("BENCH_DATABASE_URL", PG_URL)
    if not args.reuse:
        build_if_needed(args, db_url)
    env = base.server_env(db_url, tempfile.mkdtemp(prefix="xinfang-bench-"))
    os.environ.update(env)
    print(f"== Xinfang analytics bench: dashboards on {db_url} ==")
    print(f"machine: {base.machine()}")
    print(f"code: {base.code_version()}")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from xinfang.analytics.models import MatterFact, Summary
    from xinfang.petitions.models import Petition

    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)  # DEBUG=0: the manifest
    report: dict = {"code": base.code_version(), "machine": base.machine(), "db": db_url}
    with connection.cursor() as cur:
        cur.execute("SELECT version()")
        report["server"] = cur.fetchone()[0]
        cur.execute("DELETE FROM core_ratebucket")
    report["matters"] = Petition.objects.count()
    print(f"matters: {report['matters']:,}")
    if not args.skip_rebuild or not MatterFact.objects.exists():
        t0 = time.perf_counter()
        call_command("analytics_rebuild", verbosity=1)
        report["rebuild_s"] = round(time.perf_counter() - t0, 1)
        with connection.cursor() as cur:
            for model in (MatterFact, Summary):
                cur.execute(f'VACUUM (ANALYZE) "{model._meta.db_table}"')
    report["facts"] = MatterFact.objects.count()
    report["summary_rows"] = Summary.objects.count()
    print(f"summaries: {report['facts']:,} facts, {report['summary_rows']:,} summary rows")
    sessions = {
        "city": base.session_for("leader"),
        "township": base.session_for(township_leader()),
    }
    paths = {"city": "/analytics/", "township": "/analytics/"}
    connection.close()

    port = base.free_port()
    proc, _cmd = base.start_gunicorn(env, port, args.workers, 1, "")
    meter = base.CpuMeter([f"127.0.0.1:{port}".encode(), b"postgres"])
    report["dashboards"] = {}
    try:
        for name in ("city", "township"):
            waited = meter.wait_quiet(limit=0.3, max_wait=args.max_wait)
            load = loadavg()
            r = measure(port, paths[name], sessions[name], args.duration, meter)
            r.update(waited_s=round(waited, 1), loadavg_before=load, loadavg_after=loadavg())
            report["dashboards"][name] = r
            print(
                f"{name:9} dashboard: p50 {r['p50_ms']:7.1f} ms  p95 {r['p95_ms']:7.1f} ms  "
                f"max {r['max_ms']:7.1f} ms  {r['rps']:5.1f} req/s  ({r['requests']} requests, "
                f"{r['errors']} errors; waited {r['waited_s']} s for idle; load {load}; "
                f"CPU others {r['cpu_others']} + {r['cpu_unattributed']} cores)"
            )
    finally:
        base.stop(proc)
    out = ROOT / "bench/results"
    out.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = out / f"analytics-{report['matters']}-{stamp}.json"
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str))
    print(f"results: {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
