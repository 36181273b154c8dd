from django.core.management.base import BaseCommand

from xinfang.analytics import summaries


class Command(BaseCommand):
    help = (
        "Keep the figures' summaries whole: rebuild them when matters have no fact "
        "(a fresh install, matters loaded without the services), else re-derive the "
        "facts of the matters changed in the last day. Run it with the periodic tick."
    )

    def handle(self, *args, **options):
        counts = summaries.tick()
        self.stdout.write(
            f"rebuilt: {counts['rebuilt']}, checked: {counts['checked']}, "
            f"repaired: {counts['repaired']}"
        )
