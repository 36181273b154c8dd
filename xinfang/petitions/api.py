"""The petition API (JSON, /api/v1/). Views are thin: parse → service/selector → JSON.

Errors: 400 with field errors, 403 for a forbidden action on a visible matter,
404 for what the user may not see, 409 for a conflicting or invalid transition,
429 when rate-limited (core.api.exception_handler)."""

import json

from django.contrib.auth import get_user_model
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from xinfang.core import calendar, exports, pii
from xinfang.core.api import require_version
from xinfang.core.documents import pdf_response
from xinfang.core.exceptions import InvalidInput, NotFound, PermissionDenied
from xinfang.core.inputs import optional_id
from xinfang.core.querycode import format_query_code
from xinfang.core.ratelimit import BucketThrottle
from xinfang.orgs.models import Unit

from . import chain, notices, selectors, services, timeline, workflow
from .models import (
    Category,
    Channel,
    Outcome,
    Petition,
    Purpose,
    Rating,
    Route,
    ServiceMethod,
    State,
)

User = get_user_model()


# --- input ---------------------------------------------------------------------


class PetitionerIn(serializers.Serializer):
    name = serializers.CharField(max_length=60)
    id_number = serializers.CharField(max_length=40, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    is_representative = serializers.BooleanField(required=False, default=False)


class JSONListField(serializers.ListField):
    """A list that may also arrive as a JSON string (multipart form with files)."""

    def to_internal_value(self, data):
        if isinstance(data, str):
            try:
                data = json.loads(data)
            except ValueError:
                raise serializers.ValidationError(_("Not valid JSON.")) from None
        return super().to_internal_value(data)


class MatterIn(serializers.Serializer):
    purpose = serializers.ChoiceField(choices=Purpose.choices)
    category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.filter(is_active=True))
    place = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.filter(is_active=True))
    summary = serializers.CharField(max_length=200)
    content = serializers.CharField(max_length=20000)
    request = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    people_count = serializers.IntegerField(min_value=1, max_value=100000, default=1)
    petitioners = JSONListField(child=PetitionerIn(), min_length=1, max_length=50)
    attachments = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class PublicSubmitIn(MatterIn):
    channel = serializers.ChoiceField(
        choices=[(c, Channel(c).label) for c in (Channel.ONLINE, Channel.MOBILE, Channel.WECHAT)],
        default=Channel.ONLINE,
    )
    consent = serializers.BooleanField()
    # An accusation (检举控告) may name whom it accuses; it never reaches them (Art. 30).
    accused_unit = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.filter(is_active=True), required=False, allow_null=True
    )
    accused_name = serializers.CharField(
        max_length=60, required=False, allow_blank=True, default=""
    )
    electronic_service = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Written answers count as received when opened with the query code.",
    )

    def validate_consent(self, value):
        if not value:
            raise serializers.ValidationError(
                _("We need your consent to handle your personal data for this matter.")
            )
        return value


class StaffRegisterIn(MatterIn):
    electronic_service = serializers.BooleanField(required=False, default=False)
    channel = serializers.ChoiceField(
        choices=[
            (c, Channel(c).label)
            for c in (Channel.LETTER, Channel.VISIT, Channel.PHONE, Channel.MAILBOX)
        ]
    )
    registering_unit = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.filter(is_active=True)
    )
    received_on = serializers.DateField(required=False)
    collective = serializers.BooleanField(required=False)
    cross_level = serializers.BooleanField(required=False)
    repeat = serializers.BooleanField(required=False)
    accusation = serializers.BooleanField(required=False)
    accused_unit = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.filter(is_active=True), required=False, allow_null=True
    )
    accused_name = serializers.CharField(
        max_length=60, required=False, allow_blank=True, default=""
    )


class EvaluationIn(serializers.Serializer):
    unit_rating = serializers.ChoiceField(choices=Rating.choices)
    office_rating = serializers.ChoiceField(choices=Rating.choices)
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ReviewRequestIn(serializers.Serializer):
    reasons = serializers.CharField(max_length=5000)


