"""Every write to a petition matter. One transaction each; each writes its event.

A transition locks the matter's row (SELECT ... FOR UPDATE on PostgreSQL; on
SQLite the IMMEDIATE transaction takes the write lock), checks the actor may
see it (else 404), may take the action (else 403), that the action fits the
state and the version the actor saw (else 409), and the action's own guard
(else 400), then changes the row and appends one event, all or nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xinfang.core import calendar, idempotency, law, notify, numbering, querycode
from xinfang.core import services as core_services
from xinfang.core.calendar import Clock
from xinfang.core.crypto import blind_index
from xinfang.core.exceptions import Conflict, InvalidInput, NotFound, PermissionDenied
from xinfang.core.pii import validate_id_number, validate_phone
from xinfang.core.uploads import check_uploads
from xinfang.orgs import permissions
from xinfang.orgs.models import ACCUSABLE_KINDS, Membership, Role, Unit, UnitKind, UnitLink

from . import chain, selectors, workflow
from .models import (
    CLOSED_STATES,
    Attachment,
    Category,
    Channel,
    Evaluation,
    NoticeService,
    Notification,
    Outcome,
    Petition,
    Petitioner,
    PetitionEvent,
    Purpose,
    Rating,
    Recusal,
    Route,
    ServiceMethod,
    State,
)

log = logging.getLogger(__name__)
User = get_user_model()

MAX_REPRESENTATIVES = 5  # a group visit sends at most 5 representatives (信访工作条例 Art. 20)
COLLECTIVE_FROM = 5  # 集体访: five or more people


# --- helpers ----------------------------------------------------------------------


def _today() -> dt.date:
    return calendar.today()


def _set_clock(p: Petition, *, start: dt.date | None = None) -> None:
    """Start (or re-derive) the clock of the matter's state, through core.calendar.

    The petitioner's windows run from the day the written answer reached them
    ("自收到书面答复之日起", 信访工作条例 Art. 35, 36), `served_on`, not from the day it
    was issued: until service is recorded no window runs and none lapses."""
    clock = workflow.clock_for(p)
    if clock in workflow.PETITIONER_WINDOWS:
        p.clock = clock
        p.clock_started_on = p.served_on
        p.paused_days = 0
        p.hearing_started_on = None
        _derive_due(p)
        return
    if clock is None:
        p.clock = ""
        p.clock_started_on = p.due_date = p.yellow_from = p.window_ends_on = None
        p.due_provisional = False
        p.paused_days = 0
        p.hearing_started_on = None
        return
    if start is not None or p.clock != clock:
        p.clock_started_on = start or _today()
        p.paused_days = 0
        p.hearing_started_on = None
    p.clock = clock
    _derive_due(p)


def _derive_due(p: Petition) -> None:
    if p.clock in workflow.PETITIONER_WINDOWS and p.clock_started_on is None:
        # Awaiting service (待送达): the window has not begun.
        p.window_ends_on = p.due_date = p.yellow_from = None
        p.due_provisional = False
        return
    extension = p.extension_days if p.clock == Clock.HANDLE else 0
    deadline = calendar.deadline_for(
        p.clock, p.clock_started_on, p.paused_days, extension_days=extension
    )
    p.due_provisional = deadline.provisional
    if p.clock in workflow.PETITIONER_WINDOWS:
        # The petitioner's window is no duty of staff: it never turns the matter red.
        p.window_ends_on = deadline.due
        p.due_date = p.yellow_from = None
    elif p.hearing_started_on is not None:
        # A hearing stops the clock: no due date runs until it ends.
        p.due_date = p.yellow_from = None
    else:
        p.window_ends_on = None
        p.due_date = deadline.due
        p.yellow_from = calendar.yellow_from(p.clock_started_on, deadline.due)


def office_for(unit: Unit, *, avoid: Unit | None = None) -> Unit:
    """The petition office of the nearest territory at or above `unit`.

    `avoid`: an accusation's accused unit. The office that receives an accusation
    is never inside the unit it accuses when there is another (信访工作条例
    Art. 30): the search goes up past it to the next office. With none above
    (the top office itself is accused) the nearest office stays the matter's
    office; `office_is_accused` then says so and its territory's leadership
    holds the matter instead."""
    offices = Unit.objects.select_related("parent").filter(
        kind=UnitKind.PETITION_OFFICE,
        is_active=True,
        parent__descendant_links__descendant=unit,
    )
    office = None
    if avoid is not None:
        office = (
            offices.exclude(ancestor_links__ancestor=avoid)
            .order_by("parent__descendant_links__distance")
            .first()
        )
    if office is None:
        office = offices.order_by("parent__descendant_links__distance").first()
    if office is None:
        raise InvalidInput(
            _("No petition office is set up above this place."),
            field_errors={"place": [_("No petition office is set up above this place.")]},
        )
    return office


def office_is_accused(office: Unit, accused_unit: Unit | None) -> bool:
    return accused_unit is not None and (
        UnitLink.objects.filter(ancestor=accused_unit, descendant=office).exists()
    )


def _next_number(office: Unit, year: int) -> str:
    """The next gap-free number for the office's territory and year.

    One UPDATE ... SET last = last + 1 takes the sequence row's lock until the
    transaction ends, so two registrations never get one number; registration
    calls this last, just before commit, so the lock that serialises them is held
    for two short statements and not for the whole registration."""
    territory = office.parent.code if office.parent_id else office.code
    prefix = f"{territory}-{year}"
    return numbering.next_number(prefix, width=6)


def _actor_unit(actor, p: Petition, permission: str | None) -> Unit | None:
    """The unit the actor acts for on this matter (for the event)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    allowed = permissions.ACTIONS.get(permission or "view", frozenset())
    for m in Membership.objects.filter(user=actor).select_related("unit"):
        if (
            m.role in allowed
            and UnitLink.objects.filter(
                ancestor=m.unit, descendant_id__in=p.scope_unit_ids()
            ).exists()
        ):
            return m.unit
    return None


def _event(
    p,
    *,
    action,
    actor=None,
    actor_unit=None,
    from_state="",
    public=False,
    note="",
    public_text="",
    data=None,
) -> PetitionEvent:
    return PetitionEvent.objects.create(
        petition=p,
        at=timezone.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        actor_unit=actor_unit,
        action=action,
        from_state=from_state,
        to_state=p.state,
        public=public,
        note=note,
        public_text=public_text,
        data=data or {},
    )


def _notify_users(users, *, petition: Petition, kind: str, message: str) -> None:
    """In-app notice now; the SMS/e-mail copy after the transaction commits."""
    users = [u for u in {u.pk: u for u in users if u is not None}.values()]
    # Only those who may see the matter hear of it: never the accused of an
    # accusation, nor anyone its confidentiality keeps out (信访工作条例 Art. 30).
    users = [u for u in users if selectors.may_see(u, petition)]
    Notification.objects.bulk_create(
        Notification(user=u, petition=petition, kind=kind, message=message[:300]) for u in users
    )

    def send():
        for u in users:
            notify.send(channel="email", to=u.email or u.get_username(), subject=kind, body=message)

    transaction.on_commit(send)


