"""Background work (issue 15): messages queued in the caller's transaction on the
database queue, sent by the worker, retried with backoff, failed for good and
sent again by the administrator; opt-outs; tasks of a killed worker queued
again; the schedule enqueues each periodic command once per period; and a
worker killed with kill -9 in the middle of a batch of e-mails, then restarted,
leaves every message received exactly once by a real SMTP server."""

import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.db import connection, transaction
from django.tasks.base import TaskResultStatus
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from xinfang.core import notify, tasks
from xinfang.core.models import OutboxMessage, PeriodicJob, WorkerBeat
from xinfang.core.notify import LogSender

from .helpers import ROOT

State = OutboxMessage.State
pytestmark = pytest.mark.django_db(transaction=True)


class FlakySender:
    """Fails the first `failures` messages, then takes them."""

    delivers = True
    failures = 0
    sent: list = []

    def send(self, message):
        if FlakySender.failures > 0:
            FlakySender.failures -= 1
            raise ConnectionError("gateway busy")
        FlakySender.sent.append(message)


@pytest.fixture(autouse=True)
def queue(settings):
    """Our tasks on the database queue, as in production."""
    settings.XINFANG_TASK_BACKEND = "database"
    settings.XINFANG_NOTIFY_SENDER = "log"
    LogSender.outbox.clear()
    FlakySender.sent, FlakySender.failures = [], 0
    yield
    LogSender.outbox.clear()


def work():
    """A worker runs what is due now, then stops."""
    call_command("run_worker", "--batch", "--no-startup-delay", "--backend", "database", "-v", "0")


def test_a_message_is_queued_with_the_change_it_tells_and_sent_by_the_worker():
    with pytest.raises(RuntimeError), transaction.atomic():
        notify.send(channel="sms", to="13812345678", subject="receipt", body="…")
        raise RuntimeError("the registration fails after all")
    assert not OutboxMessage.objects.exists() and not DBTaskResult.objects.exists()

    with transaction.atomic():
        notify.send(channel="sms", to="13812345678", subject="receipt", body="编号 X")
    message = OutboxMessage.objects.get()
    assert message.state == State.PENDING and LogSender.outbox == []
    assert DBTaskResult.objects.get().status == TaskResultStatus.READY

    work()
    message.refresh_from_db()
    assert message.state == State.LOGGED and message.attempts == 1
    assert [m.message_id for m in LogSender.outbox] == [str(message.pk)]
    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL


def test_a_failing_gateway_is_tried_again_with_backoff_then_failed_for_good(settings):
    settings.XINFANG_NOTIFY_SENDER = f"{__name__}.FlakySender"
    settings.XINFANG_NOTIFY_MAX_ATTEMPTS = 3
    settings.XINFANG_RETRY_BASE_SECONDS = 30
    FlakySender.failures = 3
    start = timezone.now()
    notify.send(channel="email", to="li@example.cn", subject="答复", body="正文")
    work()
    m = OutboxMessage.objects.get()
    assert (m.state, m.attempts, m.last_error) == (
        State.RETRYING,
        1,
        "ConnectionError: gateway busy",
    )
    assert 29 <= (m.next_attempt_at - start).total_seconds() <= 40
    retry = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    assert 29 <= (retry.run_after - start).total_seconds() <= 40

    work()  # too early: the retry waits for its time
    m.refresh_from_db()
    assert m.attempts == 1

    with time_machine.travel(start + dt.timedelta(seconds=45)):
        work()
    m.refresh_from_db()
    assert (m.state, m.attempts) == (State.RETRYING, 2)
    assert 55 <= (m.next_attempt_at - start - dt.timedelta(seconds=45)).total_seconds() <= 70

    with time_machine.travel(start + dt.timedelta(seconds=120)):
        work()
    m.refresh_from_db()
    assert (m.state, m.attempts, m.next_attempt_at) == (State.FAILED, 3, None)
    assert FlakySender.sent == []

    # The administrator sends it again; the gateway is back.
    notify.send_again(m)
    work()
    m.refresh_from_db()
    assert (m.state, m.attempts) == (State.SENT, 1)
    assert [x.message_id for x in FlakySender.sent] == [str(m.pk)]


