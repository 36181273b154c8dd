"""The petition API (JSON, /api/v1/). Views are thin: parse → service/selector → JSON.

Errors: 400 with field errors, 403 for a forbidden action on a visible matter,
404 for what the user may not see, 409 for a conflicting or invalid transition,
429 when rate-limited (core.api.exception_handler).

- serializers: the input and output shapes;
- render: a matter as JSON (list row, staff detail, the petitioner's view);
- public: submit, track, notices, evaluate, ask for review (query code);
- staff: lists, export, detail, actions, reveal.
"""

from .public import (
    QUERY_CODE_HEADER,
    PublicCategoryView,
    PublicCodeInPathView,
    PublicEvaluationView,
    PublicNoticeView,
    PublicReviewRequestView,
    PublicSubmitView,
    PublicTrackView,
    PublicView,
)
from .render import petition_detail, petition_row, public_json
from .staff import (
    EXPORT_COLUMNS,
    PetitionActionView,
    PetitionDetailView,
    PetitionDraftActionView,
    PetitionDraftsView,
    PetitionExportView,
    PetitionListView,
    PetitionRevealView,
)

__all__ = [
    "EXPORT_COLUMNS",
    "QUERY_CODE_HEADER",
    "PetitionActionView",
    "PetitionDetailView",
    "PetitionDraftActionView",
    "PetitionDraftsView",
    "PetitionExportView",
    "PetitionListView",
    "PetitionRevealView",
    "PublicCategoryView",
    "PublicCodeInPathView",
    "PublicEvaluationView",
    "PublicNoticeView",
    "PublicReviewRequestView",
    "PublicSubmitView",
    "PublicTrackView",
    "PublicView",
    "petition_detail",
    "petition_row",
    "public_json",
]
