"""/api/v1/ routes of the mediation network (included by xinfang.exchange.urls):
disputes, cases, rosters and statistics (api.cases); the daily screening, the
ledger and the weekly meetings (api.screening)."""

from django.urls import path

from .api import cases, disputes, roster, stats
from .api import screening as screening_api

urlpatterns = [
    path("disputes", disputes.DisputeListView.as_view(), name="api-disputes"),
    path("disputes/<int:pk>", disputes.DisputeDetailView.as_view(), name="api-dispute"),
    path("disputes/<int:pk>/route", disputes.DisputeRouteView.as_view(), name="api-dispute-route"),
    path(
        "disputes/<int:pk>/escalate",
        disputes.DisputeEscalateView.as_view(),
        name="api-dispute-escalate",
    ),
    path("disputes/<int:pk>/cases", disputes.CaseOpenView.as_view(), name="api-dispute-cases"),
    path("cases/<int:pk>", cases.CaseDetailView.as_view(), name="api-case"),
    path("cases/<int:pk>/agreement.pdf", cases.AgreementPdfView.as_view(), name="api-case-pdf"),
    path("cases/<int:pk>/<str:action>", cases.CaseActionView.as_view(), name="api-case-action"),
    path(
        "mediation/bodies/<int:pk>/mediators",
        roster.RosterView.as_view(),
        name="api-mediation-roster",
    ),
    path(
        "mediation/mediators/<int:pk>",
        roster.MediatorView.as_view(),
        name="api-mediation-mediator",
    ),
    path("mediation/stats", stats.StatsView.as_view(), name="api-mediation-stats"),
    path(
        "screening/reports",
        screening_api.ScreeningReportListView.as_view(),
        name="api-screening-reports",
    ),
    path(
        "screening/reports/<int:pk>",
        screening_api.ScreeningReportDetailView.as_view(),
        name="api-screening-report",
    ),
    path(
        "screening/missing",
        screening_api.MissingReportsView.as_view(),
        name="api-screening-missing",
    ),
    path("ledger", screening_api.LedgerView.as_view(), name="api-ledger"),
    path("ledger.xlsx", screening_api.LedgerExportView.as_view(), name="api-ledger-xlsx"),
    path("meetings", screening_api.MeetingListView.as_view(), name="api-meetings"),
    path("meetings/<int:pk>", screening_api.MeetingDetailView.as_view(), name="api-meeting"),
    path(
        "meetings/<int:pk>/items/<int:item_pk>/decision",
        screening_api.MeetingDecisionView.as_view(),
        name="api-meeting-decision",
    ),
    path(
        "meetings/<int:pk>/minutes",
        screening_api.MeetingMinutesView.as_view(),
        name="api-meeting-minutes",
    ),
    path(
        "meetings/<int:pk>/close",
        screening_api.MeetingCloseView.as_view(),
        name="api-meeting-close",
    ),
    path(
        "meetings/<int:pk>/agenda/refresh",
        screening_api.MeetingRefreshView.as_view(),
        name="api-meeting-refresh",
    ),
]
