"""/api/v1/ routes of the daily screening, the ledger and the weekly meetings."""

from django.urls import path

from . import api_screening as api

urlpatterns = [
    path("screening/reports", api.ScreeningReportListView.as_view(), name="api-screening-reports"),
    path(
        "screening/reports/<int:pk>",
        api.ScreeningReportDetailView.as_view(),
        name="api-screening-report",
    ),
    path("screening/missing", api.MissingReportsView.as_view(), name="api-screening-missing"),
    path("ledger", api.LedgerView.as_view(), name="api-ledger"),
    path("ledger.xlsx", api.LedgerExportView.as_view(), name="api-ledger-xlsx"),
    path("meetings", api.MeetingListView.as_view(), name="api-meetings"),
    path("meetings/<int:pk>", api.MeetingDetailView.as_view(), name="api-meeting"),
    path(
        "meetings/<int:pk>/items/<int:item_pk>/decision",
        api.MeetingDecisionView.as_view(),
        name="api-meeting-decision",
    ),
    path("meetings/<int:pk>/minutes", api.MeetingMinutesView.as_view(), name="api-meeting-minutes"),
    path("meetings/<int:pk>/close", api.MeetingCloseView.as_view(), name="api-meeting-close"),
    path(
        "meetings/<int:pk>/agenda/refresh",
        api.MeetingRefreshView.as_view(),
        name="api-meeting-refresh",
    ),
]
