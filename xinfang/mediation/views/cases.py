"""Pages of a mediation case: the case page and its actions, the agreement's PDF.

Thin views: input → access → service → response. What the page offers is the
case frame's one answer (workflow.CASE.allowed); the form's own errors come back
on it (core.forms.submit), any other domain error is answered by
core.middleware.DomainErrorPagesMiddleware.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from xinfang.core import law
from xinfang.core.forms import submit

from .. import selectors, services
from ..documents import agreement_pdf, copy_holders
from ..forms import cases as forms
from ..models import AgreementForm, CaseState
from ..workflow import CASE
from .common import assignable, days, masked

ROUTE_LABELS = [
    gettext_lazy("Arbitration"),
    gettext_lazy("Administrative handling"),
    gettext_lazy("Litigation (judicial route)"),
]


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


def case_actions(user, case) -> dict:
    """What the page offers: the case frame's one answer (frame.allowed)."""
    return {t.name: True for t in CASE.allowed(user, case)}


def _render_case(request, case, *, bound=None, error=None, status=200):
    user = request.user
    info = selectors.case_detail(case)
    roster = assignable(selectors.roster(case.body), info["mediators"])
    factories = _case_forms(case, info, roster)
    case_forms = {
        name: bound if bound is not None and bound.prefix == name else make()
        for name, make in factories.items()
    }
    judicial = info["judicial"]
    parties = []
    for p in masked(info["parties"]):
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
        "can": case_actions(user, case),
        "is_open": case.state in selectors.OPEN_CASE_STATES,
        "deadline_days": days(case.deadline),
        "judicial": judicial,
        "judicial_days": days(judicial.window_ends_on) if judicial else None,
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
        roster = assignable(selectors.roster(case.body), info["mediators"])
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
    outcome = submit(form, lambda: call(request.user, case, fields))
    if outcome.status == 409:
        # The case as it now is, with what changed.
        case = selectors.case_get(user=request.user, pk=pk)
        error = " ".join(str(m) for m in form.non_field_errors())
        return _render_case(request, case, error=error, status=409)
    if not outcome.ok:
        return _render_case(request, case, bound=form, status=outcome.status)
    messages.success(request, _("Done: %(action)s.") % {"action": label})
    return redirect("mediation:case", pk=case.pk)


def _form_kwargs(form, info, case) -> dict:
    kwargs = {"prefix": form.prefix}
    if isinstance(form, forms.MediatorsForm):
        kwargs["roster"] = assignable(selectors.roster(case.body), info["mediators"])
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
    data = agreement_pdf(
        agreement, user=request.user, request=request, copy=int(copy) if copy else None
    )
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{case.number}.pdf"'
    response["Cache-Control"] = "no-store"  # personal data in full
    return response
