"""Write the messages waiting for a batch peer to a signed file (离线交换).

manage.py exchange_export_batch province /media/usb/to-province.zip
manage.py exchange_export_batch province again.zip --all   # every message again
"""

from django.core.management.base import BaseCommand, CommandError

from xinfang.exchange.models import Peer
from xinfang.exchange.upstream import batch


class Command(BaseCommand):
    help = "Export the messages waiting for a peer to a signed batch file."

    def add_arguments(self, parser):
        parser.add_argument("peer")
        parser.add_argument("path")
        parser.add_argument("--all", action="store_true", help="Every message, delivered too.")

    def handle(self, *args, peer, path, **o):
        target = Peer.objects.filter(name=peer, is_active=True).first()
        if target is None:
            raise CommandError(f"No active peer named {peer!r}.")
        try:
            n = batch.export(peer=target, path=path, every=o["all"])
        except OSError as exc:
            raise CommandError(f"Could not write {path}: {exc}") from None
        self.stdout.write(f"{n} messages written to {path} for {target.name}.")
