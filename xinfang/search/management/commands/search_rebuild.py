"""Index every matter, dispute and mediation case again (after the synonyms or
the unit tree changed, or to fill the index of an existing database)."""

from django.core.management.base import BaseCommand

from xinfang.search import index
from xinfang.search.models import Kind


class Command(BaseCommand):
    help = "Rebuild the full-text search index (all kinds, or --kind)."

    def add_arguments(self, parser):
        parser.add_argument("--kind", choices=Kind.values, action="append")

    def handle(self, *args, kind=None, **options):
        counts = index.rebuild(kinds=kind)
        self.stdout.write(", ".join(f"{k}: {n}" for k, n in counts.items()))
