#!/usr/bin/env python
"""Xinfang side by side with django-helpdesk 2.6.1, through both systems' HTML pages.

    .venv/bin/python bench/helpdesk.py                         # 100,000 records each
    .venv/bin/python bench/helpdesk.py --records 5000 --duration 5 --repeat 1
    .venv/bin/python bench/helpdesk.py --reuse                 # keep both databases as built

django-helpdesk is a well-known Django ticket system doing the same three jobs a
citizen and a clerk wait on: a public form, a public "view my ticket" page and a
staff list. The script

1. installs django-helpdesk 2.6.1 (with gunicorn and psycopg) from PyPI into its
   own virtualenv, data/bench/helpdesk-venv (outside the project's .venv);
2. writes a minimal Django project for it (data/bench/helpdesk-project: settings,
   urls, wsgi; nothing of helpdesk's code is copied) with a public queue, e-mail
   to a dummy backend, DEBUG off;
3. builds both databases on PostgreSQL with the same number of records: Xinfang's
   matters with bench/petitions.py's builder, helpdesk's tickets with bulk_create
   (a public queue, about the same share open, a follow-up per step);
4. serves both with gunicorn, 4 sync workers, production settings;
5. drives both systems' real HTML pages as a browser would (cookies, the CSRF
   token from the form, redirects followed) in one interleaved run: for each
   repeat, for each kind of work and number of clients, helpdesk then Xinfang
   (the order alternating from one repeat to the next), so that a busy machine
   weighs on both alike; prints the medians of the repeats, the p95 and the
   ratios Xinfang ÷ helpdesk, with the machine's load during each phase.

A *round* is what one citizen or clerk does, counted the same way for both:

- submit: GET the form (fresh cookies), POST it, follow the redirect (Xinfang's
  receipt; helpdesk's ticket page);
- lookup: with the form's page already held (cookies, CSRF token, its signed
  time), Xinfang POSTs the query code and gets the matter page as the POST's
  answer (one request; the code never goes in a URL); helpdesk
  GETs its ticket page with the ticket, e-mail and key in the URL (its e-mailed
  link, its only way for an anonymous visitor);
- list: a logged-in clerk reads the first four pages of their list, 25 rows a
  page: Xinfang's city dispatcher's worklist (/petitions/?page=1..4); helpdesk's
  ticket list page and its four DataTables JSON pages (what its page loads).

Only 127.0.0.1 is contacted, except for pip (PyPI) when the virtualenv is made.
Benchmarks print figures; they assert nothing.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.cookies import SimpleCookie
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import petitions as pb  # noqa: E402  (the project's bench: builder, server, meter)

HELPDESK_VERSION = "2.6.1"
VENV = ROOT / "data" / "bench" / "helpdesk-venv"
PROJECT = ROOT / "data" / "bench" / "helpdesk-project"
XINFANG_DB = "postgres://postgres@127.0.0.1:5432/xinfang_bench"
HELPDESK_DB = "postgres://postgres@127.0.0.1:5432/helpdesk_bench"
PAGES = 4
PER_PAGE = 25

# --- helpdesk: virtualenv, project, data ----------------------------------------------

SETTINGS = '''\
"""Minimal project serving django-helpdesk {version} for bench/helpdesk.py (generated)."""
import os
from urllib.parse import urlsplit

_db = urlsplit(os.environ["HD_DATABASE_URL"])
SECRET_KEY = "bench-" + "h" * 50
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "rest_framework",
    "helpdesk",
]
SITE_ID = 1
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "hdproject.urls"
WSGI_APPLICATION = "hdproject.wsgi.application"
TEMPLATES = [
    {{
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {{
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        }},
    }}
]
DATABASES = {{
    "default": {{
        "ENGINE": "django.db.backends.postgresql",
        "NAME": _db.path.lstrip("/"),
        "USER": _db.username or "postgres",
        "PASSWORD": _db.password or "",
        "HOST": _db.hostname or "127.0.0.1",
        "PORT": _db.port or 5432,
        "CONN_MAX_AGE": 60,
    }}
}}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
USE_TZ = True
TIME_ZONE = "Asia/Shanghai"
LANGUAGE_CODE = "en-us"
STATIC_URL = "/static/"
STATIC_ROOT = os.path.join(os.path.dirname(os.path.dirname(__file__)), "static")
MEDIA_ROOT = os.path.join(os.path.dirname(os.path.dirname(__file__)), "media")
LOGIN_URL = "helpdesk:login"
LOGIN_REDIRECT_URL = "helpdesk:home"
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
DEFAULT_FROM_EMAIL = "helpdesk@example.org"
LOGGING = {{"version": 1, "disable_existing_loggers": False,
           "root": {{"handlers": [], "level": "ERROR"}}}}
# As a public help desk is set up: one public queue, the visitor does not choose
# the queue, the priority or a due date.
HELPDESK_TEAMS_MODE_ENABLED = False
HELPDESK_PUBLIC_TICKET_QUEUE = "public"
HELPDESK_PUBLIC_TICKET_PRIORITY = 3
HELPDESK_PUBLIC_TICKET_DUE_DATE = None
HELPDESK_VIEW_A_TICKET_PUBLIC = True
'''

URLS = """\
from django.urls import include, path

