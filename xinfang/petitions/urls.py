from django.urls import path

from . import views

app_name = "petitions"

urlpatterns = [
    path("petitions/", views.worklist, name="worklist"),
    path("petitions/register/", views.register, name="register"),
    path("petitions/window/", views.window, name="window"),
    path("petitions/<int:pk>/reissue/", views.reissue, name="reissue"),
    path("petitions/<int:pk>/receipt.pdf", views.receipt, name="receipt"),
    path("petitions/supervision/", views.supervision, name="supervision"),
    path("petitions/colours/", views.colour_settings, name="colour_settings"),
    path("notifications/", views.notifications, name="notifications"),
    path("petitions/<int:pk>/", views.detail, name="detail"),
    path("petitions/<int:pk>/actions/<slug:action>/", views.act, name="act"),
    path(
        "petitions/<int:pk>/petitioners/<int:petitioner_pk>/reveal/",
        views.reveal,
        name="reveal",
    ),
    path(
        "petitions/<int:pk>/notices/<int:event_pk>.pdf",
        views.notice,
        name="notice",
    ),
    path("petitions/<int:pk>/drafts/", views.draft_create, name="draft_create"),
    path(
        "petitions/<int:pk>/drafts/<int:draft_pk>/preview.pdf",
        views.draft_preview,
        name="draft_preview",
    ),
    path(
        "petitions/<int:pk>/drafts/<int:draft_pk>/<slug:action>/",
        views.draft_act,
        name="draft_act",
    ),
    path("petitions/<int:pk>/file.zip", views.export_dossier, name="dossier"),
    path(
        "petitions/<int:pk>/attachments/<int:attachment_pk>/",
        views.attachment,
        name="attachment",
    ),
]
