from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "xinfang.supervision"
    label = "supervision"
    verbose_name = _("Listed supervision")

    def ready(self) -> None:
        # What supervision adds to the lower areas' pages and to the periodic tick,
        # through their registries; imports here run after the models load.
        from xinfang.leadership.registry import BULLETIN_ESCALATIONS
        from xinfang.orgs.roles import register_start_panel
        from xinfang.petitions.registry import ACTIONS_ELSEWHERE

        from . import panels

        # The supervisor's start page: listed matters by colour, the board.
        register_start_panel(panels.start_panel)
        # A matter is listed and chased here (the listing record, its letters and
        # the escalation ladder), not by the matter page's own forms.
        ACTIONS_ELSEWHERE.register(panels.listing_page, key="list")
        ACTIONS_ELSEWHERE.register(panels.listing_page, key="chase")
        # A unit whose listed matter turned red this week is named in the weekly
        # bulletin of the office's backlog campaigns.
        BULLETIN_ESCALATIONS.register(panels.escalated_red_units, key="supervision")
