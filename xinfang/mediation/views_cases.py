"""Staff pages of disputes, mediation cases, rosters and statistics: thin views.

Every read goes through selectors (an outsider gets 404), every write through
services; a domain error becomes its answer here: InvalidInput → the page again
with the form's errors (400); Conflict → the page as it now is, with the message
(409); PermissionDenied → 403; NotFound → 404; FontUnavailable → 503.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from xinfang.core import calendar, idempotency, law, pii
from xinfang.core.documents import FontUnavailable
from xinfang.core.exceptions import Conflict, InvalidInput, NotFound, PermissionDenied
from xinfang.core.views import forbidden as _forbidden
from xinfang.orgs import permissions
from xinfang.orgs.models import Level, Unit, UnitKind
from xinfang.orgs.selectors import memberships_of

from . import forms_cases as forms
from . import permissions as mperms
from . import selectors, services
from .api_cases import stats_from_query
from .documents import agreement_pdf, copy_holders
from .models import AgreementForm, CaseState, DisputeState, DisputeType, FailureReason

PER_PAGE = 25

# The dispute's events, as the timeline shows them.
EVENT_LABELS = {
    "register": gettext_lazy("Registered"),
    "route": gettext_lazy("Routed to a mediation body"),
    "escalate": gettext_lazy("Passed up a level"),
    "case_open": gettext_lazy("Case opened"),
    "mediators": gettext_lazy("Mediators assigned"),
    "consent": gettext_lazy("Consent recorded"),
    "mediation_started": gettext_lazy("Every party consented: mediation started"),
    "session": gettext_lazy("Session held"),
    "extend": gettext_lazy("Time limit extended by agreement"),
    "case_failed": gettext_lazy("Mediation ended without agreement"),
    "agreement": gettext_lazy("Agreement reached"),
    "agreement_written": gettext_lazy("Oral agreement put in writing"),
    "follow_up": gettext_lazy("Follow-up visit"),
    "judicial_applied": gettext_lazy("Judicial confirmation applied for"),
    "judicial_ruling": gettext_lazy("Court's ruling recorded"),
    "diverted_from_petition": gettext_lazy("Diverted from a petition"),
    "petition_resumed": gettext_lazy("Petition resumed"),
    "petition_concluded": gettext_lazy("Petition concluded with the agreement"),
    "petition_raised": gettext_lazy("Petition raised after mediation failed"),
    "deadline_recomputed": gettext_lazy("Deadline moved (holiday data changed)"),
}
ROUTE_LABELS = [
    gettext_lazy("Arbitration"),
    gettext_lazy("Administrative handling"),
    gettext_lazy("Litigation (judicial route)"),
]


# --- helpers ------------------------------------------------------------------------


def _masked(parties) -> list[dict]:
    return [
        {
            "pk": p.pk,
            "name": p.name,
            "role": p.get_role_display(),
            "is_organisation": p.is_organisation,
            "id_number": pii.mask_id_number(p.id_number),
            "phone": pii.mask_phone(p.phone),
            "address": p.address,
        }
        for p in parties
    ]


def _timeline(dispute) -> list[dict]:
    rows = []
    for e in selectors.timeline(dispute=dispute):
        d = e.data if isinstance(e.data, dict) else {}
        detail = d.get("body_name") or d.get("to_body_name") or d.get("party_name") or ""
        if e.action == "case_failed" and d.get("reason") in FailureReason.values:
            detail = FailureReason(d["reason"]).label
        if e.action == "deadline_recomputed":
            detail = _recomputed_detail(d)
        rows.append(
            {
                "event": e,
                "label": EVENT_LABELS.get(e.action, e.action),
                "who": (e.actor.get_full_name() or e.actor.get_username()) if e.actor_id else "",
                "unit": e.actor_unit.name if e.actor_unit_id else "",
                "detail": detail,
                "case_number": d.get("case_number", ""),
                "case": d.get("case"),
            }
        )
    return rows


def _recomputed_detail(d: dict) -> str:
    what = _("the time limit") if d.get("which") == "case" else _("the apply-by date")
    if d.get("reason") == "published":
        why = _("the holiday schedule of that year was published")
    else:
        why = _("the holiday data changed")
    if d.get("previous") == d.get("due") and d.get("provisional"):
        return _(
            "%(what)s %(date)s is provisional until the holiday schedule of that year is published"
        ) % {"what": what, "date": d.get("due") or "-"}
    if d.get("previous") == d.get("due"):
        return _("%(what)s %(date)s is no longer provisional: %(why)s") % {
            "what": what,
            "date": d.get("due") or "-",
            "why": why,
        }
    return _("%(what)s moved from %(from)s to %(to)s: %(why)s") % {
        "what": what,
        "from": d.get("previous") or "-",
        "to": d.get("due") or "-",
        "why": why,
    }


def _petition_events(user, dispute) -> list:
    """The linked petition's events, where the user may see the petition."""
    if not dispute.petition_id:
        return []
    from xinfang.petitions import selectors as petition_selectors
    from xinfang.petitions.views import _timeline as petition_timeline

    p = dispute.petition
    if not petition_selectors.may_see(user, p):
        return []
    return petition_timeline(user, p)


