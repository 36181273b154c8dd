"""/api/v1/ownership/...: plans (领导包案, 一案一策), their moves and the counts.

Thin: parse → service/selector → JSON. Errors as everywhere (core.api): 400 with
field errors, 403 for a forbidden act on a visible plan, 404 for what the user may
not see, 409 for a move that does not fit the state or a stale version. The
create takes an Idempotency-Key header.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from xinfang.core import idempotency
from xinfang.core.api import require_version
from xinfang.core.exceptions import InvalidInput, NotFound
from xinfang.orgs.models import Unit
from xinfang.petitions.models import Petition

from .. import selectors, services
from ..models import PlanState, Resolution
from ..workflow import PLAN

User = get_user_model()
VERSION_HELP = "The version of the plan the client saw; a stale one answers 409."


class Pages(PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 200


def idempotency_key(request) -> str | None:
    return idempotency.scoped(f"api:{request.user.pk}", idempotency.header_key(request))


def valid(serializer_class, request) -> dict:
    s = serializer_class(data=request.data)
    s.is_valid(raise_exception=True)
    return dict(s.validated_data)


# --- input ------------------------------------------------------------------------------


class PlanIn(serializers.Serializer):
    petition = serializers.IntegerField(min_value=1)
    owner = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.filter(is_active=True))
    person = serializers.CharField(max_length=60)
    measures = serializers.CharField(max_length=20000)
    standard = serializers.CharField(max_length=5000)
    target_date = serializers.DateField()


class NoteIn(serializers.Serializer):
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    version = serializers.IntegerField(min_value=1, help_text=VERSION_HELP)


class ReviseIn(NoteIn):
    measures = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    standard = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    person = serializers.CharField(max_length=60, required=False, allow_blank=True)
    target_date = serializers.DateField(required=False)


class HandoverIn(NoteIn):
    owner = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))


class ResolveIn(NoteIn):
    resolution = serializers.ChoiceField(choices=Resolution.choices)


ACTION_INPUT = {
    "progress": NoteIn,
    "revise": ReviseIn,
    "handover": HandoverIn,
    "resolve": ResolveIn,
    "reopen": NoteIn,
}


# --- output -----------------------------------------------------------------------------


def _person(u):
    return {"id": u.pk, "name": u.first_name or u.get_username()} if u is not None else None


def plan_row(plan) -> dict:
    return {
        "id": plan.pk,
        "petition": {"id": plan.petition_id, "number": plan.petition.number},
        "owner": _person(plan.owner),
        "unit": {"id": plan.unit_id, "name": plan.unit.name},
        "person": plan.person,
        "target_date": plan.target_date,
        "owned_on": plan.owned_on,
        "state": plan.state,
        "state_label": str(PlanState(plan.state).label),
        "resolved_on": plan.resolved_on,
        "resolution": plan.resolution or None,
        "resolution_label": str(plan.get_resolution_display()) if plan.resolution else None,
        "reopened_count": plan.reopened_count,
        "version": plan.version,
    }


def plan_detail(user, plan) -> dict:
    return {
        **plan_row(plan),
        "measures": plan.measures,
        "standard": plan.standard,
        "resolution_note": plan.resolution_note,
        "actions": [t.name for t in PLAN.allowed(user, plan)],
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
            for e in selectors.timeline(plan)
        ],
    }


PlanOut = inline_serializer(
    "OwnershipPlan",
    {
        "id": serializers.IntegerField(),
        "state": serializers.ChoiceField(choices=PlanState.choices),
        "version": serializers.IntegerField(),
    },
)


# --- views ------------------------------------------------------------------------------


class PlanListView(APIView):
    """GET: the plans of the matters the user sees (?owner=me, ?state=). POST: own a
    matter with a plan (一案一策)."""

    @extend_schema(
        parameters=[OpenApiParameter("owner", str), OpenApiParameter("state", str)],
        responses=inline_serializer("OwnershipPlanPage", {"count": serializers.IntegerField()}),
        operation_id="ownership_plans_list",
    )
    def get(self, request):
        qs = selectors.plans_visible(request.user).order_by("target_date", "id")
        owner = request.query_params.get("owner")
        state = request.query_params.get("state")
        if state and state not in PlanState.values:
            raise InvalidInput(field_errors={"state": ["Unknown state."]})
        if owner == "me":
            qs = qs.filter(owner=request.user)
        elif owner:
            if not owner.isdigit():
                raise InvalidInput(field_errors={"owner": ["Give a user id or 'me'."]})
            qs = qs.filter(owner_id=int(owner))
        if state:
            qs = qs.filter(state=state)
        pages = Pages()
        page = pages.paginate_queryset(qs, request, view=self)
        return pages.get_paginated_response([plan_row(p) for p in page])

    @extend_schema(
        request=PlanIn,
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER)],
        responses={201: PlanOut},
        operation_id="ownership_plans_create",
    )
    def post(self, request):
        v = valid(PlanIn, request)
        key = idempotency_key(request)
        fingerprint = idempotency.fingerprint(v)
        plan = services.plan_replay(
            actor=request.user, idempotency_key=key, fingerprint=fingerprint
        )
        created = plan is None
        if created:
            petition = Petition.objects.filter(pk=v.pop("petition")).first()
            if petition is None:
                raise NotFound()
            plan = services.plan_create(
                actor=request.user,
                petition=petition,
                idempotency_key=key,
                idempotency_fingerprint=fingerprint,
                **v,
            )
        plan = selectors.plan_get(user=request.user, pk=plan.pk)
        return Response(
            plan_detail(request.user, plan),
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
            headers={} if created else {"Idempotent-Replayed": "true"},
        )


class PlanDetailView(APIView):
    @extend_schema(responses=PlanOut, operation_id="ownership_plans_retrieve")
    def get(self, request, pk):
        return Response(plan_detail(request.user, selectors.plan_get(user=request.user, pk=pk)))


class PlanActionView(APIView):
    """POST a move: progress, revise, handover, resolve, reopen (with the version)."""

    @extend_schema(
        request=inline_serializer(
            "OwnershipPlanAction",
            {"version": serializers.IntegerField(), "note": serializers.CharField()},
        ),
        responses=PlanOut,
        operation_id="ownership_plans_action",
    )
    def post(self, request, pk, action):
        plan = selectors.plan_get(user=request.user, pk=pk)  # 404 before anything else
        if action not in ACTION_INPUT:
            raise NotFound()
        require_version(request.data)
        v = valid(ACTION_INPUT[action], request)
        fields = {k: val for k, val in v.items() if val not in ("", None) or k == "note"}
        version = fields.pop("version")
        PLAN.run(action, actor=request.user, plan_id=plan.pk, version=version, **fields)
        plan = selectors.plan_get(user=request.user, pk=pk)
        return Response(plan_detail(request.user, plan))


class OwnershipStatsView(APIView):
    """Owned and resolved, in total, per leader and per unit (?year=, ?from=, ?to=)."""

    @extend_schema(
        parameters=[OpenApiParameter(n, str) for n in ("year", "from", "to")],
        responses=inline_serializer(
            "OwnershipStats",
            {"owned": serializers.IntegerField(), "resolved": serializers.IntegerField()},
        ),
        operation_id="ownership_stats",
    )
    def get(self, request):
        date_from, date_to, errors = selectors.read_period(request.query_params)
        if errors:
            raise InvalidInput(field_errors=errors)
        c = selectors.ownership_counts(user=request.user, date_from=date_from, date_to=date_to)
        return Response(
            {
                "from": c["date_from"],
                "to": c["date_to"],
                "owned": c["total"]["owned"],
                "resolved": c["total"]["resolved"],
                "overdue": c["total"]["overdue"],
                "by_leader": c["by_leader"],
                "by_unit": c["by_unit"],
            }
        )
