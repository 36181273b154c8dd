from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "xinfang.analytics"
    label = "analytics"
    verbose_name = _("Reading the situation")

    def ready(self):
        # The summaries follow every change of a matter or an evaluation in its own
        # transaction (Django's model signals: petitions imports nothing of ours).
        from . import signals  # noqa: F401
