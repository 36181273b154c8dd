"""One matter: its page, its actions, its files and notices.

A domain error a service raises goes to core.middleware.DomainErrorPagesMiddleware
(404, 403, 409 pages); an action's form gets its own errors through
core.forms.submit. No try/except over domain errors here.
"""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from xinfang.core import calendar, pii
from xinfang.core.calendar import Colour
from xinfang.core.documents import pdf_response
from xinfang.core.exceptions import PermissionDenied
from xinfang.core.forms import submit
from xinfang.core.querycode import format_query_code

from .. import dossier, forms, notices, permissions, registry, selectors, services, workflow
from ..timeline import staff_rows
from . import signoff, window
from .common import days, safe_next

RECEIPT_KEY = "petitions_receipt"

# Rare actions are folded away under "More actions".
MORE_ACTIONS = {
    "declare_interest",
    "merge",
    "own",
    "decline_intake",
    "return",
    "decline",
    "set_accused",
    "share_identity",
}


def _clock_info(p) -> dict | None:
    if not p.clock:
        return None
    spec = calendar.CLOCKS.get(p.clock)
    info = {
        "label": spec.label if spec else p.clock,
        "started_on": p.clock_started_on,
        "due_date": p.due_date,
        "provisional": p.due_provisional,
        "window_ends_on": p.window_ends_on,
        "hearing_started_on": p.hearing_started_on,
        "extension_days": p.extension_days,
    }
    info["days"] = days(p.due_date or p.window_ends_on)
    info["is_window"] = p.clock in workflow.PETITIONER_WINDOWS
    info["awaiting_service"] = info["is_window"] and p.served_on is None
    return info


def _petitioners(p, revealed: dict, *, identity: bool = True) -> list[dict]:
    """The petitioners as the page shows them; none where an accusation's accuser
    stays with the petition office (信访工作条例 Art. 30)."""
    if not identity:
        return []
    rows = []
    for x in p.petitioners.all():
        shown = revealed.get(x.pk)
        rows.append(
            {
                "pk": x.pk,
                "name": x.name,
                "id_number": shown["id_number"] if shown else pii.mask_id_number(x.id_number),
                "phone": shown["phone"] if shown else pii.mask_phone(x.phone),
                "has_hidden": bool(x.id_number or x.phone),
                "address": x.address,
                "is_representative": x.is_representative,
                "revealed": shown is not None,
            }
        )
    return rows


def _panels(request, p) -> list[str]:
    """The panels other areas register for the matter page (petitions.registry)."""
    return [
        mark_safe(  # noqa: S308 - a template the registering area owns, autoescaped
            render_to_string(
                panel["template"],
                {**{k: v for k, v in panel.items() if k != "template"}, "p": p},
                request=request,
            )
        )
        for panel in registry.matter_panels(request, p)
    ]


def _earlier_repeat(user, p):
    """The earlier matter a repeat (重复) repeats, as far as the user may see it: the
    one the office linked as the same, else the latest earlier matter of the same
    person (by ID number) and category."""
    if p.same_as_id and permissions.may_see(user, p.same_as):
        return p.same_as
    hashes = [h for h in p.petitioners.values_list("id_number_hash", flat=True) if h]
    if not hashes:
        return None
    return (
        permissions.visible(user)
        .filter(
            petitioners__id_number_hash__in=hashes,
            category_id=p.category_id,
            pk__lt=p.pk,
        )
        .exclude(pk=p.pk)
        .order_by("-pk")
        .only("pk", "number")
        .first()
    )


