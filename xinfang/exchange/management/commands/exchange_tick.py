"""Send again what should have gone (outbox messages whose task was lost or
could not wait for its retry): a periodic command (XINFANG_PERIODIC_COMMANDS)."""

from django.core.management.base import BaseCommand

from xinfang.exchange.upstream import outbound


class Command(BaseCommand):
    help = "Enqueue the exchange messages that are late."

    def handle(self, *args, **options):
        n = outbound.sweep()
        if options["verbosity"]:
            self.stdout.write(f"{n} exchange messages enqueued again.")
