from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediationConfig(AppConfig):
    name = "xinfang.mediation"
    label = "mediation"
    verbose_name = _("Mediation network")

    def ready(self) -> None:
        # What mediation adds to the lower areas' pages and clocks, through their
        # registries (imports here run after the models load).
        from xinfang.core.calendar import register_recompute
        from xinfang.orgs.roles import register_start_panel
        from xinfang.petitions.registry import MATTER_PANELS, REGISTRATION_SOURCES

        from . import panels
        from .services import recompute_deadlines

        # When the holiday data changes (a year published, a library upgrade), the
        # case time limits and judicial-confirmation windows are recomputed.
        register_recompute(recompute_deadlines)
        # Screening, ledger and weekly meeting; the mediator's open cases.
        register_start_panel(panels.screening_panel)
        register_start_panel(panels.start_panel)
        # The 优先调解 card on a matter's page; a petition raised from a dispute.
        MATTER_PANELS.register(panels.matter_panel, key="mediation")
        REGISTRATION_SOURCES.register(panels.DisputeSource, key="dispute")
