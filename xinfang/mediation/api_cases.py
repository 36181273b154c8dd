"""The API of disputes, mediation cases, rosters and statistics (/api/v1/).

Views are thin: parse → service/selector → JSON. Errors as everywhere
(core.api.exception_handler): 400 with field errors, 403 for a forbidden act on a
visible dispute, 404 for what the user may not see, 409 for an act that does not
fit the state, 429 when rate-limited. Creates take an Idempotency-Key header.
"""

from __future__ import annotations

from django.db import transaction
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from xinfang.core import calendar, idempotency, pii
from xinfang.core.api import require_version
from xinfang.core.exceptions import InvalidInput
from xinfang.core.inputs import optional_date, optional_id
from xinfang.orgs import permissions
from xinfang.orgs.models import Level, Unit

from . import selectors, services, stats
from .documents import agreement_pdf, copy_holders
from .models import (
    AgreementForm,
    CaseState,
    Dispute,
    DisputeState,
    DisputeType,
    FailureReason,
    MediationCase,
    Mediator,
    Risk,
    Source,
)

# --- input ---------------------------------------------------------------------------


class PartyIn(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    role = serializers.ChoiceField(choices=["applicant", "respondent"], required=False)
    is_organisation = serializers.BooleanField(required=False, default=False)
    id_number = serializers.CharField(max_length=18, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)


def _units():
    return Unit.objects.filter(is_active=True)


VERSION_HELP = (
    "The version of the dispute (or case) the client saw; required: a stale one "
    "answers 409, a missing one 428."
)


class VersionIn(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, help_text=VERSION_HELP)


class DisputeIn(serializers.Serializer):
    source = serializers.ChoiceField(
        choices=[(s, Source(s).label) for s in (Source.APPLICATION, Source.COURT, Source.POLICE)]
    )
    type = serializers.ChoiceField(choices=DisputeType.choices)
    risk = serializers.ChoiceField(choices=Risk.choices, default=Risk.LOW)
    place = serializers.PrimaryKeyRelatedField(queryset=_units())
    received_by = serializers.PrimaryKeyRelatedField(
        queryset=_units(), required=False, allow_null=True
    )
    summary = serializers.CharField(max_length=200)
    details = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    referral_ref = serializers.CharField(max_length=60, required=False, allow_blank=True)
    received_on = serializers.DateField(required=False)
    body = serializers.PrimaryKeyRelatedField(queryset=_units(), required=False, allow_null=True)
    parties = PartyIn(many=True, min_length=1, max_length=50)


class RouteIn(serializers.Serializer):
    to = serializers.ChoiceField(choices=["centre", "committee"], default="centre")
    body = serializers.PrimaryKeyRelatedField(queryset=_units(), required=False, allow_null=True)
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    version = serializers.IntegerField(min_value=1, help_text=VERSION_HELP)


class EscalateIn(serializers.Serializer):
    note = serializers.CharField(max_length=5000)
    version = serializers.IntegerField(min_value=1, help_text=VERSION_HELP)


class CaseOpenIn(serializers.Serializer):
    body = serializers.PrimaryKeyRelatedField(queryset=_units(), required=False, allow_null=True)
    mediators = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list
    )
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    version = serializers.IntegerField(min_value=1, help_text=VERSION_HELP)


class ConsentIn(serializers.Serializer):
    party = serializers.IntegerField()
    consented = serializers.BooleanField()
    how = serializers.ChoiceField(choices=["written", "oral"], default="written")
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class MediatorsIn(serializers.Serializer):
    mediators = serializers.ListField(child=serializers.IntegerField(), min_length=1)


class SessionIn(serializers.Serializer):
    held_at = serializers.DateTimeField(required=False)
    place = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    present = serializers.ListField(child=serializers.CharField(max_length=60), min_length=1)
    signed_by = serializers.ListField(child=serializers.CharField(max_length=60), min_length=1)
    record = serializers.CharField(max_length=50000)


class ExtendIn(serializers.Serializer):
    agreed_by = serializers.ListField(child=serializers.IntegerField(), min_length=1)
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class StopIn(serializers.Serializer):
    party = serializers.IntegerField()
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class TermIn(serializers.Serializer):
    text = serializers.CharField(max_length=2000)
    obliged = serializers.CharField(max_length=100, required=False, allow_blank=True)
    how = serializers.CharField(max_length=200, required=False, allow_blank=True)
    due_on = serializers.DateField(required=False, allow_null=True)