def _users_with(role: str, unit_ids) -> list:
    return list(
        User.objects.filter(
            memberships__role=role, memberships__unit_id__in=unit_ids, is_active=True
        ).distinct()
    )


# --- registration -----------------------------------------------------------------


@dataclass
class PetitionerData:
    name: str
    id_number: str = ""
    phone: str = ""
    address: str = ""
    is_representative: bool = False


def _clean_petitioners(
    rows: list[dict], *, channel: str, people_count: int
) -> list[PetitionerData]:
    errors: dict[str, list] = {}
    cleaned: list[PetitionerData] = []
    if not rows:
        errors["petitioners"] = [_("Name at least one petitioner.")]
    for i, row in enumerate(rows or []):
        name = (row.get("name") or "").strip()
        if not name:
            errors[f"petitioners[{i}].name"] = [_("Give the petitioner's name.")]
        id_number = (row.get("id_number") or "").strip()
        if id_number:
            try:
                id_number = validate_id_number(id_number)
            except ValidationError as exc:
                errors[f"petitioners[{i}].id_number"] = list(exc.messages)
        phone = (row.get("phone") or "").strip()
        if phone:
            try:
                phone = validate_phone(phone)
            except ValidationError as exc:
                errors[f"petitioners[{i}].phone"] = list(exc.messages)
        cleaned.append(
            PetitionerData(
                name=name[:60],
                id_number=id_number,
                phone=phone,
                address=(row.get("address") or "").strip()[:200],
                is_representative=bool(row.get("is_representative")),
            )
        )
    if len(cleaned) > people_count:
        errors["people_count"] = [_("There are more petitioners named than people in all.")]
    if (
        channel == Channel.VISIT
        and people_count >= COLLECTIVE_FROM
        and len(cleaned) > MAX_REPRESENTATIVES
    ):
        errors["petitioners"] = [
            _("A group visit names at most %(n)d representatives.") % {"n": MAX_REPRESENTATIVES}
        ]
    if errors:
        raise InvalidInput(field_errors=errors)
    return cleaned


def suggest_flags(
    *,
    petitioners: list[PetitionerData],
    purpose: str,
    people_count: int,
    category: Category,
    place: Unit,
    registering_unit: Unit,
) -> dict[str, bool]:
    """Flags the registration suggests; the clerk may set or clear them."""
    ids = [p.id_number for p in petitioners if p.id_number]
    earlier = (
        Petition.objects.filter(petitioners__id_number_hash__in=_id_hashes(ids), category=category)
        if ids
        else None
    )
    repeat = bool(earlier is not None and earlier.exists())
    # 越级: brought to the city while the township where it arose never handled it.
    place_township = (
        place if place.level == "township" else (place.parent if place.level == "village" else None)
    )
    # With no earlier matter of this person and kind, the township never handled
    # it; with one, it is a repeat rather than a cross-level matter.
    cross_level = bool(
        registering_unit.level == "city"
        and place_township is not None
        and purpose == Purpose.APPEAL
        and ids
        and not repeat
    )
    return {
        "collective": people_count >= COLLECTIVE_FROM,
        "accusation": purpose == Purpose.ACCUSATION,
        "repeat": repeat,
        "cross_level": cross_level,
    }


def _id_hashes(ids: list[str]) -> list[str]:
    """ID numbers are encrypted at rest: a person is found by the keyed hash."""
    return [blind_index("id_number", i) for i in ids]


def _terminated_earlier(petitioners: list[PetitionerData], category: Category, place: Unit):
    """An earlier matter with the same petitioner, category and place that went
    through re-review: the same facts and reasons are not accepted again (三级终结)."""
    ids = [p.id_number for p in petitioners if p.id_number]
    if not ids:
        return None
    return (
        Petition.objects.filter(
            petitioners__id_number_hash__in=_id_hashes(ids),
            category=category,
            place=place,
            re_review_issued_on__isnull=False,
        )
        .order_by("-re_review_issued_on")
        .first()
    )


def _check_registration(
    *,
    category,
    place,
    summary,
    content,
    people_count,
    purpose,
    channel,
    accused_unit=None,
    accusation=False,
) -> None:
    errors: dict[str, list] = {}
    if category is None or not category.is_active:
        errors["category"] = [_("Choose a category.")]
    elif category.parent_id is None and category.children.exists():
        errors["category"] = [_("Choose a category of the second level.")]
    if place is None or place.kind != UnitKind.TERRITORIAL:
        errors["place"] = [_("Choose the township or village where the problem is.")]
    if not (summary or "").strip():
        errors["summary"] = [_("Give a short summary.")]
    if not (content or "").strip():
        errors["content"] = [_("Describe what happened.")]
    if not isinstance(people_count, int) or people_count < 1:
        errors["people_count"] = [_("At least one person.")]
    if purpose not in Purpose.values:
        errors["purpose"] = [_("Choose the purpose.")]
    if channel not in Channel.values:
        errors["channel"] = [_("Choose the channel.")]
    if accused_unit is not None and not (accusation or purpose == Purpose.ACCUSATION):
        errors["accused_unit"] = [_("Only an accusation names an accused unit.")]
    elif accused_unit is not None and accused_unit.kind not in ACCUSABLE_KINDS:
        errors["accused_unit"] = [_("Choose a government unit, a department or a village.")]
    if errors:
        raise InvalidInput(field_errors=errors)