urlpatterns = [path("", include("helpdesk.urls", namespace="helpdesk"))]
"""

WSGI = """\
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hdproject.settings")
application = get_wsgi_application()
"""

# Run in the helpdesk virtualenv: migrate, a public queue, a staff user, N tickets.
LOADER = """\
import json, os, random, sys, datetime as dt
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hdproject.settings")
import django
django.setup()
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from helpdesk.models import FollowUp, Queue, Ticket

n, reuse = int(sys.argv[1]), sys.argv[2] == "reuse"
call_command("migrate", verbosity=0, interactive=False)
queue, _ = Queue.objects.get_or_create(
    slug="public", defaults={{"title": "Public", "allow_public_submission": True}}
)
User = get_user_model()
if not User.objects.filter(username="staff").exists():
    User.objects.create_user("staff", "staff@example.org", "{password}", is_staff=True)
have = Ticket.objects.count()
if not (reuse and have >= n):
    Ticket.objects.all().delete()
    rng = random.Random(20260916)
    now = timezone.now()
    # Open about as often as Xinfang's matters wait (3.5 %); the rest closed or resolved.
    done = 0
    while done < n:
        k = min(5000, n - done)
        tickets = []
        for i in range(k):
            created = now - dt.timedelta(seconds=rng.randrange(5 * 365 * 86400))
            roll = rng.random()
            status = 1 if roll < 0.035 else (4 if roll < 0.95 else 3)
            tickets.append(Ticket(
                title="小区物业服务问题 %d" % (done + i), queue=queue, created=created,
                modified=created, submitter_email="citizen%d@example.org" % (done + i),
                status=status, description="小区物业收费高、服务差，电梯经常停运，多次反映未解决。",
                priority=rng.randint(1, 5),
            ))
        with transaction.atomic():
            Ticket.objects.bulk_create(tickets)
            ups = []
            for t in tickets:
                ups.append(FollowUp(ticket=t, date=t.created, title="Ticket Opened",
                                    comment=t.description, public=True))
                if t.status != 1:
                    ups.append(FollowUp(ticket=t, date=t.created + dt.timedelta(days=9),
                                        title="Ticket Closed", comment="已处理。", public=True,
                                        new_status=t.status))
            FollowUp.objects.bulk_create(ups)
        done += k
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE helpdesk_ticket")
        cur.execute("VACUUM ANALYZE helpdesk_followup")
else:
    # A reused database starts as built: what the last run submitted goes.
    Ticket.objects.filter(title__startswith="bench ").delete()
