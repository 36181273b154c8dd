"""/api/v1/hearings...: public evaluation hearings (群众评议 / 听证), their moves
and minutes.

Thin: parse → service/selector → JSON. Errors as everywhere (core.api): 400 with
field errors, 403 for a forbidden act on a visible hearing, 404 for what the user
may not see, 409 for a move that does not fit the state or a stale version. The
create takes an Idempotency-Key header. Phones are masked (core.pii).
"""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from xinfang.core import idempotency, pii
from xinfang.core.api import require_version
from xinfang.core.exceptions import Conflict, InvalidInput, NotFound
from xinfang.petitions.models import Petition

from .. import selectors, services
from ..hearings_minutes import minutes_pdf
from ..models import HearingKind, HearingState, ParticipantRole
from ..workflow import HEARING
from .ownership import Pages, idempotency_key, valid

VERSION_HELP = "The version of the hearing the client saw; a stale one answers 409."


# --- input ------------------------------------------------------------------------------


class ParticipantIn(serializers.Serializer):
    name = serializers.CharField(max_length=60)
    role = serializers.ChoiceField(choices=ParticipantRole.choices)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    affiliation = serializers.CharField(
        max_length=120, required=False, allow_blank=True, default=""
    )


class HearingIn(serializers.Serializer):
    petition = serializers.IntegerField(min_value=1)
    date = serializers.DateField()
    place = serializers.CharField(max_length=120)
    host = serializers.CharField(max_length=60)
    topic = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    participants = ParticipantIn(many=True, required=False, default=list)


class VersionIn(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, help_text=VERSION_HELP)


class InviteIn(VersionIn, ParticipantIn):
    pass


class RescheduleIn(VersionIn):
    date = serializers.DateField(required=False)
    place = serializers.CharField(max_length=120, required=False, allow_blank=True)
    host = serializers.CharField(max_length=60, required=False, allow_blank=True)
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True)


class AttendanceIn(serializers.Serializer):
    id = serializers.IntegerField()
    attended = serializers.BooleanField()
    view = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")


class HoldIn(VersionIn):
    conclusion = serializers.CharField(max_length=20000)
    held_on = serializers.DateField(required=False)
    attendance = AttendanceIn(many=True)
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True)


class IssueIn(VersionIn):
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True)


class CancelIn(VersionIn):
    reason = serializers.CharField(max_length=5000)


ACTION_INPUT = {
    "invite": InviteIn,
    "reschedule": RescheduleIn,
    "hold": HoldIn,
    "issue": IssueIn,
    "cancel": CancelIn,
}


# --- output -----------------------------------------------------------------------------


def hearing_row(h) -> dict:
    return {
        "id": h.pk,
        "number": h.number,
        "petition": {"id": h.petition_id, "number": h.petition.number},
        "kind": h.kind,
        "kind_label": str(HearingKind(h.kind).label),
        "pauses_clock": h.pauses_clock,
        "state": h.state,
        "state_label": str(HearingState(h.state).label),
        "date": h.date,
        "place": h.place,
        "host": h.host,
        "unit": {"id": h.unit_id, "name": h.unit.name},
        "held_on": h.held_on,
        "version": h.version,
    }


def hearing_detail(user, h) -> dict:
    return {
        **hearing_row(h),
        "topic": h.topic,
        "conclusion": h.conclusion,
        "cancel_reason": h.cancel_reason,
        "minutes_issued_on": h.minutes_issued_on,
        "participants": [
            {
                "id": person.pk,
                "name": person.name,
                "role": person.role,
                "role_label": str(person.get_role_display()),
                "affiliation": person.affiliation,
                "phone": pii.mask_phone(person.phone),
                "attended": person.attended,
                "view": person.view,
            }
            for person in selectors.participants(h)
        ],
        "actions": [t.name for t in HEARING.allowed(user, h)],
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
            for e in selectors.hearing_timeline(h)
        ],
    }


HearingOut = inline_serializer(
    "Hearing",
    {
        "id": serializers.IntegerField(),
        "number": serializers.CharField(),
        "kind": serializers.ChoiceField(choices=HearingKind.choices),
        "state": serializers.ChoiceField(choices=HearingState.choices),
        "pauses_clock": serializers.BooleanField(),
        "version": serializers.IntegerField(),
    },
)


