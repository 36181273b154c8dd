"""Pages of the leadership area (app "leadership")."""

from django.urls import path

from .views import campaigns, hearings, ownership, receptions

app_name = "leadership"

urlpatterns: list = [
    # Leaders' receptions (领导接访、下访、约访).
    path("leadership/receptions/", receptions.reception_calendar, name="receptions"),
    path("leadership/receptions/new/", receptions.reception_new, name="reception_new"),
    path("leadership/receptions/stats/", receptions.reception_stats, name="reception_stats"),
    path("leadership/receptions/behind/", receptions.reception_behind, name="reception_behind"),
    path("leadership/receptions/<int:pk>/", receptions.reception_detail, name="reception"),
    path(
        "leadership/receptions/<int:pk>/<slug:action>/",
        receptions.reception_act,
        name="reception_act",
    ),
    path("public/receptions/", receptions.public_receptions, name="public_receptions"),
    # 领导包案 (views.ownership)
    path("leadership/ownership/", ownership.my_plans, name="my_plans"),
    path("leadership/ownership/stats/", ownership.ownership_stats, name="ownership_stats"),
    path("leadership/plans/<int:pk>/", ownership.plan_detail, name="plan"),
    path("leadership/plans/<int:pk>/<str:action>/", ownership.plan_act, name="plan_act"),
    path("leadership/matters/<int:petition_pk>/own/", ownership.plan_new, name="plan_new"),
    # 群众评议 / 听证 (views.hearings)
    path("leadership/matters/<int:petition_pk>/hearing/", hearings.hearing_new, name="hearing_new"),
    path("leadership/hearings/<int:pk>/", hearings.hearing_detail, name="hearing"),
    path(
        "leadership/hearings/<int:pk>/minutes.pdf", hearings.hearing_minutes, name="hearing_minutes"
    ),
    path(
        "leadership/hearings/<int:pk>/reveal/<int:person_pk>/",
        hearings.hearing_reveal,
        name="hearing_reveal",
    ),
    path("leadership/hearings/<int:pk>/<str:action>/", hearings.hearing_act, name="hearing_act"),
]

# 信访积案攻坚 and 每周通报 (views.campaigns)

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
