"""`make run` on a fresh machine: the seed commands of its recipe, in its order,
succeed on an empty database, and a second run adds nothing; the periodic tick
runs beside the server and stops with it; the README says what `make run` does
and prints (issue 11)."""

import io
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from xinfang.mediation.models import Dispute, Meeting, ScreeningReport
from xinfang.orgs.demo import DEMO_USERS
from xinfang.petitions.models import Petition

ROOT = Path(__file__).resolve().parents[3]
MAKEFILE = ROOT / "Makefile"
README = ROOT / "README.md"


def run_recipe() -> str:
    return MAKEFILE.read_text().split("\nrun:", 2)[-1].split("\n\n", 1)[0]


def seed_commands() -> list[str]:
    return re.findall(r"manage\.py (seed_\w+)", run_recipe())


def counts():
    return [m.objects.count() for m in (Petition, Dispute, ScreeningReport, Meeting)]


def test_the_seeds_of_make_run_work_in_order_and_twice(db, settings):
    settings.DEBUG = True
    commands = seed_commands()
    assert commands[0] == "seed_demo" and len(commands) >= 4, commands
    for name in commands:
        call_command(name, stdout=io.StringIO())
    first = counts()
    assert all(first), first
    assert Meeting.objects.get().closed  # the demo meeting decided every item
    for name in commands:
        call_command(name, stdout=io.StringIO())
    assert counts() == first


def test_make_run_starts_the_periodic_tick_beside_the_server_and_stops_it():
    recipe = run_recipe()
    # In the background, with its pid kept, killed by a trap when the recipe's
    # shell ends (the server stopped by Ctrl-C or failing to start).
    start = re.search(r"manage\.py run_periodic --every \$\(TICK_EVERY\) & (\w+)=\$\$!;", recipe)
    assert start, recipe
    assert re.search(rf"trap '[^']*kill [^']*\$\${start[1]}[^']*' EXIT", recipe), recipe
    # ...and so does the background worker that runs what the schedule enqueues.
    worker = re.search(r"manage\.py run_worker[^&]*& (\w+)=\$\$!;", recipe)
    assert worker, recipe
    assert re.search(rf"trap '[^']*kill [^']*\$\${worker[1]}[^']*' EXIT", recipe), recipe
    # ...in the same shell as the server, which runs in the foreground after it.
    shell = recipe[start.start() :]
    before_server = shell.split("runserver")[0]
    assert "runserver" in shell and not re.search(r"(?<!\\)\n", before_server), shell
    assert re.search(r"^TICK_EVERY \?= \d+$", MAKEFILE.read_text(), flags=re.M)


def test_the_periodic_commands_include_the_petitions_tick(db, settings):
    assert "petitions_tick" in settings.XINFANG_PERIODIC_COMMANDS
    out = io.StringIO()
    call_command("run_periodic", "--once", stdout=out)
    assert "turned red" in out.getvalue()


def test_a_failing_periodic_command_is_logged_and_the_others_still_run(db, caplog):
    out = io.StringIO()
    call_command("run_periodic", "no_such_command", "petitions_tick", "--once", stdout=out)
    assert "turned red" in out.getvalue()
    assert "no_such_command failed" in caplog.text


def test_the_schedule_and_the_worker_run_the_tick_until_told_to_stop(tmp_path):
    """`run_periodic` enqueues the periodic commands, `run_worker` runs them; both
    stop at the SIGTERM make's trap sends."""
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_VERSION"}
    env.update(DEBUG="1", DATA_DIR=str(tmp_path))
    # `make run` runs on the embedded database, also when the tests run on
    # PostgreSQL (CI's second run sets DATABASE_URL).
    env = {k: v for k, v in env.items() if not k.startswith("DJANGO_") and k != "DATABASE_URL"}
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, capture_output=True
    )
    assert migrate.returncode == 0, migrate.stderr

    def start(*args):
        return subprocess.Popen(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

    procs = [start("run_periodic", "--every", "2"), start("run_worker", "--no-startup-delay")]
    outs = []
    db = sqlite3.connect(tmp_path / "xinfang.sqlite3", timeout=30)

    def runs() -> int:
        return db.execute(
            "SELECT count(*) FROM django_tasks_database_dbtaskresult "
            "WHERE task_path LIKE '%run_command' AND status = 'SUCCESSFUL'"
        ).fetchone()[0]

    try:
        # Two periods of the tick enqueued and run (the start of two Django
        # processes takes long on a busy machine: wait for it, not a fixed time).
        end = time.monotonic() + 180
        while runs() < 2 * len(settings.XINFANG_PERIODIC_COMMANDS) and time.monotonic() < end:
            time.sleep(0.5)
        for proc in procs:
            proc.send_signal(signal.SIGTERM)  # what make's trap sends
        outs = [proc.communicate(timeout=30)[0] for proc in procs]
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
    db.close()
    assert [proc.returncode for proc in procs] == [0, 0], outs
    scheduler, worker = outs
    # Enqueued in more than one period, and run each time by the worker.
    assert scheduler.count("Enqueued petitions_tick.") >= 2, scheduler
    assert worker.count("path=xinfang.core.tasks.run_command state=SUCCESSFUL") >= 2, worker


def readme() -> str:
    return README.read_text()


def test_the_readme_names_every_demo_user_that_make_run_prints():
    names = [username for username, *_rest in DEMO_USERS] + ["admin"]
    assert "reviewer" in names
    missing = [name for name in names if f"`{name}`" not in readme()]
    assert missing == []


def test_the_readme_says_how_to_run_the_management_commands_it_mentions():
    text = readme()
    assert "DEBUG=1 .venv/bin/python manage.py" in text
    # Every manage.py it mentions is run with the venv's python.
    bare = [
        text[max(m.start() - 30, 0) : m.end() + 20]
        for m in re.finditer(r"manage\.py", text)
        if not text[: m.start()].endswith(".venv/bin/python ")
    ]
    assert bare == []
    assert "run_periodic" in text and "petitions_tick" in text


@pytest.mark.parametrize("path", ["README.md", "docs/architecture.md"])
def test_the_docs_point_to_no_file_outside_the_repository(path):
    text = (ROOT / path).read_text()
    assert not re.findall(r"\.\./|/work/|shared/[A-Z]+\.md", text)
    for linked in re.findall(r"`(docs/[\w./-]+\.md)`", text):
        assert (ROOT / linked).exists(), linked
