import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from xinfang.leadership.demo_year_ownership import OWNED, RESOLVED, load_ownership


class Command(BaseCommand):
    help = (
        "Load a year of leader-owned matters shaped like Wugang's 2016 (294 owned, "
        "260 resolved) for the ownership statistics."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=2016)
        parser.add_argument("--seed", type=int, default=2016)
        parser.add_argument("--allow-production", action="store_true")

    def handle(self, *args, year, seed, allow_production=False, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError("DEBUG is off: pass --allow-production to load demo figures.")
        started = time.monotonic()
        try:
            made = load_ownership(year, owned=OWNED, resolved=RESOLVED, seed=seed)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"{year}: {made['owned']} owned matters, {made['resolved']} resolved "
            f"({time.monotonic() - started:.1f} s)."
        )
