"""django-rest-knox's app under a Chinese name on the admin index (its own is
"Knox", its model "Auth tokens"), as axes_app does for django-axes.

Only the model's display names are set, not its fields': the migration
autodetector reads a model's options from `_meta.original_attrs`, which this
leaves alone, so no migration of knox's app follows. The admin's columns have
their own Chinese descriptions (core.admin.ApiTokenAdmin)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiTokensConfig(AppConfig):
    name = "knox"
    label = "knox"
    verbose_name = _("API tokens")

    def ready(self):
        model = self.get_model("AuthToken")
        model._meta.verbose_name = _("API token")
        model._meta.verbose_name_plural = _("API tokens")
