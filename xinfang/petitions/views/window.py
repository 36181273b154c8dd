"""接待窗口: the reception window's pages.

- search: a person's matters by full name, ID number or phone (POST: an ID
  number in a URL would end up in logs and browser history);
- reissue: the query code issued again after checking identity, shown once,
  with a new receipt to print;
- receipt: the receipt PDF (A4 with the stub, or A5) with the code, printable only
  for a short while after registration or a re-issue, in the session that did it.
"""

from __future__ import annotations

import time

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from xinfang.core import calendar
from xinfang.core.documents import pdf_response
from xinfang.core.exceptions import PermissionDenied
from xinfang.core.forms import submit
from xinfang.core.querycode import format_query_code

from .. import forms, permissions, receipts, selectors, services

# The session's allowance to print receipts with the query code:
# {petition id: time.time() until which it holds}.
PRINT_KEY = "petitions_receipt_print"
PRINT_SECONDS = 30 * 60


def allow_print(request, p) -> None:
    """The receipt of `p` (with its code) may be printed in this session for a while."""
    allowed = {k: v for k, v in request.session.get(PRINT_KEY, {}).items() if v > time.time()}
    allowed[str(p.pk)] = time.time() + PRINT_SECONDS
    request.session[PRINT_KEY] = allowed


def print_allowed(request, p) -> bool:
    return request.session.get(PRINT_KEY, {}).get(str(p.pk), 0) > time.time()


def receipt_links(p) -> list[dict]:
    return [
        {"page": page, "url": f"{reverse('petitions:receipt', args=[p.pk])}?page={page}"}
        for page in receipts.PAGES
    ]


def _window_user(request) -> None:
    if not services.may_keep_window(request.user):
        raise PermissionDenied(_("The reception window is for the clerks who register matters."))


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def search(request):
    """ "我上次反映的事怎么样了": the person's matters, masked, each a link to its page."""
    _window_user(request)
    hits = None
    status = 200
    if request.method == "POST":
        form = forms.WindowSearchForm(request.POST)
        if form.is_valid():
            outcome = submit(
                form,
                lambda: services.window_search(
                    actor=request.user, request=request, **form.cleaned_data
                ),
            )
            hits, status = (outcome.result, 200) if outcome.ok else (None, outcome.status)
        else:
            status = 400
    else:
        form = forms.WindowSearchForm()
    rows = []
    for hit in hits or []:
        p = hit.petition
        rows.append(
            {
                "hit": hit,
                "p": p,
                "colour": selectors.colour_of(p),
                "may_reissue": permissions.may_see_identity(request.user, p),
            }
        )
    return render(
        request,
        "petitions/window.html",
        {
            "form": form,
            "rows": rows,
            "searched": hits is not None,
            "max_hits": services.WINDOW_MAX_HITS,
        },
        status=status,
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def reissue(request, pk):
    """The query code issued again: the form, then the new code once, to print."""
    _window_user(request)
    p = selectors.petition_get(user=request.user, pk=pk)
    if not permissions.may_see_identity(request.user, p):
        raise PermissionDenied(_("The accuser's identity stays with the petition office."))
    status = 200
    if request.method == "POST":
        form = forms.ReissueForm(request.POST, petition=p)
        if form.is_valid():
            outcome = submit(
                form,
                lambda: services.query_code_reissue(
                    actor=request.user, petition_id=p.pk, request=request, **form.service_fields()
                ),
            )
            if outcome.ok:
                done = outcome.result
                allow_print(request, done.petition)
                return render(
                    request,
                    "petitions/window_reissued.html",
                    {
                        "p": done.petition,
                        "receipt": {
                            "number": done.petition.number,
                            "query_code": format_query_code(done.query_code),
                            "reissued": True,
                        },
                        "receipt_links": receipt_links(done.petition),
                    },
                )
            status = outcome.status
        else:
            status = 400
    else:
        form = forms.ReissueForm(petition=p)
    return render(request, "petitions/window_reissue.html", {"p": p, "form": form}, status=status)


@login_required
@never_cache
def receipt(request, pk):
    """The receipt PDF with the query code (?page=A4 or A5)."""
    p = selectors.petition_get(user=request.user, pk=pk)
    page = request.GET.get("page", "A4")
    if page not in receipts.PAGES:
        raise Http404
    if not print_allowed(request, p):
        raise PermissionDenied(
            _(
                "A receipt with the query code is printed only just after registration or "
                "after the code is issued again. To give the petitioner the code now, issue "
                "it again at the reception window."
            )
        )
    reissued = p.events.filter(action="query_code_reissued").order_by("-at").first()
    content = receipts.receipt_pdf(
        p,
        page=page,
        track_url=request.build_absolute_uri(reverse("portal:track")),
        clerk_name=request.user.get_full_name() or request.user.get_username(),
        reissued_on=calendar.to_local_date(reissued.at) if reissued is not None else None,
    )
    ascii_name, name = receipts.receipt_filename(p, page)
    return pdf_response(content, filename=name, ascii_filename=ascii_name)