def _raised_petition(user, dispute):
    """The petition raised after this dispute's mediation failed, if the user sees it
    (else its number only, from the dispute's own record)."""
    pk = (dispute.data or {}).get("raised_petition")
    if not pk:
        return None
    from xinfang.petitions import selectors as petition_selectors

    p = petition_selectors.visible_petitions(user).filter(pk=pk).first()
    return {"p": p, "number": p.number if p else dispute.data.get("raised_petition_number", "")}


def _days(end) -> dict:
    if end is None:
        return {"left": None}
    left = calendar.days_left(end)
    return {"left": left, "overdue": -left if left < 0 else 0}


def _assignable(roster, on_case=()) -> list:
    """The mediators a case may be given: the active ones, and those it already has."""
    keep = {m.pk for m in on_case}
    return [m for m in roster if m.is_active or m.pk in keep]


def _register_units(user) -> list[Unit]:
    allowed = permissions.ACTIONS["register_dispute"]
    return [m.unit for m in memberships_of(user) if m.role in allowed]


def _places(user, units) -> list[Unit]:
    """Territorial units a registering member may name as the place: below their
    units, or below the territory of a centre they act for."""
    roots = {mperms.territory_of(u).pk for u in units} | {u.pk for u in units}
    return list(
        Unit.objects.filter(
            kind=UnitKind.TERRITORIAL, is_active=True, ancestor_links__ancestor__in=roots
        )
        .select_related("parent")
        .distinct()
        .order_by("depth", "code")
    )


# --- lists ------------------------------------------------------------------------------


@login_required
def disputes(request):
    bodies = list(selectors.visible_bodies(request.user))
    form = forms.DisputeFilterForm(request.GET or None, bodies=bodies)
    qs = selectors.dispute_list(user=request.user, filters=form.filters())
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "mediation/disputes.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "may_register": bool(_register_units(request.user)) or request.user.is_superuser,
        },
    )


@login_required
def register(request):
    """受理: a direct application or a referral, registered by staff."""
    units = _register_units(request.user)
    if not units:
        return _forbidden(request)
    places = _places(request.user, units)
    status = 200
    form = forms.DisputeRegisterForm(request.POST or None, units=units, places=places)
    if request.method == "POST":
        status = 400
        parties = [forms.PartyForm(request.POST, prefix=f"p{i}") for i in range(3)]
        if form.is_valid() and all(p.is_valid() for p in parties):
            c = form.cleaned_data
            by_pk = {u.pk: u for u in [*units, *places]}
            key = c["idempotency_key"]
            try:
                dispute, _created = services.dispute_register(
                    actor=request.user,
                    source=c["source"],
                    type=c["type"],
                    risk=c["risk"],
                    place=by_pk[c["place"]],
                    received_by=by_pk[c["received_by"]],
                    summary=c["summary"],
                    details=c["details"],
                    referral_ref=c["referral_ref"],
                    parties=[
                        {**p.cleaned_data, "role": "applicant" if i == 0 else "respondent"}
                        for i, p in enumerate(parties)
                        if p.cleaned_data.get("name")
                    ],
                    idempotency_key=idempotency.scoped(f"page:{request.user.pk}", key),
                )
                if c["route_now"] and dispute.state == DisputeState.REPORTED:
                    services.dispute_route(actor=request.user, dispute_id=dispute.pk)
            except InvalidInput as exc:
                forms.add_service_errors(form, exc.field_errors)
                if not exc.field_errors:
                    form.add_error(None, str(exc.message))
            except idempotency.IdempotencyKeyReused:
                form.add_error(None, idempotency.FORM_SENT_BEFORE)
                form.data = form.data.copy()
                form.data["idempotency_key"] = str(uuid.uuid4())
                status = 409
            except (PermissionDenied, NotFound) as exc:
                return _forbidden(request, exc.message)
            else:
                messages.success(
                    request, _("Registered as dispute %(number)s.") % {"number": dispute.number}
                )
                return redirect("mediation:dispute", pk=dispute.pk)
    else:
        parties = [forms.PartyForm(prefix=f"p{i}") for i in range(3)]
    return render(
        request,
        "mediation/register.html",
        {"form": form, "parties": parties},
        status=status,
    )


