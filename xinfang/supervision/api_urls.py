"""/api/v1/ routes of the supervision area (included by xinfang.exchange.urls)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
