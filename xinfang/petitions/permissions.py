"""Who may do what to a petition matter, and which matters they may see.

One policy, two questions (as Wagtail's permission policies answer them):
- `may(user, action, petition)`: may this user take `action` on this matter
  now? A transition of workflow.TABLE is asked through the unit its row names
  (`via`); the other actions (reveal, export, supervise) are named here.
- `visible(user)`: the matters this user may see (a queryset); every list,
  export and API goes through it. An outsider gets 404, never a hint.

Roles and units come from orgs.permissions; a superuser reaches every unit there.
"""

from __future__ import annotations

from django.db.models import QuerySet

from xinfang.core.transitions import Transition
from xinfang.orgs import permissions as org_permissions
from xinfang.orgs.models import UnitLink

from . import selectors, workflow
from .models import Petition, State


def visible(user) -> QuerySet[Petition]:
    """The matters the user may see."""
    return selectors.visible_petitions(user)


def may_see(user, petition: Petition) -> bool:
    return selectors.may_see(user, petition)


def via_units(p: Petition, via: str) -> list[int | None]:
    """The matter's units a row's `via` names."""
    if via == "dispatcher_or_handler":
        return [p.office_id, p.responsible_unit_id]
    return {
        "office": [p.office_id],
        "responsible": [p.responsible_unit_id],
        "review": [p.review_unit_id],
        "re_review": [p.re_review_unit_id],
        "current_review": [
            p.re_review_unit_id if p.state == State.UNDER_RE_REVIEW else p.review_unit_id
        ],
        "registering": [p.registering_unit_id],
        "answering": [
            {
                State.OPINION_ISSUED: p.responsible_unit_id,
                State.REVIEW_ISSUED: p.review_unit_id,
                State.RE_REVIEW_ISSUED: p.re_review_unit_id,
            }.get(p.state)
        ],
        "any": list(p.scope_unit_ids()),
    }[via]


def _reaches(user, unit_id: int | None, action: str) -> bool:
    return bool(unit_id) and org_permissions.reaches(user, [unit_id], action)


def may_take(user, t: Transition, p: Petition) -> bool:
    """Does the user hold the row's permission through the unit it names? (The
    state and the row's guard are the frame's to check.) A row without a
    permission is the petitioner's, through the query code: no staff takes it."""
    if t.permission is None:
        return False
    if t.via == "dispatcher_or_handler":
        # 优先调解: the matter's dispatcher (at its office) or its handler (at the
        # responsible unit) diverts it, takes it back, or concludes it.
        return _reaches(user, p.office_id, "dispatch_petition") or _reaches(
            user, p.responsible_unit_id, "handle_petition"
        )
    units = [u for u in via_units(p, t.via) if u]
    return bool(units) and org_permissions.reaches(user, units, t.permission)


def may_export_dossier(user, p: Petition) -> bool:
    """The petition office's dispatchers, and the handlers of the unit that answered
    last, send the file to the organ outside this system."""
    answered = p.review_unit_id or p.responsible_unit_id
    return _reaches(user, p.office_id, "dispatch_petition") or _reaches(
        user, answered, "handle_petition"
    )


def may_supervise(user) -> bool:
    """Has the user a supervisor's membership (the supervision page)?"""
    return bool(org_permissions.member_unit_ids(user, "supervise")) or _is_superuser(user)


def supervised(user, qs: QuerySet[Petition]) -> QuerySet[Petition]:
    """`qs` cut to the matters of the offices the user supervises."""
    if _is_superuser(user):
        return qs
    offices = UnitLink.objects.filter(
        ancestor_id__in=org_permissions.member_unit_ids(user, "supervise")
    ).values("descendant_id")
    return qs.filter(office__in=offices)


def _is_superuser(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) and getattr(user, "is_active", False)


def may(user, action: str, petition: Petition) -> bool:
    """May `user` take `action` on `petition` now? For a transition: its state, its
    permission through its unit and its row's guard (as the services check
    them); else one of "view", "reveal", "export_dossier"."""
    if action == "view":
        return may_see(user, petition)
    if action == "reveal":
        return selectors.may_reveal(user, petition)
    if action == "export_dossier":
        return may_see(user, petition) and may_export_dossier(user, petition)
    t = workflow.get(action)
    if t is None:
        raise KeyError(f"unknown action {action!r}")
    return (
        petition.state in t.sources
        and may_see(user, petition)
        and may_take(user, t, petition)
        and not petition.blocked_reason(action)
    )
