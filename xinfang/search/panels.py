"""What search adds to the lower areas' pages, through their registries
(registered in apps.py): similar matters on a matter's page, and the check for
earlier and similar matters on the clerk's registration page."""

from __future__ import annotations

from xinfang.petitions import services as petition_services

from . import related


def matter_panel(request, petition):
    """Matters like this one (content), grouped; none shown: no panel."""
    text = "\n".join([petition.summary, petition.content, petition.request])
    found = related.similar(user=request.user, text=text, exclude=petition.pk)
    if not found:
        return None
    return {"template": "search/_related_panel.html", "related": related.grouped(found)}


def registration_panel(request):
    """The "check for earlier matters" panel (its script posts the form's fields)."""
    if not petition_services.may_keep_window(request.user):
        return None
    return {"template": "search/_registration_check.html"}
