"""Receive the messages of a signed batch file a peer wrote (离线交换); a file
imported twice changes nothing the second time.

manage.py exchange_import_batch /media/usb/from-city.zip
"""

from django.core.management.base import BaseCommand, CommandError

from xinfang.core.exceptions import DomainError
from xinfang.exchange.upstream import batch


class Command(BaseCommand):
    help = "Import a signed batch file of messages from a peer."

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, path, **o):
        try:
            result = batch.import_file(path)
        except DomainError as exc:
            raise CommandError(str(exc.message)) from None
        self.stdout.write(
            f"From {result.peer.name}: {result.accepted} received, "
            f"{result.duplicate} received before, {len(result.refused)} refused."
        )
        for message_id, why in result.refused:
            self.stdout.write(f"refused {message_id}: {why}")
        if result.refused:
            raise CommandError("Some messages were refused; the others were received.")
