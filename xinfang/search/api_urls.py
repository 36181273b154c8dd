"""/api/v1/ routes of the search area (included by xinfang.exchange.urls)."""

from django.urls import path

from . import api

urlpatterns: list = [
    path("search", api.SearchView.as_view(), name="api-search"),
    path("search/related", api.RelatedView.as_view(), name="api-search-related"),
    path("search/suggest", api.SuggestView.as_view(), name="api-search-suggest"),
    path("search/clusters", api.ClustersView.as_view(), name="api-search-clusters"),
]
