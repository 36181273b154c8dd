"""Demo listed supervision for `make run` (after seed_demo_petitions and
seed_demo_screening): the demo supervisor lists one open petition matter red and
chases it, and lists one dispute past its deadline on a township's ledger yellow.
Idempotent: it does nothing when something is listed already."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from xinfang.core import calendar
from xinfang.mediation.models import OPEN_DISPUTE_STATES, Dispute
from xinfang.orgs.demo import TOWNSHIP_A
from xinfang.petitions.models import CLOSED_STATES, Petition
from xinfang.supervision import services
from xinfang.supervision.models import Listing


def seed() -> int:
    if Listing.objects.exists():
        return 0
    supervisor = get_user_model().objects.filter(username="supervisor").first()
    if supervisor is None:
        raise CommandError("Run seed_demo first: the demo supervisor is missing.")
    made = 0
    matter = (
        Petition.objects.exclude(state__in=CLOSED_STATES)
        .filter(responsible_unit__code=TOWNSHIP_A, purpose="appeal")
        .order_by("registered_at")
        .first()
    )
    if matter is not None:
        listing, _ = services.listing_create(
            actor=supervisor,
            petition_id=matter.pk,
            colour="red",
            reason="群众多次反映，涉及人数多，存在越级上访风险",
            demand="当日报告已采取的措施，一周内提出化解方案",
        )
        services.listing_chase(
            actor=supervisor,
            listing_id=listing.pk,
            kind="press",
            demand="请承办单位主要负责人牵头，当日约见信访人并报告措施",
        )
        made += 1
    today = calendar.today()
    dispute = (
        Dispute.objects.filter(
            state__in=OPEN_DISPUTE_STATES, township__isnull=False, deadline__lt=today
        )
        .order_by("deadline", "pk")
        .first()
        or Dispute.objects.filter(state__in=OPEN_DISPUTE_STATES, township__isnull=False)
        .order_by("received_on", "pk")
        .first()
    )
    if dispute is not None:
        services.listing_create(
            actor=supervisor,
            dispute_id=dispute.pk,
            colour="yellow",
            reason="周碰头会确定的化解期限已过，纠纷仍未化解",
            demand="两日内报告调解进展",
        )
        made += 1
    return made


class Command(BaseCommand):
    help = "Demo listed supervision: two matters listed by the demo supervisor (make run)."

    def add_arguments(self, parser):
        parser.add_argument("--allow-production", action="store_true")

    def handle(self, *args, allow_production=False, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError("DEBUG is off: pass --allow-production to add demo listings.")
        with transaction.atomic():
            made = seed()
        self.stdout.write(f"Demo listings: {made} new.")
