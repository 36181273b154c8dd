"""Pages of the leadership area (app "leadership")."""

from django.urls import path  # noqa: F401

app_name = "leadership"

urlpatterns: list = []
