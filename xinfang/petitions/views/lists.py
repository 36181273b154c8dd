"""The lists: the worklist (待办), supervision (挂牌督办) and the user's notices."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from xinfang.core.exceptions import PermissionDenied

from .. import forms, permissions, selectors, services
from ..models import CLOSED_STATES
from .common import colour_chips, page_of


@login_required
def worklist(request):
    """待办: what waits for this user's action, most urgent first."""
    filter_form = forms.ListFilterForm(request.GET or None, user=request.user)
    filters = filter_form.filters()
    without_colour = {k: v for k, v in filters.items() if k != "colour"}
    counts = selectors.colour_counts(selectors.worklist(user=request.user, filters=without_colour))
    page = page_of(
        request,
        selectors.worklist(user=request.user, filters=filters),
        total=selectors.total_from_counts(counts, filters),
    )
    return render(
        request,
        "petitions/worklist.html",
        {
            "filter_form": filter_form,
            "chips": colour_chips(request, counts),
            "page": page,
            "filtered": bool(filters),
            "drafts": _drafts(request.user),
        },
    )


def _drafts(user) -> list[dict]:
    """签发 on the worklist: the drafts waiting for this user's approval, and their
    own drafts sent back or approved (each only to the one who must act)."""
    groups = [
        ("awaiting", _("Written answers waiting for your approval"), "awaiting_approval"),
        ("sent_back", _("Your drafts sent back for revision"), "sent_back"),
        ("to_issue", _("Your drafts approved: issue them"), "to_issue"),
    ]
    found = {
        "awaiting": selectors.drafts_awaiting_approval(user),
        "sent_back": selectors.drafts_sent_back(user),
        "to_issue": selectors.drafts_to_issue(user),
    }
    return [
        {"key": key, "title": title, "rows": list(found[key][:50])}
        for key, title, _name in groups
        if found[key].exists()
    ]


@login_required
def supervision(request):
    """挂牌督办: the open matters of the supervisor's office, by colour, to list and chase."""
    user = request.user
    if not permissions.may_supervise(user):
        raise PermissionDenied()
    filter_form = forms.ListFilterForm(request.GET or None, user=user)
    filters = filter_form.filters()

    def open_matters(f):
        qs = selectors.petition_list(user=user, filters=f).exclude(state__in=CLOSED_STATES)
        return permissions.supervised(user, qs)

    counts = open_matters({k: v for k, v in filters.items() if k != "colour"})
    page = page_of(request, open_matters(filters))
    return render(
        request,
        "petitions/supervision.html",
        {
            "filter_form": filter_form,
            "chips": colour_chips(request, selectors.colour_counts(counts)),
            "page": page,
            "list_choices": forms.ListForm.base_fields["colour"].choices,
            "filtered": bool(filters),
        },
    )


@login_required
def notifications(request):
    """In-app notices: matters turned red, chases. Opening the page marks them read."""
    items = list(selectors.notifications_for(request.user)[:100])
    visible = set(
        permissions.visible(request.user)
        .filter(pk__in=[n.petition_id for n in items if n.petition_id])
        .values_list("pk", flat=True)
    )
    if request.method == "POST":
        services.notifications_mark_read(user=request.user)
        return redirect("petitions:notifications")
    return render(
        request,
        "petitions/notifications.html",
        {"items": items, "visible": visible},
    )
