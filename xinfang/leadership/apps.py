from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LeadershipConfig(AppConfig):
    name = "xinfang.leadership"
    label = "leadership"
    verbose_name = _("Leadership work")

    def ready(self) -> None:
        # What leadership adds to the lower areas' pages (start panels, a matter's
        # page), through their registries; imports here run after the models load.
        from xinfang.orgs.roles import register_start_panel

        from . import receptions_panels

        # The reception calendar on the leader's and the reception centre's start page.
        register_start_panel(receptions_panels.start_panel)
