from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "xinfang.portal"
    label = "portal"
    verbose_name = _("Public portal")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from xinfang.core.memo import forget_all
        from xinfang.orgs.models import Unit
        from xinfang.orgs.registry import DEMO_LOGIN_LINES
        from xinfang.petitions.models import Category

        from .demo import demo_matter_line

        # The public form's place, category and accused-unit lists are kept for a
        # few minutes (core.memo); a change of a unit or a category forgets them.
        for model in (Unit, Category):
            post_save.connect(forget_all, sender=model, dispatch_uid=f"memo-{model.__name__}")
            post_delete.connect(forget_all, sender=model, dispatch_uid=f"memo-d-{model.__name__}")

        # `make run` names a demo matter's query code to try the public pages.
        DEMO_LOGIN_LINES.register(demo_matter_line, key="portal.demo_matter")
