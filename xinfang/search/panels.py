"""What search adds to the lower areas' pages, through their registries
(registered in apps.py): similar matters on a matter's page, with the forms to
mark one (repeat, related, the same → merge) and the marks in force with their
undo; the check for earlier and similar matters on the clerk's registration
page, whose marks are applied once the matter is registered."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.utils.translation import gettext as _

from xinfang.core.exceptions import DomainError
from xinfang.petitions import permissions as petition_permissions
from xinfang.petitions import services as petition_services

from . import related, routing
from .forms import MarkForm, UnmarkForm


def matter_panel(request, petition):
    """Matters like this one (content), grouped, each with the mark form; the
    marks in force. Nothing found and no mark: no panel."""
    text = "\n".join([petition.summary, petition.content, petition.request])
    links = petition_services.links_of(request.user, petition)
    linked = {link.counterpart.pk for link in links}
    found = [
        r
        for r in related.similar(user=request.user, text=text, exclude=petition.pk)
        if r.petition.pk not in linked and r.petition.pk != petition.merged_into_id
    ]
    if not found and not links:
        return None
    for r in found:
        r.form = MarkForm(initial={"other": r.petition.pk}, auto_id=False)
    return {
        "template": "search/_related_panel.html",
        "related": related.grouped(found),
        "links": links,
        "unmark_form": UnmarkForm(auto_id=False),
    }


def routing_panel(request, petition):
    """The likely category and responsible unit of a newly registered matter, for
    whoever may forward it (the office's dispatcher): a suggestion to accept or
    change in the forward form, never applied by itself."""
    if petition.state != "registered" or not petition_permissions.may(
        request.user, "forward", petition
    ):
        return None
    text = "\n".join([petition.summary, petition.content, petition.request])
    found = routing.suggest(office=petition.office, text=text)
    if not found:
        return None
    return {"template": "search/_routing_panel.html", "suggestions": found}


def registration_panel(request):
    """The "check for earlier matters" panel (its script posts the form's fields)."""
    if not petition_services.may_keep_window(request.user):
        return None
    return {"template": "search/_registration_check.html"}


MARK_PREFIX = "relate-"


def after_registration(request, petition) -> None:
    """The marks the clerk chose in the registration check (`relate-<id>` =
    repeat or related), applied to the new matter. A mark that cannot be made
    (the other matter not visible, an accusation) is skipped with a warning: the
    registration itself is never lost for it."""
    for key, value in request.POST.items():
        if not key.startswith(MARK_PREFIX) or value not in ("repeat", "related"):
            continue
        other = key[len(MARK_PREFIX) :]
        if not other.isascii() or not other.isdigit():
            continue
        try:
            with transaction.atomic():
                petition_services.petition_link(
                    actor=request.user, petition_id=petition.pk, other_id=int(other), kind=value
                )
        except DomainError:
            messages.warning(request, _("A mark chosen in the check could not be made."))
