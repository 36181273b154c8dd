"""Register a client application of the Open311 API and print its api_key once.

manage.py open311_client "武冈市民app"            # 30 requests a minute
manage.py open311_client "WeChat" --rate 120/minute
"""

from django.core.management.base import BaseCommand, CommandError

from xinfang.core.ratelimit import parse_rate
from xinfang.exchange.models import Open311Client


class Command(BaseCommand):
    help = "Register an Open311 client application; prints its api_key (shown only now)."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--rate", default="30/minute", help="Posts allowed, e.g. 30/minute.")

    def handle(self, *args, name, rate, **options):
        try:
            parse_rate(rate)
        except Exception as exc:
            raise CommandError(str(exc)) from None
        if Open311Client.objects.filter(name=name).exists():
            raise CommandError(f"A client named {name!r} exists already.")
        _client, key = Open311Client.create_with_key(name, rate)
        self.stdout.write(f"api_key for {name}: {key}")
        self.stdout.write("It is shown only now: only its SHA-256 is kept.")
