"""/api/v1/ routes of the leadership area (included by xinfang.exchange.urls)."""

from django.urls import path

from .api import campaigns, hearings, ownership, receptions

urlpatterns: list = [
    # Leaders' receptions (领导接访、下访、约访).
    path("receptions", receptions.ReceptionListView.as_view(), name="api-receptions"),
    path("receptions/stats", receptions.ReceptionStatsView.as_view(), name="api-reception-stats"),
    path(
        "receptions/behind", receptions.ReceptionBehindView.as_view(), name="api-reception-behind"
    ),
    path("receptions/<int:pk>", receptions.ReceptionDetailView.as_view(), name="api-reception"),
    path(
        "receptions/<int:pk>/batches",
        receptions.BatchListView.as_view(),
        name="api-reception-batches",
    ),
    path(
        "receptions/<int:pk>/batches/<int:batch>/register",
        receptions.BatchRegisterView.as_view(),
        name="api-reception-batch-register",
    ),
    path(
        "receptions/<int:pk>/batches/<int:batch>/link",
        receptions.BatchLinkView.as_view(),
        name="api-reception-batch-link",
    ),
    path(
        "receptions/<int:pk>/<str:action>",
        receptions.ReceptionActionView.as_view(),
        name="api-reception-action",
    ),
    # 领导包案 (api.ownership)
    path("ownership/plans", ownership.PlanListView.as_view(), name="api-ownership-plans"),
    path("ownership/plans/<int:pk>", ownership.PlanDetailView.as_view(), name="api-ownership-plan"),
    path(
        "ownership/plans/<int:pk>/<str:action>",
        ownership.PlanActionView.as_view(),
        name="api-ownership-plan-action",
    ),
    path("ownership/stats", ownership.OwnershipStatsView.as_view(), name="api-ownership-stats"),
    # 群众评议 / 听证 (api.hearings)
    path("hearings", hearings.HearingListView.as_view(), name="api-hearings"),
    path("hearings/<int:pk>", hearings.HearingDetailView.as_view(), name="api-hearing"),
    path(
        "hearings/<int:pk>/minutes.pdf",
        hearings.HearingMinutesView.as_view(),
        name="api-hearing-minutes",
    ),
    path(
        "hearings/<int:pk>/<str:action>",
        hearings.HearingActionView.as_view(),
        name="api-hearing-action",
    ),
]

# 信访积案攻坚 and 每周通报 (api.campaigns)

urlpatterns += [
    path("campaigns", campaigns.CampaignListView.as_view(), name="api-campaigns"),
    path("campaigns/<int:pk>", campaigns.CampaignDetailView.as_view(), name="api-campaign"),
    path(
        "campaigns/<int:pk>/bulletins",
        campaigns.CampaignBulletinsView.as_view(),
        name="api-campaign-bulletins",
    ),
    path(
        "campaigns/<int:pk>/<str:action>",
        campaigns.CampaignActionView.as_view(),
        name="api-campaign-action",
    ),
    path("bulletins/<int:pk>", campaigns.BulletinDetailView.as_view(), name="api-bulletin"),
    path("bulletins/<int:pk>/pdf", campaigns.BulletinPdfView.as_view(), name="api-bulletin-pdf"),
    path("bulletins/<int:pk>/xlsx", campaigns.BulletinXlsxView.as_view(), name="api-bulletin-xlsx"),
]
