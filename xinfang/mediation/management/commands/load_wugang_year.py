import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from xinfang.mediation.wugang import RECEIVED, SETTLED, load_year


class Command(BaseCommand):
    help = (
        "Load a year of disputes shaped like Wugang's 2016 (4,168 received, 4,096 settled: "
        "98.3%) for the statistics page."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=2016)
        parser.add_argument("--received", type=int, default=RECEIVED)
        parser.add_argument("--settled", type=int, default=SETTLED)
        parser.add_argument("--seed", type=int, default=2016)
        parser.add_argument("--allow-production", action="store_true")

    def handle(self, *args, year, received, settled, seed, allow_production=False, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError("DEBUG is off: pass --allow-production to load demo figures.")
        if settled > received:
            raise CommandError("--settled cannot exceed --received.")
        started = time.monotonic()
        try:
            made = load_year(year=year, received=received, settled=settled, seed=seed)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"{year}: {made['received']} disputes, {made['settled']} settled, "
            f"{made['cases']} cases, {made['agreements']} agreements "
            f"({time.monotonic() - started:.1f} s)."
        )