# --- one dispute ----------------------------------------------------------------------


def _dispute_actions(user, d) -> dict:
    may_route = user.is_superuser or mperms.may_route(user, d)
    open_case = next(
        (c for c in selectors.cases_of(d) if c.state in selectors.OPEN_CASE_STATES), None
    )
    petition_acts = bool(d.petition_id) and (
        user.is_superuser or mperms.may_act_on_petition(user, d.petition)
    )
    step = (d.data or {}).get("petition_step")
    body_is_centre = d.body is not None and d.body.kind == UnitKind.MEDIATION_CENTRE
    return {
        "route": may_route
        and d.state in (DisputeState.REPORTED, DisputeState.ROUTED)
        and not open_case,
        "escalate": may_route
        and d.state in (DisputeState.ROUTED, DisputeState.MEDIATING, DisputeState.FAILED)
        and body_is_centre
        and (d.current_level or d.arose_level) != Level.CITY,
        "open_case": d.state in (DisputeState.REPORTED, DisputeState.ROUTED)
        and not open_case
        and d.body_id is not None
        and (may_route or permissions.may(user, "mediate", d.body)),
        "resume": petition_acts and not step and d.state == DisputeState.FAILED,
        "conclude": petition_acts and not step and d.state == DisputeState.SETTLED,
        "raise": not d.petition_id
        and d.state == DisputeState.FAILED
        and not (d.data or {}).get("raised_petition"),
    }


def _render_dispute(request, d, *, bound=None, error=None, status=200):
    user = request.user
    cases = selectors.cases_of(d)
    acts = _dispute_actions(user, d)
    roster = _assignable(selectors.roster(d.body)) if d.body_id else []

    def form(name, factory):
        return bound if bound is not None and bound.prefix == name else factory()

    context = {
        "d": d,
        "parties": _masked(d.parties.all()),
        "cases": cases,
        "timeline": _timeline(d),
        "petition_timeline": _petition_events(user, d),
        "acts": acts,
        "error": error,
        "route_form": form(
            "route",
            lambda: forms.RouteForm(
                prefix="route", bodies=selectors.bodies_for(d.place), initial={"version": d.version}
            ),
        ),
        "escalate_form": form(
            "escalate",
            lambda: forms.EscalateForm(prefix="escalate", initial={"version": d.version}),
        ),
        "open_form": form("open", lambda: forms.CaseOpenForm(prefix="open", roster=roster)),
        "note_form": form("petition", lambda: forms.NoteForm(prefix="petition")),
        # Only a clerk registers a petition; the form is filled in on the server.
        "register_url": f"{reverse('petitions:register')}?from_dispute={d.pk}"
        if permissions.member_unit_ids(user, "register_petition")
        else "",
        "raised_petition": _raised_petition(user, d),
    }
    return render(request, "mediation/dispute.html", context, status=status)


@login_required
def dispute(request, pk):
    return _render_dispute(request, selectors.dispute_get(user=request.user, pk=pk))


DISPUTE_ACTIONS = {
    "route": gettext_lazy("Route"),
    "escalate": gettext_lazy("Pass up a level"),
    "open": gettext_lazy("Open a case"),
    "resume": gettext_lazy("Resume the petition"),
    "conclude": gettext_lazy("Conclude the petition with the agreement"),
}


