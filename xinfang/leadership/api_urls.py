"""/api/v1/ routes of the leadership area (included by xinfang.exchange.urls)."""

from django.urls import path

from .api import ownership

urlpatterns: list = [
    # 领导包案 (api.ownership)
    path("ownership/plans", ownership.PlanListView.as_view(), name="api-ownership-plans"),
    path("ownership/plans/<int:pk>", ownership.PlanDetailView.as_view(), name="api-ownership-plan"),
    path(
        "ownership/plans/<int:pk>/<str:action>",
        ownership.PlanActionView.as_view(),
        name="api-ownership-plan-action",
    ),
    path("ownership/stats", ownership.OwnershipStatsView.as_view(), name="api-ownership-stats"),
]

# 信访积案攻坚 and 每周通报 (api.campaigns)
from .api import campaigns  # noqa: E402

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
