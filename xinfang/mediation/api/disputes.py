"""/api/v1/disputes: the list, one dispute, routing, passing up, opening a case.

Views are thin: parse → service/selector → JSON. Errors as everywhere
(core.api.exception_handler): 400 with field errors, 403 for a forbidden act on a
visible dispute, 404 for what the user may not see, 409 for an act that does not
fit the state, 429 when rate-limited. Creates take an Idempotency-Key header.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from xinfang.core import pii
from xinfang.core.api import require_version
from xinfang.core.exceptions import InvalidInput
from xinfang.core.inputs import optional_id
from xinfang.orgs.models import Level

from .. import selectors, services
from ..models import (
    Dispute,
    DisputeState,
    DisputeType,
    MediationCase,
    Risk,
    Source,
)
from ..workflow import DISPUTE
from .cases import case_json
from .common import VERSION_HELP, Pages, idempotency_key, unit_choices, unit_json, valid

# --- input ---------------------------------------------------------------------------


class PartyIn(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    role = serializers.ChoiceField(choices=["applicant", "respondent"], required=False)
    is_organisation = serializers.BooleanField(required=False, default=False)
    id_number = serializers.CharField(max_length=18, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)


class DisputeIn(serializers.Serializer):
    source = serializers.ChoiceField(
        choices=[(s, Source(s).label) for s in (Source.APPLICATION, Source.COURT, Source.POLICE)]
    )
    type = serializers.ChoiceField(choices=DisputeType.choices)
    risk = serializers.ChoiceField(choices=Risk.choices, default=Risk.LOW)
    place = serializers.PrimaryKeyRelatedField(queryset=unit_choices())
    received_by = serializers.PrimaryKeyRelatedField(
        queryset=unit_choices(), required=False, allow_null=True
    )
    summary = serializers.CharField(max_length=200)
    details = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    referral_ref = serializers.CharField(max_length=60, required=False, allow_blank=True)
    received_on = serializers.DateField(required=False)
    body = serializers.PrimaryKeyRelatedField(
        queryset=unit_choices(), required=False, allow_null=True
    )
    parties = PartyIn(many=True, min_length=1, max_length=50)


class RouteIn(serializers.Serializer):
    to = serializers.ChoiceField(choices=["centre", "committee"], default="centre")
    body = serializers.PrimaryKeyRelatedField(
        queryset=unit_choices(), required=False, allow_null=True
    )
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    version = serializers.IntegerField(min_value=1, help_text=VERSION_HELP)


class EscalateIn(serializers.Serializer):
    note = serializers.CharField(max_length=5000)
    version = serializers.IntegerField(min_value=1, help_text=VERSION_HELP)


class CaseOpenIn(serializers.Serializer):
    body = serializers.PrimaryKeyRelatedField(
        queryset=unit_choices(), required=False, allow_null=True
    )
    mediators = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list
    )
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    version = serializers.IntegerField(min_value=1, help_text=VERSION_HELP)


# --- output ---------------------------------------------------------------------------


def dispute_row(d: Dispute) -> dict:
    return {
        "id": d.pk,
        "number": d.number,
        "summary": d.summary,
        "source": d.source,
        "type": d.type,
        "type_label": str(DisputeType(d.type).label),
        "risk": d.risk,
        "state": d.state,
        "state_label": str(DisputeState(d.state).label),
        "place": unit_json(d.place),
        "arose_level": d.arose_level,
        "current_level": d.current_level,
        "body": unit_json(d.body),
        "received_on": d.received_on,
        "settled_on": d.settled_on,
        "settled_level": d.settled_level or None,
        "version": d.version,
    }


def dispute_detail(user, d: Dispute) -> dict:
    data = dispute_row(d)
    data.update(
        {
            "details": d.details,
            "referral_ref": d.referral_ref,
            "received_by": unit_json(d.received_by),
            "resolved_on_spot": d.resolved_on_spot,
            "how_resolved": d.how_resolved,
            "petition": (
                {"id": d.petition_id, "number": d.petition.number} if d.petition_id else None
            ),
            # Masked here as on every page; the agreement PDF records a full read.
            "parties": [
                {
                    "id": p.pk,
                    "role": p.role,
                    "name": p.name,
                    "is_organisation": p.is_organisation,
                    "id_number": pii.mask_id_number(p.id_number),
                    "phone": pii.mask_phone(p.phone),
                }
                for p in d.parties.all()
            ],
            "cases": [
                {"id": c.pk, "number": c.number, "state": c.state, "body": unit_json(c.body)}
                for c in selectors.cases_of(d)
            ],
            # What this user may do now (the page offers the same: DISPUTE.allowed).
            "actions": [t.name for t in DISPUTE.allowed(user, d)],
            "events": [
                {
                    "at": e.at,
                    "action": e.action,
                    "action_label": str(e.label),
                    "from_state": e.from_state,
                    "to_state": e.to_state,
                    "actor": e.actor.get_username() if e.actor_id else None,
                    "unit": e.actor_unit.name if e.actor_unit_id else None,
                    "note": e.note,
                    "data": e.data,
                }
                for e in selectors.timeline(dispute=d)
            ],
        }
    )
    return data


# --- views ---------------------------------------------------------------------------


def _check_filters(filters: dict) -> None:
    errors = {}
    if filters.get("state") and filters["state"] not in [*DisputeState.values, "open"]:
        errors["state"] = [_("Unknown state.")]
    if filters.get("type") and filters["type"] not in DisputeType.values:
        errors["type"] = [_("Unknown type.")]
    if filters.get("level") and filters["level"] not in Level.values:
        errors["level"] = [_("Unknown level.")]
    try:
        optional_id(filters.get("body"), "body")
    except InvalidInput as exc:
        errors.update(exc.field_errors)
    if errors:
        raise InvalidInput(field_errors=errors)


class DisputeListView(APIView):
    """GET: the disputes the user may see (filters state, type, body, level, source,
    q). POST: register a direct application or a court/police referral."""

    @extend_schema(
        parameters=[OpenApiParameter(n, str) for n in selectors.FILTERS],
        responses=inline_serializer("DisputePage", {"count": serializers.IntegerField()}),
        operation_id="disputes_list",
    )
    def get(self, request):
        filters = {k: request.query_params.get(k) for k in selectors.FILTERS}
        _check_filters(filters)
        pages = Pages()
        page = pages.paginate_queryset(
            selectors.dispute_list(user=request.user, filters=filters), request, view=self
        )
        return pages.get_paginated_response([dispute_row(d) for d in page])

    @extend_schema(
        request=DisputeIn,
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER)],
        responses={201: inline_serializer("Dispute", {"id": serializers.IntegerField()})},
    )
    def post(self, request):
        v = valid(DisputeIn, request)
        d, created = services.dispute_register(
            actor=request.user, idempotency_key=idempotency_key(request), **v
        )
        d = selectors.dispute_get(user=request.user, pk=d.pk)
        return Response(
            dispute_detail(request.user, d),
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
            headers={} if created else {"Idempotent-Replayed": "true"},
        )


class DisputeDetailView(APIView):
    @extend_schema(
        responses=inline_serializer("DisputeDetail", {"id": serializers.IntegerField()}),
        operation_id="disputes_retrieve",
    )
    def get(self, request, pk):
        return Response(
            dispute_detail(request.user, selectors.dispute_get(user=request.user, pk=pk))
        )


class _DisputeAct(APIView):
    serializer = serializers.Serializer

    def act(self, request, d, v):  # pragma: no cover - overridden
        raise NotImplementedError

    def post(self, request, pk):
        d = selectors.dispute_get(user=request.user, pk=pk)  # 404 before anything else
        require_version(request.data)
        v = valid(self.serializer, request)
        result = self.act(request, d, v)
        if isinstance(result, MediationCase):
            case = selectors.case_get(user=request.user, pk=result.pk)
            return Response(case_json(case, request.user), status=status.HTTP_201_CREATED)
        d = selectors.dispute_get(user=request.user, pk=pk)
        return Response(dispute_detail(request.user, d))


class DisputeRouteView(_DisputeAct):
    """Route the dispute to the centre of its level (to=centre), the committee of its
    type (to=committee), or a named body."""

    serializer = RouteIn

    @extend_schema(request=RouteIn, responses={200: None})
    def post(self, request, pk):
        return super().post(request, pk)

    def act(self, request, d, v):
        return services.dispute_route(actor=request.user, dispute_id=d.pk, **v)


class DisputeEscalateView(_DisputeAct):
    """Pass the dispute up a level; a new case opens at the centre above (201)."""

    serializer = EscalateIn

    @extend_schema(request=EscalateIn, responses={201: None})
    def post(self, request, pk):
        return super().post(request, pk)

    def act(self, request, d, v):
        return services.dispute_escalate(actor=request.user, dispute_id=d.pk, **v)


class CaseOpenView(_DisputeAct):
    serializer = CaseOpenIn

    @extend_schema(request=CaseOpenIn, responses={201: None})
    def post(self, request, pk):
        return super().post(request, pk)

    def act(self, request, d, v):
        return services.case_open(actor=request.user, dispute_id=d.pk, **v)
