"""/api/v1/analytics/ routes (included by xinfang.exchange.urls)."""

from django.urls import path

from . import api

urlpatterns: list = [
    path("analytics/indicators", api.IndicatorsView.as_view(), name="api-analytics-indicators"),
    path("analytics/volumes", api.VolumesView.as_view(), name="api-analytics-volumes"),
    path("analytics/hotspots", api.HotspotsView.as_view(), name="api-analytics-hotspots"),
    path("analytics/ranking", api.RankingView.as_view(), name="api-analytics-ranking"),
]
