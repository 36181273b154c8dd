"""The schedule of the periodic commands (settings.XINFANG_PERIODIC_COMMANDS).

    manage.py run_periodic              # the scheduler: enqueues each command every
                                        # --every seconds; a worker runs it
    manage.py run_periodic --once       # runs each command here, now, and stops

`make run` starts the scheduler and a worker (run_worker) next to the server, so
the clocks advance (matters turn red, lapsed review windows close) with nothing
to add to cron. Several schedulers may run: each command is enqueued once per
period (core.tasks.schedule_due), and not again while its last run still waits
or runs. The scheduler also puts back in the queue what dead workers left."""

import logging
import signal
import threading

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from xinfang.core import tasks

logger = logging.getLogger("xinfang.periodic")


class Command(BaseCommand):
    help = (
        "Schedule the periodic commands (settings.XINFANG_PERIODIC_COMMANDS, e.g. "
        "petitions_tick) every --every seconds for the background worker, or run them "
        "here with --once."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "commands",
            nargs="*",
            help="Commands (default: settings.XINFANG_PERIODIC_COMMANDS).",
        )
        parser.add_argument(
            "--every",
            type=int,
            default=settings.XINFANG_PERIODIC_EVERY,
            help="Seconds between runs of each command (default %(default)s).",
        )
        parser.add_argument("--once", action="store_true", help="Run them here once and stop.")

    def handle(self, *args, commands, every, once, **options):
        if every < 1:
            raise CommandError("--every must be at least 1 second.")
        if once:
            for name in commands or settings.XINFANG_PERIODIC_COMMANDS:
                self._run(name)
            return
        commands = commands or list(settings.XINFANG_PERIODIC_COMMANDS)
        unknown = [n for n in commands if n not in settings.XINFANG_PERIODIC_COMMANDS]
        if unknown:
            raise CommandError(
                f"Not periodic commands: {', '.join(unknown)} "
                "(settings.XINFANG_PERIODIC_COMMANDS lists those a worker may run)."
            )
        stop = threading.Event()
        # A plain `kill` (what make's trap sends) or Ctrl-C ends the loop between
        # two rounds, not in the middle of one.
        previous = {}
        for signum in (signal.SIGTERM, signal.SIGINT):
            if signal.getsignal(signum) is not signal.SIG_IGN:
                previous[signum] = signal.signal(signum, lambda *_args: stop.set())
        try:
            while not stop.is_set():
                try:
                    tasks.recover_stalled()
                    for name in tasks.schedule_due(commands=commands, every=every):
                        self.stdout.write(f"Enqueued {name}.")
                except Exception:  # the database away for a moment: next round
                    logger.exception("The scheduler's round failed.")
                stop.wait(min(every, 5))
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    def _run(self, name: str) -> None:
        try:
            call_command(name, stdout=self.stdout, stderr=self.stderr)
        except Exception:
            # One failing run is logged; the next one is tried on time.
            logger.exception("Periodic command %s failed.", name)