class ActionIn(serializers.Serializer):
    """Fields of the staff actions; each action reads the ones it needs."""

    version = serializers.IntegerField(
        min_value=1,
        help_text="The version of the matter the client saw; required: a stale one answers "
        "409, a missing one 428.",
    )
    responsible_unit = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.all(), required=False
    )
    handler = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False
    )
    into = serializers.CharField(
        max_length=40, required=False, help_text="number or id of the matter to merge into"
    )
    route = serializers.ChoiceField(choices=Route.choices, required=False)
    reason = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    days = serializers.IntegerField(required=False, min_value=1, max_value=365)
    outcome = serializers.ChoiceField(choices=Outcome.choices, required=False)
    text = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    # reply, review_reply, re_review_reply: the written opinion's content (Art. 32)
    request = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    facts = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    legal_basis = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    colour = serializers.ChoiceField(
        choices=["", "red", "yellow", "blue"], required=False, allow_blank=True
    )
    plan = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    # set_accused, share_identity (the petition office; 信访工作条例 Art. 30)
    accusation = serializers.BooleanField(required=False)
    accused_unit = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.filter(is_active=True), required=False, allow_null=True
    )
    accused_user = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True
    )
    accused_name = serializers.CharField(max_length=60, required=False, allow_blank=True)
    share = serializers.BooleanField(required=False)
    # record_service (送达)
    method = serializers.ChoiceField(choices=ServiceMethod.choices, required=False)
    served_on = serializers.DateField(required=False)


class RevealIn(serializers.Serializer):
    petitioner = serializers.IntegerField()
    field = serializers.ChoiceField(choices=["id_number", "phone", "address"])


# --- output ---------------------------------------------------------------------


class PetitionRowOut(serializers.Serializer):
    """One matter in a list (documentation of petition_row)."""

    id = serializers.IntegerField()
    number = serializers.CharField()
    summary = serializers.CharField()
    state = serializers.ChoiceField(choices=State.choices)
    state_label = serializers.CharField()
    colour = serializers.ChoiceField(choices=["red", "yellow", "blue", "green"])
    due_date = serializers.DateField(allow_null=True)
    days_left = serializers.IntegerField(allow_null=True)
    due_provisional = serializers.BooleanField()
    version = serializers.IntegerField()


class PetitionPageOut(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)
    results = PetitionRowOut(many=True)
    colour_counts = serializers.DictField(child=serializers.IntegerField())


class PetitionDetailOut(PetitionRowOut):
    """A matter with its masked petitioners, timeline and the actions open to the user."""

    petitioners = serializers.ListField(child=serializers.DictField())
    identity_withheld = serializers.BooleanField(
        help_text="An accusation whose accuser's identity stays with the petition office: "
        "petitioners is empty."
    )
    accused = serializers.DictField(allow_null=True)
    events = serializers.ListField(child=serializers.DictField())
    actions = serializers.ListField(child=serializers.CharField())


def _unit(u):
    return {"id": u.pk, "name": u.name} if u is not None else None


def petition_row(p: Petition, today) -> dict:
    return {
        "id": p.pk,
        "number": p.number,
        "summary": p.summary,
        "state": p.state,
        "state_label": str(State(p.state).label),
        "colour": getattr(p, "colour", None) or selectors.colour_of(p, today),
        "listing": p.listing,
        "channel": p.channel,
        "category": {"id": p.category_id, "name": p.category.name},
        "place": _unit(p.place),
        "responsible_unit": _unit(p.responsible_unit),
        "received_on": p.received_on,
        "clock": p.clock,
        "due_date": p.due_date,
        "days_left": calendar.days_left(p.due_date, today) if p.due_date else None,
        "due_provisional": p.due_provisional,
        "window_ends_on": p.window_ends_on,
        "flags": {k: getattr(p, k) for k in ("collective", "cross_level", "repeat", "accusation")},
        "version": p.version,
    }


