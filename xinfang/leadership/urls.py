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

# 信访积案攻坚 and 每周通报 (views.campaigns)
from .views import campaigns  # noqa: E402

urlpatterns += [
    path("leadership/campaigns/", campaigns.campaign_list, name="campaigns"),
    path("leadership/campaigns/new/", campaigns.campaign_new, name="campaign_new"),
    path("leadership/campaigns/<int:pk>/", campaigns.campaign_detail, name="campaign"),
    path(
        "leadership/campaigns/<int:pk>/matters/<int:matter_pk>/assign/",
        campaigns.campaign_assign,
        name="campaign_assign",
    ),
    path(
        "leadership/campaigns/<int:pk>/<str:action>/", campaigns.campaign_act, name="campaign_act"
    ),
    path("leadership/bulletins/<int:pk>/", campaigns.bulletin_detail, name="bulletin"),
    path("leadership/bulletins/<int:pk>/pdf/", campaigns.bulletin_pdf, name="bulletin_pdf"),
    path("leadership/bulletins/<int:pk>/xlsx/", campaigns.bulletin_xlsx, name="bulletin_xlsx"),
]
