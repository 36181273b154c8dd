from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "xinfang.portal"
    label = "portal"
    verbose_name = _("Public portal")

    def ready(self) -> None:
        from xinfang.orgs.registry import DEMO_LOGIN_LINES

        from .demo import demo_matter_line

        # `make run` names a demo matter's query code to try the public pages.
        DEMO_LOGIN_LINES.register(demo_matter_line, key="portal.demo_matter")
