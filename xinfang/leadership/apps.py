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

        from . import campaigns_panels, hearings_panels, ownership_panels, receptions_panels

        # The reception calendar on the leader's and the reception centre's start page.
        register_start_panel(receptions_panels.start_panel)

        # 领导包案: the leader's owned matters; the plan on a matter's page.
        register_start_panel(ownership_panels.start_panel)
        MATTER_PANELS.register(ownership_panels.matter_panel, key="ownership")
        # 群众评议 / 听证: a matter's hearings and the way to schedule one.
        MATTER_PANELS.register(hearings_panels.matter_panel, key="hearings")
        # 信访积案攻坚: the running campaigns on the start page.
        register_start_panel(campaigns_panels.start_panel)
