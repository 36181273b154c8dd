#!/usr/bin/env python
"""Ledger import at scale (台账导入, issue 15): a 100,000-row .xlsx imported by the
background worker, the progress read as the page reads it, the worker's memory.

    .venv/bin/python bench/ledger_import.py                  # 100,000 rows
    .venv/bin/python bench/ledger_import.py --rows 5000      # a quick look
    .venv/bin/python bench/ledger_import.py --again          # then the same file again

Steps: a scratch SQLite database in a temporary directory (migrate, seed_demo, an
administrator), production settings (DEBUG=0); an .xlsx of N rows in a real
office's shape (openpyxl write-only; one row in 200 wrong on purpose: a bad ID
number, a date that is none, a unit that does not exist); upload and start as
the page does (the task goes to the database queue); `manage.py run_worker
--batch` in its own process runs it. Every second the bench reads the import's
progress from the database and the worker's resident memory (/proc); it prints
the progress at each tenth, the time, rows per second and the worker's peak
memory. With --again the same file is imported a second time (it must add
nothing). Benchmarks print figures; they assert nothing. The scratch
directory is removed at the end unless --keep.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PYTHON = sys.executable

HEADERS = ["编号", "姓名", "身份证号", "联系电话", "信访日期", "信访形式", "问题类别", "问题属地", "责任单位", "诉求内容", "办理结果"]  # fmt: skip
CHANNELS = ["来访", "来信", "电话", "网上信访", "书记市长信箱"]
RESULTS = ["支持", "解释", "不予支持", ""]
TOPICS = [
    ("劳动和社会保障/劳资纠纷/欠薪", "工地老板拖欠我们工资，多次讨要未果"),
    ("农业农村/宅基地", "邻居占用我家宅基地建房，村委会调解不成"),
    ("自然资源/土地征收", "村里征地补偿款一直没有发放到位"),
    ("民政/低保", "家庭困难申请低保，村里评议不公平"),
    ("生态环境/噪声", "附近工厂夜间生产噪音很大，影响休息"),
    ("城乡建设/物业管理", "小区物业收费高、服务差，电梯经常停运"),
]


def env_for(data_dir: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="0",
        SECRET_KEY="bench-" + "x" * 50,
        ALLOWED_HOSTS="127.0.0.1,testserver",
        DATABASE_URL=f"sqlite:///{data_dir}/xinfang.sqlite3",
        DATA_DIR=data_dir,
        LOG_LEVEL="ERROR",
        SECURE_SSL_REDIRECT="0",
    )
    env.setdefault("FIELD_ENCRYPTION_KEYS", "bSQ0tFYQw3lKk2TBSAHyxKcW5Lq3vhv5mD2x2Qm4n8Q=")
    env.setdefault("FIELD_HASH_KEY", "bench-hash-key-" + "y" * 32)
    return env


def id_number(rng: random.Random) -> str:
    from stdnum.cn import ric

    born = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(0, 60 * 365))
    body = f"410481{born:%Y%m%d}{rng.randrange(0, 1000):03d}"
    return body + ric.calc_check_digit(body + "0")  # it reads the first 17 of 18


def write_ledger(path: Path, n: int, places: list[str], units: list[str]) -> float:
    import openpyxl

    rng = random.Random(15)
    started = time.perf_counter()
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("台账")
    ws.append(HEADERS)
    for i in range(1, n + 1):
        category, content = rng.choice(TOPICS)
        day = dt.date(2016, 1, 1) + dt.timedelta(days=rng.randrange(0, 8 * 365))
        row = [
            f"WG-{day.year}-{i:06d}",
            "张王李赵刘陈杨黄"[i % 8] + "某" + str(i % 97),
            id_number(rng),
            f"138{rng.randrange(0, 10**8):08d}",
            dt.datetime(day.year, day.month, day.day),
            rng.choice(CHANNELS),
            category,
            rng.choice(places),
            rng.choice(units),
            content,
            rng.choice(RESULTS),
        ]
        if i % 200 == 0:  # one row in 200 is wrong, as in a real ledger
            bad = (i // 200) % 3
            if bad == 0:
                row[2] = row[2][:-1] + ("0" if row[2][-1] != "0" else "1")
            elif bad == 1:
                row[4] = "2019年13月1日"
            else:
                row[7] = "不存在村"
        ws.append(row)
    wb.save(path)
    return time.perf_counter() - started


def rss_kib(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) of a process in KiB, (0, 0) once it is gone."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0, 0
    vals = {}
    for line in text.splitlines():
        if line.startswith(("VmRSS:", "VmHWM:")):
            key, value = line.split(":")
            vals[key] = int(value.split()[0])
    return vals.get("VmRSS", 0), vals.get("VmHWM", 0)


def run_once(env, path: Path, label: str) -> dict:
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection

    from xinfang.exchange.ledger import services
    from xinfang.exchange.ledger.fields import guess_columns
    from xinfang.exchange.models import LedgerImport

    admin = get_user_model().objects.get(username="bench-admin")
    f = SimpleUploadedFile(path.name, path.read_bytes())
    t0 = time.perf_counter()
    imp = services.ledger_upload(actor=admin, file=f, kind="petitions", source="bench 舞钢市信访局")
    upload_s = time.perf_counter() - t0
    services.ledger_start(
        actor=admin, import_id=imp.pk, columns=guess_columns("petitions", imp.headers)
    )
    connection.close()
    worker = subprocess.Popen(
        [PYTHON, "manage.py", "run_worker", "--batch", "--no-startup-delay"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    started = time.perf_counter()
    next_tenth, samples, peak = 1, [], 0
    while True:
        time.sleep(1)
        rss, hwm = rss_kib(worker.pid)
        peak = max(peak, hwm)
        imp = LedgerImport.objects.get(pk=imp.pk)
        connection.close()
        if rss:
            samples.append((imp.done_rows, rss))
        reached = next_tenth
        while (
            imp.total_rows
            and next_tenth <= 10
            and imp.done_rows >= imp.total_rows * next_tenth / 10
        ):
            next_tenth += 1
        if next_tenth > reached:  # one line however many tenths were passed
            print(
                f"  {label}: {imp.percent:3d}%  {imp.done_rows:>7}/{imp.total_rows} rows  "
                f"{time.perf_counter() - started:7.1f} s  worker RSS {rss / 1024:6.1f} MiB",
                flush=True,
            )
        if imp.state in ("done", "failed") or worker.poll() is not None:
            break
    worker.wait(timeout=120)
    elapsed = time.perf_counter() - started
    imp = LedgerImport.objects.get(pk=imp.pk)
    err = worker.stderr.read().decode(errors="replace").strip()
    if imp.state != "done":
        print(f"  {label}: state {imp.state} {imp.error} {err[-2000:]}")
    return {
        "label": label,
        "state": imp.state,
        "rows": imp.done_rows,
        "created": imp.created_count,
        "skipped": imp.skipped_count,
        "rejected": imp.rejected_count,
        "upload_s": upload_s,
        "run_s": elapsed,
        "rows_per_s": imp.done_rows / elapsed if elapsed else 0,
        "peak_rss_mib": peak / 1024,
        "rss_first_tenth_mib": next((r for d, r in samples if d >= imp.done_rows / 10), 0) / 1024,
        "rss_last_mib": (samples[-1][1] / 1024) if samples else 0,
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--again", action="store_true", help="import the same file a second time")
    ap.add_argument("--keep", action="store_true", help="keep the scratch directory")
    args = ap.parse_args(argv)

    data_dir = tempfile.mkdtemp(prefix="xinfang-ledger-bench-")
    env = env_for(data_dir)
    os.environ.update(env)
    try:
        t0 = time.perf_counter()
        for cmd in (["migrate", "--noinput"], ["seed_demo", "--allow-production"]):
            subprocess.run([PYTHON, "manage.py", *cmd, "-v", "0"], cwd=ROOT, env=env, check=True)
        import django

        django.setup()
        from django.contrib.auth import get_user_model

        from xinfang.orgs.models import Unit, UnitKind

        get_user_model().objects.create_superuser("bench-admin", "", "Bench-Passw0rd-2026")
        villages = Unit.objects.filter(kind=UnitKind.TERRITORIAL, level="village").select_related(
            "parent"
        )
        places = [f"{v.parent.name}/{v.name}" for v in villages]
        units = list(
            Unit.objects.filter(kind=UnitKind.TERRITORIAL, level="township").values_list(
                "name", flat=True
            )
        )
        print(f"scratch database ready in {time.perf_counter() - t0:.1f} s ({data_dir})")

        path = Path(data_dir) / f"ledger-{args.rows}.xlsx"
        gen_s = write_ledger(path, args.rows, places, units)
        print(
            f"ledger written: {args.rows} rows, {path.stat().st_size / 2**20:.1f} MiB, "
            f"{gen_s:.1f} s"
        )
        results = [run_once(env, path, "first import")]
        if args.again:
            results.append(run_once(env, path, "same file again"))
        print()
        for r in results:
            print(
                f"{r['label']}: {r['state']}, {r['rows']} rows in {r['run_s']:.1f} s "
                f"({r['rows_per_s']:.0f} rows/s; upload {r['upload_s']:.1f} s); "
                f"created {r['created']}, already imported {r['skipped']}, "
                f"rejected {r['rejected']}; worker peak RSS {r['peak_rss_mib']:.1f} MiB "
                f"(RSS at a tenth {r['rss_first_tenth_mib']:.1f} MiB, "
                f"at the end {r['rss_last_mib']:.1f} MiB)"
            )
    finally:
        if args.keep:
            print(f"kept: {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
