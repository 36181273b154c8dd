"""挂牌督办, 催办 and 领导包案: the supervisor's and the leader's acts on a matter."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from xinfang.core.exceptions import InvalidInput, PermissionDenied
from xinfang.orgs.models import Role, Unit

from .. import permissions
from ..models import CLOSED_STATES, OfficeColourSettings, Petition
from ..selectors import colour_rules
from .frame import FRAME, apply_colour_rules, require_text
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


# --- the office's four colours ---------------------------------------------------------


@transaction.atomic
def office_colour_settings_update(
    *,
    actor,
    office: Unit,
    clocks: list[str] | tuple[str, ...],
    yellow_days: int,
    yellow_percent: int,
) -> OfficeColourSettings:
    """Set which clocks colour the office's matters and when yellow begins
    (DOMAIN.md section 5), then re-derive the colour of its open matters, so
    that every list shows the new rules at once."""
    if not permissions.may_set_colours(actor, office):
        raise PermissionDenied()
    unknown = set(clocks) - set(OfficeColourSettings.CLOCK_FIELDS)
    errors: dict[str, list] = {}
    if unknown:
        errors["clocks"] = [_("Choose among the clocks shown.")]
    if not 0 <= int(yellow_days) <= 60:
        errors["yellow_days"] = [_("Between 0 and 60 days.")]
    if not 0 <= int(yellow_percent) <= 100:
        errors["yellow_percent"] = [_("Between 0 and 100.")]
    if errors:
        raise InvalidInput(field_errors=errors)
    rules = OfficeColourSettings.objects.select_for_update().filter(office=office).first()
    rules = rules or OfficeColourSettings(office=office)
    for clock, field in OfficeColourSettings.CLOCK_FIELDS.items():
        setattr(rules, field, clock in clocks)
    rules.yellow_days = int(yellow_days)
    rules.yellow_percent = int(yellow_percent)
    rules.updated_by = actor
    rules.save()
    recolour_office(office.pk, rules)
    return rules


@transaction.atomic
def recolour_office(office_id: int, rules=None) -> int:
    """Re-derive `clock_colours` and `yellow_from` of the office's open matters
    (a stored derivation of the settings, like the due date of the calendar)."""
    rules = rules or colour_rules(office_id)
    rows = list(
        Petition.objects.select_for_update()
        .filter(office_id=office_id)
        .exclude(state__in=CLOSED_STATES)
        .exclude(clock="")
        .only("pk", "clock", "clock_started_on", "due_date", "yellow_from", "clock_colours")
    )
    changed = []
    for p in rows:
        before = (p.clock_colours, p.yellow_from)
        apply_colour_rules(p, rules)
        if (p.clock_colours, p.yellow_from) != before:
            changed.append(p)
    Petition.objects.bulk_update(changed, ["clock_colours", "yellow_from"], batch_size=500)
    return len(changed)
