"""Two Xinfang instances exchange matters both ways (issue 15, acceptance 1).

A county instance and a city instance, each a live server and a worker in its
own processes with its own SQLite database (DATA_DIR in a temporary directory),
peers of each other with one shared key: the county's registrations travel up,
the city's assignments (交办) travel down and become registered matters at the
county, whose own registrations of them travel up again and find the city's
matters. In the middle of it the city's server (the receiver) is killed with
kill -9 and the county's worker (the sender) too; both are started again. At the
end every message is delivered, each recorded once on its receiver, and the
administrator's page shows the delivery lag."""

import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
KEY = "e2e-shared-key-" + "x" * 40
COUNTY_MATTERS = 30
CITY_MATTERS = 4

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="kill -9")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Instance:
    def __init__(self, name: str, root: Path):
        self.name = name
        self.dir = root / name
        self.dir.mkdir()
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(self.dir / "log.txt", "w")  # noqa: SIM115 (closed in stop_all)
        self.server = None
        self.worker = None

    @property
    def db(self) -> Path:
        return self.dir / "xinfang.sqlite3"

    def env(self) -> dict:
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in {"PYTEST_VERSION", "DATABASE_URL"} and not k.startswith("DJANGO_")
        }
        env.update(
            DEBUG="1",
            DATA_DIR=str(self.dir),
            TASK_BACKEND="database",
            WORKER_BEAT_SECONDS="0.5",
            WORKER_STALE_SECONDS="3",
            RETRY_BASE_SECONDS="1",
            RETRY_MAX_SECONDS="2",
            EXCHANGE_MAX_ATTEMPTS="200",
            EXCHANGE_TIMEOUT="5",
            NO_PROXY="127.0.0.1,localhost",
            no_proxy="127.0.0.1,localhost",
        )
        return env

    def manage(self, *args) -> str:
        r = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert r.returncode == 0, r.stdout + r.stderr
        return r.stdout

    def start_server(self) -> None:
        self.server = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "runserver",
                f"127.0.0.1:{self.port}",
                "--noreload",
                "--skip-checks",
            ],
            cwd=ROOT,
            env=self.env(),
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        assert wait_for(lambda: port_open(self.port), 30), self.logs()

    def start_worker(self) -> None:
        self.worker = subprocess.Popen(
            [sys.executable, "manage.py", "run_worker", "--no-startup-delay", "--interval", "0.2"],
            cwd=ROOT,
            env=self.env(),
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def kill(self, which: str) -> None:
        proc = getattr(self, which)
        if proc is not None and proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(10)
        setattr(self, which, None)

    def query(self, sql: str, *params):
        with sqlite3.connect(self.db, timeout=20) as c:
            return c.execute(sql, params).fetchall()

    def logs(self) -> str:
        self.log.flush()
        return (self.dir / "log.txt").read_text()[-3000:]


def port_open(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def wait_for(predicate, timeout: float, every: float = 0.2) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            if predicate():
                return True
        except sqlite3.OperationalError:  # the database busy for a moment
            pass
        time.sleep(every)
    return predicate()


# Run in each instance by `manage.py shell -c`: the county registers matters
# itself; the city registers matters and assigns them (交办) to 八台镇, the
# territory the county instance serves.
COUNTY_SCRIPT = f"""
from django.core.management import call_command
call_command(
    "exchange_peer", "city", "--identity", "county", "--direction", "up",
    "--url", "CITY_URL", "--key", "{KEY}",
)
from xinfang.orgs.models import Unit
from xinfang.petitions import services
from xinfang.petitions.models import Category
category, place = Category.objects.get(code="0401"), Unit.objects.get(code="410481102001")
for i in range({COUNTY_MATTERS}):
    services.petition_register(
        actor=None, registering_unit=None, channel="online", purpose="appeal",
        category=category, place=place, summary=f"县级登记 {{i}}",
        content="某公司拖欠工资。", petitioners=[{{"name": f"县{{i}}"}}],
    )
from django.contrib.auth import get_user_model
get_user_model().objects.create_superuser("root", "", "Adm1n-Passw0rd-X")
"""

CITY_SCRIPT = f"""
from django.core.management import call_command
call_command(
    "exchange_peer", "county", "--identity", "city", "--direction", "down",
    "--url", "COUNTY_URL", "--key", "{KEY}", "--unit", "410481102",
)
import datetime as dt
from django.contrib.auth import get_user_model
from xinfang.core.calendar import today
from xinfang.orgs.models import Unit
from xinfang.petitions import services
from xinfang.petitions.models import Category
User = get_user_model()
category, place = Category.objects.get(code="0401"), Unit.objects.get(code="410481102001")
clerk, dispatcher = User.objects.get(username="clerk"), User.objects.get(username="dispatcher")
township = Unit.objects.get(code="410481102")
for i in range({CITY_MATTERS}):
    p = services.petition_register(
        actor=clerk, registering_unit=Unit.objects.get(code="410481-JD"), channel="visit",
        purpose="appeal", category=category, place=place, summary=f"市级交办 {{i}}",
        content="某公司拖欠工资。", petitioners=[{{"name": f"市{{i}}"}}],
    )
    services.petition_act(
        actor=dispatcher, petition_id=p.pk, action="forward", responsible_unit=township,
        kind="assign", handling_requirement="十日内核实并报告",
        report_back_due=today() + dt.timedelta(days=10),
    )
"""

LAG_SCRIPT = """
import re
from django.contrib.auth import get_user_model
from django.test import Client
c = Client(SERVER_NAME="localhost")
c.force_login(get_user_model().objects.get(username="root"))
r = c.get("/exchange/upstream/")
page = r.content.decode()
print(r.status_code, re.search(r'data-lag="delivered">(\\d+)<', page)[1],
      re.search(r'data-lag="median">([^<]+)<', page)[1])
"""


def test_two_instances_exchange_matters_both_ways_through_kills(tmp_path):
    county = Instance("county", tmp_path)
    city = Instance("city", tmp_path)
    both = (county, city)
    try:
        # One migrated, seeded database, copied: both know the same units.
        county.manage("migrate", "-v", "0")
        county.manage("seed_demo", "-v", "0")
        for suffix in ("", "-wal", "-shm"):
            source = county.dir / f"xinfang.sqlite3{suffix}"
            if source.exists():
                shutil.copy(source, city.dir / source.name)
        county.manage("shell", "-c", COUNTY_SCRIPT.replace("CITY_URL", city.url))
        city.manage("shell", "-c", CITY_SCRIPT.replace("COUNTY_URL", county.url))
        up_ids = {r[0] for r in county.query("SELECT id FROM exchange_exchangemessage")}
        down_ids = {r[0] for r in city.query("SELECT id FROM exchange_exchangemessage")}
        assert len(up_ids) == COUNTY_MATTERS and len(down_ids) == CITY_MATTERS

        for instance in both:
            instance.start_server()
        county.start_worker()
        # The receiver dies in the middle of the county's deliveries ...
        received = "SELECT count(*) FROM exchange_inboundmessage"
        assert wait_for(lambda: city.query(received)[0][0] >= 3, 60, every=0.02), county.logs()
        city.kill("server")
        # ... and so does the sender's worker, while it retries.
        time.sleep(1)
        county.kill("worker")
        assert city.query(received)[0][0] < COUNTY_MATTERS, "all delivered before the kill"
        city.start_server()
        county.start_worker()
        city.start_worker()

        def settled(instance, expected):
            rows = instance.query("SELECT state FROM exchange_exchangemessage")
            return len(rows) >= expected and {r[0] for r in rows} == {"delivered"}

        # The county also sends up its registrations of the city's assignments.
        assert wait_for(lambda: settled(city, CITY_MATTERS), 60), city.logs()
        assert wait_for(lambda: settled(county, COUNTY_MATTERS + CITY_MATTERS), 60), county.logs()
    finally:
        for instance in both:
            instance.kill("worker")
            instance.kill("server")
            instance.log.close()

    # The receiver's death was felt: some messages needed more than one try.
    assert county.query("SELECT max(attempts) FROM exchange_exchangemessage")[0][0] > 1
    # Every message once on its receiver: the county's at the city ...
    sent_up = {r[0] for r in county.query("SELECT id FROM exchange_exchangemessage")}
    got_up = [r[0] for r in city.query("SELECT message_id FROM exchange_inboundmessage")]
    assert sorted(got_up) == sorted(sent_up) and len(sent_up) == COUNTY_MATTERS + CITY_MATTERS
    # ... and the city's at the county, each a registered matter with the city's number.
    got_down = [r[0] for r in county.query("SELECT message_id FROM exchange_inboundmessage")]
    assert sorted(got_down) == sorted(down_ids)
    city_numbers = {
        r[0] for r in city.query("SELECT number FROM petitions_petition WHERE summary LIKE '市级%'")
    }
    assigned = county.query(
        "SELECT upstream_number FROM petitions_petition WHERE upstream_number != ''"
    )
    assert sorted(r[0] for r in assigned) == sorted(city_numbers)
    # The county's registrations of them reached the city and found its matters.
    linked = city.query(
        "SELECT count(*) FROM exchange_inboundmessage WHERE petition_id IS NOT NULL"
    )
    assert linked[0][0] == CITY_MATTERS
    # The lag, on the administrator's page.
    last = county.manage("shell", "-v", "0", "-c", LAG_SCRIPT).strip().splitlines()[-1]
    status, delivered, median = last.split(maxsplit=2)
    assert status == "200" and int(delivered) == COUNTY_MATTERS + CITY_MATTERS
    assert median.strip() not in {"", "—"}
