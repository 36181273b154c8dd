"""Every read of disputes, cases and rosters that a user sees, filtered by visibility.

A dispute is reached through its units (Dispute.scope_unit_ids): the place where
it arose, the unit that received it, the body now handling it and every body
that had a case on it. A member of a unit sees what reaches that unit or any unit
below it; anyone else gets 404.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from xinfang.orgs import permissions
from xinfang.orgs.models import Level, Unit, UnitKind
from xinfang.orgs.selectors import units_above
from xinfang.petitions.models import Category, Purpose

from . import permissions as policy
from .models import (
    OPEN_DISPUTE_STATES,
    Agreement,
    CaseState,
    Dispute,
    DisputeEvent,
    DisputeType,
    JudicialConfirmation,
    MediationCase,
    Mediator,
    MediatorEvent,
    PartyRole,
)

OPEN_CASE_STATES = (CaseState.AWAITING_CONSENT, CaseState.IN_PROGRESS)
BODY_KINDS = policy.BODY_KINDS
FILTERS = ("state", "type", "body", "level", "source", "q")


subtree_ids = permissions.reached_unit_ids


def visible_disputes(user) -> QuerySet[Dispute]:
    return policy.visible(user, "dispute")


may_see = policy.may_see


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


def dispute_get(*, user, pk) -> Dispute:
    d = (
        visible_disputes(user)
        .select_related("place", "place__parent", "township", "body", "received_by", "petition")
        .prefetch_related("parties")
        .filter(pk=_int(pk))
        .first()
    )
    if d is None:
        raise Http404
    return d


def dispute_list(*, user, filters: dict | None = None) -> QuerySet[Dispute]:
    """Visible disputes, newest first, with the filters of the list page and API."""
    f = {k: v for k, v in (filters or {}).items() if v not in (None, "")}
    qs = visible_disputes(user).select_related("place", "place__parent", "body")
    if f.get("state") == "open":
        qs = qs.filter(state__in=OPEN_DISPUTE_STATES)
    elif f.get("state"):
        qs = qs.filter(state=f["state"])
    if f.get("type"):
        qs = qs.filter(type=f["type"])
    if f.get("source"):
        qs = qs.filter(source=f["source"])
    if f.get("level"):
        qs = qs.filter(arose_level=f["level"])
    if f.get("body"):
        qs = qs.filter(body_id=_int(f["body"]))
    if f.get("q"):
        qs = qs.filter(Q(number__icontains=f["q"]) | Q(summary__icontains=f["q"]))
    return qs.order_by("-received_on", "-id")


def timeline(*, dispute: Dispute) -> QuerySet[DisputeEvent]:
    return dispute.events.select_related("actor", "actor_unit").order_by("at", "id")


def cases_of(dispute: Dispute) -> list[MediationCase]:
    return list(
        dispute.cases.select_related("body")
        .prefetch_related("mediators")
        .select_related("agreement")
        .order_by("opened_on", "id")
    )


def case_get(*, user, pk) -> MediationCase:
    case = (
        MediationCase.objects.select_related(
            "dispute", "dispute__place", "dispute__body", "dispute__petition", "body"
        )
        .filter(pk=_int(pk))
        .first()
    )
    if case is None or not may_see(user, case.dispute):
        raise Http404
    return case


def case_detail(case: MediationCase) -> dict:
    """Everything the case page and the API show, in a fixed number of queries."""
    agreement = (
        Agreement.objects.filter(case=case)
        .prefetch_related("terms", "follow_ups")
        .select_related("judicial_confirmation")
        .first()
    )
    judicial = getattr(agreement, "judicial_confirmation", None) if agreement else None
    return {
        "parties": list(case.dispute.parties.all()),
        "consents": {c.party_id: c for c in case.consents.all()},
        "mediators": list(case.mediators.all()),
        "sessions": list(case.sessions.all()),
        "agreement": agreement,
        "terms": list(agreement.terms.all()) if agreement else [],
        "follow_ups": list(agreement.follow_ups.all()) if agreement else [],
        "judicial": judicial,
    }


COMMITTEE = "人民调解委员会"


def committee_name(body: Unit) -> str:
    """The 人民调解委员会 whose seal an agreement reached at `body` bears (law key
    agreement_written: the committee seals it, not the township's government nor the centre
    that houses the committee).

    The body's name as issuer (Unit.formal_name) when the administrator set it; a
    professional committee's own name; else the committee of the territory the
    centre serves: 八台镇群众诉求纠纷调解中心 → 八台镇人民调解委员会, a village's
    调解室 → 八台镇王庄村人民调解委员会 (a village's committee is named with its
    township: two townships may have a 王庄村)."""
    if body.formal_name:
        return body.formal_name
    if COMMITTEE in body.name:
        return body.name
    territory = body.parent
    while territory is not None and territory.kind != UnitKind.TERRITORIAL:
        territory = territory.parent
    if territory is None:
        return body.name
    name = territory.name
    if territory.level == Level.VILLAGE:
        township = territory.parent
        if township is not None and not name.startswith(township.name):
            name = township.name + name
    return name + COMMITTEE


def bodies_for(place: Unit) -> list[Unit]:
    """The mediation bodies a dispute arising at `place` may be routed to: the
    centres of its village, township and city, then the professional committees."""
    ancestors = units_above(place, kind=UnitKind.TERRITORIAL).values("pk")
    centres = list(
        Unit.objects.filter(kind=UnitKind.MEDIATION_CENTRE, is_active=True, parent__in=ancestors)
    )
    order = {Level.VILLAGE: 0, Level.TOWNSHIP: 1, Level.CITY: 2}
    centres.sort(key=lambda u: order.get(u.level, 3))
    committees = list(
        Unit.objects.filter(
            kind=UnitKind.MEDIATION_COMMITTEE,
            is_active=True,
            ancestor_links__ancestor__in=ancestors,
        )
        .distinct()
        .order_by("sort_order", "code")
    )
    return centres + committees


def visible_bodies(user) -> QuerySet[Unit]:
    """Mediation bodies the user can see (for the roster index and filters)."""
    return policy.visible(user, "body")


def body_get(*, user, pk) -> Unit:
    body = visible_bodies(user).filter(pk=_int(pk)).first()
    if body is None:
        raise Http404
    return body


ROSTER_HISTORY = 10  # the recent changes shown per mediator (page and API)


def roster(body: Unit, *, history: bool = False) -> list[Mediator]:
    """The body's mediators with their caseload (open cases), full-time first.
    `history`: each with `recent_events`, their last ROSTER_HISTORY changes, newest
    first, in one more query whatever the number of mediators (a sliced prefetch:
    a window function per mediator)."""
    qs = (
        Mediator.objects.filter(body=body)
        .select_related("user")
        .annotate(
            caseload=Count("cases", filter=Q(cases__state__in=OPEN_CASE_STATES), distinct=True)
        )
        .order_by("-is_active", "-full_time", "name")
    )
    if history:
        qs = qs.prefetch_related(
            Prefetch(
                "events",
                queryset=MediatorEvent.objects.select_related("actor", "actor_unit").order_by(
                    "-at", "-id"
                )[:ROSTER_HISTORY],
                to_attr="recent_events",
            )
        )
    return list(qs)


def body_members(body: Unit) -> list:
    """Active staff accounts holding a membership in the body (to link to a roster entry)."""
    return list(
        get_user_model()
        .objects.filter(memberships__unit=body, is_active=True)
        .distinct()
        .order_by("username")
    )


def roster_counts(bodies) -> dict[int, dict]:
    """Per body: mediators (full-/part-time) in one grouped query."""
    rows = (
        Mediator.objects.filter(body__in=bodies, is_active=True)
        .values("body_id")
        .annotate(
            total=Count("pk"),
            full_time=Count("pk", filter=Q(full_time=True)),
        )
    )
    return {r["body_id"]: r for r in rows}


def open_cases_for(user) -> QuerySet[MediationCase]:
    """Open cases at the bodies where the user mediates (the mediator's worklist)."""
    units = subtree_ids(user, "mediate")
    return (
        MediationCase.objects.filter(body_id__in=units, state__in=OPEN_CASE_STATES)
        .select_related("dispute", "body")
        .order_by("deadline", "opened_on")
    )


def judicial_windows_open(user, today: dt.date) -> QuerySet:
    units = subtree_ids(user, "mediate")
    return JudicialConfirmation.objects.filter(
        agreement__case__body_id__in=units, applied_on__isnull=True, window_ends_on__gte=today
    ).select_related("agreement__case__dispute")


def disputes_of_petition(*, user, petition) -> list[Dispute]:
    """Disputes the petition was diverted to, and the failed one it was raised from."""
    return list(
        visible_disputes(user)
        .filter(Q(petition=petition) | Q(data__raised_petition=petition.pk))
        .select_related("body")
        .prefetch_related(
            Prefetch("events", queryset=DisputeEvent.objects.order_by("at", "id")),
        )
        .order_by("received_on", "id")
    )


def petition_prefill(*, user, dispute_id) -> dict:
    """The clerk's registration form filled in from a failed dispute (mediation
    failed, a petition is raised): 404 unless the user sees the dispute. Built
    here, server-side, so that no personal data travels in a URL. Returns the
    dispute and the initial data of the form and of its petitioner rows."""
    d = dispute_get(user=user, pk=dispute_id)
    content = "\n\n".join(
        x
        for x in (
            d.details.strip(),
            _("Raised after the mediation of dispute %(number)s failed.") % {"number": d.number},
        )
        if x
    )
    category = None
    mtype = DisputeType.committee_type(d.type)
    if mtype:
        category = (
            Category.objects.filter(mediation_type=mtype, is_active=True)
            .order_by("parent__sort_order", "parent__code", "sort_order", "code")
            .first()
        )
    parties = sorted(d.parties.all(), key=lambda p: (p.role != PartyRole.APPLICANT, p.sort_order))
    return {
        "dispute": d,
        "parties": parties,
        "form": {
            "summary": d.summary,
            "content": content,
            "place": d.place_id,
            "category": category.pk if category else None,
            "purpose": Purpose.APPEAL,
            "people_count": max(1, min(len(parties), 5)),
            "from_dispute": d.pk,
        },
        "petitioners": [
            {
                "name": p.name,
                "id_number": p.id_number,
                "phone": p.phone,
                "address": p.address,
            }
            for p in parties
        ],
    }