def petition_detail(user, p: Petition, today) -> dict:
    identity = selectors.may_see_identity(user, p)
    data = petition_row(p, today)
    data.update(
        {
            "purpose": p.purpose,
            "content": p.content,
            "request": p.request,
            "people_count": p.people_count,
            "registering_unit": _unit(p.registering_unit),
            "office": _unit(p.office),
            "review_unit": _unit(p.review_unit),
            "re_review_unit": _unit(p.re_review_unit),
            "handler": p.handler.get_username() if p.handler_id else None,
            "route": p.route,
            "opinion": {"outcome": p.opinion_outcome, "issued_on": p.opinion_issued_on},
            "review": {"outcome": p.review_outcome, "issued_on": p.review_issued_on},
            "re_review": {"outcome": p.re_review_outcome, "issued_on": p.re_review_issued_on},
            "merged_into": p.merged_into.number if p.merged_into_id else None,
            "same_as": p.same_as.number if p.same_as_id else None,
            # Personal data is masked here; POST .../reveal shows it, on the record.
            # An accuser's identity stays with the petition office (Art. 30).
            "identity_withheld": not identity,
            "petitioners": [
                {
                    "id": x.pk,
                    "name": x.name,
                    "id_number": pii.mask_id_number(x.id_number),
                    "phone": pii.mask_phone(x.phone),
                    "is_representative": x.is_representative,
                }
                for x in (p.petitioners.all() if identity else [])
            ],
            "accused": (
                {
                    "unit": _unit(p.accused_unit),
                    "user": p.accused_user.get_username() if p.accused_user_id else None,
                    "name": p.accused_name,
                    "identity_shared_with": _unit(p.identity_shared_with),
                }
                if p.accusation
                else None
            ),
            "attachments": [
                {"name": a.name, "content_type": a.content_type, "size": a.size}
                for a in p.attachments.all()
            ],
            "events": [
                {
                    "petition": e.petition.number,
                    "at": e.at,
                    "action": e.action,
                    "label": str(e.label),
                    "from_state": e.from_state,
                    "to_state": e.to_state,
                    "public": e.public,
                    "actor": e.actor.get_username() if e.actor_id else None,
                    "unit": e.actor_unit.name if e.actor_unit_id else None,
                    "note": e.note,
                    "text": timeline.public_line(e),
                }
                for e in selectors.timeline(user=user, petition=p)
            ],
            "actions": [t.name for t in services.allowed_actions(user, p)],
        }
    )
    return data


def public_json(p: Petition) -> dict:
    """What the petitioner sees: no staff names, no internal notes, no colour."""
    events = []
    for e in selectors.public_timeline(p):
        events.append(
            {
                "at": e.at,
                "date": calendar.to_local_date(e.at),
                "step": e.action,
                "label": str(e.label),
                "text": timeline.public_line(e),
                "notice": e.data.get("notice") if isinstance(e.data, dict) else None,
            }
        )
    # Before service is recorded no window runs: asking shows the answer arrived.
    # Only an appeal's answer may be reviewed (信访工作条例 Art. 31(6), 35).
    can_ask = (
        p.purpose == Purpose.APPEAL
        and p.state in (State.OPINION_ISSUED, State.REVIEW_ISSUED)
        and (p.window_ends_on is None or calendar.today() <= p.window_ends_on)
    )
    # Where the next round goes (信访工作条例 Art. 35, 36): a unit of this system or,
    # above the top of its tree, an organ outside it the petitioner goes to.
    answered = {State.OPINION_ISSUED: p.responsible_unit, State.REVIEW_ISSUED: p.review_unit}
    unit = answered.get(p.state)
    organ = chain.next_organ(unit) if unit is not None else None
    return {
        "number": p.number,
        "query_code": format_query_code(p.query_code),
        "next_organ": {"name": organ.name, "outside": organ.outside} if organ else None,
        "outside_organ": p.re_review_outside or p.review_outside or None,
        "state": p.state,
        "state_label": str(State(p.state).label),
        "summary": p.summary,
        "category": str(p.category),
        "place": p.place.name,
        "received_on": p.received_on,
        "responsible_unit": p.responsible_unit.name if p.responsible_unit_id else None,
        "due_date": p.due_date,
        "due_provisional": p.due_provisional,
        "window_ends_on": p.window_ends_on,
        "may_evaluate": p.state in workflow.EVALUATION_ROUND,
        "may_ask_review": can_ask,
        "route": p.route,
        "timeline": events,
        # The written notices (书面告知) the petitioner may download as PDFs.
        "notices": [
            {
                "event_id": n.event_id,
                "kind": n.kind,
                "title": n.title,
                "issued_on": n.issued_on,
                # Fetched with the code in the X-Query-Code header, never in the URL.
                "url": reverse("api-public-notice", kwargs={"event_id": n.event_id}),
            }
            for n in notices.notices_for(p, public=True)
        ],
    }


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
        if services.petition_opened_by_petitioner(petition_id=p.pk):
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