@login_required
@require_POST
def dispute_act(request, pk, action):
    d = selectors.dispute_get(user=request.user, pk=pk)
    if action not in DISPUTE_ACTIONS:
        raise Http404
    user = request.user
    if action == "route":
        form = forms.RouteForm(request.POST, prefix="route", bodies=selectors.bodies_for(d.place))
    elif action == "escalate":
        form = forms.EscalateForm(request.POST, prefix="escalate")
    elif action == "open":
        roster = _assignable(selectors.roster(d.body)) if d.body_id else []
        form = forms.CaseOpenForm(request.POST, prefix="open", roster=roster)
    else:
        form = forms.NoteForm(request.POST, prefix="petition")
    if not form.is_valid():
        return _render_dispute(request, d, bound=form, status=400)
    c = form.cleaned_data
    target = reverse("mediation:dispute", args=[d.pk])
    try:
        if action == "route":
            body = Unit.objects.filter(pk=c["body"]).first() if c.get("body") else None
            services.dispute_route(
                actor=user,
                dispute_id=d.pk,
                to=c["to"],
                body=body,
                note=c["note"],
                version=c["version"],
            )
        elif action == "escalate":
            case = services.dispute_escalate(
                actor=user, dispute_id=d.pk, note=c["note"], version=c["version"]
            )
            target = reverse("mediation:case", args=[case.pk])
        elif action == "open":
            case = services.case_open(
                actor=user, dispute_id=d.pk, mediators=c["mediators"], note=c["note"]
            )
            target = reverse("mediation:case", args=[case.pk])
        elif action == "resume":
            services.petition_resume(actor=user, dispute_id=d.pk, note=c["note"])
        else:
            services.petition_conclude_by_agreement(actor=user, dispute_id=d.pk, note=c["note"])
    except InvalidInput as exc:
        forms.add_service_errors(form, exc.field_errors)
        if not exc.field_errors:
            form.add_error(None, str(exc.message))
        return _render_dispute(request, d, bound=form, status=400)
    except Conflict as exc:
        d = selectors.dispute_get(user=user, pk=pk)
        return _render_dispute(request, d, error=exc.message, status=409)
    except NotFound:
        raise Http404 from None
    except PermissionDenied as exc:
        return _forbidden(request, exc.message)
    messages.success(request, _("Done: %(action)s.") % {"action": DISPUTE_ACTIONS[action]})
    return redirect(target)


# --- one case --------------------------------------------------------------------------


def _case_forms(case, info, roster) -> dict:
    parties = info["parties"]
    return {
        "mediators": lambda: forms.MediatorsForm(
            prefix="mediators",
            roster=roster,
            initial={"mediators": [m.pk for m in info["mediators"]]},
        ),
        "session": lambda: forms.SessionForm(prefix="session"),
        "extend": lambda: forms.ExtendForm(prefix="extend", parties=parties),
        "stop": lambda: forms.StopForm(prefix="stop", parties=parties),
        "fail": lambda: forms.FailForm(prefix="fail"),
        "agreement": lambda: forms.AgreementRecordForm(prefix="agreement"),
        "follow_up": lambda: forms.FollowUpForm(prefix="follow_up", terms=info["terms"]),
        "put_in_writing": lambda: forms.PutInWritingForm(prefix="put_in_writing"),
        "judicial_apply": lambda: forms.JudicialApplyForm(prefix="judicial_apply"),
        "judicial_ruling": lambda: forms.JudicialRulingForm(prefix="judicial_ruling"),
    }


