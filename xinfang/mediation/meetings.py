"""The township's weekly meeting on its ledger (周碰头会): agenda, decisions, minutes.

The agenda is built from the ledger for a week (Monday to Sunday, Beijing dates):
disputes new this week, those past their deadline, and those still unresolved
from before; with the villages that missed a day's report. At the meeting each item
is classified, sent to a body (the township's mediation centre, a professional
committee by type, or kept with the township), given a responsible leader, a
responsible person and a deadline. Each decision is written on the dispute in the
same transaction as its DisputeEvent ("meeting_decision"). Closing the minutes
freezes the meeting: nothing on it changes afterwards.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from xinfang.core import calendar
from xinfang.core.exceptions import Conflict, InvalidInput, NotFound, PermissionDenied
from xinfang.core.inputs import check_date, date_error
from xinfang.orgs.models import Membership, Unit, UnitKind, UnitLink

from . import permissions as policy
from .models import (
    OPEN_DISPUTE_STATES,
    AgendaReason,
    Dispute,
    DisputeParty,
    DisputeState,
    DisputeType,
    MediationCase,
    Meeting,
    MeetingItem,
)
from .permissions import township_ids_for
from .screening import missing_reports_week, week_of
from .services import route_to
from .workflow import DISPUTE, MEETING, OPEN_CASE_STATES

User = get_user_model()

# The value of the "sent to" choice that keeps a dispute with the township itself.
KEEP_WITH_TOWNSHIP = "township"
# Who may be named the responsible leader: staff of the township or the city with
# one of these roles (the liaison and the analyst answer for no dispute).
LEADER_ROLES = ("leader", "unit_head", "handler", "dispatcher", "supervisor", "mediator")


# --- reading ---------------------------------------------------------------------------


def visible_meetings(user) -> QuerySet[Meeting]:
    return policy.visible(user, "meeting")


def meeting_list(*, user, township_id: int | None = None) -> QuerySet[Meeting]:
    qs = visible_meetings(user).select_related("township")
    if township_id:
        qs = qs.filter(township_id=township_id)
    return qs.order_by("-week_start", "township__sort_order")


def meeting_get(*, user, pk) -> Meeting:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound() from None
    meeting = (
        visible_meetings(user)
        .select_related("township", "created_by")
        .prefetch_related(
            Prefetch(
                "items",
                # Everything ledger.row and the decision form read, so the page
                # and the API make the same number of queries for 2 items or 80.
                queryset=MeetingItem.objects.select_related(
                    "dispute",
                    "dispute__place",
                    "dispute__place__parent",
                    "dispute__township",
                    "dispute__body",
                    "dispute__responsible_leader",
                    "body",
                    "responsible_leader",
                )
                .prefetch_related(
                    Prefetch(
                        "dispute__parties", queryset=DisputeParty.objects.order_by("sort_order")
                    )
                )
                .annotate(
                    has_open_case=Exists(
                        MediationCase.objects.filter(
                            dispute=OuterRef("dispute_id"), state__in=OPEN_CASE_STATES
                        )
                    )
                )
                .order_by("id"),
            )
        )
        .filter(pk=pk)
        .first()
    )
    if meeting is None:
        raise NotFound()
    return meeting


def meeting_missing(meeting: Meeting, today: dt.date | None = None) -> list[dict]:
    """Villages that missed days of the meeting's week; frozen when the minutes close."""
    if meeting.closed and "missing" in meeting.data:
        by_pk = {
            u.pk: u
            for u in Unit.objects.filter(pk__in=[m["village"] for m in meeting.data["missing"]])
        }
        return [
            {
                "village": by_pk.get(m["village"]),
                "days": [dt.date.fromisoformat(d) for d in m["days"]],
                "count": len(m["days"]),
            }
            for m in meeting.data["missing"]
            if m["village"] in by_pk
        ]
    return missing_reports_week(meeting.township, meeting.week_start, today)


