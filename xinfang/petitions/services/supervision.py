"""挂牌督办, 催办 and 领导包案: the supervisor's and the leader's acts on a matter."""

from __future__ import annotations

from django.utils.translation import gettext as _

from xinfang.core.exceptions import InvalidInput
from xinfang.orgs.models import Role

from .frame import FRAME, require_text
from .notify import notify_users, users_with
from .tick import escalate_red


@FRAME.action("list")
def petition_list(p, actor, *, colour: str = "", note: str = ""):
    """挂牌督办: list the matter red, yellow or blue (or clear the listing with "")."""
    if colour not in {"", "red", "yellow", "blue"}:
        raise InvalidInput(field_errors={"colour": [_("Choose red, yellow or blue.")]})
    previous = p.listing
    p.listing = colour
    if colour == "red":
        escalate_red(p, reason=_("listed red by the supervisor"))
    return {"note": note, "data": {"colour": colour, "previous": previous}}


@FRAME.action("chase")
def petition_chase(p, actor, *, note: str = ""):
    """催办: on the record, and the responsible people are told."""
    note = require_text(note, "note", _("Say what is chased."))
    targets = [p.handler] if p.handler_id else []
    unit_ids = [u for u in (p.responsible_unit_id, p.review_unit_id, p.re_review_unit_id) if u]
    targets += users_with(Role.UNIT_HEAD, unit_ids) + users_with(Role.HANDLER, unit_ids)
    notify_users(
        targets,
        petition=p,
        kind="chase",
        message=_("Chased: %(number)s %(note)s") % {"number": p.number, "note": note},
    )
    return {"note": note, "data": {"chased": [u.pk for u in targets if u]}}


@FRAME.action("own")
def petition_own(p, actor, *, plan: str = ""):
    """领导包案: a leader owns the matter with a plan (一案一策)."""
    p.owner_leader = actor
    return {"note": require_text(plan, "plan", _("Give the plan.")), "data": {"owner": actor.pk}}
