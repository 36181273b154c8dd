"""Where the time of the citizen's pages goes: the public submission through the
web form (GET the form, POST it: the receipt) and the lookup by query code
(POST the code: the matter), run in-process with Django's test client under
production settings (DEBUG=0) on a scratch SQLite database with the demo data.

Prints, per flow: the mean wall time per round, the number of SQL queries of each
request, and the functions that cost the most (cProfile, cumulative and own
time). For deciding what to change; the rates are measured by the load benches.

    .venv/bin/python bench/profile_public.py [--rounds 200] [--top 25]
"""

import argparse
import cProfile
import io
import os
import pstats
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def setup(data_dir: str, database_url: str | None = None) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="0",
        SECRET_KEY="bench-" + "x" * 50,
        ALLOWED_HOSTS="127.0.0.1,testserver",
        DATABASE_URL=database_url or f"sqlite:///{data_dir}/bench.sqlite3",
        DATA_DIR=data_dir,
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        SECURE_HSTS_SECONDS="0",
        LOG_LEVEL="ERROR",
        BEHIND_PROXY="1",
        FIELD_ENCRYPTION_KEYS="bSQ0tFYQw3lKk2TBSAHyxKcW5Lq3vhv5mD2x2Qm4n8Q=",
        FIELD_HASH_KEY="bench-hash-key-" + "y" * 32,
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("seed_demo", allow_production=True, verbosity=0)
    call_command("seed_demo_petitions", allow_production=True, verbosity=0)


def _field(html: str, name: str) -> str:
    m = re.search(rf'name="{name}" value="([^"]*)"', html)
    return m.group(1) if m else ""


class Flows:
    def __init__(self):
        from django.test import Client

        from xinfang.orgs.demo import TOWNSHIP_A
        from xinfang.orgs.models import Unit
        from xinfang.petitions.models import Category, Petition

        # One client, so one handler: its middleware is loaded once, as in a
        # server process (whitenoise scans the static files when it loads).
        self.client = Client(enforce_csrf_checks=True)
        self.leaf = Category.objects.filter(parent__isnull=False).first().pk
        self.place = Unit.objects.get(code=TOWNSHIP_A + "001").pk
        self.code = Petition.objects.filter(merged_into__isnull=True).first().query_code
        self.n = 0

    def fresh(self):
        """The client as a new citizen: no cookies, an address of their own."""
        self.n += 1
        c = self.client
        c.cookies.clear()
        c.defaults["HTTP_X_FORWARDED_FOR"] = (
            f"10.{self.n // 65536 % 256}.{self.n // 256 % 256}.{self.n % 256}"
        )
        return c

    def submit(self, queries: list | None = None):
        c = self.fresh()
        r = c.get("/public/submit/")
        assert r.status_code == 200, r.status_code
        html = r.content.decode()
        data = {
            "csrfmiddlewaretoken": _field(html, "csrfmiddlewaretoken"),
            "submission_token": _field(html, "submission_token"),
            "who": "person",
            "people_count": "1",
            "purpose": "appeal",
            "category": str(self.leaf),
            "place": str(self.place),
            "summary": "小区物业服务问题",
            "content": "小区物业收费高、服务差，电梯经常停运，多次反映未解决。",
            "request": "请求处理",
            "consent": "on",
            "p-TOTAL_FORMS": "5",
            "p-INITIAL_FORMS": "0",
            "p-MIN_NUM_FORMS": "0",
            "p-MAX_NUM_FORMS": "5",
            "p-0-name": "王五",
            "p-0-phone": f"138{self.n:08d}",
        }
        r = c.post("/public/submit/", data)  # answered with the receipt
        assert r.status_code == 200 and b"data-draft-clear" in r.content, r.content[:2000]

    def track(self):
        c = self.fresh()
        r = c.get("/public/track/")
        html = r.content.decode()
        r = c.post(
            "/public/track/",
            {
                "csrfmiddlewaretoken": _field(html, "csrfmiddlewaretoken"),
                "issued": _field(html, "issued"),
                "code": self.code,
            },
        )
        assert r.status_code == 200 and b'id="timeline"' in r.content, r.content[:3000]


def count_queries(fn) -> list:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    import django.test.client as dc

    original = dc.Client.request

    def request(self, **req):
        with CaptureQueriesContext(connection) as ctx:
            resp = original(self, **req)
        counts.append((req.get("REQUEST_METHOD"), req.get("PATH_INFO"), len(ctx.captured_queries)))
        if os.environ.get("SHOW_SQL"):
            for q in ctx.captured_queries:
                print("   ", q["sql"][:220])
        return resp

    dc.Client.request = request
    try:
        fn()
    finally:
        dc.Client.request = original
    return counts


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--rounds", type=int, default=200)
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--only", choices=["submit", "track"])
    ap.add_argument(
        "--database-url",
        help="an empty PostgreSQL database to use instead of a scratch SQLite file "
        "(createdb it first, e.g. postgres://postgres@127.0.0.1:5432/xf_profile)",
    )
    ap.add_argument(
        "--time-only", action="store_true", help="no profiler: the wall time per round only"
    )
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as data_dir:
        setup(data_dir, args.database_url)
        flows = Flows()
        for name in ("submit", "track"):
            if args.only and name != args.only:
                continue
            fn = getattr(flows, name)
            for _ in range(5):
                fn()  # warm caches, templates, translations
            print(f"== {name}: queries per request", [(m, p, q) for m, p, q in count_queries(fn)])
            prof = cProfile.Profile()
            t0 = time.perf_counter()
            if not args.time_only:
                prof.enable()
            for _ in range(args.rounds):
                fn()
            prof.disable()
            wall = (time.perf_counter() - t0) / args.rounds * 1000
            how = "wall time" if args.time_only else "profiled"
            print(f"== {name}: {wall:.1f} ms per round (in-process, {how})")
            if args.time_only:
                continue
            for key in ("cumulative", "tottime"):
                out = io.StringIO()
                pstats.Stats(prof, stream=out).sort_stats(key).print_stats(args.top)
                print(out.getvalue()[-12000:])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
