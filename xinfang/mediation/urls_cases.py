"""Pages of disputes, cases, rosters and statistics (xinfang.mediation.views_cases)."""

from django.urls import path

from . import views_cases as views

urlpatterns = [
    path("mediation/disputes/", views.disputes, name="disputes"),
    path("mediation/disputes/register/", views.register, name="register"),
    path("mediation/disputes/<int:pk>/", views.dispute, name="dispute"),
    path("mediation/disputes/<int:pk>/<slug:action>/", views.dispute_act, name="dispute_act"),
    path("mediation/cases/<int:pk>/", views.case, name="case"),
    path("mediation/cases/<int:pk>/agreement.pdf", views.agreement_pdf_view, name="agreement_pdf"),
    path("mediation/cases/<int:pk>/<slug:action>/", views.case_act, name="case_act"),
    path("mediation/mediators/", views.rosters, name="rosters"),
    path("mediation/mediators/<int:pk>/", views.roster, name="roster"),
    path("mediation/mediators/<int:pk>/add/", views.roster_act, name="roster_add"),
    path("mediation/mediators/<int:pk>/<int:mediator_pk>/", views.roster_act, name="roster_edit"),
    path(
        "mediation/mediators/<int:pk>/<int:mediator_pk>/active/",
        views.roster_act,
        {"action": "active"},
        name="roster_active",
    ),
    path("mediation/statistics/", views.statistics, name="stats"),
    path("mediation/divert/<int:petition_pk>/", views.divert, name="divert"),
]