def _render_matter(
    request, p, *, bound=None, draft_bound=None, revealed=None, error=None, status=200, next_url=""
):
    user = request.user
    actions = []
    for t in services.allowed_actions(user, p):
        elsewhere = registry.ACTIONS_ELSEWHERE.get(t.name)
        if elsewhere is not None:
            actions.append({"t": t, "link": elsewhere(p), "more": t.name in MORE_ACTIONS})
            continue
        form_class = forms.ACTION_FORMS.get(t.name)
        if form_class is None:
            continue
        if bound is not None and bound.prefix == t.name:
            form = bound
        else:
            form = form_class(prefix=t.name, petition=p, user=user)
        actions.append({"t": t, "form": form, "more": t.name in MORE_ACTIONS})
    receipt = None
    if request.session.get(RECEIPT_KEY) == p.pk:
        del request.session[RECEIPT_KEY]
        receipt = {"number": p.number, "query_code": format_query_code(p.query_code)}
    colour = selectors.colour_of(p)
    identity = selectors.may_see_identity(user, p)
    same_as = p.same_as if p.same_as_id and permissions.may_see(user, p.same_as) else None
    merged_into = (
        p.merged_into if p.merged_into_id and permissions.may_see(user, p.merged_into) else None
    )
    context = {
        "p": p,
        "colour": colour,
        "colour_label": Colour(colour).label,
        "clock": _clock_info(p),
        "petitioners": _petitioners(p, revealed or {}, identity=identity),
        "identity_withheld": not identity,
        "may_reveal": identity and permissions.may(user, "reveal", p),
        "may_export": dossier.has_outside_organ(p) and permissions.may_export_dossier(user, p),
        "attachments": list(p.attachments.all()),
        "timeline": staff_rows(user, p),
        "notices": notices.notices_for(p, public=False, user=user),
        "merged": list(
            permissions.visible(user).filter(merged_into=p).only("pk", "number", "summary")
        ),
        "same_as": same_as,
        "earlier_repeat": _earlier_repeat(user, p) if p.repeat else None,
        "merged_into": merged_into,
        "actions": [a for a in actions if not a["more"]],
        "more_actions": [a for a in actions if a["more"]],
        "receipt": receipt,
        "error": error,
        "next_url": next_url,
        "panels": _panels(request, p),
        "receipt_links": window.receipt_links(p) if window.print_allowed(request, p) else [],
        "may_reissue": identity and services.may_keep_window(user),
        "signoff": signoff.panel(request, p, bound=draft_bound),
    }
    response = render(request, "petitions/detail.html", context, status=status)
    if revealed or receipt:
        # Personal data in full, or the query code: never kept by a cache.
        response["Cache-Control"] = "no-store"
    return response


@login_required
def detail(request, pk):
    p = selectors.petition_get(user=request.user, pk=pk)
    return _render_matter(request, p)


@login_required
@require_POST
@never_cache
def reveal(request, pk, petitioner_pk):
    """Show one petitioner's ID number and phone in full; the read is recorded."""
    p = selectors.petition_get(user=request.user, pk=pk)
    if not permissions.may(request.user, "reveal", p):
        raise PermissionDenied()
    person = p.petitioners.filter(pk=petitioner_pk).first()
    if person is None:
        raise Http404
    target = f"petition:{p.pk}:petitioner:{person.pk}"
    shown = {}
    for field in ("id_number", "phone"):
        value = getattr(person, field)
        shown[field] = (
            pii.reveal(user=request.user, request=request, target=target, field=field, value=value)
            if value
            else ""
        )
    return _render_matter(request, p, revealed={person.pk: shown})


