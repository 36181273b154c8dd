"""The reception window (接待窗口): find a person's matters, and issue a query
code again to a petitioner who lost it.

A search by ID number or phone is a read of personal data (who has which
matters): it goes on the security record, matched or not. Results show the
petitioners masked; the clerk has the person and the card in front of them.

Issuing the code again is done only after the clerk has checked the person's
identity: where the matter holds the petitioner's ID number, the number read
from the card must match it. The old code stops working at once (public pages,
the terminal and the public API find matters by the code); the act is on the
matter's timeline and on the security record, and the new code is shown once."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xinfang.core import querycode
from xinfang.core.crypto import blind_index
from xinfang.core.exceptions import Conflict, InvalidInput, NotFound, PermissionDenied
from xinfang.core.models import SecurityRecord
from xinfang.core.pii import mask_id_number, mask_phone, validate_id_number, validate_phone
from xinfang.core.services import record_security_event
from xinfang.orgs import permissions as org_permissions
from xinfang.orgs.models import Unit

from .. import permissions
from ..models import Petition, Petitioner, PetitionEvent
from .frame import today

# Enough for one person's matters; a search that finds more is too broad.
MAX_HITS = 50


class IdentityDocument:
    """What the clerk checked the petitioner's identity against."""

    ID_CARD = "id_card"
    HOUSEHOLD = "household"
    OTHER = "other"
    CHOICES = (
        (ID_CARD, gettext_lazy("Resident identity card")),
        (HOUSEHOLD, gettext_lazy("Household register")),
        (OTHER, gettext_lazy("Other document (say which in the note)")),
    )


@dataclass(frozen=True)
class WindowHit:
    """One matter found at the window, the petitioner who matched shown masked."""

    petition: Petition
    name: str
    id_number: str
    phone: str
    identity_withheld: bool


def may_keep_window(user) -> bool:
    """A clerk (register_petition somewhere), or an administrator."""
    return bool(
        org_permissions.member_unit_ids(user, "register_petition")
    ) or org_permissions.is_administrator(user)


def window_search(
    *, actor, request=None, name: str = "", id_number: str = "", phone: str = ""
) -> list[WindowHit]:
    """The matters the actor may see of the person with this name, ID number or
    phone (any one, or several to narrow): the full name matches exactly, the ID
    number and phone by their keyed hashes. Newest first, at most MAX_HITS.

    InvalidInput for nothing to search by or a malformed ID number or phone."""
    if not may_keep_window(actor):
        raise PermissionDenied(_("Only the reception window searches for petitioners."))
    name = (name or "").strip()
    errors: dict[str, list] = {}
    if id_number.strip():
        try:
            id_number = validate_id_number(id_number)
        except ValidationError as exc:
            errors["id_number"] = list(exc.messages)
    if phone.strip():
        try:
            phone = validate_phone(phone)
        except ValidationError as exc:
            errors["phone"] = list(exc.messages)
    if not (name or id_number.strip() or phone.strip()) and not errors:
        errors["name"] = [_("Give a name, an ID number or a phone number.")]
    if errors:
        raise InvalidInput(field_errors=errors)
    people = Q()
    if name:
        people &= Q(name=name)
    if id_number:
        people &= Q(id_number_hash=blind_index("id_number", id_number))
    if phone:
        people &= Q(phone_hash=blind_index("phone", phone))
    rows = list(
        Petitioner.objects.filter(people, petition__in=permissions.visible(actor))
        .select_related("petition", "petition__category", "petition__office")
        .order_by("-petition__received_on", "-petition_id", "position")[: MAX_HITS + 1]
    )
    searched_by = [f for f, v in (("id_number", id_number), ("phone", phone)) if v]
    if searched_by:
        # Who has which matters is personal data: the search is on the record
        # whether it finds something or not (a miss is a probe too).
        record_security_event(
            kind=SecurityRecord.Kind.PII_SEARCH,
            request=request,
            user=actor,
            target="petitions:window_search",
            detail={
                "fields": searched_by,
                "matters": sorted({r.petition_id for r in rows[:MAX_HITS]}),
            },
        )
    hits: list[WindowHit] = []
    seen: set[int] = set()
    for r in rows[:MAX_HITS]:
        if r.petition_id in seen:
            continue
        seen.add(r.petition_id)
        shown = permissions.may_see_identity(actor, r.petition)
        hits.append(
            WindowHit(
                petition=r.petition,
                name=r.name if shown else "",
                id_number=mask_id_number(r.id_number) if shown else "",
                phone=mask_phone(r.phone) if shown else "",
                identity_withheld=not shown,
            )
        )
    return hits