def _render_case(request, case, *, bound=None, error=None, status=200):
    user = request.user
    info = selectors.case_detail(case)
    roster = _assignable(selectors.roster(case.body), info["mediators"])
    factories = _case_forms(case, info, roster)
    case_forms = {
        name: bound if bound is not None and bound.prefix == name else make()
        for name, make in factories.items()
    }
    judicial = info["judicial"]
    parties = []
    for p in _masked(info["parties"]):
        consent = info["consents"].get(p["pk"])
        parties.append(
            {
                **p,
                "consent": consent,
                "form": bound
                if bound is not None and bound.prefix == f"consent-{p['pk']}"
                else forms.ConsentForm(prefix=f"consent-{p['pk']}", initial={"party": p["pk"]}),
            }
        )
    context = {
        "case": case,
        "d": case.dispute,
        "info": info,
        "parties": parties,
        "forms": case_forms,
        "may_mediate": user.is_superuser or mperms.may_mediate(user, case),
        "may_assign": user.is_superuser
        or mperms.may_mediate(user, case)
        or mperms.may_route(user, case.dispute),
        "is_open": case.state in selectors.OPEN_CASE_STATES,
        "deadline_days": _days(case.deadline),
        "judicial": judicial,
        "judicial_days": _days(judicial.window_ends_on) if judicial else None,
        "judicial_law": law.cite("judicial_confirmation"),
        "committee": selectors.committee_name(case.body),
        "copies": _copies(info["agreement"]),
        "routes": ROUTE_LABELS,
        "error": error,
        "CaseState": CaseState,
    }
    return render(request, "mediation/case.html", context, status=status)


def _copies(agreement) -> list[tuple[int, str]]:
    """(number, whose) of each original of a written agreement, for its links."""
    if agreement is None or agreement.form != AgreementForm.WRITTEN:
        return []
    return list(enumerate(copy_holders(agreement), start=1))


@login_required
def case(request, pk):
    return _render_case(request, selectors.case_get(user=request.user, pk=pk))


def _consent_call(user, case, form):
    c = form.cleaned_data
    return services.case_record_consent(
        actor=user,
        case_id=case.pk,
        party_id=c["party"],
        consented=c["consented"],
        how=c["how"],
        note=c["note"],
    )


CASE_ACTIONS = {
    "mediators": (
        gettext_lazy("Assign mediators"),
        lambda user, case, c: services.case_assign_mediators(
            actor=user, case_id=case.pk, mediators=c["mediators"]
        ),
    ),
    "session": (
        gettext_lazy("Record a session"),
        lambda user, case, c: services.case_record_session(actor=user, case_id=case.pk, **c),
    ),
    "extend": (
        gettext_lazy("Extend the time limit"),
        lambda user, case, c: services.case_extend(actor=user, case_id=case.pk, **c),
    ),
    "stop": (
        gettext_lazy("A party stops the mediation"),
        lambda user, case, c: services.case_stop(
            actor=user, case_id=case.pk, party_id=c["party"], note=c["note"]
        ),
    ),
    "fail": (
        gettext_lazy("End without agreement"),
        lambda user, case, c: services.case_fail(actor=user, case_id=case.pk, **c),
    ),
    "agreement": (
        gettext_lazy("Record the agreement"),
        lambda user, case, c: services.agreement_record(actor=user, case_id=case.pk, **c),
    ),
    "follow_up": (
        gettext_lazy("Record a follow-up visit"),
        lambda user, case, c: services.follow_up_record(actor=user, case_id=case.pk, **c),
    ),
    "put_in_writing": (
        gettext_lazy("Make the written agreement"),
        lambda user, case, c: services.agreement_put_in_writing(actor=user, case_id=case.pk, **c),
    ),
    "judicial_apply": (
        gettext_lazy("Record the application"),
        lambda user, case, c: services.judicial_apply(actor=user, case_id=case.pk, **c),
    ),
    "judicial_ruling": (
        gettext_lazy("Record the ruling"),
        lambda user, case, c: services.judicial_ruling(actor=user, case_id=case.pk, **c),
    ),
}


