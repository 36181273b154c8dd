"""Run the periodic management commands every N seconds, for as long as it runs.

`make run` starts it next to the development server, so the clocks advance
(matters turn red, lapsed review windows close) without cron. In production
the scheduler (cron or a systemd timer) calls the commands themselves, or this
one with --once (docs/deployment.md)."""

import logging
import signal
import threading

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

logger = logging.getLogger("xinfang.periodic")


class Command(BaseCommand):
    help = (
        "Run the periodic commands (settings.XINFANG_PERIODIC_COMMANDS, e.g. "
        "petitions_tick) now and then every --every seconds until stopped."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "commands",
            nargs="*",
            help="Commands to run (default: settings.XINFANG_PERIODIC_COMMANDS).",
        )
        parser.add_argument(
            "--every", type=int, default=300, help="Seconds between runs (default 300)."
        )
        parser.add_argument("--once", action="store_true", help="Run once and stop.")

    def handle(self, *args, commands, every, once, **options):
        commands = commands or list(settings.XINFANG_PERIODIC_COMMANDS)
        if every < 1:
            raise CommandError("--every must be at least 1 second.")
        if once:
            for name in commands:
                self._run(name)
            return
        stop = threading.Event()
        # A plain `kill` (what make's trap sends) or Ctrl-C ends the loop after
        # the command that is running, not in the middle of it.
        previous = {}
        for signum in (signal.SIGTERM, signal.SIGINT):
            if signal.getsignal(signum) is not signal.SIG_IGN:
                previous[signum] = signal.signal(signum, lambda *_args: stop.set())
        try:
            while not stop.is_set():
                for name in commands:
                    self._run(name)
                stop.wait(every)
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    def _run(self, name: str) -> None:
        try:
            call_command(name, stdout=self.stdout, stderr=self.stderr)
        except Exception:
            # One failing run is logged; the next one is tried on time.
            logger.exception("Periodic command %s failed.", name)