def body_choices(township: Unit) -> list[tuple[str, str]]:
    """Where an item may be sent: the township's mediation centre, a professional
    committee (by type), or kept with the township."""
    centre = Unit.objects.filter(
        parent=township, kind=UnitKind.MEDIATION_CENTRE, is_active=True
    ).first()
    committees = Unit.objects.filter(
        kind=UnitKind.MEDIATION_COMMITTEE,
        is_active=True,
        ancestor_links__ancestor__in=UnitLink.objects.filter(descendant=township).values(
            "ancestor_id"
        ),
    ).order_by("sort_order", "code")
    choices = [(KEEP_WITH_TOWNSHIP, _("Kept with the township"))]
    if centre is not None:
        choices.append((str(centre.pk), centre.name))
    choices += [(str(c.pk), c.name) for c in committees.distinct()]
    return choices


def suggested_bodies(township: Unit) -> dict[str, str]:
    """For each type of dispute, where the agenda suggests sending it: a professional
    committee for the eight types it mediates, else the centre. Two queries for the
    whole agenda (the page asks for every undecided item)."""
    committees: dict[str, str] = {}
    for unit in Unit.objects.filter(kind=UnitKind.MEDIATION_COMMITTEE, is_active=True):
        committees.setdefault(unit.mediation_type, str(unit.pk))  # the first in tree order
    centre = Unit.objects.filter(parent=township, kind=UnitKind.MEDIATION_CENTRE).first()
    fallback = str(centre.pk) if centre else KEEP_WITH_TOWNSHIP
    return {
        t: committees.get(DisputeType.committee_type(t)) or fallback for t in DisputeType.values
    }


def suggested_body(township: Unit, dispute_type: str) -> str:
    """A professional committee for the eight types it mediates, else the centre."""
    return suggested_bodies(township).get(dispute_type, KEEP_WITH_TOWNSHIP)


def body_is_fixed(dispute: Dispute, has_open_case: bool | None = None) -> bool:
    """Whether the meeting may no longer move the dispute: a mediation case is open
    on it (or it is being mediated). The case stays at its body; the meeting names
    who answers for it and by when, and moving it is the case services' work
    (pass it up, or end the case first)."""
    if dispute.state == DisputeState.MEDIATING:
        return True
    if has_open_case is None:
        has_open_case = dispute.cases.filter(state__in=OPEN_CASE_STATES).exists()
    return bool(has_open_case)


def leader_choices(township: Unit) -> QuerySet:
    """Users with a role in the township (or one of its offices) or above it."""
    above = UnitLink.objects.filter(descendant=township).values("ancestor_id")
    offices = Unit.objects.filter(parent=township).exclude(kind=UnitKind.TERRITORIAL).values("pk")
    users = (
        Membership.objects.filter(
            Q(unit_id__in=above) | Q(unit_id__in=offices), role__in=LEADER_ROLES
        )
        .values("user_id")
        .distinct()
    )
    return User.objects.filter(pk__in=users, is_active=True).order_by("username")


# --- the agenda ------------------------------------------------------------------------------


def agenda_for(township: Unit, week_start: dt.date, on: dt.date) -> list[tuple[Dispute, str]]:
    """The open disputes of the township for the week starting `week_start`, as seen
    on `on` (the meeting's day): overdue (deadline before `on`) first, then new this
    week, then unresolved from before. What arrives after the meeting's day waits
    for a refresh of the agenda or the next week's meeting."""
    last = min(week_start + dt.timedelta(days=6), on)
    disputes = Dispute.objects.filter(
        township=township, state__in=OPEN_DISPUTE_STATES, received_on__lte=last
    ).order_by("received_on", "id")
    items = []
    for d in disputes:
        if d.deadline and d.deadline < on:
            reason = AgendaReason.OVERDUE
        elif d.received_on >= week_start:
            reason = AgendaReason.NEW
        else:
            reason = AgendaReason.UNRESOLVED
        items.append((d, reason))
    order = {AgendaReason.OVERDUE: 0, AgendaReason.NEW: 1, AgendaReason.UNRESOLVED: 2}
    return sorted(items, key=lambda x: order[x[1]])