# --- staff views --------------------------------------------------------------------


def known_count_paginator(total: int):
    from django.core.paginator import Paginator

    return type("KnownCountPaginator", (Paginator,), {"count": total})


class Pages(PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 200


FILTER_PARAMS = [OpenApiParameter(name, str) for name in (*selectors.FILTERS, "scope")]


class PetitionListView(APIView):
    """GET: the worklist (scope=worklist, default) or every visible matter
    (scope=all), with the worklist filters. POST: register a matter (clerk)."""

    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        parameters=FILTER_PARAMS, responses=PetitionPageOut, operation_id="petitions_list"
    )
    def get(self, request):
        filters = {k: request.query_params.get(k) for k in selectors.FILTERS}
        _check_filters(filters)
        today = calendar.today()
        select = (
            selectors.petition_list
            if request.query_params.get("scope") == "all"
            else selectors.worklist
        )
        qs = select(user=request.user, filters=filters, today=today)
        counts_filters = {k: v for k, v in filters.items() if k != "colour"}
        counts = selectors.colour_counts(
            select(user=request.user, filters=counts_filters, today=today), today
        )
        pages = Pages()
        # The colour counts already add up to the list's length: no second COUNT(*).
        pages.django_paginator_class = known_count_paginator(
            selectors.total_from_counts(counts, filters)
        )
        page = pages.paginate_queryset(qs, request, view=self)
        response = pages.get_paginated_response([petition_row(p, today) for p in page])
        response.data["colour_counts"] = counts
        return response

    @extend_schema(request=StaffRegisterIn, responses={201: PetitionDetailOut})
    def post(self, request):
        data = request.data
        if hasattr(data, "getlist"):
            data = {k: data.get(k) for k in data}
            data["attachments"] = request.FILES.getlist("attachments")
        s = StaffRegisterIn(data=data)
        s.is_valid(raise_exception=True)
        v = dict(s.validated_data)
        flags = {
            k: v.pop(k) for k in ("collective", "cross_level", "repeat", "accusation") if k in v
        }
        p = services.petition_register(actor=request.user, flags=flags, **v)
        body = petition_detail(request.user, p, calendar.today())
        body["query_code"] = format_query_code(p.query_code)
        return Response(body, status=status.HTTP_201_CREATED)


def _check_filters(filters: dict) -> None:
    """Bad filter values are a 400 with the field named, never a 500."""
    errors = {}
    if filters.get("colour") and filters["colour"] not in ("red", "yellow", "blue", "green"):
        errors["colour"] = [_("Choose red, yellow, blue or green.")]
    if filters.get("state") and filters["state"] not in State.values:
        errors["state"] = [_("Unknown state.")]
    if filters.get("channel") and filters["channel"] not in Channel.values:
        errors["channel"] = [_("Unknown channel.")]
    for name in ("category", "unit"):
        try:
            optional_id(filters.get(name), name)
        except InvalidInput as exc:
            errors.update(exc.field_errors)
    for name in ("date_from", "date_to"):
        if filters.get(name):
            try:
                serializers.DateField().to_internal_value(filters[name])
            except serializers.ValidationError:
                errors[name] = [_("Give a date as YYYY-MM-DD.")]
    if errors:
        raise InvalidInput(field_errors=errors)


EXPORT_COLUMNS = [
    ("number", gettext_lazy("Number")),
    ("received_on", gettext_lazy("Received on")),
    ("channel", gettext_lazy("Channel")),
    ("state", gettext_lazy("State")),
    ("colour", gettext_lazy("Colour")),
    ("category", gettext_lazy("Category")),
    ("place", gettext_lazy("Place")),
    ("responsible_unit", gettext_lazy("Responsible unit")),
    ("due_date", gettext_lazy("Due date")),
    ("summary", gettext_lazy("Summary")),
]


