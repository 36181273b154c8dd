"""Pages of disputes: the list, registration, one dispute and what can be done to it.

Thin views: input → access → service → response. Every read goes through
selectors (an outsider gets 404), every write through services; the form's own
errors come back on it (core.forms.submit), any other domain error is answered
by core.middleware.DomainErrorPagesMiddleware.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from xinfang.core import idempotency
from xinfang.core.exceptions import PermissionDenied
from xinfang.core.forms import submit
from xinfang.orgs import permissions
from xinfang.orgs.models import Unit, UnitKind
from xinfang.orgs.selectors import memberships_of
from xinfang.petitions import selectors as petition_selectors
from xinfang.petitions import timeline as petition_timeline
from xinfang.petitions import workflow as petition_workflow

from .. import permissions as policy
from .. import selectors, services
from ..forms import cases as forms
from ..forms.common import submit_once
from ..models import DisputeState, FailureReason
from ..workflow import DISPUTE
from .common import assignable, masked

PER_PAGE = 25


# --- the timelines ----------------------------------------------------------------------


def timeline_rows(dispute) -> list[dict]:
    """The dispute's events as its page shows them: the label of the action
    (workflow.TIMELINE), who, for which unit, and a detail."""
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
                "label": e.label,
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


def _petition_label(event):
    """The petition event's label: its timeline's own (core.timeline.Event.label)
    once petitions is on the kernel; until then its transition's, or its sentence."""
    label = getattr(event, "label", None)
    if label is None:
        t = petition_workflow.get(event.action)
        label = t.label if t else petition_timeline.describe(event)
    return label


def petition_rows(user, dispute) -> list[dict]:
    """The linked petition's events, where the user may see the petition."""
    if not dispute.petition_id:
        return []
    p = dispute.petition
    if not petition_selectors.may_see(user, p):
        return []
    rows = []
    for e in petition_selectors.timeline(user=user, petition=p):
        label, sentence = _petition_label(e), petition_timeline.describe(e)
        rows.append({"event": e, "label": label, "sentence": "" if sentence == label else sentence})
    return rows


def _raised_petition(user, dispute):
    """The petition raised after this dispute's mediation failed, if the user sees it
    (else its number only, from the dispute's own record)."""
    pk = (dispute.data or {}).get("raised_petition")
    if not pk:
        return None
    p = petition_selectors.visible_petitions(user).filter(pk=pk).first()
    return {"p": p, "number": p.number if p else dispute.data.get("raised_petition_number", "")}


# --- lists and registration --------------------------------------------------------------


def _register_units(user) -> list[Unit]:
    allowed = permissions.ACTIONS["register_dispute"]
    return [m.unit for m in memberships_of(user) if m.role in allowed]


def _places(user, units) -> list[Unit]:
    """Territorial units a registering member may name as the place: below their
    units, or below the territory of a centre they act for."""
    roots = {policy.territory_of(u).pk for u in units} | {u.pk for u in units}
    return list(
        Unit.objects.filter(
            kind=UnitKind.TERRITORIAL, is_active=True, ancestor_links__ancestor__in=roots
        )
        .select_related("parent")
        .distinct()
        .order_by("depth", "code")
    )


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
            "may_register": bool(_register_units(request.user)) or policy.sees_all(request.user),
        },
    )


@login_required
def register(request):
    """受理: a direct application or a referral, registered by staff."""
    units = _register_units(request.user)
    if not units:
        raise PermissionDenied()
    places = _places(request.user, units)
    status = 200
    form = forms.DisputeRegisterForm(request.POST or None, units=units, places=places)
    if request.method == "POST":
        status = 400
        parties = [forms.PartyForm(request.POST, prefix=f"p{i}") for i in range(3)]
        if form.is_valid() and all(p.is_valid() for p in parties):
            c = form.cleaned_data
            by_pk = {u.pk: u for u in [*units, *places]}

            def call():
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
                    idempotency_key=idempotency.scoped(
                        f"page:{request.user.pk}", c["idempotency_key"]
                    ),
                )
                if c["route_now"] and dispute.state == DisputeState.REPORTED:
                    services.dispute_route(actor=request.user, dispute_id=dispute.pk)
                return dispute

            outcome = submit_once(form, call, token_field="idempotency_key")
            if outcome.ok:
                dispute = outcome.result
                messages.success(
                    request, _("Registered as dispute %(number)s.") % {"number": dispute.number}
                )
                return redirect("mediation:dispute", pk=dispute.pk)
            status = outcome.status
    else:
        parties = [forms.PartyForm(prefix=f"p{i}") for i in range(3)]
    return render(
        request,
        "mediation/register.html",
        {"form": form, "parties": parties},
        status=status,
    )


