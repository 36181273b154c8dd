"""Pages of the supervision area (app "supervision")."""

from django.urls import path  # noqa: F401

app_name = "supervision"

urlpatterns: list = []
