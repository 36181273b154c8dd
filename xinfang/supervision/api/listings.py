"""/api/v1/supervision/...: the board, listing a matter (Idempotency-Key), one
listing, its actions (chase, report, recolour, delist) and the letter's PDF.

Thin: parse → service/selector → JSON. Errors as everywhere (core.api): 400 with
field errors, 403 for a forbidden act on a visible listing, 404 for what the user
may not see, 409 for an act that does not fit the state or a stale version, 428
without a version."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from xinfang.core import idempotency
from xinfang.core.api import require_version

from .. import selectors, services
from ..documents import letter_pdf
from ..models import ChaseKind, ListingColour
from ..workflow import FRAME

VERSION_HELP = "The version of the listing the client saw: a stale one answers 409, none 428."


def _unit(u):
    return {"id": u.pk, "name": u.name} if u is not None else None


def _user(u):
    return (u.get_full_name() or u.get_username()) if u is not None else None


def chase_json(c) -> dict:
    return {
        "id": c.pk,
        "number": c.number,
        "kind": c.kind,
        "kind_label": str(c.get_kind_display()),
        "demand": c.demand,
        "report_by": c.report_by,
        "issued_on": c.issued_on,
        "issued_by": _user(c.issued_by),
        "report": c.report,
        "reported_on": c.reported_on,
        "letter": f"/api/v1/supervision/listings/{c.listing_id}/letters/{c.pk}.pdf",
    }


def card_json(card) -> dict:
    x = card.listing
    return {
        "id": x.pk,
        "number": x.number,
        "kind": card.kind,
        "matter": {"id": x.target.pk, "number": card.matter_number, "summary": card.summary},
        "colour": card.colour,
        "listed_colour": x.colour,
        "unit": _unit(card.unit),
        "listed_by": _user(x.listed_by),
        "listed_on": x.listed_on,
        "reason": x.reason,
        "report_by": x.report_by,
        "last_chased_on": card.last_chase.issued_on if card.last_chase else None,
        "chases": card.chase_count,
        "report": x.report,
        "reported_on": x.reported_on,
        "report_overdue": card.overdue_report,
        "state": x.state,
    }


def listing_json(user, x) -> dict:
    return {
        "id": x.pk,
        "number": x.number,
        "version": x.version,
        "state": x.state,
        "kind": x.kind,
        "matter": {"id": x.target.pk, "number": x.target.number, "summary": x.target.summary},
        "colour": selectors.colour_of(x),
        "listed_colour": x.colour,
        "reason": x.reason,
        "demand": x.demand,
        "report_by": x.report_by,
        "unit": _unit(x.unit),
        "office": _unit(x.office),
        "listed_by": _user(x.listed_by),
        "listed_on": x.listed_on,
        "report": x.report,
        "reported_on": x.reported_on,
        "delisted_on": x.delisted_on,
        "delist_note": x.delist_note,
        "chases": [chase_json(c) for c in selectors.chases_of(x)],
        "actions": [t.name for t in FRAME.allowed(user, x)],
        "timeline": [
            {
                "at": e.at,
                "action": e.action,
                "label": str(e.label),
                "by": _user(e.actor),
                "note": e.note,
            }
            for e in selectors.timeline(x)
        ],
    }


class SupervisionListingIn(serializers.Serializer):
    petition = serializers.IntegerField(required=False, min_value=1)
    dispute = serializers.IntegerField(required=False, min_value=1)
    colour = serializers.ChoiceField(choices=ListingColour.values)
    reason = serializers.CharField(max_length=2000)
    demand = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    report_by = serializers.DateField(required=False, allow_null=True, default=None)


class SupervisionChaseIn(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, help_text=VERSION_HELP)
    demand = serializers.CharField(max_length=2000)
    kind = serializers.ChoiceField(choices=ChaseKind.choices, default=ChaseKind.CHASE)
    report_by = serializers.DateField(required=False, allow_null=True, default=None)


class SupervisionReportIn(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, help_text=VERSION_HELP)
    text = serializers.CharField(max_length=4000)


class SupervisionRecolourIn(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, help_text=VERSION_HELP)
    colour = serializers.ChoiceField(choices=ListingColour.values)
    note = serializers.CharField(max_length=300)


class SupervisionDelistIn(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, help_text=VERSION_HELP)
    note = serializers.CharField(max_length=2000)


ACTION_INPUT = {
    "chase": SupervisionChaseIn,
    "report": SupervisionReportIn,
    "recolour": SupervisionRecolourIn,
    "delist": SupervisionDelistIn,
}


def _valid(serializer_class, request) -> dict:
    s = serializer_class(data=request.data)
    s.is_valid(raise_exception=True)
    return dict(s.validated_data)


class BoardView(APIView):
    """GET: the board (listed matters the user may see, by colour and unit)."""

    @extend_schema(
        parameters=[OpenApiParameter(n, str) for n in selectors.FILTERS],
        responses=inline_serializer(
            "SupervisionBoard",
            {
                "totals": serializers.DictField(child=serializers.IntegerField()),
                "by_unit": serializers.ListField(child=serializers.DictField()),
                "listings": serializers.ListField(child=serializers.DictField()),
            },
        ),
        operation_id="supervision_board",
    )
    def get(self, request):
        result = selectors.board(
            user=request.user, filters=selectors.read_filters(request.query_params)
        )
        return Response(
            {
                "totals": result.totals,
                "by_unit": [{"unit": _unit(u), "counts": row} for u, row in result.by_unit],
                "listings": [card_json(c) for c in result.cards],
            }
        )


class ListingCreateView(APIView):
    """POST: list a petition matter or a dispute (挂牌督办). Idempotency-Key: a
    retry with the same key and body answers the first listing (200,
    Idempotent-Replayed); the same key with another body is a 409."""

    @extend_schema(
        request=SupervisionListingIn,
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER)],
        responses={
            201: inline_serializer("Listing", {"id": serializers.IntegerField()}),
            200: inline_serializer("ListingReplayed", {"id": serializers.IntegerField()}),
        },
        operation_id="supervision_listings_create",
    )
    def post(self, request):
        v = _valid(SupervisionListingIn, request)
        listing, created = services.listing_create(
            actor=request.user,
            petition_id=v.get("petition"),
            dispute_id=v.get("dispute"),
            colour=v["colour"],
            reason=v["reason"],
            demand=v["demand"],
            report_by=v["report_by"],
            idempotency_key=idempotency.scoped(
                f"api:{request.user.pk}", idempotency.header_key(request)
            ),
        )
        listing = selectors.listing_get(user=request.user, pk=listing.pk)
        return Response(
            listing_json(request.user, listing),
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
            headers={} if created else {"Idempotent-Replayed": "true"},
        )


class ListingDetailView(APIView):
    @extend_schema(
        responses=inline_serializer("ListingDetail", {"id": serializers.IntegerField()}),
        operation_id="supervision_listings_retrieve",
    )
    def get(self, request, pk):
        return Response(listing_json(request.user, selectors.listing_get(user=request.user, pk=pk)))


class _ListingAct(APIView):
    action = ""

    def post(self, request, pk):
        listing = selectors.listing_get(user=request.user, pk=pk)  # 404 first
        require_version(request.data)
        fields = _valid(ACTION_INPUT[self.action], request)
        version = fields.pop("version")
        services.listing_act(
            actor=request.user, listing_id=listing.pk, action=self.action, version=version, **fields
        )
        return Response(listing_json(request.user, selectors.listing_get(user=request.user, pk=pk)))


def _act_view(name: str, serializer, doc: str):
    """One view per action, each with its own schema (a function of its own: the
    schema decorator marks the function it is given)."""

    def post(self, request, pk):
        return _ListingAct.post(self, request, pk)

    post = extend_schema(
        request=serializer,
        responses=inline_serializer(
            f"Listing{name.title()}Done", {"id": serializers.IntegerField()}
        ),
        operation_id=f"supervision_listings_{name}",
    )(post)
    return type(
        f"Listing{name.title()}View",
        (_ListingAct,),
        {"action": name, "__doc__": doc, "post": post},
    )


ListingChaseView = _act_view(
    "chase", SupervisionChaseIn, "催办 / 督办: a numbered letter, the unit told."
)
ListingReportView = _act_view("report", SupervisionReportIn, "What came back: the unit's report.")
ListingRecolourView = _act_view(
    "recolour", SupervisionRecolourIn, "List the matter in another colour."
)
ListingDelistView = _act_view("delist", SupervisionDelistIn, "摘牌: the listing ends.")


class LetterView(APIView):
    """The chasing letter (催办函 / 督办函) as an A4 PDF; 503 without a Chinese font."""

    @extend_schema(responses={(200, "application/pdf"): bytes}, operation_id="supervision_letter")
    def get(self, request, pk, chase_pk):
        chase = selectors.chase_get(user=request.user, listing_pk=pk, pk=chase_pk)
        response = HttpResponse(letter_pdf(chase), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="letter-{chase.pk}.pdf"'
        response["Cache-Control"] = "no-store"
        return response