def test_running_the_delivery_again_sends_nothing_twice(settings):
    settings.XINFANG_NOTIFY_SENDER = f"{__name__}.FlakySender"
    notify.send(channel="email", to="li@example.cn", subject="答复", body="正文")
    m = OutboxMessage.objects.get()
    assert notify.deliver.call(str(m.pk)) == State.SENT
    assert notify.deliver.call(str(m.pk)) == State.SENT
    work()
    assert len(FlakySender.sent) == 1


def test_a_recipient_who_opted_out_gets_nothing():
    assert notify.opt_out(channel="sms", address="138 1234 5678")
    assert notify.opted_out("13812345678")
    notify.send(channel="sms", to="13812345678", subject="receipt", body="…")
    work()
    assert OutboxMessage.objects.get().state == State.OPTED_OUT and LogSender.outbox == []
    assert notify.opt_in(address="13812345678") and not notify.opted_out("13812345678")


def test_the_tasks_of_a_worker_that_stopped_beating_are_queued_again(settings):
    settings.XINFANG_WORKER_STALE_SECONDS = 60
    notify.send(channel="sms", to="13812345678", subject="a", body="…")
    notify.send(channel="sms", to="13912345678", subject="b", body="…")
    dead, alive = DBTaskResult.objects.order_by("enqueued_at")
    long_ago = timezone.now() - dt.timedelta(minutes=5)
    DBTaskResult.objects.filter(pk=dead.pk).update(
        status=TaskResultStatus.RUNNING, worker_ids=["w-dead"], started_at=long_ago
    )
    DBTaskResult.objects.filter(pk=alive.pk).update(
        status=TaskResultStatus.RUNNING, worker_ids=["w-alive"], started_at=long_ago
    )
    WorkerBeat.objects.create(worker_id="w-dead", host="h", pid=1, seen_at=long_ago)
    WorkerBeat.objects.create(worker_id="w-alive", host="h", pid=2, seen_at=timezone.now())
    assert tasks.recover_stalled() == 1
    assert DBTaskResult.objects.get(pk=dead.pk).status == TaskResultStatus.READY
    assert DBTaskResult.objects.get(pk=alive.pk).status == TaskResultStatus.RUNNING


def test_the_schedule_enqueues_each_command_once_per_period(settings):
    settings.XINFANG_PERIODIC_COMMANDS = ["petitions_tick", "supervision_tick"]
    now = timezone.now()
    assert tasks.schedule_due(now=now, every=300) == ["petitions_tick", "supervision_tick"]
    assert tasks.schedule_due(now=now + dt.timedelta(seconds=10), every=300) == []
    # Due again, but its last run has not run yet: not twice in the queue.
    assert tasks.schedule_due(now=now + dt.timedelta(seconds=301), every=300) == []
    assert DBTaskResult.objects.filter(task_path__endswith="run_command").count() == 2
    work()
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
    assert tasks.schedule_due(now=now + dt.timedelta(seconds=302), every=300) == [
        "petitions_tick",
        "supervision_tick",
    ]
    assert PeriodicJob.objects.get(name="petitions_tick").last_enqueued_at is not None


