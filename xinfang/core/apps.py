from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "xinfang.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import signals  # connects the security-record handlers

        # Once per migrate (sender: this app), after every app's migrations ran.
        post_migrate.connect(
            signals.sync_calendar_after_migrate, sender=self, dispatch_uid="xinfang-calendar-sync"
        )
