from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "xinfang.exchange"
    label = "exchange"
    verbose_name = _("API and exchange")

    def ready(self):
        # The upstream exchange's outbox is written with each matter's event, in
        # its transaction (exchange.upstream.outbound); petitions knows nothing
        # of the exchange, as it knows nothing of search.
        from xinfang.petitions.models import PetitionEvent

        from .upstream import outbound

        post_save.connect(
            outbound.on_event, sender=PetitionEvent, dispatch_uid="exchange-upstream-outbox"
        )
