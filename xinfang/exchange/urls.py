"""The JSON API, version 1: /api/v1/ (OpenAPI 3 schema at /api/v1/schema/)."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView

from xinfang.orgs import api as orgs_api
from xinfang.petitions import api as petitions_api

from .auth import TokenDetailView, TokenListView, TokenView

urlpatterns = [
    path("", include("xinfang.mediation.api_urls")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("auth/token", TokenView.as_view(), name="api-token"),
    path("auth/tokens", TokenListView.as_view(), name="api-tokens"),
    path("auth/tokens/<str:token_key>", TokenDetailView.as_view(), name="api-token-revoke"),
    path("me", orgs_api.MeView.as_view(), name="api-me"),
    path("units", orgs_api.UnitTreeView.as_view(), name="api-units"),
    path("public/units", orgs_api.PublicUnitTreeView.as_view(), name="api-public-units"),
    path(
        "public/categories",
        petitions_api.PublicCategoryView.as_view(),
        name="api-public-categories",
    ),
    path("public/petitions", petitions_api.PublicSubmitView.as_view(), name="api-public-submit"),
    # The query code travels in the X-Query-Code header, never in a path.
    path("public/matter", petitions_api.PublicTrackView.as_view(), name="api-public-track"),
    path(
        "public/matter/notices/<int:event_id>",
        petitions_api.PublicNoticeView.as_view(),
        name="api-public-notice",
    ),
    path(
        "public/matter/evaluation",
        petitions_api.PublicEvaluationView.as_view(),
        name="api-public-evaluation",
    ),
    path(
        "public/matter/review-request",
        petitions_api.PublicReviewRequestView.as_view(),
        name="api-public-review-request",
    ),
    re_path(
        r"^public/petitions/(?P<old>[^/]+)(?:/.*)?$",
        petitions_api.PublicCodeInPathView.as_view(),
        name="api-public-code-in-path",
    ),
    path("petitions", petitions_api.PetitionListView.as_view(), name="api-petitions"),
    path(
        "petitions/export", petitions_api.PetitionExportView.as_view(), name="api-petitions-export"
    ),
    path("petitions/<int:pk>", petitions_api.PetitionDetailView.as_view(), name="api-petition"),
    path(
        "petitions/<int:pk>/actions/<str:action>",
        petitions_api.PetitionActionView.as_view(),
        name="api-petition-action",
    ),
    path(
        "petitions/<int:pk>/reveal",
        petitions_api.PetitionRevealView.as_view(),
        name="api-petition-reveal",
    ),
]