def test_a_failing_periodic_command_is_tried_again_with_backoff_then_run_again_by_hand(
    settings, admin_client
):
    """A task other than a notification: the periodic command fails, is tried
    again after 30 s and 60 s, then given up; each failed try stays on the
    administrator's task list with its traceback, and "run again" queues it."""
    settings.XINFANG_PERIODIC_COMMANDS = ["no_such_command"]
    settings.XINFANG_TASK_MAX_ATTEMPTS = 3
    settings.XINFANG_RETRY_BASE_SECONDS = 30
    start = timezone.now()
    tasks.schedule_due(now=start, every=3600)
    work()
    first = DBTaskResult.objects.get(status=TaskResultStatus.FAILED)
    assert "no_such_command" in first.traceback
    retry = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    assert retry.args_kwargs == {"args": ["no_such_command"], "kwargs": {"attempt": 2}}
    assert 29 <= (retry.run_after - start).total_seconds() <= 40
    for seconds in (45, 120):
        with time_machine.travel(start + dt.timedelta(seconds=seconds)):
            work()
    failed = DBTaskResult.objects.filter(status=TaskResultStatus.FAILED)
    assert failed.count() == 3
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()

    # The administrator's list shows the tries; "run again" queues the last one.
    url = reverse(f"admin:{DBTaskResult._meta.app_label}_dbtaskresult_changelist")
    page = admin_client.get(url).content.decode()
    assert page.count('name="_selected_action"') == 3  # the three failed tries
    last = failed.order_by("-enqueued_at").first()
    admin_client.post(
        url,
        {"action": "run_again", "_selected_action": [str(last.pk)]},
    )
    again = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    assert again.args_kwargs == {"args": ["no_such_command"], "kwargs": {}}


def test_a_command_that_is_not_periodic_is_not_run_by_a_worker():
    with pytest.raises(ValueError):
        tasks.run_command.call("flush")


# --- kill -9 in the middle of a batch ---------------------------------------------


class Inbox:
    """A local SMTP server's handler: keeps each message's Message-ID; slow
    enough that a batch takes a few seconds."""

    def __init__(self):
        self.ids: list[str] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        time.sleep(0.05)
        text = envelope.content.decode("utf-8", "replace")
        mid = next(
            line.split(":", 1)[1].strip()
            for line in text.splitlines()
            if line.lower().startswith("message-id:")
        )
        with self.lock:
            self.ids.append(mid)
        return "250 OK"


def database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def start_worker(port: int, log) -> subprocess.Popen:
    env = {
        k: v for k, v in os.environ.items() if k != "PYTEST_VERSION" and not k.startswith("DJANGO_")
    }
    env.update(
        DEBUG="1",
        DATABASE_URL=database_url(),
        NOTIFY_SENDER="xinfang.core.gateways.EmailSender",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(port),
        TASK_BACKEND="database",
        WORKER_BEAT_SECONDS="0.5",
        WORKER_STALE_SECONDS="3",
    )
    return subprocess.Popen(
        [sys.executable, "manage.py", "run_worker", "--no-startup-delay", "--interval", "0.2"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def wait_for(predicate, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


def test_a_worker_killed_mid_batch_then_restarted_sends_each_message_once(settings, tmp_path):
    settings.XINFANG_NOTIFY_SENDER = "xinfang.core.gateways.EmailSender"
    inbox = Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    n = 40
    with transaction.atomic():
        for i in range(n):
            notify.send(channel="email", to=f"p{i}@example.cn", subject=f"通知 {i}", body="正文")
    expected = {f"<{pk}@xinfang>" for pk in OutboxMessage.objects.values_list("pk", flat=True)}
    log = open(tmp_path / "worker.log", "w")  # noqa: SIM115 (closed below)
    worker = start_worker(port, log)
    try:
        assert wait_for(lambda: len(inbox.ids) >= 8, 60), (tmp_path / "worker.log").read_text()
        os.kill(worker.pid, signal.SIGKILL)  # in the middle of the batch
        worker.wait(10)
        received_at_kill = len(inbox.ids)
        assert received_at_kill < n, "the batch ended before the kill"
        worker = start_worker(port, log)
        assert wait_for(
            lambda: not OutboxMessage.objects.filter(state__in=OutboxMessage.OPEN_STATES).exists(),
            90,
        ), list(OutboxMessage.objects.values_list("state", flat=True))
    finally:
        worker.kill()
        worker.wait(10)
        controller.stop()
        log.close()
    assert set(OutboxMessage.objects.values_list("state", flat=True)) == {State.SENT}
    # Every message arrived; each id once (the one in flight at the kill may have
    # been sent again with the same id, which the receiver can tell).
    assert set(inbox.ids) == expected
    doubled = len(inbox.ids) - len(set(inbox.ids))
    assert doubled <= 1, inbox.ids
    assert not DBTaskResult.objects.exclude(status=TaskResultStatus.SUCCESSFUL).exists()
