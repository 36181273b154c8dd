"""The staff API: lists, export, one matter, its actions, a reveal."""

import inspect

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from xinfang.core import calendar, exports, pii
from xinfang.core.api import require_version
from xinfang.core.exceptions import InvalidInput, PermissionDenied
from xinfang.core.inputs import optional_id
from xinfang.core.querycode import format_query_code

from .. import selectors, services
from ..choices import ANSWER_OUTCOMES
from ..models import Channel, DraftState, State
from .render import petition_detail, petition_row
from .serializers import ActionIn, PetitionDetailOut, PetitionPageOut, RevealIn, StaffRegisterIn

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
        counts_filters = {k: v for k, v in filters.items() if k != "colour"}
        every_colour = select(user=request.user, filters=counts_filters, today=today)
        counts = selectors.colour_counts(every_colour, today)
        qs = (
            select(user=request.user, filters=filters, today=today)
            if filters.get("colour")
            else every_colour  # the same list: built once
        )
        pages = Pages()
        # The colour counts already add up to the list's length: no second COUNT(*).
        pages.django_paginator_class = known_count_paginator(
            selectors.total_from_counts(counts, filters)
        )
        # The page's ids sorted alone, then its rows read by key (as the HTML
        # list's views.common.page_of): no sort of the whole list's wide rows.
        ids = list(pages.paginate_queryset(qs.values_list("pk", flat=True), request, view=self))
        found = selectors.list_rows(ids, today) if ids else {}
        page = [found[pk] for pk in ids if pk in found]
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


# --- 签发: drafts of the written answers ------------------------------------------------


class DraftIn(serializers.Serializer):
    """A draft's content (Art. 32) and the approver's comment; each step reads the
    fields it takes. `version`: the draft's version the client saw (not for create)."""

    version = serializers.IntegerField(min_value=1, required=False)
    request = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    facts = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    # The round's outcomes (支持/解释/不予支持, or 维持/撤销/变更): the service checks.
    outcome = serializers.ChoiceField(choices=ANSWER_OUTCOMES, required=False)
    text = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    legal_basis = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    comment = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True)


def draft_json(user, d) -> dict:
    return {
        "id": d.pk,
        "petition": d.petition_id,
        "round": d.round,
        "state": d.state,
        "state_label": str(DraftState(d.state).label),
        "unit": {"id": d.unit_id, "name": d.unit.name},
        "revision": d.revision,
        "version": d.version,
        **d.content(),
        "drafted_by": d.drafted_by.get_username(),
        "submitted_at": d.submitted_at,
        "decided_by": d.decided_by.get_username() if d.decided_by_id else None,
        "decided_at": d.decided_at,
        "comment": d.comment,
        "actions": [t.name for t in services.draft_allowed_actions(user, d)],
    }


class PetitionDraftsView(APIView):
    """GET: the drafts of the matter's written answers this user may see (the
    answering unit's). POST: start the draft of the answer the matter waits for."""

    @extend_schema(responses=inline_serializer("Drafts", {"results": serializers.ListField()}))
    def get(self, request, pk):
        p = selectors.petition_get(user=request.user, pk=pk)
        drafts = []
        for d in selectors.drafts_of(user=request.user, petition=p):
            d.petition = p
            if selectors.may_see_drafts(request.user, d):
                drafts.append(draft_json(request.user, d))
        return Response({"results": drafts, "may_draft": services.may_draft(request.user, p)})

    @extend_schema(request=DraftIn, responses={201: dict})
    def post(self, request, pk):
        p = selectors.petition_get(user=request.user, pk=pk)
        s = DraftIn(data=request.data)
        s.is_valid(raise_exception=True)
        fields = {k: v for k, v in s.validated_data.items() if k in services.DRAFT_FIELDS}
        d = services.opinion_draft_create(actor=request.user, petition_id=p.pk, **fields)
        return Response(draft_json(request.user, d), status=status.HTTP_201_CREATED)


class PetitionDraftActionView(APIView):
    """POST a step of the sign-off by name (revise, submit, approve, send_back,
    issue, withdraw) with the draft's version and the step's fields."""

    @extend_schema(
        request=DraftIn,
        responses={200: dict},
        parameters=[
            OpenApiParameter(
                "action", str, OpenApiParameter.PATH, enum=sorted(services.DRAFT_ACTIONS)
            )
        ],
    )
    def post(self, request, pk, draft_pk, action):
        if action not in services.DRAFT_ACTIONS:
            raise Http404
        p = selectors.petition_get(user=request.user, pk=pk)
        d = selectors.draft_get(user=request.user, pk=draft_pk)
        if d.petition_id != p.pk:
            raise Http404
        require_version(request.data)
        s = DraftIn(data=request.data)
        s.is_valid(raise_exception=True)
        taken = services.DRAFT_FRAME.services[action]
        names = inspect.signature(inspect.unwrap(taken)).parameters
        fields = {k: v for k, v in s.validated_data.items() if k in names and k != "version"}
        d = services.opinion_draft_act(
            actor=request.user,
            draft_id=d.pk,
            action=action,
            version=s.validated_data.get("version"),
            **fields,
        )
        return Response(draft_json(request.user, selectors.draft_get(user=request.user, pk=d.pk)))
