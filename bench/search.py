#!/usr/bin/env python
"""Speed of the staff search at scale (issue 16): p50/p95 of a two-word Chinese
query through the real page and API, logged in, at 1 client, on PostgreSQL.

    # build 1M matters once (bench/petitions.py), in a database of your own:
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/xinfang_bench_search \\
        .venv/bin/python bench/petitions.py --db pg --matters 1000000 --keep --no-load
    # then index them and measure:
    BENCH_DATABASE_URL=... .venv/bin/python bench/search.py --requests 200

Steps: migrate the kept database (the search tables); index every matter that has
no entry yet, as `search_rebuild` would (the same text, the same jieba tokens),
but in batches written with COPY, the GIN index dropped during the load and made
again after it (a line of text is segmented once and remembered: the generator
repeats its sentences, and jieba cuts at every line break, so a cached line
gives the very tokens of the whole); VACUUM ANALYZE; then GET /search/?q= and
/api/v1/search?q= through Django's test client (the real URLconf, middleware,
views, templates and SQL; no network) logged in as the petition office's
dispatcher (who sees every matter: the widest visibility) and as a township's
handler. Prints the figures, the machine's load average and the query plan.
Only 127.0.0.1 is contacted; the database is kept.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
_spec = importlib.util.spec_from_file_location("bench_petitions", ROOT / "bench" / "petitions.py")
bp = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bp)

PG_URL = "postgres://postgres@127.0.0.1:5432/xinfang_bench"
QUERIES = ["拖欠 工资", "物业 电梯"]


def load() -> str:
    return "load average " + " ".join(Path("/proc/loadavg").read_text().split()[:3])


def index_all(batch: int) -> dict:
    """Index the matters without an entry: COPY in batches, the GIN index rebuilt after."""
    from django.db import connection
    from django.utils import timezone

    from xinfang.search import segment
    from xinfang.search.index import _join

    with connection.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM search_searchentry WHERE kind = 'petition'")
        have = cur.fetchone()[0]
        cur.execute("SELECT COUNT(*) FROM petitions_petition")
        total = cur.fetchone()[0]
    if have >= total:
        return {"indexed": 0, "seconds": 0.0, "entries": have}
    started = time.perf_counter()
    cache: dict[str, str] = {}

    def tokens(line: str) -> str:
        got = cache.get(line)
        if got is None:
            got = " ".join(segment.index_tokens(line))
            if len(cache) < 500_000:
                cache[line] = got
        return got

    now = timezone.now()
    raw = connection.connection  # psycopg 3
    with connection.cursor() as cur:
        cur.execute("DROP INDEX IF EXISTS search_entry_tsv")
        cur.execute("DROP INDEX IF EXISTS search_entry_units_tsv")
    done, last = 0, 0
    with raw.cursor() as read:
        while True:
            # Matters without an entry, in id order; the answers' texts (events) are
            # few in the generator and are indexed the same way.
            read.execute(
                "SELECT p.id, p.summary, p.content, p.request, "
                # The reach units, as index.reach_units writes them (migration 0004).
                "ARRAY(SELECT DISTINCT u::text FROM unnest(ARRAY[p.place_id, "
                "p.registering_unit_id, p.office_id, p.responsible_unit_id, p.review_unit_id, "
                "p.re_review_unit_id] || ARRAY(SELECT a.unit_id FROM "
                "petitions_petition_assisting_units a WHERE a.petition_id = p.id)) u "
                "WHERE u IS NOT NULL ORDER BY 1) FROM petitions_petition p "
                "WHERE p.id > %s AND NOT EXISTS (SELECT 1 FROM search_searchentry e "
                "WHERE e.kind = 'petition' AND e.object_id = p.id) ORDER BY p.id LIMIT %s",
                [last, batch],
            )
            rows = read.fetchall()
            if not rows:
                break
            ids = [r[0] for r in rows]
            read.execute(
                "SELECT petition_id, public_text, data->>'facts' FROM petitions_petitionevent "
                "WHERE petition_id = ANY(%s) AND action IN ('reply','review_reply','re_review_reply') "
                "ORDER BY at",
                [ids],
            )
            said: dict[int, list[str]] = {}
            for pid, text, facts in read.fetchall():
                said.setdefault(pid, []).append(_join(text, facts))
            # Segment first: the tokenizer reads its dictionary's signature through
            # the same connection, which must not be inside a COPY then.
            out = []
            for pid, summary, content, request, units in rows:
                body = _join(summary, content, request, *said.get(pid, []))
                toks = " ".join(t for line in body.split("\n") if (t := tokens(line)))
                digest = hashlib.sha256(body.encode()).hexdigest()
                out.append(("petition", pid, body, toks, digest, json.dumps(units), now))
            sql = (
                "COPY search_searchentry (kind, object_id, body, tokens, digest, units, updated_at) "
                "FROM STDIN"
            )
            with raw.cursor() as w, w.copy(sql) as copy:
                for row in out:
                    copy.write_row(row)
            raw.commit()
            done += len(rows)
            last = ids[-1]
            if done % 100_000 < batch:
                rate = done / (time.perf_counter() - started)
                print(f"  indexed {done:>9,} matters ({rate:,.0f}/s; {load()})", flush=True)
    t_rows = time.perf_counter() - started
    with connection.cursor() as cur:
        cur.execute(
            "CREATE INDEX IF NOT EXISTS search_entry_tsv ON search_searchentry USING GIN (tsv)"
        )
        cur.execute(
            "CREATE INDEX IF NOT EXISTS search_entry_units_tsv ON search_searchentry "
            "USING GIN (units, tsv)"
        )
    t_gin = time.perf_counter() - started - t_rows
    return {"indexed": done, "seconds_rows": t_rows, "seconds_gin": t_gin, "entries": have + done}


def percentile(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def measure(client, url: str, params: dict, n: int, warm: int = 5) -> dict:
    for _ in range(warm):
        client.get(url, params)
    times, status = [], set()
    for _ in range(n):
        t0 = time.perf_counter()
        r = client.get(url, params)
        times.append((time.perf_counter() - t0) * 1000)
        status.add(r.status_code)
    return {
        "p50": statistics.median(times),
        "p95": percentile(times, 95),
        "max": max(times),
        "status": sorted(status),
        "n": n,
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--requests", type=int, default=50, help="requests per query and user")
    ap.add_argument("--batch", type=int, default=20_000)
    ap.add_argument("--queries", type=lambda s: s.split(","), default=QUERIES)
    ap.add_argument("--no-index", action="store_true")
    args = ap.parse_args(argv)

    db_url = os.environ.get("BENCH_DATABASE_URL", PG_URL)
    env = bp.server_env(db_url, "/tmp/xinfang-bench-search")
    env.setdefault("FIELD_HASH_KEY", "bench-hash-key-" + "0" * 32)
    if not env.get("FIELD_ENCRYPTION_KEYS"):
        sys.exit("Set FIELD_ENCRYPTION_KEYS to the key bench/petitions.py built with.")
    os.environ.update(env)
    print(f"== Xinfang search bench on {db_url} ==")
    print(f"machine: {bp.machine()}")
    print(f"code: {bp.code_version()}")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from xinfang.orgs.models import Membership

    call_command("migrate", verbosity=0, interactive=False)
    with connection.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM petitions_petition")
        print(f"matters: {cur.fetchone()[0]:,}")
    if not args.no_index:
        result = index_all(args.batch)
        print(f"index: {result}")
    with connection.cursor() as cur:
        cur.execute("VACUUM (ANALYZE) search_searchentry")
        cur.execute("SELECT pg_size_pretty(pg_total_relation_size('search_searchentry'))")
        print(f"search_searchentry with its indexes: {cur.fetchone()[0]}")
        cur.execute("DELETE FROM core_ratebucket")
    users = {}
    for role in ("dispatcher", "handler"):
        m = (
            Membership.objects.filter(role=role)
            .select_related("user", "unit")
            .order_by("pk")
            .first()
        )
        if m is not None:
            users[f"{role} ({m.unit.name})"] = m.user
    # The pages name their static files; without a collectstatic manifest here,
    # plain static storage (the same URLs but for the hash; no effect on the SQL).
    from django.test import override_settings

    override_settings(
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    ).enable()
    client = Client(SERVER_NAME="127.0.0.1", REMOTE_ADDR="127.0.0.1")
    print(f"before measuring: {load()}")
    print(
        f"{'query':<12} {'who':<28} {'where':<6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  status"
    )
    for text in args.queries:
        for who, user in users.items():
            client.force_login(user)
            for where, url in (("page", "/search/"), ("api", "/api/v1/search")):
                r = measure(client, url, {"q": text, "kind": "petition"}, args.requests)
                print(
                    f"{text:<12} {who:<28} {where:<6} {r['p50']:>8.1f} {r['p95']:>8.1f} "
                    f"{r['max']:>8.1f}  {r['status']}  ({load()})",
                    flush=True,
                )
    # How many entries match each query (the work behind a page), for the record.
    from xinfang.search import engine, query

    with connection.cursor() as cur:
        for text in args.queries:
            cur.execute(
                "SELECT COUNT(*) FROM search_searchentry WHERE tsv @@ to_tsquery('simple', %s)",
                [engine.render(query.parse(text))],
            )
            print(f"entries matching {text!r}: {cur.fetchone()[0]:,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
