"""/api/v1/ routes of the search area (included by xinfang.exchange.urls)."""

urlpatterns: list = []
