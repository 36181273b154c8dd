from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PetitionsConfig(AppConfig):
    name = "xinfang.petitions"
    label = "petitions"
    verbose_name = _("Petition matters")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from xinfang.core.calendar import register_recompute
        from xinfang.core.memo import forget_all
        from xinfang.core.models import NoticeTemplate
        from xinfang.orgs.models import Unit

        from .models import Category, OfficeColourSettings

        # The lists' filter choices are kept (core.memo): a unit or a category
        # changed forgets them (the same receivers as the portal's form: one each);
        # so are the active notice templates (notices._active_templates), the
        # offices' colour settings (selectors.colour_rules) and the office a place's
        # matters go to (services.registration.office_for).
        for model in (Unit, Category, NoticeTemplate, OfficeColourSettings):
            post_save.connect(forget_all, sender=model, dispatch_uid=f"memo-{model.__name__}")
            post_delete.connect(forget_all, sender=model, dispatch_uid=f"memo-d-{model.__name__}")

        from .services import recompute_deadlines

        # When the holiday data changes (a year published, a library upgrade), the
        # open matters whose deadline depends on it are recomputed.
        register_recompute(recompute_deadlines)

        from xinfang.orgs.roles import register_start_panel

        from .panels import start_panel

        register_start_panel(start_panel)

        from .panels import messages_panel
        from .registry import MATTER_PANELS

        # The SMS and e-mails sent about the matter (core.notify's outbox).
        MATTER_PANELS.register(messages_panel, key="messages")

        from .notices import register_kinds

        # The six written notices become kinds of core.NoticeTemplate.
        register_kinds()
