"""One listing: its matter, why and by whom it was listed, its chases with their
letters and what came back, its timeline and the actions the user may take;
listing a matter; the chasing letter's PDF."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xinfang.core import idempotency
from xinfang.core.exceptions import PermissionDenied
from xinfang.core.forms import say_why_if_hidden, submit, submit_once

from .. import permissions as policy
from .. import selectors, services
from ..documents import letter_pdf
from ..forms import ACTION_FORMS, ListingForm
from ..workflow import FRAME


@login_required
def new(request):
    """挂牌督办: list a matter (by its number; `?matter=` fills it in)."""
    if not policy.is_supervisor(request.user):
        raise PermissionDenied()
    initial = {"matter": request.GET.get("matter", "")}
    form = ListingForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            c = form.cleaned_data
            found = selectors.matter_by_number(user=request.user, number=c["matter"])
            if found is None:
                form.add_error("matter", _("No matter you may see has this number."))
            else:
                kind, pk = found

                def call():
                    listing, _created = services.listing_create(
                        actor=request.user,
                        petition_id=pk if kind == "petition" else None,
                        dispute_id=pk if kind == "dispute" else None,
                        colour=c["colour"],
                        reason=c["reason"],
                        demand=c["demand"],
                        report_by=c["report_by"],
                        idempotency_key=idempotency.scoped(
                            f"page:{request.user.pk}", c["idempotency_key"]
                        ),
                    )
                    return listing

                outcome = submit_once(form, call, token_field="idempotency_key")
                if outcome.ok:
                    messages.success(
                        request, _("Listed as %(number)s.") % {"number": outcome.result.number}
                    )
                    return redirect("supervision:listing", pk=outcome.result.pk)
                status = outcome.status
    return render(request, "supervision/new.html", {"form": form}, status=status)


@login_required
def for_matter(request, petition_pk: int):
    """From a matter (the colour overview of petitions, a matter's page): its listing
    in force, or the form to list it with its number filled in. 404 for a matter
    the user may not see, as everywhere."""
    if not policy.is_supervisor(request.user):
        raise PermissionDenied()
    listing = selectors.open_listing_of_petition(user=request.user, petition_id=petition_pk)
    if listing is not None:
        return redirect("supervision:listing", pk=listing.pk)
    number = selectors.petition_number(user=request.user, petition_id=petition_pk)
    if number is None:
        raise Http404
    return redirect(f"{reverse('supervision:new')}?matter={number}")


def _page(request, listing, *, bound=None, status=200):
    allowed = FRAME.allowed(request.user, listing)
    say_why_if_hidden(request, bound, [t.name for t in allowed])
    action_forms = []
    for t in allowed:
        if bound is not None and bound.prefix == t.name:
            form = bound
        else:
            form = ACTION_FORMS[t.name](prefix=t.name, initial={"version": listing.version})
        action_forms.append({"t": t, "form": form})
    chases = selectors.chases_of(listing)
    return render(
        request,
        "supervision/listing.html",
        {
            "listing": listing,
            "target": listing.target,
            "colour": selectors.colour_of(listing),
            "chases": chases,
            "awaiting": selectors.awaiting_report(listing, chases),
            "events": selectors.timeline(listing),
            "actions": action_forms,
        },
        status=status,
    )


@login_required
def detail(request, pk):
    return _page(request, selectors.listing_get(user=request.user, pk=pk))


@login_required
@require_POST
def act(request, pk, action):
    listing = selectors.listing_get(user=request.user, pk=pk)  # 404 before anything else
    if action not in ACTION_FORMS:
        raise Http404
    form = ACTION_FORMS[action](request.POST, prefix=action)
    if not form.is_valid():
        return _page(request, listing, bound=form, status=400)
    fields = dict(form.cleaned_data)
    version = fields.pop("version")
    outcome = submit(
        form,
        lambda: services.listing_act(
            actor=request.user, listing_id=listing.pk, action=action, version=version, **fields
        ),
    )
    if not outcome.ok:
        return _page(request, listing, bound=form, status=outcome.status)
    messages.success(request, str(FRAME.table[action].label))
    return redirect("supervision:listing", pk=listing.pk)


@login_required
def letter(request, pk, chase_pk):
    """The chasing letter as an A4 PDF (503 without a Chinese font)."""
    chase = selectors.chase_get(user=request.user, listing_pk=pk, pk=chase_pk)
    response = HttpResponse(letter_pdf(chase), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="letter-{chase.pk}.pdf"'
    return response
