"""django-axes' app under a Chinese name on the admin index (its own is "Axes").
Not in apps.py: Django picks an app's default config there only when it is the
one AppConfig in the module."""

from axes.apps import AppConfig as AxesConfig
from django.utils.translation import gettext_lazy as _


class LoginLocksConfig(AxesConfig):
    verbose_name = _("Login locks")
