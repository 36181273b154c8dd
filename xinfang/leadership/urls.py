"""Pages of the leadership area (app "leadership")."""

from django.urls import path

from .views import ownership

app_name = "leadership"

urlpatterns: list = [
    # 领导包案 (views.ownership)
    path("leadership/ownership/", ownership.my_plans, name="my_plans"),
    path("leadership/ownership/stats/", ownership.ownership_stats, name="ownership_stats"),
    path("leadership/plans/<int:pk>/", ownership.plan_detail, name="plan"),
    path("leadership/plans/<int:pk>/<str:action>/", ownership.plan_act, name="plan_act"),
    path("leadership/matters/<int:petition_pk>/own/", ownership.plan_new, name="plan_new"),
]
