"""Who may do what to a petition matter, and which matters they may see.

One policy, two questions (as Wagtail's permission policies answer them):
- `may(user, action, petition)`: may this user take `action` on this matter
  now? A transition of workflow.TABLE is asked through the unit its row names
  (`via`); the other actions (reveal, export, supervise) are named here.
- `visible(user)`: the matters this user may see (a queryset); every list,
  export and API goes through it. An outsider gets 404, never a hint.

Visibility: a matter is reached through its units (place, registering unit,
petition office, responsible, review and re-review units); a user sees it when a
membership reaches one of them.

An accusation (检举控告) is confidential by default, from every channel
(信访工作条例 Art. 30): it is seen only by members of the petition office that
received it (not by units above or beside the office), by the clerk who
registered it, and by the units the office sends it to (responsible, review,
re-review units: the discipline-inspection route of Art. 22 para 2 among them).
Never through the place of the problem nor the registering unit, which are often
the accused; and never by the unit it accuses, any unit below it, or the accused
person, whatever else would let them see it. The accuser's identity and contact
data stay with the office unless it releases them to the handling unit
(`may_see_identity`, `may_reveal`).

Roles and units come from orgs.permissions; a superuser reaches every unit there.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from xinfang.core.transitions import Transition
from xinfang.orgs import permissions as org_permissions
from xinfang.orgs.models import Unit, UnitKind, UnitLink

from . import workflow
from .models import Petition, State


def sees_everything(user) -> bool:
    """A superuser (active): every matter, every unit. The one such check of the area."""
    return bool(getattr(user, "is_superuser", False)) and bool(getattr(user, "is_active", False))


# --- visibility ---------------------------------------------------------------------

SCOPE_FIELDS = (
    "place",
    "registering_unit",
    "office",
    "responsible_unit",
    "review_unit",
    "re_review_unit",
)


def _memo(user) -> dict:
    return user.__dict__.setdefault("_xinfang_inside_ids", {})


# The units a user reaches, as literal ids (orgs.permissions keeps the memo).
subtree_ids = org_permissions.reached_unit_ids


def _inside_ids(user) -> list[int]:
    """Units the user is inside of: their own units and every unit above them."""
    memo = _memo(user)
    if "inside" not in memo:
        memo["inside"] = org_permissions.ancestor_ids(
            tuple(sorted(org_permissions.member_unit_ids(user)))
        )
    return memo["inside"]


# The units that handle an accusation once the office has sent it somewhere.
ACCUSATION_HANDLING_FIELDS = ("responsible_unit", "review_unit", "re_review_unit")


def _accusation_handlers(user) -> Q:
    """The accusations this user may see, as far as reach goes: they sit in the
    receiving office (the office is one of their own units or above one), they
    registered it, or their membership reaches a unit the office sent it to."""
    q = (
        Q(office_accused=False, office__in=_inside_ids(user))
        | Q(office_accused=True, office__in=_offices_below_own_units(user))
        | Q(registered_by=user)
    )
    units = subtree_ids(user)
    everywhere = _reaches_every_unit(user)
    for name in ACCUSATION_HANDLING_FIELDS:
        q |= _among(name, units, everywhere)
    return q | Q(pk__in=_assisted(units, everywhere))


def _offices_below_own_units(user) -> list[int]:
    """The units one step below the user's own (where an accused office's
    accusations go: the leadership of its territory), as literal ids: the
    condition needs no join of the office's row (PostgreSQL joined every unit to
    every candidate matter for it)."""
    memo = _memo(user)
    if "offices_below" not in memo:
        own = tuple(sorted(org_permissions.member_unit_ids(user)))
        memo["offices_below"] = org_permissions.child_ids(own)
    return memo["offices_below"]


def _reaches_every_unit(user) -> bool:
    """Does the user's reach hold every unit (the city's leader)? Then "a unit
    field among the reached units" is "the field is set": the same matters, without
    a list of every unit in each condition (each list cost the city's pages some
    20 ms per query to build, send and plan)."""
    memo = _memo(user)
    if "everywhere" not in memo:
        units = subtree_ids(user)
        memo["everywhere"] = org_permissions.every_unit(user, units)
    return memo["everywhere"]


def _among(name: str, units: list[int], everywhere: bool) -> Q:
    """The matters whose unit field `name` is one of `units` (the user's reach)."""
    if everywhere:
        return Q(**{f"{name}__isnull": False})
    return Q(**{f"{name}__in": units})


def _assisted(units, everywhere: bool = False) -> QuerySet:
    """The ids of the matters one of `units` assists (协办)."""
    through = Petition.assisting_units.through.objects
    if everywhere:
        return through.values("petition_id")
    return through.filter(unit_id__in=units).values("petition_id")


def accused_inside_ids(user) -> list[int]:
    """The units whose accusations this user never sees as the accused: their own
    units and every unit above them (an accusation against one of them, or against
    the user, is excluded by `accusation_exclusion`). The analytics summaries read
    the guard through this and `subtree_ids`."""
    return _inside_ids(user)


def accusation_exclusion(user) -> Q:
    """Accusations this user must not see: those accusing them or a unit they are
    in (or below), and those they reach only through the place or the registering
    unit."""
    accused = Q(accused_unit__in=_inside_ids(user)) | Q(accused_user=user)
    return Q(accusation=True) & (accused | ~_accusation_handlers(user))


def window_office_ids(user) -> list[int]:
    """The petition offices whose reception window this user keeps: a clerk
    (register_petition) at a unit of the territory where an office sits (the
    city's reception centre beside the city's petition office) answers "我上次
    反映的事怎么样了" for every matter that office received, whatever the channel
    (a letter, a call, the web). Accusations are not reached this way: they stay
    with the office and the clerk who registered them (Art. 30)."""
    memo = _memo(user)
    if "window" not in memo:
        clerk_units = Unit.objects.filter(
            pk__in=list(org_permissions.member_unit_ids(user, "register_petition"))
        )
        # The territory a clerk's unit serves: a territorial unit itself (a
        # township's clerk serves the township, not the city), else the unit it
        # sits in (the city's reception centre serves the city).
        territories = {u.pk if u.kind == UnitKind.TERRITORIAL else u.parent_id for u in clerk_units}
        memo["window"] = sorted(
            Unit.objects.filter(
                kind=UnitKind.PETITION_OFFICE, is_active=True, parent_id__in=territories - {None}
            ).values_list("pk", flat=True)
        )
    return memo["window"]


def visible_petitions(user) -> QuerySet[Petition]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Petition.objects.none()
    if sees_everything(user):
        return Petition.objects.all()
    units = subtree_ids(user)
    if not units:
        return Petition.objects.none()
    everywhere = _reaches_every_unit(user)
    reach = Q()
    for name in SCOPE_FIELDS:
        reach |= _among(name, units, everywhere)
    window = window_office_ids(user)
    if window:
        reach |= Q(office__in=window)
    reach |= Q(pk__in=_assisted(units, everywhere))
    return Petition.objects.filter(reach).exclude(accusation_exclusion(user))


# --- reach keys: visibility's first cut, for an index kept elsewhere (search) --------
#
# `visible_petitions` reaches a matter through one of its units (the scope fields,
# the assisting units) or its office (a clerk's window), and then only narrows
# (the accusation guard). So "the matter's reach units meet the user's reach
# keys" holds for every matter the user may see: a superset, never the rule
# itself. An index that keeps a matter's reach units beside its own rows may cut
# with it first and must then apply visible_petitions. Both functions change
# with visible_petitions.


def reach_unit_ids(petition: Petition, *, new: bool = False) -> set[int]:
    """Every unit through which visible_petitions may reach this matter. `new`: a
    matter inserted just now has no assisting units yet (no query for them)."""
    ids = {getattr(petition, f"{name}_id") for name in SCOPE_FIELDS}
    if not new:
        ids |= set(petition.assisting_unit_ids())
    ids.discard(None)
    return ids


def reach_keys(user) -> list[int] | None:
    """The units one of which is a reach unit (reach_unit_ids) of every matter
    the user may see; None for a user who sees every matter."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    if sees_everything(user):
        return None
    units = subtree_ids(user)
    if not units:
        return []
    return sorted(set(units) | set(window_office_ids(user)))


def _in_unit(user, unit_id: int | None, action: str | None = None) -> bool:
    """Is one of the user's memberships (allowing `action`) at this unit or below it?"""
    if not unit_id:
        return False
    return UnitLink.objects.filter(
        ancestor_id=unit_id, descendant_id__in=org_permissions.member_unit_ids(user, action)
    ).exists()


def _receives(user, petition: Petition, action: str | None = None) -> bool:
    """Is the user in the unit that received this accusation: the petition office,
    or, where the office itself is accused, the leadership of its territory (a
    membership at the office's parent unit)?"""
    if petition.office_accused:
        return petition.office.parent_id in org_permissions.member_unit_ids(user, action)
    return _in_unit(user, petition.office_id, action)


def _accused(user, petition: Petition) -> bool:
    return petition.accused_user_id == user.pk or _in_unit(user, petition.accused_unit_id)


def may_see(user, petition: Petition) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if sees_everything(user):
        return True
    if not petition.accusation:
        return org_permissions.reaches(user, petition.scope_unit_ids()) or (
            petition.office_id in window_office_ids(user)
        )
    if _accused(user, petition):
        return False
    if petition.registered_by_id == user.pk or _receives(user, petition):
        return True
    handling = [getattr(petition, f"{name}_id") for name in ACCUSATION_HANDLING_FIELDS]
    handling = [u for u in handling if u] + petition.assisting_unit_ids()
    return bool(handling) and org_permissions.reaches(user, handling)


def may_see_identity(user, petition: Petition) -> bool:
    """May this user (who sees the matter) see who the petitioner is? Always, but
    for an accusation: only the receiving office, the clerk who registered it,
    and a unit the office released the identity to (信访工作条例 Art. 30)."""
    if not petition.accusation or sees_everything(user):
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    if petition.registered_by_id == user.pk or _receives(user, petition):
        return True
    shared = petition.identity_shared_with_id
    return bool(shared) and org_permissions.reaches(user, [shared])


def may_reveal(user, petition: Petition) -> bool:
    """May this user read the petitioners' ID numbers and phones in full (on the
    record)? A role with view_personal_data that reaches the matter; for an
    accusation, that role in the receiving office, or in the unit the office
    released the identity to."""
    if not org_permissions.may(user, "view_personal_data", petition):
        return False
    if not petition.accusation or sees_everything(user):
        return True
    if _receives(user, petition, "view_personal_data"):
        return True
    shared = petition.identity_shared_with_id
    return bool(shared) and org_permissions.reaches(user, [shared], "view_personal_data")


def visible(user) -> QuerySet[Petition]:
    """The matters the user may see (every list, export and API reads through it)."""
    return visible_petitions(user)


def via_units(p: Petition, via: str) -> list[int | None]:
    """The matter's units a row's `via` names."""
    if via == "dispatcher_or_handler":
        return [p.office_id, p.responsible_unit_id]
    if via == "assisting":
        return p.assisting_unit_ids()
    if via == "any":
        return list(p.scope_unit_ids())
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
    return bool(org_permissions.member_unit_ids(user, "supervise")) or sees_everything(user)


def supervised(user, qs: QuerySet[Petition]) -> QuerySet[Petition]:
    """`qs` cut to the matters of the offices the user supervises."""
    if sees_everything(user):
        return qs
    offices = UnitLink.objects.filter(
        ancestor_id__in=org_permissions.member_unit_ids(user, "supervise")
    ).values("descendant_id")
    return qs.filter(office__in=offices)


# Who sets a petition office's four colours (OfficeColourSettings): its
# supervisors and dispatchers.
COLOUR_SETTERS = ("supervise", "dispatch_petition")


def colour_offices(user) -> QuerySet:
    """The petition offices whose colour settings the user may change."""
    if sees_everything(user):
        return Unit.objects.filter(kind=UnitKind.PETITION_OFFICE).order_by("code")
    ids: set[int] = set()
    for action in COLOUR_SETTERS:
        ids.update(subtree_ids(user, action))
    return Unit.objects.filter(pk__in=sorted(ids), kind=UnitKind.PETITION_OFFICE).order_by("code")


def sets_any_colours(user) -> bool:
    """Does the user set some office's colour settings (the worklist's link)?"""
    if sees_everything(user):
        return True
    offices = org_permissions.unit_ids_of_kind(UnitKind.PETITION_OFFICE)
    return any(not offices.isdisjoint(subtree_ids(user, action)) for action in COLOUR_SETTERS)


def may_set_colours(user, office) -> bool:
    return colour_offices(user).filter(pk=office.pk).exists()


def may(user, action: str, petition: Petition) -> bool:
    """May `user` take `action` on `petition` now? For a transition: its state, its
    permission through its unit and its row's guard (as the services check
    them); else one of "view", "reveal", "export_dossier"."""
    if action == "view":
        return may_see(user, petition)
    if action == "reveal":
        return may_reveal(user, petition)
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


def may_see_drafts(user, draft) -> bool:
    """A draft of a written answer is the answering unit's: seen (and previewed) by
    whoever reaches that unit and may see the matter."""
    return may_see(user, draft.petition) and org_permissions.reaches(user, [draft.unit_id])
