"""Background work: Django's tasks framework (django.tasks) on the database queue
of django-tasks-db, chosen because it is the reference backend written by the
framework's author, needs no service beyond the database we already run, and
commits a task with the transaction that enqueues it.

What the project adds around it, and nothing more:
- `enqueue(task, ...)`: on the database queue the task row is written in the
  caller's transaction (a rolled-back change enqueues nothing, a committed one
  cannot lose its task); on a backend outside the database (the tests'
  immediate one, a broker), after the commit.
- `later(task, seconds, ...)`: the same, to run no sooner than `seconds` from now
  (a retry's backoff); where the backend cannot defer, the periodic sweep
  takes the work up instead.
- Liveness: a worker (`manage.py run_worker`) writes a WorkerBeat every few
  seconds; `recover_stalled()` puts back in the queue a task left RUNNING by a
  worker that stopped beating (kill -9, a lost machine). Tasks are written to be
  run again safely (core.notify.deliver checks its message's state first).
- The schedule: `run_periodic` enqueues each periodic command once per period
  (PeriodicJob rows, locked, so several schedulers enqueue it once) and
  `run_command` runs it on a worker.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading

from django.conf import settings
from django.core.management import call_command
from django.db import close_old_connections, transaction
from django.tasks import task, task_backends
from django.tasks.base import TaskResultStatus
from django.utils import timezone
from django_tasks_db import DatabaseBackend

logger = logging.getLogger("xinfang.tasks")


def backend():
    return task_backends[settings.XINFANG_TASK_BACKEND]


def in_database() -> bool:
    """Whether tasks are kept in this app's database (then they commit with it)."""
    return isinstance(backend(), DatabaseBackend)


def enqueue(t, *args, **kwargs) -> None:
    """Run task `t` in the background: in this transaction on the database queue,
    after the commit elsewhere."""
    bound = t.using(backend=settings.XINFANG_TASK_BACKEND)
    if in_database():
        bound.enqueue(*args, **kwargs)
    else:
        transaction.on_commit(lambda: bound.enqueue(*args, **kwargs), robust=True)


def backoff(attempt: int) -> float:
    """Seconds before try number `attempt + 1`: base, 2×base, 4×base ... capped."""
    base = settings.XINFANG_RETRY_BASE_SECONDS
    return min(base * 2 ** max(attempt - 1, 0), settings.XINFANG_RETRY_MAX_SECONDS)


def later(t, seconds: float, *args, **kwargs) -> bool:
    """Run task `t` no sooner than `seconds` from now. False when the backend
    cannot wait (the periodic sweep takes the work up then)."""
    if not backend().supports_defer:
        return False
    run_after = timezone.now() + dt.timedelta(seconds=seconds)
    t.using(backend=settings.XINFANG_TASK_BACKEND, run_after=run_after).enqueue(*args, **kwargs)
    return True


# --- deliveries: a row per thing to send (core.notify's outbox, the exchange's) ------
# The row has `state` (pending/sending/retrying/... as OutboxMessage.State),
# `attempts`, `claimed_at`, `next_attempt_at` and `last_error`.


def left_alone(m, open_states, now: dt.datetime | None = None) -> str | None:
    """Why a delivery's task must not try the row now (its state), or None: it is
    done or failed for good, a live worker is sending it, or its retry waits."""
    now = now or timezone.now()
    stale = now - dt.timedelta(seconds=settings.XINFANG_WORKER_STALE_SECONDS)
    if m.state == "sending" and m.claimed_at and m.claimed_at > stale:
        return m.state  # another worker is sending it now
    if m.state not in open_states:
        return m.state
    if m.state == "retrying" and m.next_attempt_at and m.next_attempt_at > now:
        return m.state  # its retry is queued for later
    return None


def record_failure(m, t, error: str, *, max_attempts: int, for_good: bool = False, log=None) -> str:
    """A try of delivery row `m` (sent by task `t`) failed with `error` (masked
    already): failed for good after `max_attempts` tries (or at once), else
    retrying after the backoff, with `t` queued for then. Saves the row in a
    transaction with the queued retry; answers its state. `log`: the caller's
    logger (the outbox's failures are in xinfang.notify's log)."""
    log = log or logger
    wait = 0.0
    if for_good or m.attempts >= max_attempts:
        m.state, m.next_attempt_at = "failed", None
        log.error("%s %s failed for good after %d tries: %s", t.name, m.pk, m.attempts, error)
    else:
        wait = backoff(m.attempts)
        m.state = "retrying"
        m.next_attempt_at = timezone.now() + dt.timedelta(seconds=wait)
        log.warning(
            "%s %s failed, try %d again in %d s: %s", t.name, m.pk, m.attempts + 1, wait, error
        )
    m.last_error, m.claimed_at = error, None
    with transaction.atomic():
        m.save(update_fields=["state", "next_attempt_at", "last_error", "claimed_at"])
        if m.state == "retrying":
            later(t, wait, str(m.pk))
    return m.state


