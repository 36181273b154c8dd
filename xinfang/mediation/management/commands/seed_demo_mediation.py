import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from xinfang.mediation.demo import seed_demo_mediation


class Command(BaseCommand):
    help = (
        "Mediator rosters for every mediation body (about 1,500) and demo disputes and "
        "cases in various states (idempotent)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--allow-production", action="store_true")

    def handle(self, *args, allow_production=False, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError("DEBUG is off: pass --allow-production to add demo data.")
        started = time.monotonic()
        mediators, disputes = seed_demo_mediation()
        self.stdout.write(
            f"Demo mediation: {mediators} mediators, {disputes} disputes new "
            f"({time.monotonic() - started:.1f} s)."
        )