def _check_run(actor, township: Unit) -> None:
    if not policy.may_read_ledger(actor, township):
        raise NotFound()
    if not policy.may_run_meeting(actor, township):
        raise PermissionDenied(_("Only the township's staff run its weekly meeting."))


def meeting_create(
    *,
    actor,
    township: Unit,
    held_on: dt.date | None = None,
    week_start: dt.date | None = None,
    chair: str = "",
    attendees: str = "",
) -> Meeting:
    """Open the week's meeting for a township with its agenda. One per township and
    week: a second one is a 409 naming the first."""
    _check_run(actor, township)
    today = calendar.today()
    check_date(held_on, "held_on")
    check_date(week_start, "week_start")
    held_on = held_on or today
    week_start = week_start or week_of(held_on)[0]
    errors = {}
    if week_start.weekday() != 0:
        errors["week_start"] = [_("A week starts on a Monday.")]
    if held_on > today:
        errors["held_on"] = [_("Record the meeting on the day it is held, not before.")]
    elif not week_start <= held_on <= week_start + dt.timedelta(days=13):
        errors["held_on"] = [_("The meeting is held in its week or the week after.")]
    if errors:
        raise InvalidInput(field_errors=errors)
    try:
        with transaction.atomic():
            meeting = Meeting.objects.create(
                township=township,
                held_on=held_on,
                week_start=week_start,
                chair=(chair or "").strip()[:60],
                attendees=(attendees or "").strip(),
                created_by=actor,
            )
            _add_items(meeting)
    except IntegrityError:
        existing = Meeting.objects.filter(township=township, week_start=week_start).first()
        if existing is None:
            raise
        exc = Conflict(_("This township already has a meeting for that week."))
        exc.meeting = existing
        raise exc from None
    return meeting


def _add_items(meeting: Meeting) -> int:
    have = set(meeting.items.values_list("dispute_id", flat=True))
    new = [
        MeetingItem(meeting=meeting, dispute=d, reason=reason, classified_type=d.type)
        for d, reason in agenda_for(meeting.township, meeting.week_start, meeting.held_on)
        if d.pk not in have
    ]
    MeetingItem.objects.bulk_create(new)
    return len(new)


@MEETING.action("refresh_agenda", service_name="_refresh_agenda")
def _refresh_agenda(meeting: Meeting, actor) -> dict:
    meeting.added = _add_items(meeting)


def meeting_refresh_agenda(*, actor, meeting: Meeting, version: int | None = None) -> int:
    """Add what came into the ledger since the agenda was built; returns how many."""
    return _refresh_agenda(actor=actor, meeting=meeting.pk, version=version).added