class PetitionExportView(APIView):
    """The matters the user may see (same filters as the list), as CSV for Excel."""

    @extend_schema(parameters=FILTER_PARAMS, responses={(200, "text/csv"): str})
    def get(self, request):
        from django.http import HttpResponse

        filters = {k: request.query_params.get(k) for k in selectors.FILTERS}
        _check_filters(filters)
        today = calendar.today()
        qs = selectors.petition_list(user=request.user, filters=filters, today=today)[:50000]
        # The summary is the citizen's own text: exports.csv_text keeps it text.
        text = exports.csv_text(
            [label for _name, label in EXPORT_COLUMNS],
            (
                [
                    p.number,
                    p.received_on,
                    Channel(p.channel).label,
                    State(p.state).label,
                    calendar.Colour(p.colour).label,
                    p.category.name,
                    p.place.name,
                    p.responsible_unit.name if p.responsible_unit_id else "",
                    p.due_date or "",
                    p.summary,
                ]
                for p in qs
            ),
        )
        response = HttpResponse(text, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="petitions.csv"'
        return response


class PetitionDetailView(APIView):
    @extend_schema(responses=PetitionDetailOut, operation_id="petitions_retrieve")
    def get(self, request, pk):
        p = selectors.petition_get(user=request.user, pk=pk)
        return Response(petition_detail(request.user, p, calendar.today()))


class PetitionActionView(APIView):
    """POST a staff action by its name (forward, sign, return, accept, decline,
    extend, reply, conclude, list, chase, ...) with its fields."""

    @extend_schema(
        request=ActionIn,
        responses={200: PetitionDetailOut},
        parameters=[
            OpenApiParameter(
                "action", str, OpenApiParameter.PATH, enum=sorted(services.STAFF_ACTIONS)
            )
        ],
    )
    def post(self, request, pk, action):
        if action not in services.STAFF_ACTIONS:
            raise Http404
        selectors.petition_get(user=request.user, pk=pk)  # 404 before anything else
        require_version(request.data)
        s = ActionIn(data=request.data)
        s.is_valid(raise_exception=True)
        # One serializer documents the fields of every action; each action is
        # given the ones it takes (services.action_fields), never another.
        taken = services.action_fields(action)
        fields = {k: v for k, v in s.validated_data.items() if k in taken}
        version = s.validated_data["version"]
        if "into" in fields:
            into = fields.pop("into")
            target = selectors.visible_petitions(request.user).filter(number=into).first()
            if target is None:
                try:
                    into_pk = optional_id(into, "into")
                except InvalidInput:
                    into_pk = None  # neither a number nor an id: "no such matter" below
                if into_pk is not None:
                    target = selectors.visible_petitions(request.user).filter(pk=into_pk).first()
            if target is None:
                raise InvalidInput(field_errors={"into": [_("No such matter.")]})
            fields["into"] = target
        p = services.petition_act(
            actor=request.user, petition_id=pk, action=action, version=version, **fields
        )
        p = selectors.petition_get(user=request.user, pk=p.pk)
        return Response(petition_detail(request.user, p, calendar.today()))


class PetitionRevealView(APIView):
    """Show one masked field of a petitioner; the read is on the record."""

    @extend_schema(
        request=RevealIn,
        responses=inline_serializer("Revealed", {"value": serializers.CharField()}),
    )
    def post(self, request, pk):
        p = selectors.petition_get(user=request.user, pk=pk)
        s = RevealIn(data=request.data)
        s.is_valid(raise_exception=True)
        if not selectors.may_reveal(request.user, p):
            raise PermissionDenied()
        person = p.petitioners.filter(pk=s.validated_data["petitioner"]).first()
        if person is None:
            raise Http404
        field = s.validated_data["field"]
        value = pii.reveal(
            user=request.user,
            request=request._request,
            target=f"petition:{p.pk}:petitioner:{person.pk}",
            field=field,
            value=getattr(person, field),
        )
        return Response({"value": value})
