"""/api/v1/ of the mediation bodies' rosters: the roster, a mediator's entry."""

from __future__ import annotations

from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from xinfang.core import pii
from xinfang.core.api import require_version
from xinfang.core.exceptions import InvalidInput

from .. import selectors, services
from ..models import Mediator
from .common import unit_json, valid


class MediatorIn(serializers.Serializer):
    name = serializers.CharField(max_length=60)
    full_time = serializers.BooleanField(required=False, default=False)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    speciality = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    user = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="A staff member of the body."
    )


class MediatorPatch(serializers.Serializer):
    """Only the fields sent change; phone "" removes the number, user null unlinks."""

    name = serializers.CharField(max_length=60, required=False)
    full_time = serializers.BooleanField(required=False)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    speciality = serializers.CharField(max_length=100, required=False, allow_blank=True)
    user = serializers.IntegerField(required=False, allow_null=True)
    active = serializers.BooleanField(required=False)
    version = serializers.IntegerField(
        min_value=1,
        help_text="The version of the entry the client saw; required: a stale one answers "
        "409, a missing one 428.",
    )


def mediator_json(m) -> dict:
    return {
        "id": m.pk,
        "name": m.name,
        "full_time": m.full_time,
        "speciality": m.speciality,
        "phone": pii.mask_phone(m.phone),  # masked, as on the page
        "user": m.user.get_username() if m.user_id else None,
        "active": m.is_active,
        "version": m.version,
        "open_cases": getattr(m, "caseload", None),
        # The last changes to the entry, newest first (phones masked when written).
        "history": [_mediator_event_json(e) for e in getattr(m, "recent_events", ())],
    }


def _mediator_event_json(e) -> dict:
    return {
        "at": e.at.isoformat(),
        "action": e.action,
        "action_label": str(e.get_action_display()),
        "by": e.actor.get_username() if e.actor_id else None,
        "unit": e.actor_unit.name if e.actor_unit_id else None,
        "changes": e.data,
    }


def _member(body, user_id):
    """The staff account to link, among the body's members (else a 400)."""
    if user_id is None:
        return None
    found = next((u for u in selectors.body_members(body) if u.pk == user_id), None)
    if found is None:
        raise InvalidInput(field_errors={"user": [_("Link only a staff member of this body.")]})
    return found


def _roster_entry(body, mediator_id):
    m = next((m for m in selectors.roster(body, history=True) if m.pk == mediator_id), None)
    if m is None:
        raise Http404
    return m


MediatorOut = inline_serializer(
    "Mediator",
    {
        "id": serializers.IntegerField(),
        "name": serializers.CharField(),
        "full_time": serializers.BooleanField(),
        "speciality": serializers.CharField(),
        "phone": serializers.CharField(help_text="masked"),
        "user": serializers.CharField(allow_null=True),
        "active": serializers.BooleanField(),
        "version": serializers.IntegerField(),
        "open_cases": serializers.IntegerField(),
        "history": serializers.ListField(
            child=serializers.DictField(),
            help_text="The last changes, newest first: at, action, action_label, by, unit, "
            "changes ({field: [old, new]}, phones masked).",
        ),
    },
)


class RosterView(APIView):
    """A mediation body's roster: mediators, full-/part-time, open cases each.
    POST adds a mediator (the body's mediators, or the staff who route disputes
    at or above it)."""

    @extend_schema(
        responses=inline_serializer("Roster", {"body": serializers.DictField()}),
        operation_id="mediation_roster",
    )
    def get(self, request, pk):
        body = selectors.body_get(user=request.user, pk=pk)
        rows = selectors.roster(body, history=True)
        return Response(
            {
                "body": unit_json(body),
                "total": len(rows),
                "active": sum(1 for m in rows if m.is_active),
                "full_time": sum(1 for m in rows if m.full_time),
                "mediators": [mediator_json(m) for m in rows],
            }
        )

    @extend_schema(
        request=MediatorIn,
        responses={201: MediatorOut},
        operation_id="mediation_roster_add",
    )
    def post(self, request, pk):
        body = selectors.body_get(user=request.user, pk=pk)  # 404 before anything else
        v = valid(MediatorIn, request)
        v["user"] = _member(body, v.get("user"))
        m = services.mediator_add(actor=request.user, body=body, **v)
        return Response(
            mediator_json(_roster_entry(body, m.pk)),
            status=status.HTTP_201_CREATED,
        )


class MediatorView(APIView):
    """One roster entry. PATCH corrects it, or deactivates it (`active`: false: no
    new case, the old ones keep it) or reactivates it. Never deleted."""

    @extend_schema(
        request=MediatorPatch,
        responses={200: MediatorOut},
        operation_id="mediation_mediator_update",
    )
    def patch(self, request, pk):
        m = Mediator.objects.select_related("body").filter(pk=pk).first()
        if m is None or not selectors.visible_bodies(request.user).filter(pk=m.body_id).exists():
            raise Http404
        require_version(request.data)
        v = valid(MediatorPatch, request)
        version = v.pop("version")
        active = v.pop("active", None)
        if "user" in v:
            v["user"] = _member(m.body, v["user"])
        if not v and active is None:
            raise InvalidInput(_("Send at least one field to change."))
        with transaction.atomic():  # both changes or neither
            if v:
                services.mediator_update(actor=request.user, mediator_id=m.pk, version=version, **v)
                version = None  # checked, and the row stays locked for the second change
            if active is not None:
                services.mediator_set_active(
                    actor=request.user, mediator_id=m.pk, active=active, version=version
                )
        return Response(mediator_json(_roster_entry(m.body, m.pk)))
