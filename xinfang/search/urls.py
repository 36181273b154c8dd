"""Pages of the search area (app "search")."""

from django.urls import path

from . import views

app_name = "search"

urlpatterns: list = [
    path("search/", views.search, name="search"),
    path("search/related/", views.related_check, name="related"),
    path("search/clusters/", views.group_signals, name="clusters"),
    path("search/mark/<int:pk>/", views.mark, name="mark"),
    path("search/mark/<int:pk>/undo/<int:link_pk>/", views.unmark, name="unmark"),
]
