"""The staff search page and the registration page's check (thin: parse →
selector → page or JSON)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xinfang.core import idempotency
from xinfang.core.forms import submit, submit_once
from xinfang.petitions import services as petition_services

from . import clusters, related, routing, selectors
from .forms import MarkForm, SearchForm, UnmarkForm


@login_required
def search(request):
    form = SearchForm(request.GET or None)
    results = None
    if form.is_valid() and form.cleaned_data["q"].strip():
        d = form.cleaned_data
        results = selectors.search(
            user=request.user,
            text=d["q"],
            kind=d["kind"],
            filters={k: d[k] for k in ("state", "date_from", "date_to")},
            page=request.GET.get("page"),
        )
    keep = request.GET.copy()
    keep.pop("page", None)
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(
        request,
        "search/search.html",
        {"form": form, "results": results, "query": keep.urlencode()},
        status=status,
    )


def _post_text(post) -> str:
    return "\n".join(post.get(k, "") for k in ("summary", "content", "request"))


@login_required
@require_POST
def related_check(request):
    """The registration page's check, before the form is saved: the form's own
    fields (the first petitioner's name, ID number and phone) as posted."""
    person = {
        "name": request.POST.get("petitioners-0-name", ""),
        "id_number": request.POST.get("petitioners-0-id_number", ""),
        "phone": request.POST.get("petitioners-0-phone", ""),
    }
    text = _post_text(request.POST)
    found = related.check(user=request.user, request=request, text=text, person=person)
    answer = related.as_json(found)
    # Routing suggestions (the clerk picks the category; never applied by itself).
    answer["suggestions"] = routing.suggest(office=routing.office_of_user(request.user), text=text)
    response = JsonResponse(answer)
    response["Cache-Control"] = "no-store"
    return response


def _errors_to_messages(request, form) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


@login_required
@require_POST
def mark(request, pk: int):
    """Mark a found matter as a repeat of, related to, or the same as (merged into)
    the matter `pk` (petitions' services check visibility and permission)."""
    form = MarkForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data

        def call():
            if d["kind"] == "same":
                other = selectors.visible_petition(request.user, d["other"])
                return petition_services.petition_merge(
                    actor=request.user, petition_id=pk, into=other, note=d["note"]
                )
            return petition_services.petition_link(
                actor=request.user,
                petition_id=pk,
                other_id=d["other"],
                kind=d["kind"],
                note=d["note"],
                idempotency_key=idempotency.scoped(
                    idempotency.user_scope(request.user), d["idempotency_key"]
                ),
            )

        outcome = submit_once(form, call, token_field="idempotency_key")
        if outcome.ok:
            messages.success(
                request,
                _("Merged into the other matter.") if d["kind"] == "same" else _("Marked."),
            )
            return redirect("petitions:detail", pk=pk)
    _errors_to_messages(request, form)
    return redirect("petitions:detail", pk=pk)


@login_required
@require_POST
def unmark(request, pk: int, link_pk: int):
    """Undo a mark shown on matter `pk`."""
    form = UnmarkForm(request.POST)
    if form.is_valid():
        outcome = submit(
            form,
            lambda: petition_services.petition_unlink(
                actor=request.user, link_id=link_pk, note=form.cleaned_data["note"]
            ),
        )
        if outcome.ok:
            messages.success(request, _("The mark was undone."))
            return redirect("petitions:detail", pk=pk)
    _errors_to_messages(request, form)
    return redirect("petitions:detail", pk=pk)


@login_required
def group_signals(request):
    """集体访 early warning: the clusters among the matters the user may see."""
    found = clusters.clusters(request.user)
    return render(
        request,
        "search/clusters.html",
        {"clusters": found, "days": clusters.days(), "min_matters": clusters.min_matters()},
    )
