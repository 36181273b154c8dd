"""The staff transitions of a matter: forward, sign, return, accept, decline,
assign, extend, hearings, conclude, merge, the accused and the accuser's identity.
Each is `FRAME.action(name)` over its row of workflow.TABLE (services/frame.py)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from xinfang.core import calendar, law
from xinfang.core.calendar import Clock
from xinfang.core.exceptions import Conflict, InvalidInput
from xinfang.orgs.models import ACCUSABLE_KINDS, Membership, Role, Unit, UnitKind, UnitLink

from .. import workflow
from ..models import (
    CLOSED_STATES,
    ForwardKind,
    Petition,
    PetitionEvent,
    Purpose,
    Recusal,
    Route,
)
from .frame import FRAME, derive_due, recused, require_text, today
from .notify import notify_unit, notify_users, users_with
from .registration import office_is_accused


def territorial_unit(p: Petition) -> Unit | None:
    """The unit with authority over the problem's place: the territorial unit
    directly under the office's territory that holds the place (the township of
    a village), which the forward form preselects. None when the place is the
    territory itself, or, for an accusation, when that unit is the accused."""
    territory = p.office.parent or p.office
    unit = (
        Unit.objects.filter(
            parent=territory,
            kind=UnitKind.TERRITORIAL,
            is_active=True,
            descendant_links__descendant_id=p.place_id,
        )
        .order_by("pk")
        .first()
    )
    if (
        unit is not None
        and p.accusation
        and p.accused_unit_id
        and UnitLink.objects.filter(ancestor_id=p.accused_unit_id, descendant=unit).exists()
    ):
        return None
    return unit


def _check_forward_target(p: Petition, unit: Unit, field: str) -> None:
    """A unit a matter may be sent to (lead or assisting): inside the office's
    area, and for an accusation never the accused nor where the accused decides."""
    territory = p.office.parent or p.office
    if not UnitLink.objects.filter(ancestor=territory, descendant=unit).exists():
        raise InvalidInput(field_errors={field: [_("This unit is outside the office's area.")]})
    if (
        p.accusation
        and p.accused_unit_id
        and UnitLink.objects.filter(ancestor_id=p.accused_unit_id, descendant=unit).exists()
    ):
        # 信访工作条例 Art. 30: an accusation never goes to the one it accuses.
        raise InvalidInput(
            field_errors={field: [_("An accusation may not be forwarded to the unit it accuses.")]}
        )
    if p.accusation and _accused_person_decides(p, unit):
        raise InvalidInput(
            field_errors={
                field: [
                    _(
                        "The accused person holds a post in this unit or above it: "
                        "an accusation may not be forwarded where they decide."
                    )
                ]
            }
        )


@FRAME.action("forward")
def petition_forward(
    p,
    actor,
    *,
    responsible_unit: Unit | None = None,
    kind: str = ForwardKind.TRANSFER,
    handling_requirement: str = "",
    report_back_due=None,
    assisting_units=(),
    reason: str = "",
    note: str = "",
):
    """转送 or 交办 to the unit with authority (within 15 days of receipt, 信访工作条例
    Art. 22). 交办 carries a handling requirement and the date by which the unit
    reports back. Other units may assist the lead unit (协办). The unit of the
    problem's place is the one with authority: sending the matter elsewhere
    needs a reason, on the record."""
    errors: dict[str, list] = {}
    kind = kind or ForwardKind.TRANSFER
    if kind not in ForwardKind.values:
        errors["kind"] = [_("Choose transfer or assignment.")]
    if responsible_unit is None:
        errors["responsible_unit"] = [_("Choose the responsible unit.")]
    handling_requirement = (handling_requirement or "").strip()
    if isinstance(report_back_due, str):
        try:
            report_back_due = dt.date.fromisoformat(report_back_due) if report_back_due else None
        except ValueError:
            errors["report_back_due"] = [_("Give a date.")]
            report_back_due = None
    if kind == ForwardKind.ASSIGN:
        if not handling_requirement:
            errors["handling_requirement"] = [_("Say what the unit must do.")]
        if report_back_due is None and "report_back_due" not in errors:
            errors["report_back_due"] = [_("Give the date by which the unit reports back.")]
        elif report_back_due is not None and report_back_due < today():
            errors["report_back_due"] = [_("The report-back date cannot be in the past.")]
    home = territorial_unit(p)
    reason = (reason or "").strip()
    # The township itself or a unit inside it (a village) is the place's own.
    elsewhere = (
        responsible_unit is not None
        and home is not None
        and not UnitLink.objects.filter(ancestor=home, descendant=responsible_unit).exists()
    )
    if elsewhere and not reason:
        errors["reason"] = [
            _("The problem is in %(unit)s: say why the matter goes to another unit.")
            % {"unit": home.name}
        ]
    if errors:
        raise InvalidInput(field_errors=errors)
    _check_forward_target(p, responsible_unit, "responsible_unit")
    helpers = [u for u in dict.fromkeys(assisting_units or ()) if u != responsible_unit]
    for unit in helpers:
        _check_forward_target(p, unit, "assisting_units")
    p.responsible_unit = responsible_unit
    if p.identity_shared_with_id and p.identity_shared_with_id != responsible_unit.pk:
        # A release of the accuser's identity was to one unit, not to the next.
        p.identity_shared_with = None
    p.handler = None
    p.forwarded_on = today()
    p.forward_kind = kind
    assign = kind == ForwardKind.ASSIGN
    p.handling_requirement = handling_requirement if assign else ""
    p.report_back_due = report_back_due if assign else None
    p.reported_back_on = None
    p.assisting_units.set(helpers)
    data = {
        "responsible_unit": responsible_unit.pk,
        "unit": responsible_unit.name,
        "kind": kind,
    }
    if assign:
        data["requirement"] = handling_requirement
        data["report_back_due"] = report_back_due.isoformat()
    if helpers:
        data["assisting"] = [u.name for u in helpers]
    if elsewhere:
        data["place_unit"] = home.name
        data["reason"] = reason
    if helpers:
        ids = [u.pk for u in helpers]
        notify_users(
            users_with(Role.HANDLER, ids) + users_with(Role.UNIT_HEAD, ids),
            petition=p,
            kind="assist",
            message=_("Assist on %(number)s %(summary)s")
            % {"number": p.number, "summary": p.summary[:60]},
        )
    return {"note": note, "data": data}


def _accused_person_decides(p: Petition, unit: Unit) -> bool:
    """Does the accused staff member hold a membership at `unit` or above it?"""
    if not p.accused_user_id:
        return False
    return UnitLink.objects.filter(
        ancestor__memberships__user_id=p.accused_user_id, descendant=unit
    ).exists()


@FRAME.action("no_longer_accepted")
def petition_no_longer_accepted(p, actor, *, note: str = ""):
    """不再受理: the petition office has compared the matter with the earlier one the
    system suggested and decides the facts and reasons are the same as those
    settled through re-review (信访工作条例 Art. 36(3)). Only then is the notice
    issued."""
    earlier = p.same_as
    if earlier is None or earlier.re_review_issued_on is None:
        raise Conflict(_("No earlier matter settled through re-review is linked."))
    p.route = Route.NO_LONGER_ACCEPTED
    p.repeat = True
    return {
        "note": note,
        "public_text": "",
        "data": {
            "same_as": earlier.number,
            "route": Route.NO_LONGER_ACCEPTED,
            "basis": law.cite("no_longer_accepted"),
        },
    }


@FRAME.action("not_the_same")
def petition_not_the_same(p, actor, *, note: str = ""):
    """The petition office finds new facts or reasons: the suggestion is cleared
    and the matter goes on as any other (it stays registered)."""
    note = require_text(note, "note", _("Say what is new in the facts or reasons."))
    earlier = p.same_as
    p.same_as = None
    return {"note": note, "data": {"not_same_as": earlier.number if earlier else ""}}


@FRAME.action("decline_intake")
def petition_decline_intake(p, actor, *, route: str = "", reason: str = ""):
    return _decline_common(p, route=route, reason=reason)


def _decline_common(p, *, route, reason):
    if route not in Route.values or route == Route.NO_LONGER_ACCEPTED and not p.same_as_id:
        raise InvalidInput(
            field_errors={"route": [_("Choose the route the petitioner is told to take.")]}
        )
    reason = require_text(reason, "reason", _("Give the reason."))
    p.route = route
    return {
        "note": reason,
        "public_text": reason,
        "data": {"route": route, "basis": law.cite(*workflow.ROUTE_BASES[route])},
    }


@FRAME.action("sign")
def petition_sign(p, actor):
    """签收: the handler takes the matter for the unit."""
    if recused(actor, p):
        raise InvalidInput(
            field_errors={"handler": [_("You declared an interest in this matter.")]}
        )
    p.handler = actor
    p.forwarded_on = p.forwarded_on or today()
    data = {"handler": actor.pk}
    if p.return_requested_on:
        # Signing for the matter withdraws the unit's own objection.
        data["return_withdrawn"] = _close_return(p)
    # The 15 days to decide on acceptance run from the day the unit received it (Art. 23(3)).
    return {"data": data, "clock_start": p.forwarded_on}


@FRAME.action("return")
def petition_return(p, actor, *, reason: str = ""):
    """退回: the unit objects, with detailed reasons, within 5 working days of
    receiving the matter (信访工作条例 Art. 23(3)). It is only a request: the matter
    stays with the unit, and its clocks keep running, until the forwarding office
    agrees (return_agree) or refuses (return_refuse)."""
    reason = require_text(reason, "reason", _("Say why the matter is returned."))
    limit = calendar.deadline_for(Clock.RETURN_OBJECTION, p.forwarded_on or today(), 0).due
    if today() > limit:
        raise Conflict(
            _("The 5 working days to return this matter ended on %(date)s.")
            % {"date": limit.isoformat()}
        )
    p.return_requested_on = today()
    p.return_reason = reason
    dispatchers = users_with(Role.DISPATCHER, [p.office_id])
    notify_users(
        dispatchers,
        petition=p,
        kind="return",
        message=_("Return asked for: %(number)s %(summary)s")
        % {"number": p.number, "summary": p.summary[:60]},
    )
    return {
        "note": reason,
        "data": {
            "unit": p.responsible_unit.name,
            "limit": limit.isoformat(),
            "basis": law.cite("return_objection"),
        },
    }


def _close_return(p: Petition) -> dict:
    """The pending objection, for the event, and cleared from the row."""
    asked = {
        "asked_on": p.return_requested_on.isoformat() if p.return_requested_on else None,
        "unit": p.responsible_unit.name if p.responsible_unit_id else "",
    }
    p.return_requested_on = None
    p.return_reason = ""
    return asked


@FRAME.action("return_agree")
def petition_return_agree(p, actor, *, note: str = ""):
    """The forwarding office checked the objection and agrees: the matter is back
    with the office, to be forwarded to the unit with authority."""
    data = _close_return(p)
    notify_unit(p, kind="return", message=_("Return agreed: %(number)s") % {"number": p.number})
    p.responsible_unit = None
    p.handler = None
    p.forwarded_on = None
    # The forward clock of Art. 22 counts from the day of receipt, not from the return.
    return {"note": note, "data": {**data, "returned_by_unit": True}, "clock_start": p.received_on}


@FRAME.action("return_refuse")
def petition_return_refuse(p, actor, *, reason: str = ""):
    """The forwarding office refuses the return, with its reason: the matter stays
    with the unit, whose clocks ran all along."""
    reason = require_text(reason, "reason", _("Say why the return is refused."))
    data = _close_return(p)
    notify_unit(p, kind="return", message=_("Return refused: %(number)s") % {"number": p.number})
    return {"note": reason, "data": data}


@FRAME.action("accept")
def petition_accept(p, actor):
    """受理, with a written notice (信访工作条例 Art. 23(3))."""
    p.accepted_on = today()
    p.handler = p.handler or actor
    appeal = p.purpose == Purpose.APPEAL  # only an appeal runs the 60 days (Art. 34)
    due = calendar.deadline_for(Clock.HANDLE, p.accepted_on).due if appeal else None
    return {
        "data": {
            "notice": "acceptance",
            "unit": p.responsible_unit.name,
            "due": due.isoformat() if due else None,
            "basis": law.cite("accept_forwarded", *(["handle_period"] if appeal else [])),
        },
    }


@FRAME.action("decline")
def petition_decline(p, actor, *, route: str = "", reason: str = ""):
    return _decline_common(p, route=route, reason=reason)


@FRAME.action("assign")
def petition_assign(p, actor, *, handler=None):
    if handler is None:
        raise InvalidInput(field_errors={"handler": [_("Choose the handler.")]})
    if not Membership.objects.filter(
        user=handler, unit_id=p.responsible_unit_id, role=Role.HANDLER
    ).exists():
        raise InvalidInput(
            field_errors={"handler": [_("The handler must belong to the responsible unit.")]}
        )
    if recused(handler, p):
        raise InvalidInput(
            field_errors={
                "handler": [
                    _("This person declared an interest in the matter and cannot be assigned.")
                ]
            }
        )
    p.handler = handler
    return {"data": {"handler": handler.pk}}


@FRAME.action("report_back")
def petition_report_back(p, actor, *, report: str = ""):
    """交办: the responsible unit reports back to the office on what it did."""
    report = require_text(report, "report", _("Say what the unit did."))
    p.reported_back_on = today()
    late = bool(p.report_back_due and p.reported_back_on > p.report_back_due)
    notify_users(
        users_with(Role.DISPATCHER, [p.office_id]),
        petition=p,
        kind="report_back",
        message=_("Reported back: %(number)s %(summary)s")
        % {"number": p.number, "summary": p.summary[:60]},
    )
    return {
        "note": report,
        "data": {
            "unit": p.responsible_unit.name if p.responsible_unit_id else "",
            "due": p.report_back_due.isoformat() if p.report_back_due else None,
            "late": late,
        },
    }


@FRAME.action("contribute")
def petition_contribute(p, actor, *, note: str = ""):
    """协办: an assisting unit's contribution, on the matter's timeline."""
    note = require_text(note, "note", _("Say what your unit contributes."))
    return {"note": note, "data": {}}


@FRAME.action("declare_interest")
def petition_declare_interest(p, actor, *, reason: str = ""):
    """回避: the actor declares a direct interest; they are never assigned the matter."""
    reason = require_text(reason, "reason", _("Say what the interest is."))
    Recusal.objects.get_or_create(petition=p, user=actor, defaults={"reason": reason[:200]})
    if p.handler_id == actor.pk:
        p.handler = None
    return {"note": reason}


@FRAME.action("extend")
def petition_extend(p, actor, *, days: int | None = None, reason: str = ""):
    """One extension of at most 30 days, approved by the unit head, reason told (Art. 34)."""
    try:
        days = int(days)
    except (TypeError, ValueError):
        raise InvalidInput(field_errors={"days": [_("Give the number of days.")]}) from None
    cap = calendar.CLOCKS[Clock.EXTENSION_MAX].period
    if not 1 <= days <= cap:
        raise InvalidInput(field_errors={"days": [_("At most %(days)d days.") % {"days": cap}]})
    reason = require_text(reason, "reason", _("Give the reason told to the petitioner."))
    p.extension_days = days
    derive_due(p)
    return {
        "note": reason,
        "public_text": reason,
        "data": {
            "notice": "extension",
            "days": days,
            "due": p.due_date.isoformat(),
            "basis": law.cite("handle_period"),
        },
    }


@FRAME.action("hearing_start")
def petition_hearing_start(p, actor, *, note: str = ""):
    """听证: the time a public hearing takes is not counted (Art. 36(2))."""
    p.hearing_started_on = today()
    derive_due(p)
    return {
        "note": note,
        "data": {"hearing": "start"},
    }


@FRAME.action("hearing_end")
def petition_hearing_end(p, actor, *, note: str = ""):
    days = (today() - p.hearing_started_on).days
    p.paused_days += days
    p.hearing_started_on = None
    derive_due(p)
    return {
        "note": note,
        "data": {"hearing": "end", "paused_days": days},
    }


@FRAME.action("conclude")
def petition_conclude(p, actor, *, note: str = ""):
    """审核认定办结."""
    p.concluded_reason = "verified"
    return {"note": note, "data": {"reason": "verified"}}


@FRAME.action("set_accused")
def petition_set_accused(
    p,
    actor,
    *,
    accusation: bool = True,
    accused_unit: Unit | None = None,
    accused_user=None,
    accused_name: str = "",
    note: str = "",
    **_ignored,
):
    """The petition office marks a matter as an accusation, names or corrects the
    accused unit and person, or clears them (信访工作条例 Art. 30). An accusation
    against the unit that now handles the matter cannot be set: the office first
    gets it back (the unit returns it), so it is never left with the accused."""
    accusation = bool(accusation)
    if not accusation and (accused_unit is not None or accused_user is not None or accused_name):
        raise InvalidInput(
            field_errors={"accusation": [_("Only an accusation names the accused.")]}
        )
    if accused_unit is not None and accused_unit.kind not in ACCUSABLE_KINDS:
        raise InvalidInput(
            field_errors={
                "accused_unit": [_("Choose a government unit, a department or a village.")]
            }
        )
    holders = [u for u in (p.responsible_unit_id, p.review_unit_id, p.re_review_unit_id) if u]
    if (
        accused_unit is not None
        and UnitLink.objects.filter(ancestor=accused_unit, descendant_id__in=holders).exists()
    ):
        raise Conflict(
            _(
                "The matter is with the unit you name as accused, or a unit under it: "
                "get it back first."
            )
        )
    previous = {
        "accusation": p.accusation,
        "accused_unit": p.accused_unit.name if p.accused_unit_id else "",
        "accused_user": p.accused_user_id,
        "accused_name": p.accused_name,
    }
    p.accusation = accusation
    p.accused_unit = accused_unit
    p.accused_user = accused_user
    p.accused_name = (accused_name or "").strip()[:60]
    p.office_accused = accusation and office_is_accused(p.office, accused_unit)
    if accused_user is not None and any(_accused_person_decides(p, Unit(pk=u)) for u in holders):
        raise Conflict(
            _("The accused person holds a post where the matter now is: get it back first.")
        )
    if not accusation:
        p.identity_shared_with = None
    return {
        "note": note,
        "data": {
            "previous": previous,
            "accusation": accusation,
            "accused_unit": accused_unit.name if accused_unit is not None else "",
            "accused_user": accused_user.pk if accused_user is not None else None,
            "accused_name": p.accused_name,
        },
    }


@FRAME.action("share_identity")
def petition_share_identity(p, actor, *, share: bool = True, note: str = ""):
    """The petition office releases the accuser's identity and contact data to the
    unit now handling the accusation, or withdraws the release; on the record."""
    note = require_text(note, "note", _("Say why."))
    if share:
        if p.responsible_unit_id is None:
            raise Conflict(_("The matter has not been sent to a unit yet."))
        p.identity_shared_with_id = p.responsible_unit_id
    else:
        p.identity_shared_with = None
    unit = p.responsible_unit.name if share and p.responsible_unit_id else ""
    return {"note": note, "data": {"share": bool(share), "unit": unit}}


@FRAME.action("merge")
def petition_merge(p, actor, *, into: Petition | None = None, note: str = ""):
    """并案: this matter is about the same thing as `into`; both timelines are kept."""
    if into is None or into.pk == p.pk:
        raise InvalidInput(field_errors={"into": [_("Choose the matter to merge into.")]})
    if into.accusation != p.accusation:
        # An accusation merged into an ordinary matter would follow it to its unit.
        raise InvalidInput(
            field_errors={"into": [_("An accusation is merged only with another accusation.")]}
        )
    if into.state in CLOSED_STATES or into.merged_into_id:
        raise InvalidInput(field_errors={"into": [_("That matter is closed.")]})
    if into.office_id != p.office_id:
        raise InvalidInput(
            field_errors={"into": [_("Both matters must belong to the same petition office.")]}
        )
    p.merged_into = into
    p.concluded_reason = "merged"
    PetitionEvent.record(
        into,
        action="merged_in",
        actor=actor,
        from_state=into.state,
        public=True,
        data={"merged": p.pk, "number": p.number},
    )
    return {
        "note": note,
        "data": {"into": into.pk, "number": into.number},
    }