@dataclass(frozen=True)
class Reissued:
    petition: Petition
    query_code: str
    on: dt.date


def query_code_reissue(
    *,
    actor,
    petition_id: int,
    petitioner_id: int,
    document: str,
    id_number: str = "",
    identity_checked: bool = False,
    note: str = "",
    request=None,
) -> Reissued:
    """Issue matter `petition_id` a new query code for its petitioner
    `petitioner_id`, after the clerk checked their identity (`identity_checked`,
    against `document`). Where the matter holds that petitioner's ID number,
    `id_number` (read from the card) must match it.

    The old code stops working at once. One event on the timeline (public: the
    petitioner sees when a code was issued again), one security record; the new
    code is returned and stored on the matter only."""
    if not may_keep_window(actor):
        raise PermissionDenied(_("Only the reception window issues query codes again."))
    with transaction.atomic():
        p = (
            Petition.objects.select_for_update()
            .filter(pk=petition_id)
            .select_related("office", "registering_unit")
            .first()
        )
        if p is None or not permissions.may_see(actor, p):
            raise NotFound()
        if not permissions.may_see_identity(actor, p):
            raise PermissionDenied(_("The accuser's identity stays with the petition office."))
        person = p.petitioners.filter(pk=petitioner_id).first()
        errors: dict[str, list] = {}
        if person is None:
            errors["petitioner"] = [_("Choose the petitioner who asks.")]
        if document not in {c for c, _label in IdentityDocument.CHOICES}:
            errors["document"] = [_("Say what the identity was checked against.")]
        elif document == IdentityDocument.OTHER and not (note or "").strip():
            errors["note"] = [_("Say which document.")]
        if not identity_checked:
            errors["identity_checked"] = [
                _("Check the person's identity first: the code gives access to the matter.")
            ]
        matched = False
        if person is not None and person.id_number:
            try:
                typed = validate_id_number(id_number) if id_number.strip() else ""
            except ValidationError as exc:
                errors["id_number"] = list(exc.messages)
                typed = None
            if typed == "":
                errors["id_number"] = [
                    _("Enter the ID number from the card: the matter holds this person's.")
                ]
            elif typed and typed != person.id_number:
                errors["id_number"] = [
                    _("This ID number is not the one the matter holds for this person.")
                ]
            matched = bool(typed) and typed == person.id_number
        if errors:
            raise InvalidInput(field_errors=errors)
        new_code = querycode.new_query_code()
        p.query_code = new_code
        try:
            with transaction.atomic():
                Petition.objects.filter(pk=p.pk).update(query_code=new_code)
        except IntegrityError:  # 64 bits: a clash is all but impossible; try again
            raise Conflict(_("Please try again.")) from None
        on = today()
        PetitionEvent.record(
            p,
            action="query_code_reissued",
            actor=actor,
            actor_unit=_window_unit(actor),
            public=True,
            note=(note or "").strip()[:200],
            data={
                "petitioner": person.position,
                "document": document,
                "id_number_matched": matched,
            },
        )
        record_security_event(
            kind=SecurityRecord.Kind.CODE_REISSUED,
            request=request,
            user=actor,
            target=f"petition:{p.pk}:petitioner:{person.pk}",
            detail={"document": document, "id_number_matched": matched},
        )
    return Reissued(petition=p, query_code=new_code, on=on)


def _window_unit(actor):
    ids = org_permissions.member_unit_ids(actor, "register_petition")
    return Unit.objects.filter(pk__in=list(ids)).order_by("pk").first()
