"""The public API: submit online, track with the query code, evaluate, ask for review."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from xinfang.core.documents import pdf_response
from xinfang.core.exceptions import InvalidInput, NotFound
from xinfang.core.querycode import format_query_code
from xinfang.core.ratelimit import BucketThrottle

from .. import notices, selectors, services
from ..models import Category, Petition
from .render import public_json
from .serializers import EvaluationIn, PublicSubmitIn, ReviewRequestIn

# --- public views ------------------------------------------------------------------


class PublicView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [BucketThrottle]


class PublicCategoryView(PublicView):
    throttle_scope = "public_lookup"

    @extend_schema(
        auth=[],
        responses=inline_serializer("CategoryTree", {"id": serializers.IntegerField()}, many=True),
    )
    def get(self, request):
        cats = list(Category.objects.filter(is_active=True).order_by("sort_order", "code"))
        tops = [c for c in cats if c.parent_id is None]
        return Response(
            [
                {
                    "id": t.pk,
                    "name": t.name,
                    "children": [{"id": c.pk, "name": c.name} for c in cats if c.parent_id == t.pk],
                }
                for t in tops
            ]
        )


class PublicSubmitView(PublicView):
    """Submit a matter online. Send an Idempotency-Key header (1 to 64 printable
    ASCII characters, unique per submission): a retry with the same key and the
    same body answers the same matter (200, Idempotent-Replayed); the same key with
    another body is a 409. A key is in force for 24 hours."""

    throttle_scope = "public_submit"
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        request=PublicSubmitIn,
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER)],
        responses={
            201: inline_serializer(
                "Submitted",
                {"number": serializers.CharField(), "query_code": serializers.CharField()},
            )
        },
        auth=[],
    )
    def post(self, request):
        key = request.headers.get("Idempotency-Key")
        # Never request.data.copy(): on multipart it deep-copies the uploads, and a
        # file over 2.5 MB is a temporary file on disk that cannot be copied (a 500).
        if hasattr(request.data, "getlist"):
            data = {k: request.data.get(k) for k in request.data if k != "attachments"}
            data["attachments"] = request.FILES.getlist("attachments")
        else:
            data = dict(request.data) if isinstance(request.data, dict) else {}
        s = PublicSubmitIn(data=data)
        s.is_valid(raise_exception=True)
        v = dict(s.validated_data)
        v.pop("consent")
        p, created = services.petition_submit_public(idempotency_key=key, **v)
        return Response(
            {"number": p.number, "query_code": format_query_code(p.query_code)},
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
            headers={} if created else {"Idempotent-Replayed": "true"},
        )


# The query code is the petitioner's only credential: it never goes in a URL
# (URLs end up in access logs, proxies' logs, browser history and Referer
# headers) but in this header, which those do not record.
QUERY_CODE_HEADER = "X-Query-Code"
QUERY_CODE_PARAM = OpenApiParameter(
    QUERY_CODE_HEADER,
    str,
    OpenApiParameter.HEADER,
    required=True,
    description="The query code from the receipt (case, spaces and dashes do not matter).",
)


def _query_code(request) -> str:
    code = request.headers.get(QUERY_CODE_HEADER, "").strip()
    if not code:
        raise InvalidInput(
            field_errors={"query_code": [_("Send the query code in the X-Query-Code header.")]}
        )
    return code


def _public_get(query_code) -> Petition:
    p = selectors.public_view(query_code)
    if p is None:
        raise NotFound(_("No matter has this query code. Check the code and try again."))
    return p


class PublicTrackView(PublicView):
    """The public view and timeline of the matter whose code is in X-Query-Code."""

    throttle_scope = "public_lookup"

    @extend_schema(
        auth=[],
        parameters=[QUERY_CODE_PARAM],
        responses=inline_serializer("PublicMatter", {"number": serializers.CharField()}),
    )
    def get(self, request):
        code = _query_code(request)
        p = _public_get(code)
        if services.petition_opened_by_petitioner(petition_id=p.pk, seen=p):
            p = _public_get(code)  # served electronically just now
        return Response(public_json(p))


class PublicNoticeView(PublicView):
    """One written notice (书面告知) of the matter as a PDF download. 404 for a notice
    of another matter; 503 (JSON) when the server has no Chinese font."""

    throttle_scope = "public_lookup"

    def perform_content_negotiation(self, request, force=False):
        # A client that asks for application/pdf still gets its errors as JSON.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        auth=[],
        parameters=[QUERY_CODE_PARAM],
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
    )
    def get(self, request, event_id):
        p = _public_get(_query_code(request))
        found = notices.find_notice(p, event_id, public=True)
        content = notices.notice_pdf(p, event_id, public=True)
        ascii_name, name = notices.notice_filename(p, found)
        return pdf_response(content, filename=name, ascii_filename=ascii_name)


class PublicCodeInPathView(PublicView):
    """The old paths with the code in them (/public/petitions/{code}/...): 410 with
    the way to ask now, so that no client keeps writing codes into access logs."""

    throttle_scope = "public_lookup"
    schema = None  # not an operation of the API any more

    def _gone(self, request, **kwargs):
        return Response(
            {
                "detail": _(
                    "The query code no longer goes in the address: send it in the "
                    "X-Query-Code header to /api/v1/public/matter."
                ),
                "code": "Gone",
            },
            status=status.HTTP_410_GONE,
        )

    get = post = _gone


class PublicEvaluationView(PublicView):
    throttle_scope = "public_lookup"

    @extend_schema(
        request=EvaluationIn, auth=[], parameters=[QUERY_CODE_PARAM], responses={201: None}
    )
    def post(self, request):
        query_code = _query_code(request)
        s = EvaluationIn(data=request.data)
        s.is_valid(raise_exception=True)
        services.petition_evaluate(query_code=query_code, **s.validated_data)
        return Response(public_json(_public_get(query_code)), status=status.HTTP_201_CREATED)


class PublicReviewRequestView(PublicView):
    """Ask for review (after an opinion) or re-review (after a review opinion)."""

    throttle_scope = "public_lookup"

    @extend_schema(
        request=ReviewRequestIn, auth=[], parameters=[QUERY_CODE_PARAM], responses={201: None}
    )
    def post(self, request):
        query_code = _query_code(request)
        s = ReviewRequestIn(data=request.data)
        s.is_valid(raise_exception=True)
        _public_get(query_code)  # 404 with the clear message for a wrong code
        services.petition_ask_next_review(query_code=query_code, **s.validated_data)
        return Response(public_json(_public_get(query_code)), status=status.HTTP_201_CREATED)
