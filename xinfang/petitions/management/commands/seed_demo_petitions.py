from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from xinfang.petitions.demo import seed_demo_petitions


class Command(BaseCommand):
    help = "Register demo matters in every state (only when there are none yet)."

    def add_arguments(self, parser):
        parser.add_argument("--allow-production", action="store_true")

    def handle(self, *args, allow_production=False, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError("DEBUG is off: pass --allow-production to add demo matters.")
        made = seed_demo_petitions()
        self.stdout.write(f"Demo matters: {made} new.")
