"""群众评议 / 听证: every write on a hearing.

`hearing_schedule` is the one way a hearing is made. On a matter under re-review
it is the re-review organ's hearing (听证, 信访工作条例 第三十六条第二款, law key
`hearing`): it takes the matter's own `hearing_start` (petitions.services
.petition_hearing_start), so the re-review period stops; holding or cancelling it
takes `hearing_end`, so the period runs again, longer by the hearing's days. In
any other state it is a public evaluation (群众评议) and touches no clock: the
law leaves no other period out (docs/clocks.md, "Hearings and the clock").

The later moves go through the frame (workflow.HEARING): lock → state and version
(409) → permission (403) → the body's checks (400) → new state, version, event.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from xinfang.core import calendar, idempotency, numbering, pii
from xinfang.core.exceptions import Conflict, InvalidInput, NotFound, PermissionDenied
from xinfang.petitions import permissions as petition_policy
from xinfang.petitions import services as petition_services
from xinfang.petitions.models import OPEN_STATES, Petition, State

from .. import permissions as policy
from ..models import Hearing, HearingEvent, HearingKind, HearingParticipant, ParticipantRole
from ..workflow import HEARING

MAX_PARTICIPANTS = 60


def _text(errors: dict, field: str, value, message) -> str:
    value = (value or "").strip()
    if not value:
        errors[field] = [message]
    return value


def _participant(errors: dict, key: str, row: dict) -> dict:
    """One invited participant, cleaned; its errors under `key` ("participants.0.name")."""
    name = (row.get("name") or "").strip()
    role = (row.get("role") or "").strip()
    phone = (row.get("phone") or "").strip()
    if not name:
        errors[f"{key}name"] = [_("Give the participant's name.")]
    if role not in ParticipantRole.values:
        errors[f"{key}role"] = [_("Choose the participant's role.")]
    if phone:
        try:
            phone = pii.validate_phone(phone)
        except ValidationError as exc:
            errors[f"{key}phone"] = list(exc.messages)
    return {
        "name": name[:60],
        "role": role,
        "phone": phone,
        "affiliation": (row.get("affiliation") or "").strip()[:120],
    }


def _date_error(date, received_on: dt.date) -> str | None:
    """A hearing is held on the matter, so not before the matter was received, and
    within the years the calendar knows."""
    if not isinstance(date, dt.date):
        return _("Give the date of the hearing.")
    if date < received_on:
        return _("A hearing on a matter is not held before the matter was received.")
    if date.year > calendar.today().year + 1:
        return _("Give a date within the coming year.")
    return None


def _check_when_where(errors: dict, *, date, place, host, received_on: dt.date) -> dict:
    problem = _date_error(date, received_on)
    if problem:
        errors["date"] = [problem]
    return {
        "place": _text(errors, "place", place, _("Give the place of the hearing.")),
        "host": _text(errors, "host", host, _("Name who hosts the hearing.")),
    }


@transaction.atomic
def hearing_schedule(
    *,
    actor,
    petition: Petition,
    date: dt.date,
    place: str,
    host: str,
    topic: str = "",
    participants: list[dict] | tuple = (),
    idempotency_key: str | None = None,
    idempotency_fingerprint: str = "",
) -> Hearing:
    """Schedule a hearing on a matter. 404 when the actor may not see it; 409 when
    it is closed or a hearing is already scheduled on it; 403 when the actor may
    not hold one (in re-review: is not the re-review organ's handler); 400 for the
    fields. `participants`: dicts with name, role, phone, affiliation."""
    p = Petition.objects.select_for_update().filter(pk=getattr(petition, "pk", None)).first()
    if p is None or not petition_policy.may_see(actor, p):
        raise NotFound()
    if p.state not in OPEN_STATES:
        raise Conflict(_("This matter is closed; no hearing is held on it."))
    if Hearing.objects.filter(petition=p, state="scheduled").exists():
        raise Conflict(_("A hearing is already scheduled on this matter."))
    in_re_review = p.state == State.UNDER_RE_REVIEW
    if not policy.may_hold_hearing(actor, p):
        raise PermissionDenied(
            _("Only a leader, a supervisor, the petition office or the handling unit over "
              "this matter may do this.")
        )  # fmt: skip
    if in_re_review and not policy.may_pause_for_hearing(actor, p):
        raise PermissionDenied(
            _("In re-review the hearing is the re-review organ's: only its handlers may do "
              "this.")
        )  # fmt: skip
    errors: dict[str, list[str]] = {}
    clean = _check_when_where(errors, date=date, place=place, host=host, received_on=p.received_on)
    if len(participants) > MAX_PARTICIPANTS:
        errors["participants"] = [_("Too many participants.")]
    rows = [_participant(errors, f"participants.{i}.", r) for i, r in enumerate(participants)]
    if errors:
        raise InvalidInput(field_errors=errors)
    if in_re_review:
        # The matter's own step: its clock stops (Art. 36(2)); its timeline says so.
        petition_services.petition_hearing_start(
            actor=actor, petition_id=p.pk, note=_("Hearing on %(date)s at %(place)s")
            % {"date": date.isoformat(), "place": clean["place"]}
        )  # fmt: skip
    unit = policy.hearing_unit(actor, p)
    try:
        with transaction.atomic():
            hearing = Hearing.objects.create(
                petition=p,
                number=numbering.next_number(f"H{calendar.today().year}", width=4),
                kind=HearingKind.HEARING if in_re_review else HearingKind.EVALUATION,
                pauses_clock=in_re_review,
                unit=unit,
                date=date,
                topic=(topic or "").strip(),
                created_by=actor if getattr(actor, "pk", None) else None,
                idempotency_key=idempotency_key or None,
                idempotency_fingerprint=idempotency_fingerprint if idempotency_key else "",
                **clean,
            )
    except IntegrityError:
        raise Conflict(_("A hearing is already scheduled on this matter.")) from None
    HearingParticipant.objects.bulk_create(
        [HearingParticipant(hearing=hearing, order=i, **r) for i, r in enumerate(rows)]
    )
    HearingEvent.record(
        hearing,
        action="scheduled",
        actor=actor,
        actor_unit=policy.acting_unit_on_matter(actor, p),
        data={
            "petition": p.number,
            "kind": hearing.kind,
            "pauses_clock": in_re_review,
            "date": date.isoformat(),
            "participants": len(rows),
        },
    )
    return hearing


def hearing_replay(*, actor, idempotency_key: str | None, fingerprint: str) -> Hearing | None:
    """The hearing an earlier request with this (user-scoped) key made, if the key
    is in force and the request is the same (another request: 409)."""
    if not idempotency_key:
        return None
    existing = Hearing.objects.filter(idempotency_key=idempotency_key).first()
    if existing is None:
        return None
    if not idempotency.in_force(existing.created_at):
        Hearing.objects.filter(pk=existing.pk).update(idempotency_key=None)
        return None
    idempotency.check_replay(
        stored_fingerprint=existing.idempotency_fingerprint, fingerprint=fingerprint
    )
    if not policy.may_see_hearing(actor, existing):
        raise NotFound()
    return existing


@HEARING.action("invite")
def hearing_invite(hearing, actor, *, name: str, role: str, phone: str = "", affiliation: str = ""):
    """Invite one more participant."""
    errors: dict[str, list[str]] = {}
    row = _participant(errors, "", {"name": name, "role": role, "phone": phone,
                                    "affiliation": affiliation})  # fmt: skip
    count = hearing.participants.count()
    if count >= MAX_PARTICIPANTS:
        errors["name"] = [_("Too many participants.")]
    if errors:
        raise InvalidInput(field_errors=errors)
    person = HearingParticipant.objects.create(hearing=hearing, order=count, **row)
    return {"note": row["name"], "data": {"participant": person.pk, "role": row["role"]}}


@HEARING.action("reschedule")
def hearing_reschedule(hearing, actor, *, date=None, place: str = "", host: str = "",
                       note: str = ""):  # fmt: skip
    """Another date, place or host (what is not given stays); the old ones on the event."""
    before = {}
    if date is not None and date != hearing.date:
        problem = _date_error(date, hearing.petition.received_on)
        if problem:
            raise InvalidInput(field_errors={"date": [problem]})
        before["date"] = hearing.date.isoformat()
        hearing.date = date
    for field, value in (("place", place), ("host", host)):
        value = (value or "").strip()
        if value and value != getattr(hearing, field):
            before[field] = getattr(hearing, field)
            setattr(hearing, field, value)
    if not before:
        raise InvalidInput(field_errors={"date": [_("Nothing was changed.")]})
    return {"note": note, "data": {"before": before}}


def _end_pause(hearing, actor, note: str) -> int | None:
    """In re-review: the matter's own `hearing_end` (its clock runs again, later by
    the days the hearing took). Returns the days paused, or None (no pause ran)."""
    if not policy.clock_paused_by(hearing):
        return None
    p = petition_services.petition_hearing_end(actor=actor, petition_id=hearing.petition_id,
                                               note=note)  # fmt: skip
    ev = p.events.filter(action="hearing_end").order_by("-at", "-id").first()
    return (ev.data or {}).get("paused_days") if ev is not None else None


@HEARING.action("hold")
def hearing_hold(
    hearing,
    actor,
    *,
    conclusion: str,
    attendance: list[dict] | tuple = (),
    held_on: dt.date | None = None,
    note: str = "",
):
    """Record the hearing: who came (every invited participant, yes or no), what
    each said, the conclusion. In re-review the matter's clock runs again."""
    errors: dict[str, list[str]] = {}
    conclusion = _text(errors, "conclusion", conclusion, _("Give the hearing's conclusion."))
    held_on = held_on or calendar.today()
    if held_on > calendar.today():
        errors["held_on"] = [_("A hearing cannot be recorded before it is held.")]
    people = {pp.pk: pp for pp in hearing.participants.all()}
    given = {}
    for row in attendance:
        try:
            pk = int(row.get("id"))
        except (TypeError, ValueError):
            pk = None
        if pk not in people:
            errors["attendance"] = [_("A participant of another hearing was named.")]
            continue
        given[pk] = row
    if not people:
        errors["attendance"] = [_("Invite the participants before recording the hearing.")]
    elif set(given) != set(people) and "attendance" not in errors:
        errors["attendance"] = [_("Say for every participant whether they came.")]
    elif not any(bool(r.get("attended")) for r in given.values()):
        errors.setdefault("attendance", [_("Nobody attended: cancel the hearing instead.")])
    if errors:
        raise InvalidInput(field_errors=errors)
    for pk, person in people.items():
        person.attended = bool(given[pk].get("attended"))
        person.view = (given[pk].get("view") or "").strip() if person.attended else ""
        person.save(update_fields=["attended", "view"])
    hearing.held_on = held_on
    hearing.conclusion = conclusion
    paused = _end_pause(hearing, actor, _("Hearing held; the re-review period runs again."))
    return {
        "note": note,
        "data": {
            "held_on": held_on.isoformat(),
            "attended": sum(1 for r in given.values() if r.get("attended")),
            "invited": len(people),
            "paused_days": paused,
        },
    }


@HEARING.action("issue")
def hearing_issue(hearing, actor, *, note: str = ""):
    """The minutes are issued (signed and filed): the record is final."""
    hearing.minutes_issued_on = calendar.today()
    return {"note": note, "data": {"issued_on": hearing.minutes_issued_on.isoformat()}}


@HEARING.action("cancel")
def hearing_cancel(hearing, actor, *, reason: str):
    """Call the hearing off. In re-review the matter's clock runs again."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(field_errors={"reason": [_("Say why the hearing is cancelled.")]})
    hearing.cancel_reason = reason
    paused = _end_pause(hearing, actor, _("Hearing cancelled; the re-review period runs again."))
    return {"note": reason, "data": {"paused_days": paused}}


__all__ = [
    "hearing_cancel",
    "hearing_hold",
    "hearing_invite",
    "hearing_issue",
    "hearing_replay",
    "hearing_reschedule",
    "hearing_schedule",
]