@login_required
@require_POST
def case_act(request, pk, action):
    case = selectors.case_get(user=request.user, pk=pk)
    info = selectors.case_detail(case)
    if action.startswith("consent-"):
        form = forms.ConsentForm(request.POST, prefix=action)
        label, call = gettext_lazy("Record the answer"), lambda u, cs, c: _consent_call(u, cs, form)
    elif action in CASE_ACTIONS:
        label, call = CASE_ACTIONS[action]
        roster = _assignable(selectors.roster(case.body), info["mediators"])
        form = _case_forms(case, info, roster)[action]()
        form = type(form)(request.POST, **_form_kwargs(form, info, case))
    else:
        raise Http404
    if not form.is_valid():
        return _render_case(request, case, bound=form, status=400)
    fields = form.service_fields() if hasattr(form, "service_fields") else dict(form.cleaned_data)
    if action == "session" and fields.get("held_at") is None:
        fields.pop("held_at", None)
    for name in ("on", "applied_on", "ruling_on", "signed_on"):
        if name in fields and fields[name] is None:
            fields.pop(name)
    try:
        call(request.user, case, fields)
    except InvalidInput as exc:
        forms.add_service_errors(form, exc.field_errors)
        if not exc.field_errors:
            form.add_error(None, str(exc.message))
        return _render_case(request, case, bound=form, status=400)
    except Conflict as exc:
        case = selectors.case_get(user=request.user, pk=pk)
        return _render_case(request, case, error=exc.message, status=409)
    except NotFound:
        raise Http404 from None
    except PermissionDenied as exc:
        return _forbidden(request, exc.message)
    messages.success(request, _("Done: %(action)s.") % {"action": label})
    return redirect("mediation:case", pk=case.pk)


def _form_kwargs(form, info, case) -> dict:
    kwargs = {"prefix": form.prefix}
    if isinstance(form, forms.MediatorsForm):
        kwargs["roster"] = _assignable(selectors.roster(case.body), info["mediators"])
    elif isinstance(form, (forms.ExtendForm, forms.StopForm)):
        kwargs["parties"] = info["parties"]
    elif isinstance(form, forms.FollowUpForm):
        kwargs["terms"] = info["terms"]
    return kwargs


@login_required
def agreement_pdf_view(request, pk):
    """调解协议书 to download and print (staff who may see the dispute)."""
    case = selectors.case_get(user=request.user, pk=pk)
    agreement = selectors.case_detail(case)["agreement"]
    if agreement is None:
        raise Http404
    copy = request.GET.get("copy")
    if copy is not None and not copy.isdigit():
        raise Http404
    try:
        data = agreement_pdf(
            agreement, user=request.user, request=request, copy=int(copy) if copy else None
        )
    except NotFound:
        raise Http404 from None
    except (FontUnavailable, Conflict) as exc:
        status = 503 if isinstance(exc, FontUnavailable) else 409
        return HttpResponse(
            str(exc.message), status=status, content_type="text/plain; charset=utf-8"
        )
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{case.number}.pdf"'
    response["Cache-Control"] = "no-store"  # personal data in full
    return response


# --- rosters and statistics --------------------------------------------------------------


@login_required
def rosters(request):
    bodies = list(selectors.visible_bodies(request.user))
    counts = selectors.roster_counts(bodies)
    rows = [{"body": b, **counts.get(b.pk, {"total": 0, "full_time": 0})} for b in bodies]
    return render(
        request,
        "mediation/rosters.html",
        {
            "rows": rows,
            "total": sum(r["total"] for r in rows),
            "full_time": sum(r["full_time"] for r in rows),
        },
    )


def _render_roster(request, body, *, bound=None, bound_for=None, status=200):
    user = request.user
    rows = selectors.roster(body, history=True)
    may_manage = mperms.may_manage_roster(user, body)
    members = selectors.body_members(body) if may_manage else []
    for m in rows:
        m.phone_masked = pii.mask_phone(m.phone)
        if may_manage:
            m.form = (
                bound
                if bound is not None and bound_for == m.pk
                else forms.MediatorForm(prefix=f"m{m.pk}", members=members, editing=m)
            )
    add_form = None
    if may_manage:
        add_form = (
            bound
            if bound is not None and bound_for is None
            else forms.MediatorForm(prefix="add", members=members)
        )
    return render(
        request,
        "mediation/roster.html",
        {
            "body": body,
            "rows": rows,
            "active": sum(1 for m in rows if m.is_active),
            "full_time": sum(1 for m in rows if m.full_time and m.is_active),
            "open_cases": sum(m.caseload for m in rows),
            "may_manage": may_manage,
            "add_form": add_form,
        },
        status=status,
    )


@login_required
def roster(request, pk):
    return _render_roster(request, selectors.body_get(user=request.user, pk=pk))


