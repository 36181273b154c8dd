from django.core.management.base import BaseCommand

from xinfang.supervision.services import supervision_tick


class Command(BaseCommand):
    help = (
        "The escalation ladder of listed matters: a matter turning yellow tells its "
        "unit's head, one turning red its owning leader and the petition office, each "
        "step once; resolved matters are delisted. Run it from the scheduler."
    )

    def handle(self, *args, **options):
        counts = supervision_tick()
        self.stdout.write(
            f"yellow: {counts['yellow']}, red: {counts['red']}, delisted: {counts['resolved']}"
        )