class AgreementIn(serializers.Serializer):
    form = serializers.ChoiceField(choices=AgreementForm.choices)
    facts = serializers.CharField(max_length=20000)
    issues = serializers.CharField(max_length=20000)
    responsibilities = serializers.CharField(
        max_length=20000, required=False, allow_blank=True, default=""
    )
    signed_on = serializers.DateField(required=False)
    effective_on = serializers.DateField(required=False)
    terms = TermIn(many=True, min_length=1, max_length=50)


class PutInWritingIn(serializers.Serializer):
    """制作书面协议: the recorded oral agreement made into the written one."""

    signed_on = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class OutcomeIn(AgreementIn):
    """success: the agreement's fields; failure: the reason and routes_told."""

    outcome = serializers.ChoiceField(choices=["success", "failure"])
    reason = serializers.ChoiceField(choices=FailureReason.choices, required=False)
    routes_told = serializers.BooleanField(required=False, default=False)
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        data = kwargs.get("data") or (args[1] if len(args) > 1 else {})
        if isinstance(data, dict) and data.get("outcome") == "failure":
            for name in ("form", "facts", "issues", "terms"):
                self.fields[name].required = False


class FollowUpIn(serializers.Serializer):
    result = serializers.ChoiceField(choices=["performed", "partly", "not"])
    on = serializers.DateField(required=False)
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    performed_terms = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list
    )


class JudicialIn(serializers.Serializer):
    """Either the joint application (court, applied_on) or the ruling."""

    court = serializers.CharField(max_length=100, required=False, allow_blank=True)
    applied_on = serializers.DateField(required=False)
    ruling = serializers.ChoiceField(choices=["confirmed", "rejected"], required=False)
    ruling_on = serializers.DateField(required=False)
    ruling_number = serializers.CharField(max_length=60, required=False, allow_blank=True)
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


# --- output ---------------------------------------------------------------------------


