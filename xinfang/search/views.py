"""The staff search page and the registration page's check (thin: parse →
selector → page or JSON)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from . import related, selectors
from .forms import SearchForm


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
    found = related.check(
        user=request.user, request=request, text=_post_text(request.POST), person=person
    )
    response = JsonResponse(related.as_json(found))
    response["Cache-Control"] = "no-store"
    return response
