from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "xinfang.orgs"
    label = "orgs"
    verbose_name = _("Units and people")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from xinfang.core.memo import forget_all

        from .models import Unit, UnitLink

        # The tree's answers are kept (permissions.descendant_ids, ...; core.memo):
        # a unit or a link saved or deleted forgets them (the receivers of the
        # areas that keep lists of units too: one each, by dispatch_uid).
        for model in (Unit, UnitLink):
            post_save.connect(forget_all, sender=model, dispatch_uid=f"memo-{model.__name__}")
            post_delete.connect(forget_all, sender=model, dispatch_uid=f"memo-d-{model.__name__}")
