"""Retrain the routing suggestions' model of every petition office (search.routing).
Listed in settings.XINFANG_PERIODIC_COMMANDS: the scheduler calls it every few
minutes and it retrains only when the newest model is older than
XINFANG_ROUTING_RETRAIN_HOURS (24); --force retrains now."""

import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from xinfang.search import routing
from xinfang.search.models import RoutingModel


class Command(BaseCommand):
    help = "Retrain the routing suggestions (category, responsible unit) of every office."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="retrain even if recent")

    def handle(self, *args, force=False, **options):
        hours = int(getattr(settings, "XINFANG_ROUTING_RETRAIN_HOURS", 24))
        oldest = RoutingModel.objects.order_by("trained_at").values_list("trained_at", flat=True)
        first = oldest.first()
        if not force and first is not None and timezone.now() - first < dt.timedelta(hours=hours):
            self.stdout.write("Routing models are recent; nothing to do.")
            return
        counts = routing.train_all()
        self.stdout.write(
            "Routing models trained: "
            + (", ".join(f"{k}: {n} matters" for k, n in counts.items()) or "no office")
        )
