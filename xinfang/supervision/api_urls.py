"""/api/v1/ routes of the supervision area (included by xinfang.exchange.urls)."""

from django.urls import path

from .api import listings

urlpatterns = [
    path("supervision/board", listings.BoardView.as_view(), name="api-supervision-board"),
    path(
        "supervision/listings",
        listings.ListingCreateView.as_view(),
        name="api-supervision-listings",
    ),
    path(
        "supervision/listings/<int:pk>",
        listings.ListingDetailView.as_view(),
        name="api-supervision-listing",
    ),
    path(
        "supervision/listings/<int:pk>/chase",
        listings.ListingChaseView.as_view(),
        name="api-supervision-chase",
    ),
    path(
        "supervision/listings/<int:pk>/report",
        listings.ListingReportView.as_view(),
        name="api-supervision-report",
    ),
    path(
        "supervision/listings/<int:pk>/recolour",
        listings.ListingRecolourView.as_view(),
        name="api-supervision-recolour",
    ),
    path(
        "supervision/listings/<int:pk>/delist",
        listings.ListingDelistView.as_view(),
        name="api-supervision-delist",
    ),
    path(
        "supervision/listings/<int:pk>/letters/<int:chase_pk>.pdf",
        listings.LetterView.as_view(),
        name="api-supervision-letter",
    ),
]
