"""Writing the search index: one `SearchEntry` per matter, dispute and case.

The index is kept in the same transaction as the change: `apps.ready()` connects
`post_save` of the lower areas' models (Petition and its answering events,
Dispute, MediationCase and its sessions and agreement) to `reindex`, and Django
sends post_save inside the service's `transaction.atomic()`, so a rolled-back
change leaves no index row (and the database's own index, FTS5 or tsvector,
follows the row in the same statement). Signals, not a registry, because every
write of those rows must reach the index, whichever service makes it; the lower
areas know nothing of search. A matter's entry also keeps its reach units
(`units`, petitions.permissions.reach_unit_ids: the scope fields and the
assisting units), written on every save that changes them (a matter sent to
another unit) and on m2m_changed of its assisting units, in the same
transaction; a search cuts with them before the lists' visibility (engine.py).

What is indexed (and shown in results): a matter's number, summary, full text,
request and its written answers (the opinion and the facts found); a dispute's
number, summary, details and how it was resolved; a mediation case's number,
its dispute's summary, its sessions' records and its agreement. Petitioners' and
parties' names are not: a name is found through the lists' identity-guarded
search (the window search), never through the full-text index.
"""

from __future__ import annotations

import hashlib

from django.db.models import Q

from xinfang.mediation.models import Agreement, Dispute, MediationCase, MediationSession
from xinfang.petitions import permissions as petition_permissions
from xinfang.petitions.models import Petition, PetitionEvent

from . import segment
from .models import Kind, SearchEntry

# The events whose text is a written answer (处理意见书, 复查意见书, 复核意见书).
ANSWER_ACTIONS = ("reply", "review_reply", "re_review_reply")


def _join(*parts) -> str:
    return "\n".join(str(p).strip() for p in parts if p and str(p).strip())


def petition_text(p: Petition, new: bool = False) -> str:
    """What a matter says, with its written answers (none yet when `new`)."""
    answers = (
        []
        if new
        else PetitionEvent.objects.filter(petition=p, action__in=ANSWER_ACTIONS).order_by("at")
    )
    said = [_join(e.public_text, (e.data or {}).get("facts")) for e in answers]
    return _join(p.summary, p.content, p.request, *said)


def dispute_text(d: Dispute, new: bool = False) -> str:
    return _join(d.summary, d.details, d.how_resolved)


def case_text(c: MediationCase, new: bool = False) -> str:
    records = MediationSession.objects.filter(case=c).values_list("record", flat=True)
    agreement = Agreement.objects.filter(case=c).first()
    said = [agreement.facts, agreement.issues] if agreement else []
    return _join(c.dispute.summary, *records, *said)


TEXTS = {Kind.PETITION: petition_text, Kind.DISPUTE: dispute_text, Kind.CASE: case_text}


def reach_units(kind: str, obj, new: bool = False) -> list[str]:
    """The entry's `units`: a matter's reach units (the first cut of a search,
    engine.py); none for disputes and cases."""
    if kind != Kind.PETITION:
        return []
    return sorted(str(u) for u in petition_permissions.reach_unit_ids(obj, new=new))


def index_object(kind: str, obj, *, new: bool = False) -> SearchEntry:
    """Write (or refresh) the entry of one object; segments only when its text
    changed. The reach units are written whenever they changed (a matter sent to
    another unit, an assisting unit added), with or without a change of text.
    `new`: the object was inserted just now (post_save's `created`), so it has
    no answers and no assisting units to read yet (a registration's two queries)."""
    body = TEXTS[kind](obj, new)
    digest = hashlib.sha256(body.encode()).hexdigest()
    units = reach_units(kind, obj, new)
    # A new object has no entry yet (keys are never used again): no read.
    entry = None if new else SearchEntry.objects.filter(kind=kind, object_id=obj.pk).first()
    if entry is None:
        entry = SearchEntry(kind=kind, object_id=obj.pk)
    elif entry.digest == digest:
        if set(entry.units or []) != set(units):
            entry.units = units
            entry.save(update_fields=["units", "updated_at"])
        return entry
    entry.body = body
    entry.digest = digest
    entry.units = units
    entry.tokens = " ".join(segment.index_tokens(body))
    entry.save()
    return entry


# --- the signal receivers (connected in apps.ready) ---------------------------------


def on_petition_saved(sender, instance, created=False, raw=False, **kwargs):
    if not raw:
        index_object(Kind.PETITION, instance, new=created)


def on_petition_event_saved(sender, instance, created=False, raw=False, **kwargs):
    if created and not raw and instance.action in ANSWER_ACTIONS:
        index_object(Kind.PETITION, instance.petition)


def on_assisting_units_changed(sender, instance, action, reverse=False, **kwargs):
    """A matter's assisting units (协办) changed: they are reach units. (The field
    has no reverse accessor, so the change comes from the matter's side.)"""
    if action in ("post_add", "post_remove", "post_clear") and not reverse:
        index_object(Kind.PETITION, instance)


def on_dispute_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        index_object(Kind.DISPUTE, instance)
        for case in MediationCase.objects.filter(dispute=instance).select_related("dispute"):
            index_object(Kind.CASE, case)


def on_case_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        index_object(Kind.CASE, instance)


def on_case_part_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        index_object(Kind.CASE, instance.case)


# m2m_changed of a matter's assisting units (apps.ready).
M2M_RECEIVERS = ((Petition.assisting_units.through, on_assisting_units_changed),)

RECEIVERS = (
    (Petition, on_petition_saved),
    (PetitionEvent, on_petition_event_saved),
    (Dispute, on_dispute_saved),
    (MediationCase, on_case_saved),
    (MediationSession, on_case_part_saved),
    (Agreement, on_case_part_saved),
)


# --- rebuilding -------------------------------------------------------------------


SOURCES = {
    Kind.PETITION: lambda: Petition.objects.order_by("pk"),
    Kind.DISPUTE: lambda: Dispute.objects.order_by("pk"),
    Kind.CASE: lambda: MediationCase.objects.select_related("dispute").order_by("pk"),
}


def rebuild(*, kinds=None, chunk: int = 500) -> dict[str, int]:
    """Index every object again (the management command `search_rebuild`): a new
    user dictionary re-segments everything; entries of deleted objects go."""
    counts: dict[str, int] = {}
    for kind in kinds or list(Kind):
        SearchEntry.objects.filter(kind=kind).update(digest="")
        n = 0
        for obj in SOURCES[kind]().iterator(chunk_size=chunk):
            index_object(kind, obj)
            n += 1
        ids = SOURCES[kind]().values("pk")
        SearchEntry.objects.filter(Q(kind=kind) & ~Q(object_id__in=ids)).delete()
        counts[str(kind)] = n
    return counts
