from django.core.management.base import BaseCommand

from xinfang.petitions.services import petitions_tick


class Command(BaseCommand):
    help = (
        "Advance the clocks: notify matters that turned red, conclude matters whose "
        "review window lapsed. Run it from the scheduler every few minutes."
    )

    def handle(self, *args, **options):
        counts = petitions_tick()
        self.stdout.write(f"turned red: {counts['red']}, window lapsed: {counts['lapsed']}")
