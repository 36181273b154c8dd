"""The JSON API, version 1: /api/v1/ (OpenAPI 3 schema at /api/v1/schema/)."""

from django.urls import include, path, re_path
from django.utils.module_loading import import_string
from drf_spectacular.views import SpectacularAPIView

from xinfang.orgs import api as orgs_api

from .auth import TokenDetailView, TokenListView, TokenView


def petitions_api(view: str):
    """A view of the petition area's API, named by its dotted path as an
    include("...") names a URL module: the exchange mounts the API, and an area's
    API module is not one of the public modules a higher area imports
    (docs/architecture.md, "Areas and their directions"). Once petitions keeps
    its routes in a URL module of its own, as mediation does (api_urls), this
    becomes one include of that module."""
    return import_string(f"xinfang.petitions.api.{view}").as_view()


urlpatterns = [
    path("", include("xinfang.mediation.api_urls")),
    path("", include("xinfang.leadership.api_urls")),
    path("", include("xinfang.supervision.api_urls")),
    path("", include("xinfang.search.api_urls")),
    path("", include("xinfang.analytics.api_urls")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("auth/token", TokenView.as_view(), name="api-token"),
    path("auth/tokens", TokenListView.as_view(), name="api-tokens"),
    path("auth/tokens/<str:token_key>", TokenDetailView.as_view(), name="api-token-revoke"),
    path("me", orgs_api.MeView.as_view(), name="api-me"),
    path("units", orgs_api.UnitTreeView.as_view(), name="api-units"),
    path("public/units", orgs_api.PublicUnitTreeView.as_view(), name="api-public-units"),
    path(
        "public/categories",
        petitions_api("PublicCategoryView"),
        name="api-public-categories",
    ),
    path("public/petitions", petitions_api("PublicSubmitView"), name="api-public-submit"),
    # The query code travels in the X-Query-Code header, never in a path.
    path("public/matter", petitions_api("PublicTrackView"), name="api-public-track"),
    path(
        "public/matter/notices/<int:event_id>",
        petitions_api("PublicNoticeView"),
        name="api-public-notice",
    ),
    path(
        "public/matter/evaluation",
        petitions_api("PublicEvaluationView"),
        name="api-public-evaluation",
    ),
    path(
        "public/matter/review-request",
        petitions_api("PublicReviewRequestView"),
        name="api-public-review-request",
    ),
    re_path(
        r"^public/petitions/(?P<old>[^/]+)(?:/.*)?$",
        petitions_api("PublicCodeInPathView"),
        name="api-public-code-in-path",
    ),
    path("petitions", petitions_api("PetitionListView"), name="api-petitions"),
    path("petitions/export", petitions_api("PetitionExportView"), name="api-petitions-export"),
    path("petitions/<int:pk>", petitions_api("PetitionDetailView"), name="api-petition"),
    path(
        "petitions/<int:pk>/drafts",
        petitions_api("PetitionDraftsView"),
        name="api-petition-drafts",
    ),
    path(
        "petitions/<int:pk>/drafts/<int:draft_pk>/actions/<str:action>",
        petitions_api("PetitionDraftActionView"),
        name="api-petition-draft-action",
    ),
    path(
        "petitions/<int:pk>/actions/<str:action>",
        petitions_api("PetitionActionView"),
        name="api-petition-action",
    ),
    path(
        "petitions/<int:pk>/reveal",
        petitions_api("PetitionRevealView"),
        name="api-petition-reveal",
    ),
]
