"""Registration (登记): by a clerk, or from the public online; replays of a retried submission."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from xinfang.core import idempotency, notify, numbering, querycode
from xinfang.core.crypto import blind_index
from xinfang.core.exceptions import Conflict, InvalidInput, PermissionDenied
from xinfang.core.memo import memoized
from xinfang.core.pii import mask_phone, validate_id_number, validate_phone
from xinfang.core.uploads import check_uploads
from xinfang.orgs import permissions
from xinfang.orgs.models import ACCUSABLE_KINDS, Unit, UnitKind, UnitLink

from ..models import (
    Attachment,
    Category,
    Channel,
    Petition,
    Petitioner,
    PetitionEvent,
    Purpose,
    State,
)
from .frame import set_clock
from .frame import today as _today

MAX_REPRESENTATIVES = 5  # a group visit sends at most 5 representatives (信访工作条例 Art. 20)
COLLECTIVE_FROM = 5  # 集体访: five or more people


def office_for(unit: Unit, *, avoid: Unit | None = None) -> Unit:
    """The petition office of the nearest territory at or above `unit`.

    `avoid`: an accusation's accused unit. The office that receives an accusation
    is never inside the unit it accuses when there is another (信访工作条例
    Art. 30): the search goes up past it to the next office. With none above
    (the top office itself is accused) the nearest office stays the matter's
    office; `office_is_accused` then says so and its territory's leadership
    holds the matter instead."""
    office = _office_for(unit.pk, avoid.pk if avoid is not None else None)
    if office is None:
        raise InvalidInput(
            _("No petition office is set up above this place."),
            field_errors={"place": [_("No petition office is set up above this place.")]},
        )
    return office


@memoized()
def _office_for(unit_id: int, avoid_id: int | None) -> Unit | None:
    """office_for's read, kept (core.memo: a unit saved forgets it; the unit tree's
    links change only with a unit's save)."""
    offices = Unit.objects.select_related("parent").filter(
        kind=UnitKind.PETITION_OFFICE,
        is_active=True,
        parent__descendant_links__descendant=unit_id,
    )
    office = None
    if avoid_id is not None:
        office = (
            offices.exclude(ancestor_links__ancestor=avoid_id)
            .order_by("parent__descendant_links__distance")
            .first()
        )
    if office is None:
        office = offices.order_by("parent__descendant_links__distance").first()
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
    sms_receipt: bool = False,
    upstream_number: str = "",
) -> Petition:
    """Register a matter: by a clerk (actor, at registering_unit) or from the public
    (actor None, online channels). Returns the new matter with its query code in
    `petition.query_code`. `event_data` adds to the register event's data (a
    petition raised from a failed mediation names the dispute there).

    `sms_receipt`: the petitioner agreed at the window to get the number and the
    query code by SMS (the consent is on the register event); sent after the
    commit to each phone given. `petition.receipt_sms_to` then lists the phones,
    masked (empty when none was sent).

    `upstream_number`: a matter assigned from above (上级交办, exchange.upstream)
    keeps the number the upper system gave it."""
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
    sms_to = list(dict.fromkeys(x.phone for x in people if x.phone)) if sms_receipt else []
    if sms_receipt and not sms_to:
        raise InvalidInput(
            field_errors={"sms_receipt": [_("No phone number is given to send the SMS to.")]}
        )
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
        upstream_number=(upstream_number or "").strip()[:60],
        **chosen,
    )
    set_clock(p, start=received_on)
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
    PetitionEvent.record(
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
            **({"sms_receipt": [mask_phone(x) for x in sms_to]} if sms_to else {}),
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
    p.receipt_sms_to = [mask_phone(x) for x in sms_to]
    if sms_to:
        _send_receipt_sms(p, sms_to)
    return p


def petition_replay(*, idempotency_key: str | None, fingerprint: str) -> Petition | None:
    """The matter an earlier request with this (scoped) key made, if the key is in
    force and the request is the same; None when there is none. The same key with
    a different request is a Conflict (409) that names nothing of the first matter.
    An expired key is let go here, so that it can make a new matter."""
    if not idempotency_key:
        return None
    # The key is unique: no ORDER BY to build or run.
    rows = Petition.objects.filter(idempotency_key=idempotency_key).order_by()[:1]
    existing = rows[0] if rows else None
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


def petition_register_once(
    register: Callable[[], Petition], *, idempotency_key: str | None, fingerprint: str
) -> tuple[Petition, bool]:
    """Run `register()` (a registration under this idempotency key) unless the key
    already made a matter: then that matter. Two requests with one key racing
    (a double click): the second fails on the key's uniqueness (or its source's
    own check, a Conflict) and answers the matter the first one made.

    Returns (petition, created); the same key with another request is
    idempotency.IdempotencyKeyReused (a Conflict)."""
    existing = petition_replay(idempotency_key=idempotency_key, fingerprint=fingerprint)
    if existing is not None:
        return existing, False
    try:
        return register(), True
    except (Conflict, IntegrityError):
        existing = petition_replay(idempotency_key=idempotency_key, fingerprint=fingerprint)
        if existing is None:
            raise
        return existing, False


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
    # The receipt SMS goes to every phone given, queued in the registration's
    # own transaction (petition_register's sms_receipt).
    phoned = any(str((x or {}).get("phone") or "").strip() for x in fields.get("petitioners") or [])
    try:
        p = petition_register(
            actor=None,
            registering_unit=None,
            idempotency_key=key,
            idempotency_fingerprint=fingerprint,
            sms_receipt=phoned,
            **fields,
        )
    except IntegrityError:
        # Two requests with one key raced: the other one committed first.
        existing = petition_replay(idempotency_key=key, fingerprint=fingerprint)
        if existing is None:
            raise
        return existing, False
    return p, True


def _send_receipt_sms(p: Petition, phones: list[str]) -> None:
    """The number and the query code by SMS to each of `phones`, queued in the
    registration's transaction (a rolled-back registration sends nothing; a
    committed one cannot lose its SMS)."""
    if not phones:
        return
    body = _(
        "Your matter has been registered as %(number)s. Query code: %(code)s. Keep it: "
        "with it you can follow the matter online or at a query terminal."
    ) % {"number": p.number, "code": querycode.format_query_code(p.query_code)}

    for phone in dict.fromkeys(phones):
        notify.send(
            channel="sms",
            to=phone,
            subject="receipt",
            body=body,
            topic=f"petition:{p.pk}",
            params={"number": p.number, "code": querycode.format_query_code(p.query_code)},
        )
