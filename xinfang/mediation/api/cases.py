"""/api/v1/cases: one mediation case, its steps, the agreement's PDF.

Views are thin: parse → service/selector → JSON. Errors as everywhere
(core.api.exception_handler): 400 with field errors, 403 for a forbidden act,
404 for what the user may not see, 409 for an act that does not fit the state.
"""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from xinfang.core import calendar
from xinfang.core.api import require_version
from xinfang.core.exceptions import InvalidInput

from .. import selectors, services
from ..documents import agreement_pdf, copy_holders
from ..models import (
    AgreementForm,
    CaseState,
    FailureReason,
    MediationCase,
)
from ..workflow import CASE
from .common import VERSION_HELP, VersionIn, unit_json, valid

# --- input ---------------------------------------------------------------------------


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


# --- output ---------------------------------------------------------------------------


def case_json(case: MediationCase, user=None) -> dict:
    info = selectors.case_detail(case)
    agreement, judicial = info["agreement"], info["judicial"]
    today = calendar.today()
    return {
        "id": case.pk,
        "number": case.number,
        "dispute": {"id": case.dispute_id, "number": case.dispute.number},
        "body": unit_json(case.body),
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
        version = valid(VersionIn, request)["version"]
        serializer_class, do = CASE_ACTIONS[action]
        do(request.user, case, {**valid(serializer_class, request), "version": version})
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