def _unit(u):
    return {"id": u.pk, "name": u.name, "level": u.level} if u is not None else None


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
        "place": _unit(d.place),
        "arose_level": d.arose_level,
        "current_level": d.current_level,
        "body": _unit(d.body),
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
            "received_by": _unit(d.received_by),
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
                {"id": c.pk, "number": c.number, "state": c.state, "body": _unit(c.body)}
                for c in selectors.cases_of(d)
            ],
            "events": [
                {
                    "at": e.at,
                    "action": e.action,
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


def case_json(case: MediationCase) -> dict:
    info = selectors.case_detail(case)
    agreement, judicial = info["agreement"], info["judicial"]
    today = calendar.today()
    return {
        "id": case.pk,
        "number": case.number,
        "dispute": {"id": case.dispute_id, "number": case.dispute.number},
        "body": _unit(case.body),
        "level": case.level,
        "state": case.state,
        "state_label": str(CaseState(case.state).label),
        "opened_on": case.opened_on,
        "started_on": case.started_on,
        "deadline": case.deadline,
        "deadline_provisional": case.deadline_provisional,
        "days_left": calendar.days_left(case.deadline, today) if case.deadline else None,
        "extended": case.extended,
        "ended_on": case.ended_on,
        "failure_reason": case.failure_reason or None,
        "routes_told": case.routes_told,
        "version": case.version,
        "mediators": [{"id": m.pk, "name": m.name} for m in info["mediators"]],
        "consents": [
            {"party": c.party_id, "consented": c.consented, "how": c.how}
            for c in info["consents"].values()
        ],
        "sessions": [
            {
                "id": s.pk,
                "held_at": s.held_at,
                "place": s.place,
                "present": s.present,
                "signed_by": s.signed_by,
                "record": s.record,
            }
            for s in info["sessions"]
        ],
        "agreement": (
            {
                "id": agreement.pk,
                "form": agreement.form,
                "facts": agreement.facts,
                "issues": agreement.issues,
                "responsibilities": agreement.responsibilities,
                "signed_on": agreement.signed_on,
                "effective_on": agreement.effective_on,
                "reached_orally_on": agreement.reached_orally_on,
                # The originals of a written agreement, in print order (GET
                # agreement.pdf?copy=N prints one); an oral one has none until put
                # in writing (POST put-in-writing).
                "copies": (
                    [
                        {"copy": x, "holder": holder}
                        for x, holder in enumerate(copy_holders(agreement), start=1)
                    ]
                    if agreement.form == AgreementForm.WRITTEN
                    else []
                ),
                "committee": selectors.committee_name(case.body),
                "terms": [
                    {
                        "id": t.pk,
                        "text": t.text,
                        "obliged": t.obliged,
                        "how": t.how,
                        "due_on": t.due_on,
                        "performed_on": t.performed_on,
                    }
                    for t in info["terms"]
                ],
                "follow_ups": [
                    {"on": f.on, "result": f.result, "note": f.note} for f in info["follow_ups"]
                ],
            }
            if agreement
            else None
        ),
        "judicial_confirmation": (
            {
                "window_ends_on": judicial.window_ends_on,
                "window_provisional": judicial.window_provisional,
                "days_left": calendar.days_left(judicial.window_ends_on, today),
                "applied_on": judicial.applied_on,
                "court": judicial.court,
                "ruling": judicial.ruling or None,
                "ruling_on": judicial.ruling_on,
                "ruling_number": judicial.ruling_number,
            }
            if judicial
            else None
        ),
    }


# --- views ---------------------------------------------------------------------------


class Pages(PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 200


def _idempotency_key(request) -> str | None:
    return idempotency.scoped(f"api:{request.user.pk}", idempotency.header_key(request))


def _valid(serializer_class, request, **kw) -> dict:
    s = serializer_class(data=request.data, **kw)
    s.is_valid(raise_exception=True)
    return dict(s.validated_data)


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
        v = _valid(DisputeIn, request)
        d, created = services.dispute_register(
            actor=request.user, idempotency_key=_idempotency_key(request), **v
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
        v = _valid(self.serializer, request)
        result = self.act(request, d, v)
        if isinstance(result, MediationCase):
            case = selectors.case_get(user=request.user, pk=result.pk)
            return Response(case_json(case), status=status.HTTP_201_CREATED)
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


class CaseDetailView(APIView):
    @extend_schema(
        responses=inline_serializer("MediationCase", {"id": serializers.IntegerField()}),
        operation_id="cases_retrieve",
    )
    def get(self, request, pk):
        return Response(case_json(selectors.case_get(user=request.user, pk=pk)))


def _consent(user, case, v):
    return services.case_record_consent(actor=user, case_id=case.pk, party_id=v.pop("party"), **v)


def _stop(user, case, v):
    return services.case_stop(actor=user, case_id=case.pk, party_id=v.pop("party"), **v)


def _outcome(user, case, v):
    outcome = v.pop("outcome")
    if outcome == "failure":
        if not v.get("reason"):
            raise InvalidInput(field_errors={"reason": [_("Choose why the mediation ended.")]})
        return services.case_fail(
            actor=user,
            case_id=case.pk,
            reason=v["reason"],
            routes_told=v.get("routes_told", False),
            note=v.get("note", ""),
            version=v["version"],
        )
    return _agreement(user, case, v)


def _agreement(user, case, v):
    fields = {
        k: v[k]
        for k in (
            "form",
            "facts",
            "issues",
            "responsibilities",
            "signed_on",
            "effective_on",
            "version",
        )
        if k in v
    }
    return services.agreement_record(actor=user, case_id=case.pk, terms=v["terms"], **fields)


def _judicial(user, case, v):
    if v.get("ruling"):
        return services.judicial_ruling(
            actor=user,
            case_id=case.pk,
            ruling=v["ruling"],
            ruling_on=v.get("ruling_on"),
            ruling_number=v.get("ruling_number", ""),
            note=v.get("note", ""),
            version=v["version"],
        )
    return services.judicial_apply(
        actor=user,
        case_id=case.pk,
        court=v.get("court", ""),
        applied_on=v.get("applied_on"),
        note=v.get("note", ""),
        version=v["version"],
    )


# name -> (input, what to do). Each is POST /api/v1/cases/{id}/{name}.
CASE_ACTIONS = {
    "consent": (ConsentIn, _consent),
    "mediators": (
        MediatorsIn,
        lambda user, case, v: services.case_assign_mediators(
            actor=user, case_id=case.pk, mediators=v["mediators"], version=v["version"]
        ),
    ),
    "sessions": (
        SessionIn,
        lambda user, case, v: services.case_record_session(actor=user, case_id=case.pk, **v),
    ),
    "extension": (
        ExtendIn,
        lambda user, case, v: services.case_extend(actor=user, case_id=case.pk, **v),
    ),
    "stop": (StopIn, _stop),
    "outcome": (OutcomeIn, _outcome),
    "agreement": (AgreementIn, _agreement),
    "follow-ups": (
        FollowUpIn,
        lambda user, case, v: services.follow_up_record(actor=user, case_id=case.pk, **v),
    ),
    "put-in-writing": (
        PutInWritingIn,
        lambda user, case, v: services.agreement_put_in_writing(
            actor=user,
            case_id=case.pk,
            signed_on=v["signed_on"],
            note=v["note"],
            version=v["version"],
        ),
    ),
    "judicial-confirmation": (JudicialIn, _judicial),
}


class CaseActionView(APIView):
    """POST one step of a case: consent, mediators, sessions, extension, stop,
    outcome (success with the agreement, or failure), agreement, follow-ups,
    put-in-writing (an oral agreement made into the written one),
    judicial-confirmation (the application, then the ruling; a written agreement only)."""

    @extend_schema(
        request=inline_serializer(
            "CaseStep",
            {
                "version": serializers.IntegerField(min_value=1, help_text=VERSION_HELP),
                "see": serializers.CharField(required=False),
            },
        ),
        responses={201: None},
        parameters=[
            OpenApiParameter("action", str, OpenApiParameter.PATH, enum=list(CASE_ACTIONS))
        ],
    )
    def post(self, request, pk, action):
        if action not in CASE_ACTIONS:
            raise Http404
        case = selectors.case_get(user=request.user, pk=pk)  # 404 before anything else
        require_version(request.data)
        version = _valid(VersionIn, request)["version"]
        serializer_class, do = CASE_ACTIONS[action]
        do(request.user, case, {**_valid(serializer_class, request), "version": version})
        case = selectors.case_get(user=request.user, pk=pk)
        return Response(case_json(case), status=status.HTTP_201_CREATED)


class AgreementPdfView(APIView):
    """The written agreement (人民调解协议书) as PDF: every original, or `?copy=N`
    only; 409 for an oral agreement (put it in writing first); 503 without a
    Chinese font."""

    @extend_schema(responses={(200, "application/pdf"): bytes})
    def get(self, request, pk):
        case = selectors.case_get(user=request.user, pk=pk)
        agreement = selectors.case_detail(case)["agreement"]
        if agreement is None:
            raise Http404
        copy = request.query_params.get("copy")
        if copy is not None and not copy.isdigit():
            raise Http404
        data = agreement_pdf(
            agreement,
            user=request.user,
            request=request._request,
            copy=int(copy) if copy else None,
        )
        response = HttpResponse(data, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{case.number}.pdf"'
        response["Cache-Control"] = "no-store"
        return response


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
                "body": _unit(body),
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
        v = _valid(MediatorIn, request)
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
        v = _valid(MediatorPatch, request)
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


class StatsView(APIView):
    """The statistics as JSON: ?unit=&from=&to=&level=&type= (default: this year,
    everything the user sees)."""

    @extend_schema(
        parameters=[OpenApiParameter(n, str) for n in ("unit", "from", "to", "level", "type")],
        responses=inline_serializer("MediationStats", {"total": serializers.DictField()}),
    )
    def get(self, request):
        return Response(stats_from_query(request.user, request.query_params).as_dict())


def stats_from_query(user, params) -> stats.Report:
    """The report for query parameters (page and API alike): bad values → 400,
    a unit the user cannot see → 404."""
    errors: dict[str, list] = {}
    dates = {}
    for name in ("from", "to"):
        try:
            value = optional_date(params.get(name), name)
        except InvalidInput as exc:
            errors.update(exc.field_errors)
        else:
            if value is not None:
                dates[name] = value
    level, dtype = params.get("level") or "", params.get("type") or ""
    if level and level not in Level.values:
        errors["level"] = [_("Unknown level.")]
    if dtype and dtype not in DisputeType.values:
        errors["type"] = [_("Unknown type.")]
    unit = None
    try:
        unit_id = optional_id(params.get("unit"), "unit")
    except InvalidInput as exc:
        errors.update(exc.field_errors)
    else:
        if unit_id is not None:
            unit = permissions.visible_units(user).filter(pk=unit_id).first()
            if unit is None:
                raise Http404
    if errors:
        raise InvalidInput(field_errors=errors)
    if dates.get("from") and dates.get("to") and dates["from"] > dates["to"]:
        raise InvalidInput(field_errors={"from": [_("The start is after the end.")]})
    return stats.report(
        user=user,
        unit=unit,
        date_from=dates.get("from"),
        date_to=dates.get("to"),
        level=level,
        type=dtype,
    )