@transaction.atomic
def petition_register(
    *,
    actor,
    registering_unit: Unit | None,
    channel: str,
    purpose: str,
    category: Category,
    place: Unit,
    summary: str,
    content: str,
    petitioners: list[dict],
    people_count: int = 1,
    request: str = "",
    received_on: dt.date | None = None,
    flags: dict[str, bool] | None = None,
    accused_unit: Unit | None = None,
    accused_name: str = "",
    electronic_service: bool = False,
    attachments: list | None = None,
    idempotency_key: str | None = None,
    idempotency_fingerprint: str = "",
    event_data: dict | None = None,
) -> Petition:
    """Register a matter: by a clerk (actor, at registering_unit) or from the public
    (actor None, online channels). Returns the new matter with its query code in
    `petition.query_code`. `event_data` adds to the register event's data (a
    petition raised from a failed mediation names the dispute there)."""
    _check_registration(
        category=category,
        place=place,
        summary=summary,
        content=content,
        people_count=people_count,
        purpose=purpose,
        channel=channel,
        accused_unit=accused_unit,
        accusation=bool((flags or {}).get("accusation")),
    )
    if actor is not None:
        if channel not in {Channel.LETTER, Channel.VISIT, Channel.PHONE, Channel.MAILBOX}:
            raise InvalidInput(
                field_errors={
                    "channel": [_("Staff register letters, visits, calls and mailbox letters.")]
                }
            )
        if registering_unit is None or not permissions.may(
            actor, "register_petition", registering_unit
        ):
            raise PermissionDenied(_("You may not register matters for this unit."))
    people = _clean_petitioners(petitioners, channel=channel, people_count=people_count)
    checked = check_uploads(attachments or [])
    is_accusation = purpose == Purpose.ACCUSATION or bool((flags or {}).get("accusation"))
    office = office_for(place, avoid=accused_unit if is_accusation else None)
    registering_unit = registering_unit or office
    today = _today()
    received_on = received_on or today
    if received_on > today:
        raise InvalidInput(
            field_errors={"received_on": [_("The date of receipt cannot be in the future.")]}
        )

    suggested = suggest_flags(
        petitioners=people,
        purpose=purpose,
        people_count=people_count,
        category=category,
        place=place,
        registering_unit=registering_unit,
    )
    chosen = {**suggested, **{k: bool(v) for k, v in (flags or {}).items() if k in suggested}}
    # These two follow from facts, not judgement.
    chosen["collective"] = chosen["collective"] or people_count >= COLLECTIVE_FROM
    chosen["accusation"] = chosen["accusation"] or purpose == Purpose.ACCUSATION

    p = Petition(
        # A placeholder until the real number is taken, last (see _next_number).
        number=f"pending-{uuid.uuid4().hex}",
        query_code=querycode.new_query_code(),
        channel=channel,
        purpose=purpose,
        category=category,
        place=place,
        summary=summary.strip()[:200],
        content=content.strip(),
        request=(request or "").strip(),
        people_count=people_count,
        received_on=received_on,
        registering_unit=registering_unit,
        registered_by=actor,
        office=office,
        accused_unit=accused_unit if is_accusation else None,
        accused_name=(accused_name or "").strip()[:60] if is_accusation else "",
        office_accused=is_accusation and office_is_accused(office, accused_unit),
        electronic_service=bool(electronic_service),
        idempotency_key=idempotency_key,
        idempotency_fingerprint=idempotency_fingerprint if idempotency_key else "",
        state=State.REGISTERED,
        **chosen,
    )
    _set_clock(p, start=received_on)
    p.save()
    Petitioner.objects.bulk_create(
        Petitioner(petition=p, position=i, **vars(person)) for i, person in enumerate(people)
    )
    for upload, f in zip(checked, attachments or [], strict=True):
        f.seek(0)
        att = Attachment(
            petition=p,
            name=upload.name,
            content_type=upload.content_type,
            size=upload.size,
            sha256=upload.sha256,
        )
        att.file.save(f"{upload.sha256[:16]}.{upload.extension}", f, save=False)
        att.save()
    _event(
        p,
        action="register",
        actor=actor,
        actor_unit=registering_unit if actor is not None else None,
        public=True,
        data={
            "channel": channel,
            "flags": chosen,
            "suggested": suggested,
            "attachments": len(checked),
            **(event_data or {}),
        },
    )
    p.number = _next_number(office, received_on.year)
    Petition.objects.filter(pk=p.pk).update(number=p.number)
    # Only a repeat (same person, same category) can be the same matter again, and
    # only where the clerk kept the repeat flag. Even then the system only
    # suggests it: the petition office decides whether the facts and reasons are
    # the same (信访工作条例 Art. 36(3)); the matter is registered as any other.
    earlier = _terminated_earlier(people, category, place) if chosen["repeat"] else None
    if earlier is not None:
        p.same_as = earlier
        Petition.objects.filter(pk=p.pk).update(same_as=earlier)
    return p


def petition_replay(*, idempotency_key: str | None, fingerprint: str) -> Petition | None:
    """The matter an earlier request with this (scoped) key made, if the key is in
    force and the request is the same; None when there is none. The same key with
    a different request is a Conflict (409) that names nothing of the first matter.
    An expired key is let go here, so that it can make a new matter."""
    if not idempotency_key:
        return None
    existing = Petition.objects.filter(idempotency_key=idempotency_key).first()
    if existing is None:
        return None
    if not idempotency.in_force(existing.registered_at):
        # Only the key is released; the matter itself is not changed (no event).
        Petition.objects.filter(pk=existing.pk, idempotency_key=idempotency_key).update(
            idempotency_key=None
        )
        return None
    idempotency.check_replay(
        stored_fingerprint=existing.idempotency_fingerprint, fingerprint=fingerprint
    )
    return existing


def petition_submit_public(*, idempotency_key: str | None, **fields) -> tuple[Petition, bool]:
    """Public online submission (the API's Idempotency-Key, the portal form's
    one-time token). A retried or double-clicked submission with the same key and
    the same content answers the matter it made the first time; the same key with
    other content is a Conflict (core.idempotency says why the public scope is
    the key plus the request's fingerprint).

    Returns (petition, created)."""
    key = idempotency.scoped("public", idempotency_key)
    fingerprint = idempotency.fingerprint(fields) if key else ""
    existing = petition_replay(idempotency_key=key, fingerprint=fingerprint)
    if existing is not None:
        return existing, False
    fields.setdefault("channel", Channel.ONLINE)
    if fields["channel"] not in {Channel.ONLINE, Channel.MOBILE, Channel.WECHAT}:
        raise InvalidInput(field_errors={"channel": [_("Choose the channel.")]})
    try:
        p = petition_register(
            actor=None,
            registering_unit=None,
            idempotency_key=key,
            idempotency_fingerprint=fingerprint,
            **fields,
        )
    except IntegrityError:
        # Two requests with one key raced: the other one committed first.
        existing = petition_replay(idempotency_key=key, fingerprint=fingerprint)
        if existing is None:
            raise
        return existing, False
    _send_receipt_sms(p)
    return p, True


def _send_receipt_sms(p: Petition) -> None:
    """The number and the query code by SMS to each petitioner who gave a phone,
    after the commit (a rolled-back submission sends nothing)."""
    phones = [x.phone for x in p.petitioners.all() if x.phone]
    if not phones:
        return
    body = _(
        "Your matter has been registered as %(number)s. Query code: %(code)s. Keep it: "
        "with it you can follow the matter online or at a query terminal."
    ) % {"number": p.number, "code": querycode.format_query_code(p.query_code)}

    def send():
        for phone in dict.fromkeys(phones):
            notify.send(channel="sms", to=phone, subject="receipt", body=body)

    transaction.on_commit(send)


# --- transitions --------------------------------------------------------------------


