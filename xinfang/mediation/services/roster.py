"""A mediation body's roster (调解员名册) and its trail.

A mediator is never deleted: cases keep their mediators. A deactivated one cannot
be assigned to a new case (disputes._roster_pick) but stays on the cases they had.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from xinfang.core import pii
from xinfang.core.exceptions import Conflict, InvalidInput, NotFound, PermissionDenied
from xinfang.orgs.models import Membership, Unit

from .. import permissions as policy
from .. import selectors
from ..models import Mediator, MediatorAction, MediatorEvent


def _may_manage_roster(actor, body: Unit) -> None:
    if not policy.may(actor, "roster", body):
        raise PermissionDenied(
            _("Only the body's mediators or the staff who route disputes above it may do this.")
        )


def _clean_mediator(*, body: Unit, fields: dict, mediator: Mediator | None = None) -> dict:
    """Check the roster fields given (name, phone, user); raise InvalidInput with
    every error at once."""
    errors: dict[str, list] = {}
    clean = {}
    if "name" in fields:
        name = (fields["name"] or "").strip()
        if not name:
            errors["name"] = [_("Give the mediator's name.")]
        clean["name"] = name[:60]
    if "full_time" in fields:
        clean["full_time"] = bool(fields["full_time"])
    if "speciality" in fields:
        clean["speciality"] = (fields["speciality"] or "").strip()[:100]
    if "phone" in fields:
        phone = (fields["phone"] or "").strip()
        if phone:
            try:
                phone = pii.validate_phone(phone)
            except ValidationError as exc:
                errors["phone"] = list(exc.messages)
        clean["phone"] = phone
    if "user" in fields:
        user = fields["user"]
        if user is not None:
            if not Membership.objects.filter(user=user, unit=body).exists():
                errors["user"] = [_("Link only a staff member of this body.")]
            elif (
                Mediator.objects.filter(body=body, user=user)
                .exclude(pk=getattr(mediator, "pk", None))
                .exists()
            ):
                errors["user"] = [_("This staff member is already on the roster.")]
        clean["user"] = user
    if errors:
        raise InvalidInput(field_errors=errors)
    return clean


def _lock_mediator(actor, mediator_id, version: int | None = None) -> Mediator:
    """The mediator's row, locked; 404 unless the actor sees the body, 409 when it
    changed since the `version` the actor saw."""
    try:
        m = Mediator.objects.select_for_update().select_related("body").get(pk=int(mediator_id))
    except (Mediator.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if not selectors.visible_bodies(actor).filter(pk=m.body_id).exists():
        raise NotFound()
    if version is not None and int(version) != m.version:
        raise Conflict(_("Someone else changed this in the meantime; reload it and try again."))
    return m


def _roster_value(field: str, value):
    """A roster field as the trail stores it: the phone masked, the account by name."""
    if value is None:
        return None
    if field == "phone":
        return pii.mask_phone(value) or ""
    if field == "user":
        return value.get_username()
    return value


def _trail(m: Mediator, action: str, *, actor, changes: dict) -> MediatorEvent:
    """The roster's trail (one append-only row per change), in the caller's transaction."""
    return MediatorEvent.record(
        m,
        action=action,
        actor=actor,
        actor_unit=policy.acting_unit(actor, [m.body_id], ("mediate", "route_dispute")),
        data={
            f: [_roster_value(f, old), _roster_value(f, new)] for f, (old, new) in changes.items()
        },
    )


@transaction.atomic
def mediator_add(
    *,
    actor,
    body: Unit,
    name: str,
    full_time: bool = False,
    phone: str = "",
    speciality: str = "",
    user=None,
) -> Mediator:
    """Put a mediator (调解员) on a body's roster (the body's mediators, or the
    staff who route disputes above it). `user` links the staff account of a
    member of the body, so that their cases are theirs."""
    if body.kind not in selectors.BODY_KINDS:
        raise InvalidInput(field_errors={"body": [_("Choose a mediation centre or committee.")]})
    if not selectors.visible_bodies(actor).filter(pk=body.pk).exists():
        raise NotFound()
    _may_manage_roster(actor, body)
    clean = _clean_mediator(
        body=body,
        fields={
            "name": name,
            "full_time": full_time,
            "phone": phone,
            "speciality": speciality,
            "user": user,
        },
    )
    try:
        with transaction.atomic():
            m = Mediator.objects.create(body=body, **clean)
    except IntegrityError:  # the same staff member added twice at once
        raise InvalidInput(
            field_errors={"user": [_("This staff member is already on the roster.")]}
        ) from None
    _trail(m, MediatorAction.ADDED, actor=actor, changes={f: (None, v) for f, v in clean.items()})
    return m


_UNCHANGED = object()


@transaction.atomic
def mediator_update(
    *,
    actor,
    mediator_id: int,
    name: str | None = None,
    full_time: bool | None = None,
    phone: str | None = None,
    speciality: str | None = None,
    user=_UNCHANGED,
    version: int | None = None,
) -> Mediator:
    """Correct a roster entry. None (or, for `user`, leaving it out) keeps a field;
    phone="" removes the number, user=None unlinks the account."""
    m = _lock_mediator(actor, mediator_id, version)
    _may_manage_roster(actor, m.body)
    given = {
        k: v
        for k, v in {
            "name": name,
            "full_time": full_time,
            "phone": phone,
            "speciality": speciality,
        }.items()
        if v is not None
    }
    if user is not _UNCHANGED:
        given["user"] = user
    clean = _clean_mediator(body=m.body, fields=given, mediator=m)
    changes = {}
    for field, value in clean.items():
        old = m.user if field == "user" else getattr(m, field)
        same = (
            getattr(old, "pk", None) == getattr(value, "pk", None)
            if field == "user"
            else old == value
        )
        if not same:
            changes[field] = (old, value)
            setattr(m, field, value)
    if changes:  # a no-op correction writes nothing and leaves no trail
        m.version += 1
        m.save(update_fields=[*changes, "version"])
        _trail(m, MediatorAction.UPDATED, actor=actor, changes=changes)
    return m


@transaction.atomic
def mediator_set_active(
    *, actor, mediator_id: int, active: bool, version: int | None = None
) -> Mediator:
    """Take a mediator off the roster (or back on). Inactive: no new case, but
    the cases they had keep them, and their caseload still shows."""
    m = _lock_mediator(actor, mediator_id, version)
    _may_manage_roster(actor, m.body)
    if m.is_active != bool(active):
        m.is_active = bool(active)
        m.version += 1
        m.save(update_fields=["is_active", "version"])
        _trail(
            m,
            MediatorAction.REACTIVATED if m.is_active else MediatorAction.DEACTIVATED,
            actor=actor,
            changes={"is_active": (not m.is_active, m.is_active)},
        )
    return m
