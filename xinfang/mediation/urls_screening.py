"""Pages of the daily screening, the ledger and the weekly meetings (app "mediation")."""

from django.urls import path

from . import views_screening as views

urlpatterns = [
    path("mediation/screening/report/", views.report, name="screening_report"),
    path("mediation/screening/reports/", views.report_list, name="screening_reports"),
    path(
        "mediation/screening/reports/<int:pk>/",
        views.report_detail,
        name="screening_report_detail",
    ),
    path("mediation/ledger/", views.ledger_page, name="ledger"),
    path("mediation/ledger.xlsx", views.ledger_export, name="ledger_export"),
    path("mediation/meetings/", views.meeting_list, name="meetings"),
    path("mediation/meetings/<int:pk>/", views.meeting_page, name="meeting"),
    path("mediation/meetings/<int:pk>/print/", views.meeting_print, name="meeting_print"),
    path(
        "mediation/meetings/<int:pk>/items/<int:item_pk>/decide",
        views.meeting_decide,
        name="meeting_decide",
    ),
    path("mediation/meetings/<int:pk>/minutes", views.meeting_minutes, name="meeting_minutes"),
    path("mediation/meetings/<int:pk>/refresh", views.meeting_refresh, name="meeting_refresh"),
]
