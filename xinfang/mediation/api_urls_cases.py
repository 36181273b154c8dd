"""/api/v1/ routes of disputes, cases, rosters and statistics (xinfang.mediation.api_cases)."""

from django.urls import path

from . import api_cases as api

urlpatterns = [
    path("disputes", api.DisputeListView.as_view(), name="api-disputes"),
    path("disputes/<int:pk>", api.DisputeDetailView.as_view(), name="api-dispute"),
    path("disputes/<int:pk>/route", api.DisputeRouteView.as_view(), name="api-dispute-route"),
    path(
        "disputes/<int:pk>/escalate",
        api.DisputeEscalateView.as_view(),
        name="api-dispute-escalate",
    ),
    path("disputes/<int:pk>/cases", api.CaseOpenView.as_view(), name="api-dispute-cases"),
    path("cases/<int:pk>", api.CaseDetailView.as_view(), name="api-case"),
    path("cases/<int:pk>/agreement.pdf", api.AgreementPdfView.as_view(), name="api-case-pdf"),
    path("cases/<int:pk>/<str:action>", api.CaseActionView.as_view(), name="api-case-action"),
    path(
        "mediation/bodies/<int:pk>/mediators",
        api.RosterView.as_view(),
        name="api-mediation-roster",
    ),
    path(
        "mediation/mediators/<int:pk>",
        api.MediatorView.as_view(),
        name="api-mediation-mediator",
    ),
    path("mediation/stats", api.StatsView.as_view(), name="api-mediation-stats"),
]
