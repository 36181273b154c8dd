"""Marking two matters as a repeat or as related (issue 16), and undoing it.

Who: whoever may see both matters (the lists' visibility, the accusation rule
included); a matter the actor may not see is a 404, as everywhere. An accusation
is marked only with another accusation against the same accused unit, so that a
mark never shows one to a unit that may not see it (the merge rule, stricter).

The later matter of the two (received later) carries the mark; a repeat mark sets
its `repeat` flag, which the repeat rate (重复信访率, analytics) counts. Undoing the
last repeat mark on it puts the flag back as it was before the first. Each mark
and each undo writes an internal event on both matters' timelines, in one
transaction with the row.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from xinfang.core import idempotency
from xinfang.core.exceptions import Conflict, InvalidInput, NotFound

from .. import permissions
from ..models import LinkKind, MatterLink, Petition, PetitionEvent
from .frame import acting_unit


def _lock_pair(actor, first_id, second_id) -> tuple[Petition, Petition]:
    try:
        ids = sorted({int(first_id), int(second_id)})
    except (TypeError, ValueError):
        raise NotFound() from None
    if len(ids) == 1:
        raise InvalidInput(field_errors={"other": [_("A matter is not related to itself.")]})
    rows = {p.pk: p for p in Petition.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
    if len(rows) != 2 or not all(permissions.may_see(actor, p) for p in rows.values()):
        raise NotFound()
    return rows[int(first_id)], rows[int(second_id)]


def _later_first(a: Petition, b: Petition) -> tuple[Petition, Petition]:
    return (a, b) if (a.received_on, a.pk) > (b.received_on, b.pk) else (b, a)


def _record(p: Petition, action: str, *, actor, link: MatterLink, number: str, role: str, note=""):
    PetitionEvent.record(
        p,
        action=action,
        actor=actor,
        actor_unit=acting_unit(actor, p, None),
        from_state=p.state,
        note=note,
        data={"kind": link.kind, "number": number, "link": link.pk, "role": role},
    )


def petition_link(
    *,
    actor,
    petition_id: int,
    other_id: int,
    kind: str,
    note: str = "",
    idempotency_key: str | None = None,
) -> MatterLink:
    """Mark the two matters as `kind` (LinkKind). A retry with the same key and
    content answers the first mark; the same key with other content is a 409."""
    fingerprint = (
        idempotency.fingerprint(
            {"petition": petition_id, "other": other_id, "kind": kind, "note": note}
        )
        if idempotency_key
        else ""
    )
    with transaction.atomic():
        if idempotency_key:
            existing = MatterLink.objects.filter(idempotency_key=idempotency_key).first()
            if existing is not None:
                idempotency.check_replay(
                    stored_fingerprint=existing.idempotency_fingerprint, fingerprint=fingerprint
                )
                _lock_pair(actor, existing.petition_id, existing.other_id)
                return existing
        a, b = _lock_pair(actor, petition_id, other_id)
        if kind not in LinkKind.values:
            raise InvalidInput(field_errors={"kind": [_("Choose how the matters are related.")]})
        if (a.accusation or b.accusation) and not (
            a.accusation and b.accusation and a.accused_unit_id == b.accused_unit_id
        ):
            raise InvalidInput(
                field_errors={
                    "other": [
                        _(
                            "An accusation is marked only with another accusation "
                            "against the same unit."
                        )
                    ]
                }
            )
        later, earlier = _later_first(a, b)
        in_force = MatterLink.objects.filter(
            petition=later, other=earlier, undone_at__isnull=True
        ).first()
        if in_force is not None:
            raise Conflict(
                _("These matters are already marked: %(kind)s.")
                % {"kind": in_force.get_kind_display()}
            )
        link = MatterLink.objects.create(
            petition=later,
            other=earlier,
            kind=kind,
            note=(note or "").strip(),
            created_by=actor,
            repeat_before=later.repeat,
            idempotency_key=idempotency_key or None,
            idempotency_fingerprint=fingerprint,
        )
        if kind == LinkKind.REPEAT and not later.repeat:
            later.repeat = True
            later.version += 1
            later.save(update_fields=["repeat", "version"])
        _record(
            later,
            "linked",
            actor=actor,
            link=link,
            number=earlier.number,
            role="later",
            note=link.note,
        )
        _record(
            earlier,
            "linked",
            actor=actor,
            link=link,
            number=later.number,
            role="earlier",
            note=link.note,
        )
        return link


def petition_unlink(*, actor, link_id: int, note: str = "") -> MatterLink:
    """Undo a mark (both matters seen, as for marking). Undone already: 409."""
    with transaction.atomic():
        try:
            link = MatterLink.objects.select_for_update().get(pk=int(link_id))
        except (MatterLink.DoesNotExist, TypeError, ValueError):
            raise NotFound() from None
        later, earlier = _lock_pair(actor, link.petition_id, link.other_id)
        if link.undone_at is not None:
            raise Conflict(_("This mark was undone already."))
        link.undone_at = timezone.now()
        link.undone_by = actor
        link.save(update_fields=["undone_at", "undone_by"])
        if link.kind == LinkKind.REPEAT:
            others = MatterLink.objects.filter(
                petition=later, kind=LinkKind.REPEAT, undone_at__isnull=True
            )
            if not others.exists() and later.repeat != link.repeat_before:
                later.repeat = link.repeat_before
                later.version += 1
                later.save(update_fields=["repeat", "version"])
        note = (note or "").strip()
        _record(
            later,
            "unlinked",
            actor=actor,
            link=link,
            number=earlier.number,
            role="later",
            note=note,
        )
        _record(
            earlier,
            "unlinked",
            actor=actor,
            link=link,
            number=later.number,
            role="earlier",
            note=note,
        )
        return link


def links_of(user, petition: Petition) -> list[MatterLink]:
    """The marks in force on a matter the user sees, each with the other matter
    (`link.counterpart`), only where the user may see that one too."""
    rows = (
        MatterLink.objects.filter(undone_at__isnull=True)
        .filter(Q(petition=petition) | Q(other=petition))
        .select_related("petition", "other", "created_by")
        .order_by("-created_at")
    )
    out = []
    for link in rows:
        counterpart = link.other if link.petition_id == petition.pk else link.petition
        if permissions.may_see(user, counterpart):
            link.counterpart = counterpart
            out.append(link)
    return out
