from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "xinfang.search"
    label = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        # The index follows every save of the lower areas' rows in the same
        # transaction (post_save runs inside the service's atomic block); see index.py.
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from xinfang.core.memo import forget_all
        from xinfang.orgs.models import Unit
        from xinfang.petitions.models import Category
        from xinfang.petitions.registry import (
            MATTER_PANELS,
            REGISTERED_HOOKS,
            REGISTRATION_PANELS,
        )

        from . import index, panels
        from .models import Synonym

        # The user dictionary (segment.py) is rebuilt when its words change.
        for model in (Unit, Category, Synonym):
            for signal in (post_save, post_delete):
                signal.connect(
                    forget_all, sender=model, dispatch_uid=f"search-memo-{model.__name__}"
                )

        for model, receiver in index.RECEIVERS:
            post_save.connect(receiver, sender=model, dispatch_uid=f"search-{model.__name__}")
        for through, receiver in index.M2M_RECEIVERS:
            m2m_changed.connect(receiver, sender=through, dispatch_uid=f"search-{through.__name__}")
        # Earlier matters of the same person and similar matters, on a matter's page.
        MATTER_PANELS.register(panels.matter_panel, key="related")
        # The likely category and responsible unit, for the dispatcher (a suggestion).
        MATTER_PANELS.register(panels.routing_panel, key="routing")
        # Before a registration is saved: this person's earlier matters, similar ones.
        REGISTRATION_PANELS.register(panels.registration_panel, key="related")
        # The marks chosen in that check, applied once the matter is registered.
        REGISTERED_HOOKS.register(panels.after_registration, key="related")