@login_required
@require_POST
def roster_act(request, pk, mediator_pk=None, action="edit"):
    """Add a mediator to the body's roster, correct one, or (de)activate one."""
    user = request.user
    body = selectors.body_get(user=user, pk=pk)  # 404 before anything else
    mediator = None
    if mediator_pk is not None:
        mediator = next((m for m in selectors.roster(body) if m.pk == mediator_pk), None)
        if mediator is None:
            raise Http404
    if not mperms.may_manage_roster(user, body):
        return _forbidden(request)
    form = None
    try:
        if action == "active":
            active = request.POST.get("active") == "1"
            services.mediator_set_active(actor=user, mediator_id=mediator.pk, active=active)
            done = _("%(name)s is back on the roster.") if active else _("%(name)s is deactivated.")
            name = mediator.name
        else:
            members = selectors.body_members(body)
            form = forms.MediatorForm(
                request.POST,
                prefix=f"m{mediator.pk}" if mediator else "add",
                members=members,
                editing=mediator,
            )
            if not form.is_valid():
                return _render_roster(
                    request, body, bound=form, bound_for=getattr(mediator, "pk", None), status=400
                )
            if mediator is None:
                m = services.mediator_add(actor=user, body=body, **form.service_fields())
                done = _("%(name)s is on the roster.")
            else:
                m = services.mediator_update(
                    actor=user, mediator_id=mediator.pk, **form.service_fields()
                )
                done = _("%(name)s: saved.")
            name = m.name
    except InvalidInput as exc:
        if form is None:
            raise Http404 from None
        forms.add_service_errors(form, exc.field_errors)
        if not exc.field_errors:
            form.add_error(None, str(exc.message))
        return _render_roster(
            request, body, bound=form, bound_for=getattr(mediator, "pk", None), status=400
        )
    except NotFound:
        raise Http404 from None
    except PermissionDenied as exc:
        return _forbidden(request, exc.message)
    messages.success(request, done % {"name": name})
    return redirect("mediation:roster", pk=body.pk)


@login_required
def statistics(request):
    try:
        report = stats_from_query(request.user, request.GET)
        error = None
    except InvalidInput as exc:
        report = stats_from_query(request.user, {})
        error = "; ".join(str(m) for ms in exc.field_errors.values() for m in ms)
    units = list(
        permissions.visible_units(request.user)
        .filter(kind=UnitKind.TERRITORIAL, level__in=[Level.CITY, Level.TOWNSHIP])
        .order_by("depth", "code")
    )
    query = request.GET.copy()
    drill = {}
    for name in ("level", "type"):
        q = query.copy()
        q.pop(name, None)
        drill[name] = q.urlencode()
    return render(
        request,
        "mediation/stats.html",
        {
            "r": report,
            "units": units,
            "levels": Level.choices,
            "types": DisputeType.choices,
            "drill": drill,
            "error": error,
        },
        status=400 if error else 200,
    )


# --- a petition diverted to mediation (from the petition's page) ----------------------------


@login_required
@require_POST
def divert(request, petition_pk):
    from xinfang.petitions import selectors as petition_selectors

    p = petition_selectors.petition_get(user=request.user, pk=petition_pk)
    form = forms.DivertForm(request.POST, prefix="divert")
    back = reverse("petitions:detail", args=[p.pk])
    if not form.is_valid():
        messages.error(request, _("Name the other party and the type of dispute."))
        return redirect(back)
    c = form.cleaned_data
    try:
        d = services.petition_divert(
            actor=request.user,
            petition_id=p.pk,
            type=c["type"],
            respondents=[{"name": c["respondent"], "phone": c["respondent_phone"]}],
            to=c["to"],
            note=c["note"],
        )
    except (InvalidInput, Conflict) as exc:
        detail = "; ".join(str(m) for ms in exc.field_errors.values() for m in ms)
        messages.error(request, detail or str(exc.message))
        return redirect(back)
    except NotFound:
        raise Http404 from None
    except PermissionDenied as exc:
        return _forbidden(request, exc.message)
    messages.success(
        request, _("Diverted to mediation as dispute %(number)s.") % {"number": d.number}
    )
    return redirect("mediation:dispute", pk=d.pk)
