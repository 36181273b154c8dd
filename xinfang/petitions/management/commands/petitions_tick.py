from django.core.management.base import BaseCommand

from xinfang.petitions.services import petitions_tick


class Command(BaseCommand):
    help = (
        "Advance the clocks: recompute stored deadlines if the holiday data changed, "
        "notify matters that turned red, conclude matters whose review window lapsed. "
        "Run it from the scheduler every few minutes."
    )

    def handle(self, *args, **options):
        counts = petitions_tick()
        self.stdout.write(
            f"holiday data changed for {counts['holiday_years']} years, "
            f"turned red: {counts['red']}, window lapsed: {counts['lapsed']}"
        )
