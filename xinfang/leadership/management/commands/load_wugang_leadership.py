import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from xinfang.leadership.demo_year import LOADERS


class Command(BaseCommand):
    help = (
        "Load a year of leadership work shaped like Wugang's 2016 (receptions: 287 "
        "person-times, 469 batches, 3,900 people; 294 owned matters, 260 resolved) for "
        "the statistics pages. Runs each "
        "loader of xinfang.leadership.demo_year.LOADERS in order."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=2016)
        parser.add_argument("--seed", type=int, default=2016)
        parser.add_argument("--allow-production", action="store_true")

    def handle(self, *args, year, seed, allow_production=False, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError("DEBUG is off: pass --allow-production to load demo figures.")
        for loader in LOADERS:
            started = time.monotonic()
            try:
                made = loader(year=year, seed=seed)
            except ValueError as exc:
                raise CommandError(str(exc)) from None
            figures = ", ".join(f"{k} {v}" for k, v in made.items())
            self.stdout.write(
                f"{year} {loader.__name__}: {figures} ({time.monotonic() - started:.1f} s)."
            )
