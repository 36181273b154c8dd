"""/api/v1/ routes of the leadership area (included by xinfang.exchange.urls)."""

from django.urls import path

from .api import hearings, ownership

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