@login_required
def attachment(request, pk, attachment_pk):
    p = selectors.petition_get(user=request.user, pk=pk)
    att = p.attachments.filter(pk=attachment_pk).first()
    if att is None:
        raise Http404
    response = FileResponse(
        att.file.open("rb"), as_attachment=True, filename=att.name, content_type=att.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def notice(request, pk, event_pk):
    """书面告知: one written notice of the matter as a PDF (the detail page's visibility).
    No font for Chinese is a FontUnavailable (503), answered by the error boundary."""
    p = selectors.petition_get(user=request.user, pk=pk)
    found = notices.find_notice(p, event_pk, public=False, user=request.user)
    content = notices.notice_pdf(p, event_pk, public=False, user=request.user)
    ascii_name, name = notices.notice_filename(p, found)
    return pdf_response(content, filename=name, ascii_filename=ascii_name)


@login_required
@never_cache
def export_dossier(request, pk):
    """The matter's file for the organ outside this system, as a ZIP. Personal data
    masked; in full only by POST from a user who may reveal it, each value on the
    security record."""
    p = selectors.petition_get(user=request.user, pk=pk)
    if not dossier.has_outside_organ(p):
        raise Http404
    if not permissions.may(request.user, "export_dossier", p):
        raise PermissionDenied()
    reveal = request.method == "POST" and request.POST.get("reveal") == "1"
    if reveal and not permissions.may(request.user, "reveal", p):
        raise PermissionDenied()
    content = dossier.dossier_zip(p, user=request.user, request=request, reveal=reveal)
    services.petition_record_dossier_export(actor=request.user, petition_id=p.pk, revealed=reveal)
    ascii_name, name = dossier.dossier_filename(p)
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def act(request, pk, action):
    """Take one action with its form; the service decides."""
    p = selectors.petition_get(user=request.user, pk=pk)
    form_class = forms.ACTION_FORMS.get(action)
    if action not in services.STAFF_ACTIONS or form_class is None:
        raise Http404
    t = workflow.TABLE[action]
    form = form_class(request.POST, prefix=action, petition=p, user=request.user)
    back = reverse("petitions:detail", args=[p.pk])
    if form.is_valid():
        outcome = submit(
            form,
            lambda: services.petition_act(
                actor=request.user,
                petition_id=p.pk,
                action=action,
                version=form.cleaned_data["version"],
                **form.service_fields(),
            ),
        )
        if outcome.ok:
            messages.success(request, _("Done: %(action)s.") % {"action": t.label})
            return redirect(safe_next(request, back))
        if outcome.status == 409:
            # The matter moved on: the page as it now is, with what changed.
            p = selectors.petition_get(user=request.user, pk=pk)
            error = " ".join(str(e) for e in form.non_field_errors())
            return _render_matter(request, p, error=error, status=409)
    return _render_matter(request, p, bound=form, status=400, next_url=safe_next(request, ""))


# --- 签发: the draft of the written answer ------------------------------------------------


def _after_draft(request, p, form, outcome, label):
    """Where a sign-off step goes: back to the matter's sign-off card when done, the
    matter as it now is (409) when it moved on, the form with its errors (400)."""
    if outcome.ok:
        messages.success(request, _("Done: %(action)s.") % {"action": label})
        return redirect(reverse("petitions:detail", args=[p.pk]) + "#signoff")
    if outcome.status == 409:
        p = selectors.petition_get(user=request.user, pk=p.pk)
        error = " ".join(str(e) for e in form.non_field_errors())
        return _render_matter(request, p, error=error, status=409)
    return _render_matter(request, p, draft_bound=form, status=400)


@login_required
@require_POST
def draft_create(request, pk):
    """Start the draft of the answer the matter waits for (saved, not yet submitted)."""
    p = selectors.petition_get(user=request.user, pk=pk)
    form = forms.DraftForm(request.POST, prefix="draft", petition=p)
    if not form.is_valid():
        return _render_matter(request, p, draft_bound=form, status=400)
    outcome = submit(
        form,
        lambda: services.opinion_draft_create(
            actor=request.user, petition_id=p.pk, **form.content()
        ),
    )
    return _after_draft(request, p, form, outcome, workflow.DRAFT_TABLE.label("create"))


@login_required
@require_POST
def draft_act(request, pk, draft_pk, action):
    """One step of the sign-off (save, submit, approve, send back, issue, withdraw)."""
    p = selectors.petition_get(user=request.user, pk=pk)
    d = selectors.draft_get(user=request.user, pk=draft_pk)
    if d.petition_id != p.pk or action not in services.DRAFT_ACTIONS:
        raise Http404
    d.petition = p
    form = signoff.draft_form(action, d, request.POST)
    if not form.is_valid():
        return _render_matter(request, p, draft_bound=form, status=400)
    fields = {k: v for k, v in form.cleaned_data.items() if k != "version"}
    outcome = submit(
        form,
        lambda: services.opinion_draft_act(
            actor=request.user,
            draft_id=d.pk,
            action=action,
            version=form.cleaned_data["version"],
            **fields,
        ),
    )
    return _after_draft(request, p, form, outcome, workflow.DRAFT_TABLE[action].label)


@login_required
@never_cache
def draft_preview(request, pk, draft_pk):
    """The notice the draft will become, marked 草稿 (no seal): seen before it is issued."""
    p = selectors.petition_get(user=request.user, pk=pk)
    d = selectors.draft_get(user=request.user, pk=draft_pk)
    if d.petition_id != p.pk or not permissions.may_see_drafts(request.user, d):
        raise Http404
    d.petition = p
    ascii_name, name = notices.draft_filename(d)
    return pdf_response(
        notices.draft_pdf(d, user=request.user), filename=name, ascii_filename=ascii_name
    )
