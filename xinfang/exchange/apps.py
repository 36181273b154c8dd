from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "xinfang.exchange"
    label = "exchange"
    verbose_name = _("API and exchange")

    def ready(self):
        # The upstream exchange's outbox is written with each matter's event, in
        # its transaction (exchange.upstream.outbound); petitions knows nothing
        # of the exchange, as it knows nothing of search.
        from xinfang.core.memo import forget_all
        from xinfang.petitions.models import PetitionEvent

        from .models import Peer
        from .upstream import outbound

        # Every event asks for the active peers: kept (core.memo), forgotten so.
        post_save.connect(forget_all, sender=Peer, dispatch_uid="memo-Peer")
        post_delete.connect(forget_all, sender=Peer, dispatch_uid="memo-d-Peer")

        post_save.connect(
            outbound.on_event, sender=PetitionEvent, dispatch_uid="exchange-upstream-outbox"
        )
