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