rows = list(Ticket.objects.order_by("?").values_list("id", "submitter_email", "secret_key")[:5000])
print(json.dumps({{"count": Ticket.objects.count(),
                  "open": Ticket.objects.filter(status__in=[1, 2]).count(),
                  "lookups": [["public-%d" % i, e, k] for i, e, k in rows]}}))
"""


def ensure_venv(venv: Path) -> Path:
    python = venv / "bin" / "python"
    marker = venv / f".helpdesk-{HELPDESK_VERSION}"
    if marker.exists():
        return python
    print(f"installing django-helpdesk {HELPDESK_VERSION} into {venv} ...", flush=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run(
        [
            str(venv / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check",
            f"django-helpdesk=={HELPDESK_VERSION}", "gunicorn", "psycopg[binary]",
        ],
        check=True,
    )  # fmt: skip
    marker.write_text("ok\n")
    return python


def write_project(project: Path, password: str) -> None:
    pkg = project / "hdproject"
    pkg.mkdir(parents=True, exist_ok=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "settings.py").write_text(SETTINGS.format(version=HELPDESK_VERSION))
    (pkg / "urls.py").write_text(URLS)
    (pkg / "wsgi.py").write_text(WSGI)
    (project / "load.py").write_text(LOADER.format(password=password))


def helpdesk_env(project: Path, db_url: str) -> dict[str, str]:
    """A clean environment: none of Xinfang's settings leak into helpdesk's processes."""
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TMPDIR")}
    return dict(
        keep,
        HD_DATABASE_URL=db_url,
        PYTHONPATH=str(project),
        DJANGO_SETTINGS_MODULE="hdproject.settings",
    )


def load_helpdesk(python: Path, project: Path, db_url: str, n: int, reuse: bool) -> dict:
    env = helpdesk_env(project, db_url)
    out = subprocess.run(
        [str(python), str(project / "load.py"), str(n), "reuse" if reuse else "build"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
    )
    if out.returncode:
        sys.exit(f"loading helpdesk's tickets failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def start_helpdesk(python: Path, project: Path, db_url: str, port: int, workers: int):
    env = helpdesk_env(project, db_url)
    cmd = [
        str(python.parent / "gunicorn"), "hdproject.wsgi", "-w", str(workers),
        "-b", f"127.0.0.1:{port}", "--log-level", "warning", "--timeout", "60",
    ]  # fmt: skip
    proc = subprocess.Popen(cmd, cwd=project, env=env, start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        if proc.poll() is not None:
            sys.exit(f"helpdesk's gunicorn exited with {proc.returncode}")
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            c.request("GET", "/tickets/submit/")
            if c.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.3)
    pb.stop(proc)
    sys.exit("helpdesk did not answer within 60 s")


# --- Xinfang: database and server (bench/petitions.py) --------------------------------


def build_xinfang(db_url: str, n: int, reuse: bool, data_dir: str) -> dict:
    env = pb.server_env(db_url, data_dir)
    os.environ.update(env)
    reused = pb.prepare_database(SimpleNamespace(reuse=reuse), db_url)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from xinfang.petitions.models import Petition

    if not (reused and Petition.objects.count() >= n):
        call_command("migrate", verbosity=0, interactive=False)
        call_command("seed_demo", allow_production=True, verbosity=0)
        pb.build(n, 10_000, db_url)
    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", interactive=False, verbosity=0)  # the pages' manifest
    with connection.cursor() as cur:
        cur.execute("DELETE FROM xinfang_cache")
        cur.execute("DELETE FROM core_ratebucket")
    built_max = Petition.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    codes = list(
        Petition.objects.filter(merged_into__isnull=True)
        .order_by("?")
        .values_list("query_code", flat=True)[:5000]
    )
    from xinfang.orgs.demo import TOWNSHIP_A
    from xinfang.orgs.models import Unit
    from xinfang.petitions.models import Category

    out = {
        "count": Petition.objects.count(),
        "built_max": built_max,
        "codes": codes,
        "leaves": list(
            Category.objects.filter(parent__isnull=False, is_active=True).values_list(
                "pk", flat=True
            )
        ),
        "places": list(
            Unit.objects.filter(code__startswith=TOWNSHIP_A, is_active=True)
            .exclude(code=TOWNSHIP_A)
            .filter(kind="territorial")
            .values_list("pk", flat=True)
        )
        or [Unit.objects.get(code=TOWNSHIP_A).pk],
        "env": env,
    }
    connection.close()
    return out


# --- a browser ----------------------------------------------------------------------------

FIELD = re.compile(r'name="([\w-]+)" value="([^"]*)"')


class Browser:
    """One visitor: a persistent connection, cookies, redirects followed; the address
    the reverse proxy saw stays the same for the visitor (Xinfang's rate limits count
    per address, helpdesk ignores it)."""

    def __init__(self, port: int, address: str):
        self.port, self.address = port, address
        self.c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}
        self.path = ""  # where the last redirects ended

    def forget(self) -> None:
        self.cookies.clear()

    def _send(self, method, path, body, headers):
        for attempt in (1, 2):
            try:
                self.c.request(method, path, body=body, headers=headers)
                resp = self.c.getresponse()
                return resp, resp.read()
            except (http.client.HTTPException, OSError):
                self.c.close()  # gunicorn's sync workers close kept-alive connections
                if attempt == 2:
                    raise
        raise AssertionError

    def go(self, method: str, path: str, form: dict | None = None, follow: bool = True):
        """The status and body of the page at the end of the redirects."""
        body = urlencode(form).encode() if form is not None else None
        for _hop in range(5):
            headers = {
                "Accept": "text/html,application/xhtml+xml",
                "X-Forwarded-For": self.address,
                "Host": f"127.0.0.1:{self.port}",
            }
            if body is not None:
                headers["Content-Type"] = "application/x-www-form-urlencoded"
                headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
            if self.cookies:
                headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            resp, data = self._send(method, path, body, headers)
            for value in resp.headers.get_all("Set-Cookie") or []:
                jar = SimpleCookie()
                jar.load(value)
                for k, morsel in jar.items():
                    if morsel["max-age"] == "0" or morsel.value == "":
                        self.cookies.pop(k, None)
                    else:
                        self.cookies[k] = morsel.value
            if follow and resp.status in (301, 302, 303) and resp.headers.get("Location"):
                loc = urlsplit(resp.headers["Location"])
                path = loc.path + (f"?{loc.query}" if loc.query else "")
                method, body = "GET", None
                continue
            self.path = path
            return resp.status, data.decode("utf-8", "replace")
        return resp.status, ""


def fields(html: str) -> dict[str, str]:
    return dict(FIELD.findall(html))


# --- the rounds ---------------------------------------------------------------------------


class Xinfang:
    name = "Xinfang"

    def __init__(self, port: int, data: dict, password: str):
        self.port, self.data, self.password = port, data, password

    def submit(self, b: Browser, state, rng) -> bool:
        b.forget()
        status, html = b.go("GET", "/public/submit/")
        if status != 200:
            return False
        f = fields(html)
        form = {
            "csrfmiddlewaretoken": f.get("csrfmiddlewaretoken", ""),
            "submission_token": f.get("submission_token", ""),
            "who": "person",
            "people_count": "1",
            "purpose": "appeal",
            "category": str(rng.choice(self.data["leaves"])),
            "place": str(rng.choice(self.data["places"])),
            "summary": "小区物业服务问题",
            "content": "小区物业收费高、服务差，电梯经常停运，多次反映未解决。希望尽快处理。",
            "request": "请求处理",
            "consent": "on",
            "p-TOTAL_FORMS": "5",
            "p-INITIAL_FORMS": "0",
            "p-MIN_NUM_FORMS": "0",
            "p-MAX_NUM_FORMS": "5",
            "p-0-name": "王" + rng.choice(pb.GIVEN),
            "p-0-phone": f"138{rng.randrange(10**8):08d}",
        }
        status, html = b.go("POST", "/public/submit/", form)
        # The receipt, answered to the POST itself (no redirect since 2026-12-01).
        return status == 200 and 'data-draft-clear="submit"' in html

    def lookup_setup(self, b: Browser):
        status, html = b.go("GET", "/public/track/")
        return fields(html)  # the CSRF token and the page's signed time (issued)

    def lookup(self, b: Browser, page, rng) -> bool:
        form = {
            "csrfmiddlewaretoken": page.get("csrfmiddlewaretoken", ""),
            "issued": page.get("issued", ""),
            "code": rng.choice(self.data["codes"]),
        }
        status, html = b.go("POST", "/public/track/", form)
        # The matter's page, answered to the POST itself (no redirect since 2026-12-01).
        return status == 200 and 'id="timeline"' in html

    def list_setup(self, b: Browser):
        status, html = b.go("GET", "/accounts/login/")
        f = fields(html)
        status, html = b.go(
            "POST",
            "/accounts/login/",
            {
                "csrfmiddlewaretoken": f.get("csrfmiddlewaretoken", ""),
                "username": "dispatcher",
                "password": self.password,
                "next": "/petitions/",
            },
        )
        if status != 200 or "sessionid" not in b.cookies:
            sys.exit(f"Xinfang: the dispatcher could not log in ({status})")

    def list(self, b: Browser, state, rng) -> bool:
        ok = True
        for page in range(1, PAGES + 1):
            status, _html = b.go("GET", f"/petitions/?page={page}")
            ok = ok and status == 200
        return ok


class Helpdesk:
    name = "helpdesk"

    def __init__(self, port: int, data: dict, password: str):
        self.port, self.data, self.password = port, data, password

    def submit(self, b: Browser, state, rng) -> bool:
        b.forget()
        status, html = b.go("GET", "/tickets/submit/")
        if status != 200:
            return False
        form = {
            "csrfmiddlewaretoken": fields(html).get("csrfmiddlewaretoken", ""),
            "title": "bench 小区物业服务问题",
            "body": "小区物业收费高、服务差，电梯经常停运，多次反映未解决。希望尽快处理。",
            "submitter_email": f"c{rng.randrange(10**8)}@example.org",
        }
        status, html = b.go("POST", "/tickets/submit/", form)
        return status == 200 and b.path.startswith("/view/?ticket=") and "bench " in html

    def lookup_setup(self, b: Browser):
        return None

    def lookup(self, b: Browser, state, rng) -> bool:
        ticket, email, key = rng.choice(self.data["lookups"])
        status, _html = b.go(
            "GET", "/view/?" + urlencode({"ticket": ticket, "email": email, "key": key})
        )
        return status == 200

    def list_setup(self, b: Browser):
        status, html = b.go("GET", "/login/")
        f = fields(html)
        status, html = b.go(
            "POST",
            "/login/",
            {
                "csrfmiddlewaretoken": f.get("csrfmiddlewaretoken", ""),
                "username": "staff",
                "password": self.password,
                "next": "/tickets/",
            },
        )
        if "sessionid" not in b.cookies:
            sys.exit(f"helpdesk: the staff user could not log in ({status})")

    def list(self, b: Browser, state, rng) -> bool:
        status, html = b.go("GET", "/tickets/")
        m = re.search(r"datatables_ticket_list/([A-Za-z0-9+/=_-]*)", html)
        if status != 200 or not m:
            return False
        ok = True
        for page in range(PAGES):
            q = urlencode({"draw": page + 1, "start": page * PER_PAGE, "length": PER_PAGE})
            status, _data = b.go("GET", f"/datatables_ticket_list/{m.group(1)}?{q}")
            ok = ok and status == 200
        return ok


def run_rounds(system, work: str, concurrency: int, duration: float, meter) -> dict:
    """`concurrency` visitors do rounds of `work` back to back for `duration` seconds."""
    lat, bad, lock = [], [0], threading.Lock()
    setup = getattr(system, f"{work}_setup", lambda b: None)
    do = getattr(system, work)
    browsers = [
        Browser(system.port, pb.ADDRESSES[i % len(pb.ADDRESSES)]) for i in range(concurrency)
    ]
    states = [setup(b) for b in browsers]
    start = threading.Barrier(concurrency + 1)

    def worker(i):
        rng = random.Random(i)
        mine, failed = [], 0
        start.wait()
        stop_at = time.perf_counter() + duration
        while time.perf_counter() < stop_at:
            # Each round from one of many citizens' addresses, as through the proxy.
            browsers[i].address = rng.choice(pb.ADDRESSES)
            t0 = time.perf_counter()
            if do(browsers[i], states[i], rng):
                mine.append(time.perf_counter() - t0)
            else:
                failed += 1
        with lock:
            lat.extend(mine)
            bad[0] += failed

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    for t in threads:
        t.start()
    load0 = os.getloadavg()[0]
    meter.start()
    start.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    cpu = meter.stop()
    lat.sort()
    return {
        "rounds": len(lat),
        "failed": bad[0],
        "per_second": len(lat) / elapsed,
        "p50_ms": pb.percentile(lat, 50) * 1000,
        "p95_ms": pb.percentile(lat, 95) * 1000,
        "load1": round((load0 + os.getloadavg()[0]) / 2, 2),
        **cpu,
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--records", type=int, default=100_000, help="matters and tickets each")
    ap.add_argument("--duration", type=float, default=15, help="seconds per phase")
    ap.add_argument("--repeat", type=int, default=3, help="runs per phase; medians reported")
    ap.add_argument("--clients", type=lambda s: [int(x) for x in s.split(",")], default=[1, 8])
    ap.add_argument("--only", type=lambda s: s.split(","), default=["submit", "lookup", "list"])
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--reuse", action="store_true", help="reuse both databases when built")
    ap.add_argument("--keep", action="store_true", help="keep both databases")
    ap.add_argument("--xinfang-db", default=os.environ.get("BENCH_DATABASE_URL", XINFANG_DB))
    ap.add_argument("--helpdesk-db", default=os.environ.get("HELPDESK_DATABASE_URL", HELPDESK_DB))
    ap.add_argument("--venv", type=Path, default=VENV)
    args = ap.parse_args(argv)
    for url in (args.xinfang_db, args.helpdesk_db):
        if "bench" not in url.rsplit("/", 1)[-1]:
            sys.exit(f"{url}: only a database named *bench* is scratch")

    print(f"== Xinfang vs django-helpdesk {HELPDESK_VERSION}: {args.records:,} records each ==")
    print(f"machine: {pb.machine()}")
    print(
        f"code: {pb.code_version()}    started {time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}"
    )
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")

    python = ensure_venv(args.venv)
    data_dir = tempfile.mkdtemp(prefix="xinfang-side-")
    t0 = time.perf_counter()
    xdata = build_xinfang(args.xinfang_db, args.records, args.reuse, data_dir)
    print(f"Xinfang: {xdata['count']:,} matters ({time.perf_counter() - t0:.0f} s)", flush=True)

    from django.conf import settings

    password = settings.DEMO_PASSWORD
    write_project(PROJECT, password)
    pb.prepare_database(SimpleNamespace(reuse=True), args.helpdesk_db)
    t0 = time.perf_counter()
    hdata = load_helpdesk(python, PROJECT, args.helpdesk_db, args.records, args.reuse)
    print(
        f"helpdesk: {hdata['count']:,} tickets, {hdata['open']:,} open "
        f"({time.perf_counter() - t0:.0f} s)",
        flush=True,
    )

    pb.set_clients(5000)
    random.Random(7).shuffle(pb.ADDRESSES)
    xport, hport = pb.free_port(), pb.free_port()
    xproc = hproc = None
    results: dict = {}
    try:
        xproc, _cmd = pb.start_gunicorn(xdata["env"], xport, args.workers, 1, "")
        hproc = start_helpdesk(python, PROJECT, args.helpdesk_db, hport, args.workers)
        db_markers = [b"walwriter", b"background writer", b"checkpointer", b"parallel worker"]
        xname = args.xinfang_db.rsplit("/", 1)[-1]
        hname = args.helpdesk_db.rsplit("/", 1)[-1]
        systems = {
            "helpdesk": (
                Helpdesk(hport, hdata, password),
                pb.CpuMeter([f"127.0.0.1:{hport}".encode(), *db_markers, f" {hname} ".encode()]),
            ),
            "Xinfang": (
                Xinfang(xport, xdata, password),
                pb.CpuMeter([f"127.0.0.1:{xport}".encode(), *db_markers, f" {xname} ".encode()]),
            ),
        }
        # Warm every worker of both (templates, caches, connections).
        for system, meter in systems.values():
            for work in args.only:
                run_rounds(system, work, 4, 2, meter)
        print(
            f"\n-- {args.repeat} × interleaved phases of {args.duration:.0f} s; "
            "rate = rounds per second, p95 of a round --"
        )
        for r in range(args.repeat):
            order = ["helpdesk", "Xinfang"] if r % 2 == 0 else ["Xinfang", "helpdesk"]
            for work in args.only:
                for c in args.clients:
                    for name in order:
                        system, meter = systems[name]
                        res = run_rounds(system, work, c, args.duration, meter)
                        results.setdefault((work, c, name), []).append(res)
                        print(
                            f"  run {r + 1} {work:<6} c={c} {name:<8} {res['per_second']:6.1f}/s"
                            f"  p50 {res['p50_ms']:6.1f} ms  p95 {res['p95_ms']:6.1f} ms"
                            f"  n={res['rounds']} failed={res['failed']}  load {res['load1']:.2f}"
                            f"  cpu: client {res['cpu_client']:.2f} app {res['cpu_server']:.2f}"
                            f" db {res['cpu_db']:.2f} others {res['cpu_others']:.2f}",
                            flush=True,
                        )
    finally:
        for proc in (xproc, hproc):
            if proc is not None:
                pb.stop(proc)
        from django.db import connection

        if xdata["built_max"]:
            pb.forget_submissions(xdata["built_max"])
        connection.close()
        if not args.keep:
            pb.drop_database(args.xinfang_db)
            pb.drop_database(args.helpdesk_db)

    def med(runs, key):
        return statistics.median(x[key] for x in runs)

    print(
        f"\n== medians of {args.repeat}, {args.records:,} records, "
        f"{time.strftime('%Y-%m-%d', time.gmtime())}, code {pb.code_version()} =="
    )
    print("| work | c | helpdesk r/s (p95) | Xinfang r/s (p95) | Xinfang ÷ helpdesk | load |")
    print("|---|---|---|---|---|---|")
    summary = []
    for work in args.only:
        for c in args.clients:
            h, x = results[(work, c, "helpdesk")], results[(work, c, "Xinfang")]
            hr, xr = med(h, "per_second"), med(x, "per_second")
            ratio = xr / hr if hr else float("inf")
            load = statistics.median(y["load1"] for y in h + x)
            others = statistics.median(y["cpu_others"] for y in h + x)
            print(
                f"| {work} | {c} | {hr:.1f} ({med(h, 'p95_ms'):.0f} ms) | "
                f"{xr:.1f} ({med(x, 'p95_ms'):.0f} ms) | {ratio:.2f}× | "
                f"{load:.1f} (others {others:.2f} cores) |"
            )
            summary.append(
                {"work": work, "clients": c, "helpdesk": h, "xinfang": x, "ratio": ratio}
            )
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    name = f"helpdesk-{args.records}-{time.strftime('%Y%m%d-%H%M%S', time.gmtime())}.json"
    (out / name).write_text(
        json.dumps(
            {"machine": pb.machine(), "code": pb.code_version(), "args": vars(args),
             "results": summary},
            indent=1,
            default=str,
        )
    )  # fmt: skip
    print(f"results: bench/results/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
