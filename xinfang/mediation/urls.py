"""Pages of the mediation network (app "mediation"): disputes, cases, rosters and
statistics; the daily screening, the ledger and the weekly meetings."""

from django.urls import path

from .views import cases, disputes, diversion, ledger, meetings, roster, screening, stats

app_name = "mediation"

urlpatterns = [
    # Disputes and cases.
    path("mediation/disputes/", disputes.disputes, name="disputes"),
    path("mediation/disputes/register/", disputes.register, name="register"),
    path("mediation/disputes/<int:pk>/", disputes.dispute, name="dispute"),
    path("mediation/disputes/<int:pk>/<slug:action>/", disputes.dispute_act, name="dispute_act"),
    path("mediation/cases/<int:pk>/", cases.case, name="case"),
    path("mediation/cases/<int:pk>/agreement.pdf", cases.agreement_pdf_view, name="agreement_pdf"),
    path("mediation/cases/<int:pk>/<slug:action>/", cases.case_act, name="case_act"),
    path("mediation/mediators/", roster.rosters, name="rosters"),
    path("mediation/mediators/<int:pk>/", roster.roster, name="roster"),
    path("mediation/mediators/<int:pk>/add/", roster.roster_act, name="roster_add"),
    path("mediation/mediators/<int:pk>/<int:mediator_pk>/", roster.roster_act, name="roster_edit"),
    path(
        "mediation/mediators/<int:pk>/<int:mediator_pk>/active/",
        roster.roster_act,
        {"action": "active"},
        name="roster_active",
    ),
    path("mediation/statistics/", stats.statistics, name="stats"),
    path("mediation/divert/<int:petition_pk>/", diversion.divert, name="divert"),
    # Screening, the ledger and the weekly meetings.
    path("mediation/screening/report/", screening.report, name="screening_report"),
    path("mediation/screening/reports/", screening.report_list, name="screening_reports"),
    path(
        "mediation/screening/reports/<int:pk>/",
        screening.report_detail,
        name="screening_report_detail",
    ),
    path("mediation/ledger/", ledger.ledger_page, name="ledger"),
    path("mediation/ledger.xlsx", ledger.ledger_export, name="ledger_export"),
    path("mediation/meetings/", meetings.meeting_list, name="meetings"),
    path("mediation/meetings/<int:pk>/", meetings.meeting_page, name="meeting"),
    path("mediation/meetings/<int:pk>/print/", meetings.meeting_print, name="meeting_print"),
    path(
        "mediation/meetings/<int:pk>/items/<int:item_pk>/decide",
        meetings.meeting_decide,
        name="meeting_decide",
    ),
    path("mediation/meetings/<int:pk>/minutes", meetings.meeting_minutes, name="meeting_minutes"),
    path("mediation/meetings/<int:pk>/refresh", meetings.meeting_refresh, name="meeting_refresh"),
]
