"""Set up a peer of the upstream exchange (上下级联网); prints a new shared key once.

manage.py exchange_peer city --identity county --direction up --url https://city.example.gov.cn
manage.py exchange_peer county --identity city --direction down --unit 410481 \
    --url https://county.example.gov.cn --key <the key the county printed>
manage.py exchange_peer province --identity city --direction up --transport batch
manage.py exchange_peer city --new-key          # replace the key (tell the peer)
manage.py exchange_peer city --deactivate
manage.py exchange_peer city --activate         # take it back (a changed peer stays off)
"""

from django.core.management.base import BaseCommand, CommandError

from xinfang.core.exceptions import DomainError
from xinfang.exchange.models import Peer
from xinfang.exchange.upstream import peers
from xinfang.orgs.models import Unit


class Command(BaseCommand):
    help = "Create or change a peer of the upstream exchange; a new key is printed only now."

    def add_arguments(self, parser):
        parser.add_argument("name", help="The peer's name (how it names itself to us).")
        parser.add_argument("--identity", help="Our name at the peer.")
        parser.add_argument("--direction", choices=Peer.Direction.values)
        parser.add_argument("--transport", help="https (default), batch, or a deployment's own.")
        parser.add_argument("--url", default=None, help="The peer's address (https://...).")
        parser.add_argument("--unit", default=None, help="A peer below: the code of its unit.")
        parser.add_argument("--key", default="", help="The shared key the peer generated.")
        parser.add_argument("--new-key", action="store_true", help="Generate a new shared key.")
        parser.add_argument("--deactivate", action="store_true")
        parser.add_argument("--activate", action="store_true", help="Take a deactivated peer back.")

    def handle(self, *args, name, **o):
        if o["deactivate"]:
            if not peers.peer_deactivate(name=name):
                raise CommandError(f"No peer named {name!r}.")
            self.stdout.write(f"Peer {name} deactivated: nothing more is sent to or taken from it.")
            return
        current = Peer.objects.filter(name=name).first()
        unit = None
        code = o["unit"] if o["unit"] is not None else None
        if code:
            unit = Unit.objects.filter(code=code).first()
            if unit is None:
                raise CommandError(f"No unit with the code {code!r}.")
        elif current is not None and code is None:
            unit = current.unit

        def value(option, attr, default=""):
            if o[option] is not None:
                return o[option]
            return getattr(current, attr) if current is not None else default

        try:
            peer, key = peers.peer_save(
                name=name,
                identity=value("identity", "identity"),
                direction=value("direction", "direction"),
                transport=value("transport", "transport", Peer.Transport.HTTPS),
                base_url=value("url", "base_url"),
                unit=unit,
                key=o["key"],
                new_secret=o["new_key"],
                activate=o["activate"],
            )
        except DomainError as exc:
            errors = "; ".join(f"{k}: {' '.join(map(str, v))}" for k, v in exc.field_errors.items())
            raise CommandError(errors or str(exc.message)) from None
        self.stdout.write(
            f"Peer {peer.name}: {peer.direction}, {peer.transport}, {peer.base_url or '-'}; "
            f"we are {peer.identity!r} to it; key fingerprint {peer.key_fingerprint}"
            f"{'' if peer.is_active else '; deactivated (--activate takes it back)'}."
        )
        if key:
            self.stdout.write(f"shared key: {key}")
            self.stdout.write("It is shown only now: give it to the peer's administrator.")
