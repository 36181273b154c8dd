"""Pages of hearings (群众评议 / 听证): schedule one from a matter, the hearing page
(participants with masked phones, the moves, the timeline), the minutes PDF. Thin:
parse → core.forms.submit(service) → redirect, or the form again with the
outcome's status; domain errors go to DomainErrorPagesMiddleware."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xinfang.core import pii
from xinfang.core.exceptions import Conflict, NotFound, PermissionDenied
from xinfang.core.forms import say_why_if_hidden, submit
from xinfang.petitions import permissions as petition_policy
from xinfang.petitions import selectors as petition_selectors
from xinfang.petitions.models import OPEN_STATES, State

from .. import permissions as policy
from .. import selectors, services
from ..forms.hearings import (
    MOVE_FORMS,
    HearingForm,
    HoldForm,
    ParticipantFormSet,
    participant_rows,
)
from ..hearings_minutes import minutes_pdf
from ..models import HearingParticipant, HearingState
from ..workflow import HEARING, HEARINGS
from . import posted_version


def _move_form(name, hearing, people, data=None):
    cls = MOVE_FORMS[name]
    kw = {"participants": people} if cls is HoldForm else {}
    return cls(data, prefix=name, **kw)


def _render(request, hearing, *, bound=None, status=200, revealed=None):
    people = selectors.participants(hearing)
    allowed = [t.name for t in HEARING.allowed(request.user, hearing)]
    say_why_if_hidden(request, bound, allowed)
    forms = {
        n: bound if bound is not None and bound.prefix == n else _move_form(n, hearing, people)
        for n in allowed
    }
    revealed = revealed or {}
    rows = [
        {
            "person": person,
            "phone": revealed.get(person.pk) or pii.mask_phone(person.phone),
            "revealed": person.pk in revealed,
        }
        for person in people
    ]
    return render(
        request,
        "leadership/hearing_detail.html",
        {
            "h": hearing,
            "p": hearing.petition,
            "rows": rows,
            "may_reveal": petition_policy.may_reveal(request.user, hearing.petition),
            "events": selectors.hearing_timeline(hearing),
            "moves": [(HEARINGS[n].label, n, forms[n]) for n in allowed],
            "paused": policy.clock_paused_by(hearing),
            "minutes": hearing.state in (HearingState.HELD, HearingState.ISSUED),
        },
        status=status,
    )


@login_required
def hearing_new(request, petition_pk):
    """Schedule a hearing on a matter, with its invited participants."""
    p = petition_selectors.petition_get(user=request.user, pk=petition_pk)
    if p.state not in OPEN_STATES:
        raise Conflict(_("This matter is closed; no hearing is held on it."))
    if not policy.may_hold_hearing(request.user, p):
        raise PermissionDenied()
    form = HearingForm(request.POST or None)
    formset = ParticipantFormSet(request.POST or None, prefix="people")
    status = 200
    if request.method == "POST":
        if form.is_valid() and formset.is_valid():
            outcome = submit(
                form,
                lambda: services.hearing_schedule(
                    actor=request.user,
                    petition=p,
                    participants=participant_rows(formset),
                    **form.cleaned_data,
                ),
                placer=lambda key, messages, loose: _place(formset, key, messages, loose),
            )
            if outcome.ok:
                return redirect("leadership:hearing", outcome.result.pk)
            status = outcome.status
        else:
            status = 400
    return render(
        request,
        "leadership/hearing_new.html",
        {
            "form": form,
            "formset": formset,
            "p": p,
            "in_re_review": p.state == State.UNDER_RE_REVIEW,
        },
        status=status,
    )


def _place(formset, key, messages, loose) -> bool:
    """A participant's error ("participants.2.phone") beside its field in the
    formset (the blank rows left out by participant_rows are not counted)."""
    if not key.startswith("participants."):
        return False
    _, index, field = (key.split(".") + ["", ""])[:3]
    filled = [
        f
        for f in formset.forms
        if f.cleaned_data and (f.cleaned_data.get("name") or f.cleaned_data.get("role"))
    ]
    if not index.isdigit() or int(index) >= len(filled) or field not in filled[0].fields:
        loose.extend(messages)
        return True
    for m in messages:
        filled[int(index)].add_error(field, m)
    return True


@login_required
def hearing_detail(request, pk):
    return _render(request, selectors.hearing_get(user=request.user, pk=pk))


@login_required
@require_POST
def hearing_act(request, pk, action):
    hearing = selectors.hearing_get(user=request.user, pk=pk)  # 404 before anything else
    if action not in MOVE_FORMS:
        raise NotFound()
    form = _move_form(action, hearing, selectors.participants(hearing), request.POST)
    if not form.is_valid():
        return _render(request, hearing, bound=form, status=400)
    if isinstance(form, HoldForm):
        fields = form.service_fields()
    else:
        fields = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
    outcome = submit(
        form,
        lambda: HEARING.run(
            action,
            actor=request.user,
            hearing_id=hearing.pk,
            version=posted_version(request, hearing.version),
            **fields,
        ),
    )
    if outcome.ok:
        return redirect("leadership:hearing", hearing.pk)
    return _render(request, hearing, bound=form, status=outcome.status)


@login_required
@require_POST
def hearing_reveal(request, pk, person_pk):
    """Show one participant's phone in full, on the security record (core.pii)."""
    hearing = selectors.hearing_get(user=request.user, pk=pk)
    person = get_object_or_404(HearingParticipant, pk=person_pk, hearing=hearing)
    if not petition_policy.may_reveal(request.user, hearing.petition):
        raise PermissionDenied()
    value = pii.reveal(
        user=request.user,
        request=request,
        target=f"hearing:{hearing.number}/participant:{person.pk}",
        field="phone",
        value=person.phone,
    )
    return _render(request, hearing, revealed={person.pk: value or "—"})


@login_required
def hearing_minutes(request, pk):
    """The minutes (听证会记录 / 群众评议会记录) as a PDF, once the hearing is held."""
    hearing = selectors.hearing_get(user=request.user, pk=pk)
    if hearing.state not in (HearingState.HELD, HearingState.ISSUED):
        raise Conflict(_("The minutes exist once the hearing has been held."))
    content = minutes_pdf(hearing, selectors.participants(hearing))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{hearing.number}.pdf"'
    return response
