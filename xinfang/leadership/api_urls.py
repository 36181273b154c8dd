"""/api/v1/ routes of the leadership area (included by xinfang.exchange.urls)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
