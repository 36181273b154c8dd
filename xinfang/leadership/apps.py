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
        from xinfang.petitions.registry import MATTER_PANELS

        from . import ownership_panels

        # 领导包案: the leader's owned matters; the plan on a matter's page.
        register_start_panel(ownership_panels.start_panel)
        MATTER_PANELS.register(ownership_panels.matter_panel, key="ownership")

        # 信访积案攻坚: the running campaigns on the start page.
        from . import campaigns_panels

        register_start_panel(campaigns_panels.start_panel)
