from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediationConfig(AppConfig):
    name = "xinfang.mediation"
    label = "mediation"
    verbose_name = _("Mediation network")

    def ready(self) -> None:
        from xinfang.core.calendar import register_recompute

        from .services import recompute_deadlines

        # When the holiday data changes (a year published, a library upgrade), the
        # case time limits and judicial-confirmation windows are recomputed.
        register_recompute(recompute_deadlines)

        from xinfang.orgs.roles import register_start_panel

        # Screening, ledger and weekly meeting (views_screening.start_panel).
        from .views_screening import start_panel as screening_panel

        register_start_panel(screening_panel)

        # Disputes and cases (panels.start_panel): the mediator's open cases.
        from .panels import start_panel as case_panel

        register_start_panel(case_panel)