# --- one dispute ----------------------------------------------------------------------


def _applies(d, name: str) -> bool:
    """The row fits the dispute now (its state and its guard), whoever asks."""
    t = DISPUTE.table[name]
    return d.state in t.sources and not DISPUTE.guard(d, t)


def dispute_actions(user, d) -> dict:
    """What the page offers: the dispute frame's one answer (frame.allowed)."""
    allowed = {t.name for t in DISPUTE.allowed(user, d)}
    return {
        "route": "route" in allowed,
        "escalate": "escalate" in allowed,
        # The form picks mediators from the roster of the body it is routed to.
        "open_case": "case_open" in allowed and d.body_id is not None,
        "resume": "petition_resumed" in allowed,
        "conclude": "petition_concluded" in allowed,
        # Said to all who see it; only a clerk is given the form (register_url).
        "raise": _applies(d, "petition_raised"),
        "raise_here": "petition_raised" in allowed,
    }


def _render_dispute(request, d, *, bound=None, error=None, status=200):
    user = request.user
    cases = selectors.cases_of(d)
    acts = dispute_actions(user, d)
    roster = assignable(selectors.roster(d.body)) if d.body_id else []

    def form(name, factory):
        return bound if bound is not None and bound.prefix == name else factory()

    context = {
        "d": d,
        "parties": masked(d.parties.all()),
        "cases": cases,
        "timeline": timeline_rows(d),
        "petition_timeline": petition_rows(user, d),
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
        if acts["raise_here"]
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


def _dispute_form(request, d, action):
    if action == "route":
        return forms.RouteForm(request.POST, prefix="route", bodies=selectors.bodies_for(d.place))
    if action == "escalate":
        return forms.EscalateForm(request.POST, prefix="escalate")
    if action == "open":
        roster = assignable(selectors.roster(d.body)) if d.body_id else []
        return forms.CaseOpenForm(request.POST, prefix="open", roster=roster)
    return forms.NoteForm(request.POST, prefix="petition")


def _dispute_call(user, d, action: str, c: dict):
    """The service for the page's action; returns where to go next."""
    if action == "route":
        body = Unit.objects.filter(pk=c["body"]).first() if c.get("body") else None
        services.dispute_route(
            actor=user, dispute_id=d.pk, to=c["to"], body=body, note=c["note"], version=c["version"]
        )
    elif action == "escalate":
        case = services.dispute_escalate(
            actor=user, dispute_id=d.pk, note=c["note"], version=c["version"]
        )
        return reverse("mediation:case", args=[case.pk])
    elif action == "open":
        case = services.case_open(
            actor=user, dispute_id=d.pk, mediators=c["mediators"], note=c["note"]
        )
        return reverse("mediation:case", args=[case.pk])
    elif action == "resume":
        services.petition_resume(actor=user, dispute_id=d.pk, note=c["note"])
    else:
        services.petition_conclude_by_agreement(actor=user, dispute_id=d.pk, note=c["note"])
    return reverse("mediation:dispute", args=[d.pk])


@login_required
@require_POST
def dispute_act(request, pk, action):
    d = selectors.dispute_get(user=request.user, pk=pk)
    if action not in DISPUTE_ACTIONS:
        raise Http404
    form = _dispute_form(request, d, action)
    if not form.is_valid():
        return _render_dispute(request, d, bound=form, status=400)
    outcome = submit(form, lambda: _dispute_call(request.user, d, action, form.cleaned_data))
    if outcome.status == 409:
        # The dispute as it now is, with what changed.
        d = selectors.dispute_get(user=request.user, pk=pk)
        error = " ".join(str(m) for m in form.non_field_errors())
        return _render_dispute(request, d, error=error, status=409)
    if not outcome.ok:
        return _render_dispute(request, d, bound=form, status=outcome.status)
    messages.success(request, _("Done: %(action)s.") % {"action": DISPUTE_ACTIONS[action]})
    return redirect(outcome.result)