def retry(t, attempt: int, *args, max_attempts: int | None = None, **kwargs) -> bool:
    """After try number `attempt` of task `t` failed: queue try `attempt + 1`
    after the backoff, unless that was the last allowed. The caller raises after
    this, so the failed try stays on the record with its traceback (the
    administrator's task list) and the next one carries on. True when queued."""
    limit = max_attempts or settings.XINFANG_TASK_MAX_ATTEMPTS
    if attempt >= limit:
        logger.error("%s failed %d times: given up", t.name, attempt)
        return False
    queued = later(t, backoff(attempt), *args, attempt=attempt + 1, **kwargs)
    if queued:
        logger.warning("%s failed (try %d of %d): tried again later", t.name, attempt, limit)
    return queued


def run_again(result_id) -> str:
    """Queue a finished task again with its arguments (the administrator's
    "run again" on a failed task). Answers the new task's id. Our tasks are
    written to be run again safely."""
    from django.utils.module_loading import import_string
    from django_tasks_db.models import DBTaskResult

    row = DBTaskResult.objects.get(pk=result_id)
    t = import_string(row.task_path)
    args = row.args_kwargs.get("args", [])
    kwargs = {k: v for k, v in row.args_kwargs.get("kwargs", {}).items() if k != "attempt"}
    result = t.using(backend=settings.XINFANG_TASK_BACKEND).enqueue(*args, **kwargs)
    return str(result.id)


# --- liveness ---------------------------------------------------------------------


def beat(worker_id: str) -> None:
    from .models import WorkerBeat

    WorkerBeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "host": socket.gethostname()[:255],
            "pid": os.getpid(),
            "seen_at": timezone.now(),
        },
    )


def recover_stalled(now: dt.datetime | None = None) -> int:
    """Put back in the queue every task left RUNNING by a worker that has not
    beaten for XINFANG_WORKER_STALE_SECONDS. Answers how many."""
    if not in_database():
        return 0
    from django_tasks_db.models import DBTaskResult

    from .models import WorkerBeat

    now = now or timezone.now()
    stale = now - dt.timedelta(seconds=settings.XINFANG_WORKER_STALE_SECONDS)
    alive = set(WorkerBeat.objects.filter(seen_at__gte=stale).values_list("worker_id", flat=True))
    back = 0
    for pk, workers, started in DBTaskResult.objects.running().values_list(
        "pk", "worker_ids", "started_at"
    ):
        last = workers[-1] if workers else None
        if last in alive or (started and started > stale):
            continue
        back += DBTaskResult.objects.filter(pk=pk, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.READY, started_at=None
        )
        logger.warning("Task %s was left running by worker %s: queued again.", pk, last)
    WorkerBeat.objects.filter(seen_at__lt=now - dt.timedelta(days=1)).delete()
    return back


class Heart(threading.Thread):
    """Beats for a worker, and recovers what dead workers left, until stopped."""

    def __init__(self, worker_id: str):
        super().__init__(name="xinfang-worker-beat", daemon=True)
        self.worker_id = worker_id
        self.stopped = threading.Event()

    def run(self) -> None:
        every = settings.XINFANG_WORKER_BEAT_SECONDS
        while not self.stopped.is_set():
            try:
                beat(self.worker_id)
                recover_stalled()
            except Exception:  # the database away for a moment: beat again later
                logger.exception("Worker %s could not beat.", self.worker_id)
            finally:
                close_old_connections()
            self.stopped.wait(every)

    def stop(self) -> None:
        self.stopped.set()


# --- the schedule -------------------------------------------------------------------


@task()
def run_command(name: str, attempt: int = 1) -> str:
    """A periodic management command, on a worker. A failure fails the task (the
    administrator sees it with its traceback), and it is tried again with backoff
    (core.tasks.retry) as well as in the next period."""
    if name not in settings.XINFANG_PERIODIC_COMMANDS:
        raise ValueError(f"{name} is not a periodic command")
    try:
        call_command(name, verbosity=0)
    except Exception:
        retry(run_command, attempt, name)
        raise
    return name


def schedule_due(now: dt.datetime | None = None, commands=None, every=None) -> list[str]:
    """Enqueue every periodic command that is due and not still waiting or running
    from its last period. Answers the names enqueued."""
    from .models import PeriodicJob

    now = now or timezone.now()
    every = dt.timedelta(seconds=every or settings.XINFANG_PERIODIC_EVERY)
    names = list(commands or settings.XINFANG_PERIODIC_COMMANDS)
    for name in names:
        PeriodicJob.objects.get_or_create(name=name, defaults={"next_at": now})
    done = []
    for name in names:
        with transaction.atomic():
            job = PeriodicJob.objects.select_for_update().get(name=name)
            if job.next_at > now or _still_queued(job.last_task_id):
                continue
            result = None
            if in_database():
                result = run_command.using(backend=settings.XINFANG_TASK_BACKEND).enqueue(name)
            else:
                enqueue(run_command, name)
            job.last_task_id = str(result.id) if result is not None else ""
            job.last_enqueued_at = now
            job.next_at = now + every
            job.save()
            done.append(name)
    return done


def _still_queued(task_id: str) -> bool:
    if not task_id or not in_database():
        return False
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(
        pk=task_id, status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
    ).exists()
