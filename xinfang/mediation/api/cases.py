"""The API of disputes, mediation cases, rosters and statistics (/api/v1/).

Views are thin: parse → service/selector → JSON. Errors as everywhere
(core.api.exception_handler): 400 with field errors, 403 for a forbidden act on a
visible dispute, 404 for what the user may not see, 409 for an act that does not
fit the state, 429 when rate-limited. Creates take an Idempotency-Key header.
"""

from __future__ import annotations

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
from xinfang.core.inputs import optional_id
from xinfang.orgs.models import Level, Unit

from .. import selectors, services
from ..documents import agreement_pdf, copy_holders
from ..models import (
    AgreementForm,
    CaseState,
    Dispute,
    DisputeState,
    DisputeType,
    FailureReason,
    MediationCase,
    Risk,
    Source,
)
from ..workflow import CASE, DISPUTE

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


def case_json(case: MediationCase, user=None) -> dict:
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
        # What this user may do now (the page offers the same: CASE.allowed).
        "actions": [t.name for t in CASE.allowed(user, case)] if user is not None else [],
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


class CaseDetailView(APIView):
    @extend_schema(
        responses=inline_serializer("MediationCase", {"id": serializers.IntegerField()}),
        operation_id="cases_retrieve",
    )
    def get(self, request, pk):
        return Response(case_json(selectors.case_get(user=request.user, pk=pk), request.user))


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
        return Response(case_json(case, request.user), status=status.HTTP_201_CREATED)


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