@MEETING.action("decide", service_name="_decide")
def _decide(
    meeting: Meeting,
    actor,
    *,
    item: int,
    classified_type: str,
    body: str,
    responsible_leader,
    responsible_person: str,
    deadline: dt.date | None,
    decision: str = "",
    as_of: dt.date | None = None,
) -> None:
    today = as_of or calendar.today()
    item = MeetingItem.objects.select_related("dispute").get(pk=item, meeting=meeting)
    dispute = Dispute.objects.select_for_update().get(pk=item.dispute_id)
    fixed = body_is_fixed(dispute)
    errors: dict[str, list[str]] = {}
    if classified_type not in DisputeType.values:
        errors["classified_type"] = [_("Choose the type of dispute.")]
    body = str(body or "")
    if fixed:
        # The form shows the case's body read-only and sends nothing (or it).
        if body not in ("", str(dispute.body_id)):
            errors["body"] = [
                _(
                    "A mediation case is open on this dispute at %(body)s; the meeting "
                    "cannot send it elsewhere. Pass it up or end the case first."
                )
                % {"body": dispute.body.name if dispute.body else "—"}
            ]
    elif body not in dict(body_choices(meeting.township)):
        errors["body"] = [_("Choose where the dispute is sent.")]
    leader_id = getattr(responsible_leader, "pk", responsible_leader)
    leader = leader_choices(meeting.township).filter(pk=leader_id).first() if leader_id else None
    if leader is None:
        errors["responsible_leader"] = [
            _("Choose a leader with a role in the township or the city.")
        ]
    responsible_person = (responsible_person or "").strip()
    if not responsible_person:
        errors["responsible_person"] = [_("Name the person responsible.")]
    if deadline is None:
        errors["deadline"] = [_("Give the deadline.")]
    elif deadline < today:
        errors["deadline"] = [_("The deadline cannot be in the past.")]
    elif date_error(deadline):
        errors["deadline"] = [date_error(deadline)]
    if errors:
        raise InvalidInput(field_errors=errors)
    if not dispute.is_open:
        raise Conflict(_("This dispute is no longer open; it needs no decision."))

    if fixed:
        body_unit = dispute.body
    else:
        body_unit = None if body == KEEP_WITH_TOWNSHIP else Unit.objects.get(pk=int(body))
    item.classified_type = classified_type
    item.body = body_unit
    item.responsible_leader = leader
    item.responsible_person = responsible_person[:60]
    item.deadline = deadline
    item.decision = (decision or "").strip()
    item.decided_at = timezone.now()
    item.save()
    meeting.decided = item

    from_state = dispute.state
    before = {
        "type": dispute.type,
        "body": dispute.body_id,
        "responsible_leader": dispute.responsible_leader_id,
        "responsible_person": dispute.responsible_person,
        "deadline": dispute.deadline.isoformat() if dispute.deadline else None,
    }
    dispute.type = classified_type
    dispute.responsible_leader = leader
    dispute.responsible_person = responsible_person[:60]
    dispute.deadline = deadline
    moves = not fixed and getattr(body_unit, "pk", None) != dispute.body_id
    if not fixed:
        dispute.data = {**dispute.data, "kept_by_township": body_unit is None}
    if moves and body_unit is None:
        # Kept with the township: back in its hands, as before any routing.
        dispute.body = None
        dispute.current_level = dispute.arose_level
        DISPUTE.move(dispute, "keep_with_township", actor=actor, record=False)
    elif moves:
        # Sent to a body: routed as dispute_route does (its state, level and
        # "route" event).
        route_to(dispute, body_unit, actor=actor, note=item.decision)
    DISPUTE.move(
        dispute,
        "meeting_decision",
        actor=actor,
        unit=meeting.township,
        from_state=from_state,
        note=item.decision,
        data={
            "meeting": meeting.pk,
            "item": item.pk,
            "week_start": meeting.week_start.isoformat(),
            "before": before,
            "type": classified_type,
            "body": body_unit.pk if body_unit else None,
            "body_fixed": fixed,
            "responsible_leader": leader.pk,
            "responsible_person": dispute.responsible_person,
            "deadline": deadline.isoformat(),
        },
    )


def meeting_decide_item(
    *,
    actor,
    item: MeetingItem,
    classified_type: str,
    body: str,
    responsible_leader,
    responsible_person: str,
    deadline: dt.date | None,
    decision: str = "",
    as_of: dt.date | None = None,
    version: int | None = None,
) -> MeetingItem:
    """Decide one item: classify it, send it to a body, name who answers for it and by
    when. Writes the dispute's fields and its "meeting_decision" event together.

    Sending it to a body routes it as dispute_route does (routed, at the body's
    level, with a "route" event); keeping it with the township takes it back to
    reported. A dispute with an open case (or being mediated) stays at the case's
    body: the meeting names its leader, person and deadline but cannot move it
    (400 on `body`); moving it is the case services' work. Opening a case, with
    consent and mediators, stays with the case services too. `as_of` stands for
    today when history is loaded (the demo); pages and the API never pass it."""
    meeting = _decide(
        actor=actor,
        meeting=item.meeting_id,
        item=item.pk,
        classified_type=classified_type,
        body=body,
        responsible_leader=responsible_leader,
        responsible_person=responsible_person,
        deadline=deadline,
        decision=decision,
        as_of=as_of,
        version=version,
    )
    return meeting.decided