# --- views ------------------------------------------------------------------------------


class HearingListView(APIView):
    """GET: the hearings of the matters the user sees (?petition=, ?state=). POST:
    schedule a hearing on a matter (in re-review its clock stops)."""

    @extend_schema(
        parameters=[OpenApiParameter("petition", int), OpenApiParameter("state", str)],
        responses=inline_serializer("HearingPage", {"count": serializers.IntegerField()}),
        operation_id="hearings_list",
    )
    def get(self, request):
        qs = selectors.hearings_visible(request.user)
        state = request.query_params.get("state")
        petition = request.query_params.get("petition")
        if state and state not in HearingState.values:
            raise InvalidInput(field_errors={"state": ["Unknown state."]})
        if state:
            qs = qs.filter(state=state)
        if petition:
            if not petition.isdigit():
                raise InvalidInput(field_errors={"petition": ["Give a matter id."]})
            qs = qs.filter(petition_id=int(petition))
        pages = Pages()
        page = pages.paginate_queryset(qs, request, view=self)
        return pages.get_paginated_response([hearing_row(h) for h in page])

    @extend_schema(
        request=HearingIn,
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER)],
        responses={201: HearingOut, 200: HearingOut},
        operation_id="hearings_create",
    )
    def post(self, request):
        v = valid(HearingIn, request)
        key = idempotency_key(request)
        fingerprint = idempotency.fingerprint(v)
        hearing = services.hearing_replay(
            actor=request.user, idempotency_key=key, fingerprint=fingerprint
        )
        created = hearing is None
        if created:
            petition = Petition.objects.filter(pk=v.pop("petition")).first()
            if petition is None:
                raise NotFound()
            v["participants"] = [dict(r) for r in v.get("participants") or []]
            hearing = services.hearing_schedule(
                actor=request.user,
                petition=petition,
                idempotency_key=key,
                idempotency_fingerprint=fingerprint,
                **v,
            )
        hearing = selectors.hearing_get(user=request.user, pk=hearing.pk)
        return Response(
            hearing_detail(request.user, hearing),
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
            headers={} if created else {"Idempotent-Replayed": "true"},
        )


class HearingDetailView(APIView):
    @extend_schema(responses=HearingOut, operation_id="hearings_retrieve")
    def get(self, request, pk):
        h = selectors.hearing_get(user=request.user, pk=pk)
        return Response(hearing_detail(request.user, h))


class HearingActionView(APIView):
    """POST a move: invite, reschedule, hold, issue, cancel (with the version)."""

    @extend_schema(
        request=inline_serializer(
            "HearingAction",
            {"version": serializers.IntegerField(), "note": serializers.CharField()},
        ),
        responses=HearingOut,
        operation_id="hearings_action",
    )
    def post(self, request, pk, action):
        h = selectors.hearing_get(user=request.user, pk=pk)  # 404 before anything else
        if action not in ACTION_INPUT:
            raise NotFound()
        require_version(request.data)
        v = valid(ACTION_INPUT[action], request)
        fields = {k: val for k, val in v.items() if val not in ("", None)}
        if "attendance" in fields:
            fields["attendance"] = [dict(r) for r in fields["attendance"]]
        version = fields.pop("version")
        HEARING.run(action, actor=request.user, hearing_id=h.pk, version=version, **fields)
        h = selectors.hearing_get(user=request.user, pk=pk)
        return Response(hearing_detail(request.user, h))


class HearingMinutesView(APIView):
    """The minutes (听证会记录 / 群众评议会记录) as an A4 PDF, once the hearing is held."""

    @extend_schema(
        responses={(200, "application/pdf"): bytes},
        operation_id="hearings_minutes",
    )
    def get(self, request, pk):
        h = selectors.hearing_get(user=request.user, pk=pk)
        if h.state not in (HearingState.HELD, HearingState.ISSUED):
            raise Conflict(_("The minutes exist once the hearing has been held."))
        response = HttpResponse(
            minutes_pdf(h, selectors.participants(h)), content_type="application/pdf"
        )
        response["Content-Disposition"] = f'attachment; filename="{h.number}.pdf"'
        return response
