"""Pages of the analytics area (app "analytics")."""

from django.urls import path

from . import views

app_name = "analytics"

urlpatterns: list = [
    path("analytics/", views.dashboard, name="dashboard"),
    path("analytics/matters/", views.matters, name="matters"),
    path("analytics/indicators.xlsx", views.export_xlsx, name="export"),
]