@MEETING.action("save_minutes", service_name="_save_minutes")
def _save_minutes(
    meeting: Meeting, actor, *, chair: str, attendees: str, minutes: str, held_on=None
) -> None:
    if held_on is not None:
        check_date(held_on, "held_on")
        if held_on > calendar.today():
            raise InvalidInput(
                field_errors={
                    "held_on": [_("Record the meeting on the day it is held, not before.")]
                }
            )
        meeting.held_on = held_on
    meeting.chair = (chair or "").strip()[:60]
    meeting.attendees = (attendees or "").strip()
    meeting.minutes = (minutes or "").strip()


def meeting_minutes_save(
    *,
    actor,
    meeting: Meeting,
    chair: str,
    attendees: str,
    minutes: str,
    held_on: dt.date | None = None,
    version: int | None = None,
) -> Meeting:
    return _save_minutes(
        actor=actor,
        meeting=meeting.pk,
        chair=chair,
        attendees=attendees,
        minutes=minutes,
        held_on=held_on,
        version=version,
    )


@MEETING.action("close", service_name="_close")
def _close(meeting: Meeting, actor) -> None:
    errors: dict[str, list[str]] = {}
    if not meeting.chair:
        errors["chair"] = [_("Name the chair.")]
    if not meeting.attendees:
        errors["attendees"] = [_("List who attended.")]
    if not meeting.minutes:
        errors["minutes"] = [_("Write the minutes.")]
    undecided = meeting.items.filter(decided_at__isnull=True).count()
    if undecided:
        errors["items"] = [_("%(n)d agenda items have no decision yet.") % {"n": undecided}]
    if errors:
        raise InvalidInput(_("The minutes cannot be closed yet."), field_errors=errors)
    missing = missing_reports_week(meeting.township, meeting.week_start, meeting.held_on)
    meeting.data = {
        **meeting.data,
        "closed_at": timezone.now().isoformat(),
        "closed_by": actor.pk,
        "missing": [
            {"village": m["village"].pk, "days": [d.isoformat() for d in m["days"]]}
            for m in missing
        ],
    }


def meeting_close(*, actor, meeting: Meeting, version: int | None = None) -> Meeting:
    """Close the minutes: needs the chair, who attended, the minutes' text and a
    decision on every item. Freezes the list of villages that missed a report."""
    return _close(actor=actor, meeting=meeting.pk, version=version)


def this_weeks_meeting(user, today: dt.date | None = None) -> list[tuple[Unit, Meeting | None]]:
    """For the start page: each township the user meets for, and this week's meeting."""
    today = today or calendar.today()
    start, _end = week_of(today)
    ids = township_ids_for(user, "run_meeting")
    meetings = {
        m.township_id: m for m in Meeting.objects.filter(township_id__in=ids, week_start=start)
    }
    # The townships with open disputes (or a meeting this week) come first, most
    # disputes first: a city role meeting for many townships sees those with work,
    # not the first few of the tree. One's own single township is always shown.
    busy = dict(
        Dispute.objects.filter(township_id__in=ids, state__in=OPEN_DISPUTE_STATES)
        .order_by()
        .values("township_id")
        .annotate(n=Count("pk"))
        .values_list("township_id", "n")
    )
    townships = [
        t
        for t in Unit.objects.filter(pk__in=ids).order_by("sort_order", "code")
        if len(ids) == 1 or busy.get(t.pk) or t.pk in meetings
    ]
    townships.sort(key=lambda t: -busy.get(t.pk, 0))
    return [(t, meetings.get(t.pk)) for t in townships[:20]]


def meeting_of_week(township: Unit, held_on: dt.date | None) -> Meeting | None:
    """The township's meeting of the week `held_on` falls in (one per week)."""
    week_start = week_of(held_on or calendar.today())[0]
    return Meeting.objects.filter(township=township, week_start=week_start).first()
