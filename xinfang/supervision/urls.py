"""Pages of the supervision area (app "supervision")."""

from django.urls import path

from . import views

app_name = "supervision"

urlpatterns = [
    path("supervision/", views.board, name="board"),
    path("supervision/listings/new/", views.new, name="new"),
    path("supervision/matters/<int:petition_pk>/", views.for_matter, name="for_matter"),
    path("supervision/listings/<int:pk>/", views.detail, name="listing"),
    path("supervision/listings/<int:pk>/actions/<slug:action>/", views.act, name="act"),
    path(
        "supervision/listings/<int:pk>/letters/<int:chase_pk>.pdf",
        views.letter,
        name="letter",
    ),
]