def _via_units(p: Petition, via: str) -> list[int | None]:
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


def _check_may(actor, p: Petition, t: workflow.Transition) -> None:
    units = [u for u in _via_units(p, t.via) if u]
    if not units or not permissions.reaches(actor, units, t.permission):
        raise PermissionDenied(_("You may not “%(action)s” this matter.") % {"action": t.label})


def _lock(actor, petition_id: int) -> Petition:
    try:
        p = Petition.objects.select_for_update().get(pk=petition_id)
    except (Petition.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if not selectors.may_see(actor, p):
        raise NotFound()
    return p


def _check_state(p: Petition, t: workflow.Transition, version: int | None) -> None:
    if version is not None and int(version) != p.version:
        raise Conflict(
            _("Someone else changed this matter in the meantime; reload it and try again.")
        )
    if p.state not in t.sources:
        raise Conflict(
            _("This matter is now “%(state)s”; “%(action)s” no longer applies.")
            % {"state": State(p.state).label, "action": t.label}
        )


def _finish(
    p: Petition,
    t: workflow.Transition,
    *,
    actor,
    from_state,
    note="",
    public_text="",
    data=None,
    actor_unit=None,
    clock_start=None,
) -> Petition:
    if t.target is not None and t.target != p.state:
        p.state = t.target
        _set_clock(p, start=clock_start or _today())
    p.version += 1
    p.save()
    _event(
        p,
        action=t.name,
        actor=actor,
        actor_unit=actor_unit or _actor_unit(actor, p, t.permission),
        from_state=from_state,
        public=t.public,
        note=note,
        public_text=public_text,
        data=data,
    )
    return p


def _require_text(value, field, message) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(field_errors={field: [message]})
    return value


def _recused(user, p: Petition) -> bool:
    return Recusal.objects.filter(petition=p, user=user).exists()


def _act(name: str):
    """Decorator: the common frame of every staff transition."""

    def wrap(fn):
        @transaction.atomic
        def service(*, actor, petition_id: int, version: int | None = None, **fields) -> Petition:
            t = workflow.TRANSITIONS[name]
            p = _lock(actor, petition_id)
            # State before permission: an action that cannot apply now is a
            # conflict for anyone who can see the matter (409, not 403).
            _check_state(p, t, version)
            _check_may(actor, p, t)
            reason = p.blocked_reason(name)
            if reason:
                raise Conflict(reason)
            from_state = p.state
            result = fn(p, actor, **fields) or {}
            return _finish(p, t, actor=actor, from_state=from_state, **result)

        service.__name__ = f"petition_{name}"
        service.__doc__ = fn.__doc__
        service.transition = name
        return service

    return wrap


@_act("forward")
def _forward(p, actor, *, responsible_unit: Unit | None = None, note: str = "", **_ignored):
    """转送/交办 to the unit with authority (within 15 days of receipt, 信访工作条例 Art. 22)."""
    if responsible_unit is None:
        raise InvalidInput(field_errors={"responsible_unit": [_("Choose the responsible unit.")]})
    territory = p.office.parent or p.office
    if not UnitLink.objects.filter(ancestor=territory, descendant=responsible_unit).exists():
        raise InvalidInput(
            field_errors={"responsible_unit": [_("This unit is outside the office's area.")]}
        )
    if (
        p.accusation
        and p.accused_unit_id
        and UnitLink.objects.filter(
            ancestor_id=p.accused_unit_id, descendant=responsible_unit
        ).exists()
    ):
        # 信访工作条例 Art. 30: an accusation never goes to the one it accuses.
        raise InvalidInput(
            field_errors={
                "responsible_unit": [
                    _("An accusation may not be forwarded to the unit it accuses.")
                ]
            }
        )
    if p.accusation and _accused_person_decides(p, responsible_unit):
        raise InvalidInput(
            field_errors={
                "responsible_unit": [
                    _(
                        "The accused person holds a post in this unit or above it: "
                        "an accusation may not be forwarded where they decide."
                    )
                ]
            }
        )
    p.responsible_unit = responsible_unit
    if p.identity_shared_with_id and p.identity_shared_with_id != responsible_unit.pk:
        # A release of the accuser's identity was to one unit, not to the next.
        p.identity_shared_with = None
    p.handler = None
    p.forwarded_on = _today()
    return {
        "note": note,
        "data": {"responsible_unit": responsible_unit.pk, "unit": responsible_unit.name},
    }


def _accused_person_decides(p: Petition, unit: Unit) -> bool:
    """Does the accused staff member hold a membership at `unit` or above it?"""
    if not p.accused_user_id:
        return False
    return UnitLink.objects.filter(
        ancestor__memberships__user_id=p.accused_user_id, descendant=unit
    ).exists()


@_act("no_longer_accepted")
def _no_longer_accepted(p, actor, *, note: str = "", **_ignored):
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


@_act("not_the_same")
def _not_the_same(p, actor, *, note: str = "", **_ignored):
    """The petition office finds new facts or reasons: the suggestion is cleared
    and the matter goes on as any other (it stays registered)."""
    note = _require_text(note, "note", _("Say what is new in the facts or reasons."))
    earlier = p.same_as
    p.same_as = None
    return {"note": note, "data": {"not_same_as": earlier.number if earlier else ""}}


@_act("decline_intake")
def _decline_intake(p, actor, *, route: str = "", reason: str = "", **_ignored):
    return _decline_common(p, route=route, reason=reason)


def _decline_common(p, *, route, reason):
    if route not in Route.values or route == Route.NO_LONGER_ACCEPTED and not p.same_as_id:
        raise InvalidInput(
            field_errors={"route": [_("Choose the route the petitioner is told to take.")]}
        )
    reason = _require_text(reason, "reason", _("Give the reason."))
    p.route = route
    return {
        "note": reason,
        "public_text": reason,
        "data": {"route": route, "basis": law.cite(*workflow.ROUTE_BASES[route])},
    }


@_act("sign")
def _sign(p, actor, **_ignored):
    """签收: the handler takes the matter for the unit."""
    if _recused(actor, p):
        raise InvalidInput(
            field_errors={"handler": [_("You declared an interest in this matter.")]}
        )
    p.handler = actor
    p.forwarded_on = p.forwarded_on or _today()
    data = {"handler": actor.pk}
    if p.return_requested_on:
        # Signing for the matter withdraws the unit's own objection.
        data["return_withdrawn"] = _close_return(p)
    # The 15 days to decide on acceptance run from the day the unit received it (Art. 23(3)).
    return {"data": data, "clock_start": p.forwarded_on}


@_act("return")
def _return(p, actor, *, reason: str = "", **_ignored):
    """退回: the unit objects, with detailed reasons, within 5 working days of
    receiving the matter (信访工作条例 Art. 23(3)). It is only a request: the matter
    stays with the unit, and its clocks keep running, until the forwarding office
    agrees (return_agree) or refuses (return_refuse)."""
    reason = _require_text(reason, "reason", _("Say why the matter is returned."))
    limit = calendar.deadline_for(Clock.RETURN_OBJECTION, p.forwarded_on or _today(), 0).due
    if _today() > limit:
        raise Conflict(
            _("The 5 working days to return this matter ended on %(date)s.")
            % {"date": limit.isoformat()}
        )
    p.return_requested_on = _today()
    p.return_reason = reason
    dispatchers = _users_with(Role.DISPATCHER, [p.office_id])
    _notify_users(
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


@_act("return_agree")
def _return_agree(p, actor, *, note: str = "", **_ignored):
    """The forwarding office checked the objection and agrees: the matter is back
    with the office, to be forwarded to the unit with authority."""
    data = _close_return(p)
    _notify_unit(p, kind="return", message=_("Return agreed: %(number)s") % {"number": p.number})
    p.responsible_unit = None
    p.handler = None
    p.forwarded_on = None
    # The forward clock of Art. 22 counts from the day of receipt, not from the return.
    return {"note": note, "data": {**data, "returned_by_unit": True}, "clock_start": p.received_on}


@_act("return_refuse")
def _return_refuse(p, actor, *, reason: str = "", **_ignored):
    """The forwarding office refuses the return, with its reason: the matter stays
    with the unit, whose clocks ran all along."""
    reason = _require_text(reason, "reason", _("Say why the return is refused."))
    data = _close_return(p)
    _notify_unit(p, kind="return", message=_("Return refused: %(number)s") % {"number": p.number})
    return {"note": reason, "data": data}


def _notify_unit(p: Petition, *, kind: str, message: str) -> None:
    """The responsible unit's handler, handlers and head hear of the office's decision."""
    users = [p.handler] if p.handler_id else []
    users += _users_with(Role.HANDLER, [p.responsible_unit_id])
    users += _users_with(Role.UNIT_HEAD, [p.responsible_unit_id])
    _notify_users(users, petition=p, kind=kind, message=message)


@_act("accept")
def _accept(p, actor, **_ignored):
    """受理, with a written notice (信访工作条例 Art. 23(3))."""
    p.accepted_on = _today()
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


@_act("decline")
def _decline(p, actor, *, route: str = "", reason: str = "", **_ignored):
    return _decline_common(p, route=route, reason=reason)


@_act("assign")
def _assign(p, actor, *, handler=None, **_ignored):
    if handler is None:
        raise InvalidInput(field_errors={"handler": [_("Choose the handler.")]})
    if not Membership.objects.filter(
        user=handler, unit_id=p.responsible_unit_id, role=Role.HANDLER
    ).exists():
        raise InvalidInput(
            field_errors={"handler": [_("The handler must belong to the responsible unit.")]}
        )
    if _recused(handler, p):
        raise InvalidInput(
            field_errors={
                "handler": [
                    _("This person declared an interest in the matter and cannot be assigned.")
                ]
            }
        )
    p.handler = handler
    return {"data": {"handler": handler.pk}}


@transaction.atomic
def petition_declare_interest(
    *, actor, petition_id: int, reason: str = "", version=None
) -> Petition:
    """回避: the actor declares a direct interest; they are never assigned the matter."""
    t = workflow.TRANSITIONS["declare_interest"]
    p = _lock(actor, petition_id)
    _check_state(p, t, version)
    reason = _require_text(reason, "reason", _("Say what the interest is."))
    Recusal.objects.get_or_create(petition=p, user=actor, defaults={"reason": reason[:200]})
    if p.handler_id == actor.pk:
        p.handler = None
    return _finish(p, t, actor=actor, from_state=p.state, note=reason)


@_act("extend")
def _extend(p, actor, *, days: int | None = None, reason: str = "", **_ignored):
    """One extension of at most 30 days, approved by the unit head, reason told (Art. 34)."""
    try:
        days = int(days)
    except (TypeError, ValueError):
        raise InvalidInput(field_errors={"days": [_("Give the number of days.")]}) from None
    cap = calendar.CLOCKS[Clock.EXTENSION_MAX].period
    if not 1 <= days <= cap:
        raise InvalidInput(field_errors={"days": [_("At most %(days)d days.") % {"days": cap}]})
    reason = _require_text(reason, "reason", _("Give the reason told to the petitioner."))
    p.extension_days = days
    _derive_due(p)
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


def _issue_opinion(
    p,
    *,
    kind: str,
    outcome: str,
    text: str,
    basis: str,
    request: str = "",
    facts: str = "",
    legal_basis: str = "",
) -> dict:
    """The common part of the three written answers: record the outcome and the
    date on `<kind>_outcome` / `<kind>_issued_on`. A written opinion states the
    petitioner's request, the facts found and the reasons, the opinion and its
    legal basis (信访工作条例 Art. 32): each is required, all errors at once."""
    errors: dict[str, list] = {}
    if outcome not in Outcome.values:
        errors["outcome"] = [_("Choose the outcome.")]
    required = {
        "request": (request or p.request or p.summary, _("State the petitioner's request.")),
        "facts": (facts, _("State the facts found and the reasons.")),
        "text": (text, _("Write the opinion.")),
        "legal_basis": (legal_basis, _("Name the laws, regulations or policies applied.")),
    }
    for field, (value, message) in required.items():
        if not (value or "").strip():
            errors[field] = [message]
    if errors:
        raise InvalidInput(field_errors=errors)
    text = text.strip()
    issued_on = _today()
    setattr(p, f"{kind}_outcome", outcome)
    setattr(p, f"{kind}_issued_on", issued_on)
    # A new written answer: its window waits for its own service.
    p.served_on = None
    data = {
        "notice": kind,
        "outcome": outcome,
        "basis": basis,
        "awaiting_service": True,
        # Only an appeal's answer opens the review chain (Art. 31(6), 35).
        "reviewable": p.purpose == Purpose.APPEAL,
        "request": (request or p.request or p.summary).strip(),
        "facts": facts.strip(),
        "legal_basis": legal_basis.strip(),
    }
    return {"public_text": text, "data": data}


def _opinion_step(name: str, *, kind: str, bases: tuple[str, ...], doc: str):
    """One of the three written answers as a transition: the same fields, its own
    kind (opinion, review, re_review) and legal bases."""

    def step(
        p,
        actor,
        *,
        outcome: str = "",
        text: str = "",
        request: str = "",
        facts: str = "",
        legal_basis: str = "",
        **_ignored,
    ):
        return _issue_opinion(
            p,
            kind=kind,
            outcome=outcome,
            text=text,
            request=request,
            facts=facts,
            legal_basis=legal_basis,
            basis=law.cite(*bases),
        )

    step.__doc__ = doc
    return _act(name)(step)


_reply = _opinion_step(
    "reply",
    kind="opinion",
    bases=("opinion", "review"),
    doc="处理意见书: the written opinion (within 60 days, 信访工作条例 Art. 32, 34).",
)
_review_reply = _opinion_step(
    "review_reply",
    kind="review",
    bases=("review", "re_review"),
    doc="复查意见书 (within 30 days, Art. 35).",
)
_re_review_reply = _opinion_step(
    "re_review_reply",
    kind="re_review",
    bases=("re_review", "no_longer_accepted"),
    doc="复核意见书 (within 30 days, Art. 36): final; the same facts are not accepted again.",
)


def _latest_answer(p: Petition) -> PetitionEvent | None:
    action = workflow.ANSWER_ACTIONS.get(p.state)
    if action is None:
        return None
    return PetitionEvent.objects.filter(petition=p, action=action).order_by("-at", "-pk").first()


def _serve(p: Petition, *, method: str, served_on: dt.date, actor, note: str = "") -> dict:
    """Record the service of the current written answer and start the window."""
    answer = _latest_answer(p)
    if answer is None:
        raise Conflict(_("There is no written answer to serve."))
    NoticeService.objects.create(
        petition=p,
        event=answer,
        method=method,
        served_on=served_on,
        recorded_by=actor if getattr(actor, "pk", None) else None,
        note=(note or "").strip()[:200],
    )
    p.served_on = served_on
    _set_clock(p)
    return {
        "note": note,
        "data": {
            "method": method,
            "served_on": served_on.isoformat(),
            "answer": answer.action,
            "window": p.window_ends_on.isoformat() if p.window_ends_on else None,
        },
    }


@_act("record_service")
def _record_service(
    p, actor, *, method: str = "", served_on: dt.date | None = None, note: str = "", **_ignored
):
    """送达: how and when the current written answer reached the petitioner. Electronic
    service counts only where the petitioner chose it at intake; a post receipt,
    a hand-over, a notice left or published each carry their own date."""
    if method not in ServiceMethod.values:
        raise InvalidInput(field_errors={"method": [_("Choose how it was served.")]})
    if method == ServiceMethod.ELECTRONIC and not p.electronic_service:
        raise InvalidInput(
            field_errors={
                "method": [_("The petitioner did not choose electronic service at intake.")]
            }
        )
    served_on = served_on or _today()
    answer = _latest_answer(p)
    issued_on = calendar.to_local_date(answer.at) if answer is not None else None
    if served_on > _today() or (issued_on is not None and served_on < issued_on):
        raise InvalidInput(
            field_errors={
                "served_on": [_("The day of service lies between the day of issue and today.")]
            }
        )
    return _serve(p, method=method, served_on=served_on, actor=actor, note=note)


@transaction.atomic
def petition_opened_by_petitioner(*, petition_id: int) -> bool:
    """The petitioner opened the matter with the query code (portal, API). Where
    they chose electronic service, an unserved written answer counts as received
    today (电子送达). Returns whether a service was recorded."""
    p = Petition.objects.select_for_update().get(pk=petition_id)
    if not p.electronic_service or p.served_on or p.state not in workflow.ANSWER_ACTIONS:
        return False
    t = workflow.TRANSITIONS["record_service"]
    from_state = p.state
    result = _serve(p, method=ServiceMethod.ELECTRONIC, served_on=_today(), actor=None)
    _finish(p, t, actor=None, from_state=from_state, **result)
    return True


@_act("hearing_start")
def _hearing_start(p, actor, *, note: str = "", **_ignored):
    """听证: the time a public hearing takes is not counted (Art. 36(2))."""
    p.hearing_started_on = _today()
    _derive_due(p)
    return {
        "note": note,
        "data": {"hearing": "start"},
    }


@_act("hearing_end")
def _hearing_end(p, actor, *, note: str = "", **_ignored):
    days = (_today() - p.hearing_started_on).days
    p.paused_days += days
    p.hearing_started_on = None
    _derive_due(p)
    return {
        "note": note,
        "data": {"hearing": "end", "paused_days": days},
    }


@_act("conclude")
def _conclude(p, actor, *, note: str = "", **_ignored):
    """审核认定办结."""
    p.concluded_reason = "verified"
    return {"note": note, "data": {"reason": "verified"}}


@_act("list")
def _list(p, actor, *, colour: str = "", note: str = "", **_ignored):
    """挂牌督办: list the matter red, yellow or blue (or clear the listing with "")."""
    if colour not in {"", "red", "yellow", "blue"}:
        raise InvalidInput(field_errors={"colour": [_("Choose red, yellow or blue.")]})
    previous = p.listing
    p.listing = colour
    if colour == "red":
        _escalate_red(p, reason=_("listed red by the supervisor"))
    return {"note": note, "data": {"colour": colour, "previous": previous}}


@_act("chase")
def _chase(p, actor, *, note: str = "", **_ignored):
    """催办: on the record, and the responsible people are told."""
    note = _require_text(note, "note", _("Say what is chased."))
    targets = [p.handler] if p.handler_id else []
    unit_ids = [u for u in (p.responsible_unit_id, p.review_unit_id, p.re_review_unit_id) if u]
    targets += _users_with(Role.UNIT_HEAD, unit_ids) + _users_with(Role.HANDLER, unit_ids)
    _notify_users(
        targets,
        petition=p,
        kind="chase",
        message=_("Chased: %(number)s %(note)s") % {"number": p.number, "note": note},
    )
    return {"note": note, "data": {"chased": [u.pk for u in targets if u]}}


@_act("own")
def _own(p, actor, *, plan: str = "", **_ignored):
    """领导包案: a leader owns the matter with a plan (一案一策)."""
    p.owner_leader = actor
    return {"note": _require_text(plan, "plan", _("Give the plan.")), "data": {"owner": actor.pk}}


@_act("set_accused")
def _set_accused(
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


@_act("share_identity")
def _share_identity(p, actor, *, share: bool = True, note: str = "", **_ignored):
    """The petition office releases the accuser's identity and contact data to the
    unit now handling the accusation, or withdraws the release; on the record."""
    note = _require_text(note, "note", _("Say why."))
    if share:
        if p.responsible_unit_id is None:
            raise Conflict(_("The matter has not been sent to a unit yet."))
        p.identity_shared_with_id = p.responsible_unit_id
    else:
        p.identity_shared_with = None
    unit = p.responsible_unit.name if share and p.responsible_unit_id else ""
    return {"note": note, "data": {"share": bool(share), "unit": unit}}


@_act("merge")
def _merge(p, actor, *, into: Petition | None = None, note: str = "", **_ignored):
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
    PetitionEvent.objects.create(
        petition=into,
        at=timezone.now(),
        actor=actor,
        action="merged_in",
        from_state=into.state,
        to_state=into.state,
        public=True,
        data={"merged": p.pk, "number": p.number},
    )
    return {
        "note": note,
        "data": {"into": into.pk, "number": into.number},
    }


petition_forward = _forward
petition_decline_intake = _decline_intake
petition_sign = _sign
petition_return = _return
petition_return_agree = _return_agree
petition_return_refuse = _return_refuse
petition_accept = _accept
petition_decline = _decline
petition_assign = _assign
petition_extend = _extend
petition_reply = _reply
petition_review_reply = _review_reply
petition_re_review_reply = _re_review_reply
petition_hearing_start = _hearing_start
petition_hearing_end = _hearing_end
petition_conclude = _conclude
petition_list = _list
petition_chase = _chase
petition_own = _own
petition_merge = _merge
petition_set_accused = _set_accused
petition_share_identity = _share_identity
petition_record_service = _record_service
petition_no_longer_accepted = _no_longer_accepted
petition_not_the_same = _not_the_same

STAFF_ACTIONS = {
    "forward": petition_forward,
    "decline_intake": petition_decline_intake,
    "sign": petition_sign,
    "return": petition_return,
    "return_agree": petition_return_agree,
    "return_refuse": petition_return_refuse,
    "accept": petition_accept,
    "decline": petition_decline,
    "assign": petition_assign,
    "declare_interest": petition_declare_interest,
    "extend": petition_extend,
    "reply": petition_reply,
    "review_reply": petition_review_reply,
    "re_review_reply": petition_re_review_reply,
    "hearing_start": petition_hearing_start,
    "hearing_end": petition_hearing_end,
    "conclude": petition_conclude,
    "list": petition_list,
    "chase": petition_chase,
    "own": petition_own,
    "merge": petition_merge,
    "set_accused": petition_set_accused,
    "share_identity": petition_share_identity,
    "record_service": petition_record_service,
    "no_longer_accepted": petition_no_longer_accepted,
    "not_the_same": petition_not_the_same,
}


def petition_act(
    *, actor, petition_id: int, action: str, version: int | None = None, **fields
) -> Petition:
    """Take the named staff action (the API's /actions/{action})."""
    service = STAFF_ACTIONS.get(action)
    if service is None:
        raise NotFound(_("There is no such action."))
    return service(actor=actor, petition_id=petition_id, version=version, **fields)


# --- the petitioner's acts (through the query code) --------------------------------


def _lock_public(query_code: str) -> Petition:
    code = querycode.normalise_query_code(query_code or "")
    p = Petition.objects.select_for_update().filter(query_code=code).first() if code else None
    if p is None:
        raise NotFound(_("No matter has this query code."))
    return p


def _window_closed_message(p: Petition, what: str, article: str) -> str:
    return _(
        "The 30 days to ask for %(what)s ended on %(date)s (%(article)s). The matter is concluded."
    ) % {
        "what": what,
        "date": p.window_ends_on.isoformat() if p.window_ends_on else "-",
        "article": article,
    }


def _refer_outside(p: Petition, *, kind: str, organ: str, reasons: str) -> Petition:
    """The organ of the next round is above the top of this system's tree: record
    it by name, tell the petitioner to take the request there, and conclude the
    matter here (reason "<kind>_outside"). Nothing in the system could answer it,
    so it must not wait in under_review (docs/architecture.md, "The review chain").
    The file is exported for that organ from the matter's page."""
    from_state = p.state
    window = p.window_ends_on
    setattr(p, f"{kind}_outside", organ)
    p.state = State.CONCLUDED
    p.concluded_reason = f"{kind}_outside"
    _set_clock(p)
    p.version += 1
    p.save()
    _event(
        p,
        action=f"{kind}_outside",
        from_state=from_state,
        public=True,
        data={
            "reasons": reasons,
            "organ": organ,
            "window": window.isoformat() if window else None,
            "basis": law.cite(kind),
        },
    )
    return p


@transaction.atomic
def petition_request_review(*, query_code: str, reasons: str) -> Petition:
    """复查: within 30 days of receiving the opinion, to the organ one level up
    (Art. 35); outside this system when the top of the tree answered."""
    p = _lock_public(query_code)
    t = workflow.TRANSITIONS["request_review"]
    if p.purpose != Purpose.APPEAL:
        raise Conflict(
            _(
                "A suggestion or an accusation is answered once: review and re-review are "
                "for appeals and requests (%(basis)s)."
            )
            % {"basis": law.cite("review")}
        )
    if p.state == State.OPINION_ISSUED and p.window_ends_on and _today() > p.window_ends_on:
        raise Conflict(_window_closed_message(p, _("review"), law.cite("review")))
    _check_state(p, t, None)
    reasons = _require_text(reasons, "reasons", _("Say why you ask for review."))
    organ = chain.next_organ(p.responsible_unit)
    if organ.outside:
        return _refer_outside(p, kind="review", organ=organ.name, reasons=reasons)
    p.review_unit = organ.unit
    from_state = p.state
    _finish(
        p,
        t,
        actor=None,
        from_state=from_state,
        note="",
        data={
            "reasons": reasons,
            "unit": p.review_unit.name,
            "due": calendar.deadline_for(Clock.REVIEW, _today()).due.isoformat(),
        },
    )
    return p


@transaction.atomic
def petition_request_re_review(*, query_code: str, reasons: str) -> Petition:
    """复核: within 30 days of receiving the review opinion, to the organ one level
    above the reviewer (Art. 36), never the reviewer again: outside this system
    when the top of the tree reviewed."""
    p = _lock_public(query_code)
    t = workflow.TRANSITIONS["request_re_review"]
    if p.state == State.REVIEW_ISSUED and p.window_ends_on and _today() > p.window_ends_on:
        raise Conflict(_window_closed_message(p, _("re-review"), law.cite("re_review")))
    _check_state(p, t, None)
    reasons = _require_text(reasons, "reasons", _("Say why you ask for re-review."))
    organ = chain.next_organ(p.review_unit)
    if organ.outside:
        return _refer_outside(p, kind="re_review", organ=organ.name, reasons=reasons)
    p.re_review_unit = organ.unit
    from_state = p.state
    _finish(
        p,
        t,
        actor=None,
        from_state=from_state,
        data={
            "reasons": reasons,
            "unit": p.re_review_unit.name,
            "due": calendar.deadline_for(Clock.RE_REVIEW, _today()).due.isoformat(),
        },
    )
    return p


@transaction.atomic
def petition_record_dossier_export(*, actor, petition_id: int, revealed: bool) -> None:
    """The file was exported for the organ outside this system: on the timeline
    (who, and whether personal data went out in full)."""
    p = _lock(actor, petition_id)
    _event(
        p,
        action="dossier_exported",
        actor=actor,
        actor_unit=_actor_unit(actor, p, "view"),
        from_state=p.state,
        data={"organ": p.re_review_outside or p.review_outside, "revealed": bool(revealed)},
    )


def petition_ask_next_review(*, query_code: str, reasons: str) -> Petition:
    """The petitioner asks for the next round: re-review after a review opinion,
    review otherwise (each inside its 30-day window)."""
    p = selectors.public_view(query_code)
    if p is not None and p.state == State.REVIEW_ISSUED:
        return petition_request_re_review(query_code=query_code, reasons=reasons)
    return petition_request_review(query_code=query_code, reasons=reasons)


@transaction.atomic
def petition_evaluate(
    *, query_code: str, unit_rating: str, office_rating: str, comment: str = ""
) -> Evaluation:
    """满意度评价 of the latest answer, once per answer, unit and office separately."""
    p = _lock_public(query_code)
    round_ = workflow.EVALUATION_ROUND.get(p.state)
    if p.state == State.CONCLUDED:
        round_ = (
            "re_review"
            if p.re_review_issued_on
            else "review"
            if p.review_issued_on
            else "opinion"
            if p.opinion_issued_on
            else None
        )
    if round_ is None:
        raise Conflict(_("There is no answer to evaluate yet."))
    errors = {}
    if unit_rating not in Rating.values:
        errors["unit_rating"] = [_("Choose satisfied, basically satisfied or dissatisfied.")]
    if office_rating not in Rating.values:
        errors["office_rating"] = [_("Choose satisfied, basically satisfied or dissatisfied.")]
    if errors:
        raise InvalidInput(field_errors=errors)
    if Evaluation.objects.filter(petition=p, round=round_).exists():
        raise Conflict(_("This answer has already been evaluated."))
    unit = {"opinion": p.responsible_unit, "review": p.review_unit, "re_review": p.re_review_unit}[
        round_
    ]
    evaluation = Evaluation.objects.create(
        petition=p,
        round=round_,
        unit=unit,
        unit_rating=unit_rating,
        office_rating=office_rating,
        comment=(comment or "").strip()[:2000],
    )
    _event(
        p,
        action="evaluate",
        from_state=p.state,
        public=True,
        data={"round": round_, "unit_rating": unit_rating, "office_rating": office_rating},
    )
    return evaluation


def notifications_mark_read(*, user, ids: list[int] | None = None) -> int:
    """Mark the user's notifications read (all of them, or those in `ids`)."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())


# --- clocks over time -------------------------------------------------------------


def _escalate_red(p: Petition, *, reason) -> None:
    """A red matter goes to the supervising unit and the owning leader."""
    recipients = _users_with(Role.SUPERVISOR, [p.office_id])
    if p.owner_leader_id:
        recipients.append(p.owner_leader)
    message = _("Red: %(number)s %(summary)s (%(reason)s)") % {
        "number": p.number,
        "summary": p.summary[:60],
        "reason": reason,
    }
    _notify_users(recipients, petition=p, kind="red", message=message)
    p.red_notified_on = _today()


def petitions_tick(*, today: dt.date | None = None) -> dict[str, int]:
    """Run by the scheduler (manage.py petitions_tick, e.g. every 10 minutes):
    notify matters that turned red; conclude matters whose review window lapsed.
    First, if the holiday data changed since the last run (a library upgrade, a
    year published elsewhere), the stored deadlines are recomputed."""
    today = today or _today()
    counts = {"red": 0, "lapsed": 0}
    counts["holiday_years"] = len(core_services.calendar_data_sync())
    overdue = (
        Petition.objects.filter(due_date__lt=today)
        .exclude(state__in=CLOSED_STATES)
        .filter(Q(red_notified_on__isnull=True) | Q(red_notified_on__lt=F("clock_started_on")))
    )
    for pk in overdue.values_list("pk", flat=True).iterator():
        with transaction.atomic():
            p = Petition.objects.select_for_update().get(pk=pk)
            if p.due_date is None or p.due_date >= today:
                continue
            _escalate_red(p, reason=gettext_lazy("overdue"))
            p.save(update_fields=["red_notified_on", "updated_at"])
            _event(
                p,
                action="turned_red",
                from_state=p.state,
                note=str(_("A clock is overdue.")),
                data={"clock": p.clock, "due": p.due_date.isoformat()},
            )
            counts["red"] += 1
    lapsed = Petition.objects.filter(
        state__in=[State.OPINION_ISSUED, State.REVIEW_ISSUED], window_ends_on__lt=today
    )
    for pk in lapsed.values_list("pk", flat=True).iterator():
        with transaction.atomic():
            p = Petition.objects.select_for_update().get(pk=pk)
            if (
                p.state not in (State.OPINION_ISSUED, State.REVIEW_ISSUED)
                or p.window_ends_on >= today
            ):
                continue
            from_state = p.state
            p.state = State.CONCLUDED
            p.concluded_reason = "window_lapsed"
            _set_clock(p)
            p.version += 1
            p.save()
            _event(
                p,
                action="window_lapsed",
                from_state=from_state,
                public=True,
                data={"reason": "window_lapsed"},
            )
            counts["lapsed"] += 1
    return counts


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def recompute_deadlines(*, years: frozenset[int], reason: str) -> int:
    """Registered with core.calendar.register_recompute: when the holiday data of
    `years` changed (a year published, a library upgrade), re-derive every open
    matter's deadline that may depend on it, or is provisional, and put each one
    that moved on the matter's timeline (from which date to which, and why)."""
    touching = Q(due_provisional=True)
    for start, end in calendar.years_window(years):
        touching |= Q(due_date__range=(start, end)) | Q(window_ends_on__range=(start, end))
    candidates = Petition.objects.exclude(state__in=CLOSED_STATES).filter(touching)
    changed = 0
    for p in candidates.select_for_update().order_by("pk"):
        if not p.clock or p.clock_started_on is None:
            continue
        before = (p.due_date, p.window_ends_on, p.due_provisional)
        _derive_due(p)
        if (p.due_date, p.window_ends_on, p.due_provisional) == before:
            continue
        p.save(
            update_fields=[
                "due_date",
                "yellow_from",
                "window_ends_on",
                "due_provisional",
                "updated_at",
            ]
        )
        _event(
            p,
            action="deadline_recomputed",
            from_state=p.state,
            # The review window is the petitioner's own deadline: they see it move.
            public=before[1] != p.window_ends_on,
            data={
                "years": sorted(years),
                "reason": str(reason),
                "clock": p.clock,
                "previous_due": _iso(before[0]),
                "due": _iso(p.due_date),
                "previous_window": _iso(before[1]),
                "window": _iso(p.window_ends_on),
                "provisional": p.due_provisional,
            },
        )
        changed += 1
    return changed
