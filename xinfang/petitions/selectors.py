"""Every read of petition matters that a user sees, filtered by visibility
(the permission policy, petitions/permissions.py, says who sees what).

Visibility: a matter is reached through its units (place, registering unit,
petition office, responsible, review and re-review units); a user sees it when a
membership reaches one of them.

An accusation (检举控告) is confidential by default, from every channel
(信访工作条例 Art. 30): it is seen only by members of the petition office that
received it (not by units above or beside the office), by the clerk who
registered it, and by the units the office sends it to (responsible, review,
re-review units: the discipline-inspection route of Art. 22 para 2 among them).
Never through the place of the problem nor the registering unit, which are often
the accused; and never by the unit it accuses, any unit below it, or the accused
person, whatever else would let them see it. The accuser's identity and contact
data stay with the office unless it releases them to the handling unit
(`may_see_identity`, `may_reveal`).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, CharField, Count, IntegerField, Q, QuerySet, Value, When
from django.http import Http404

from xinfang.core import calendar, querycode
from xinfang.orgs import permissions
from xinfang.orgs.models import UnitLink

from .models import (
    CLOSED_STATES,
    OPEN_STATES,
    ForwardKind,
    Notification,
    Petition,
    PetitionEvent,
    State,
)

# Visibility is the permission policy's (petitions/permissions.py); the names are
# re-exported here, where the other areas read them.
from .permissions import (  # noqa: F401
    SCOPE_FIELDS,
    accusation_exclusion,
    may_reveal,
    may_see,
    may_see_identity,
    sees_everything,
    subtree_ids,
    visible_petitions,
)


def petition_get(*, user, pk) -> Petition:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    p = (
        visible_petitions(user)
        .select_related(
            "category",
            "category__parent",
            "place",
            "registering_unit",
            "office",
            "responsible_unit",
            "review_unit",
            "re_review_unit",
            "handler",
            "owner_leader",
            "merged_into",
            "same_as",
            "accused_unit",
            "accused_user",
            "identity_shared_with",
        )
        .filter(pk=pk)
        .first()
    )
    if p is None:
        raise Http404
    return p


# --- colours ---------------------------------------------------------------------


def with_colour(qs: QuerySet[Petition], today: dt.date | None = None) -> QuerySet[Petition]:
    """Annotate `colour` (red/yellow/blue/green) and `urgency` (0 = most urgent).

    The shown colour is the more severe of the clock's and the listing's
    (DOMAIN.md section 5). Computed in SQL from the stored due date and the first
    yellow day, so lists filter and sort by it."""
    today = today or calendar.today()
    colour = Case(
        When(state__in=list(CLOSED_STATES), then=Value("green")),
        When(Q(due_date__lt=today) | Q(listing="red"), then=Value("red")),
        When(Q(yellow_from__lte=today) | Q(listing="yellow"), then=Value("yellow")),
        default=Value("blue"),
        output_field=CharField(),
    )
    urgency = Case(
        When(state__in=list(CLOSED_STATES), then=Value(3)),
        When(Q(due_date__lt=today) | Q(listing="red"), then=Value(0)),
        When(Q(yellow_from__lte=today) | Q(listing="yellow"), then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return qs.annotate(colour=colour, urgency=urgency)


def colour_q(colour: str, today: dt.date | None = None) -> Q:
    today = today or calendar.today()
    open_ = Q(state__in=list(OPEN_STATES))
    red = open_ & (Q(due_date__lt=today) | Q(listing="red"))
    yellow = open_ & ~red & (Q(yellow_from__lte=today) | Q(listing="yellow"))
    return {
        "red": red,
        "yellow": yellow,
        "blue": open_ & ~red & ~yellow,
        "green": Q(state__in=list(CLOSED_STATES)),
    }.get(colour, Q())


def colour_of(p: Petition, today: dt.date | None = None) -> str:
    today = today or calendar.today()
    if p.state in CLOSED_STATES:
        return "green"
    if (p.due_date and p.due_date < today) or p.listing == "red":
        return "red"
    if (p.yellow_from and p.yellow_from <= today) or p.listing == "yellow":
        return "yellow"
    return "blue"


# --- the worklist (待办) ------------------------------------------------------------


def report_back_overdue_q(today: dt.date | None = None) -> Q:
    """Open matters assigned (交办) whose report-back date passed without a report."""
    return Q(
        state__in=list(OPEN_STATES),
        forward_kind=ForwardKind.ASSIGN,
        reported_back_on__isnull=True,
        report_back_due__lt=today or calendar.today(),
    )


def waiting_for(user) -> Q:
    """What waits for this user's action, by the roles they hold."""
    if sees_everything(user):
        return Q(state__in=list(OPEN_STATES))
    active = [State.FORWARDED, State.PENDING_ACCEPTANCE, State.ACCEPTED]
    branches = [
        (
            "office",
            "dispatch_petition",
            Q(
                state__in=[
                    State.REGISTERED,
                    State.OPINION_ISSUED,
                    State.REVIEW_ISSUED,
                    State.RE_REVIEW_ISSUED,
                ]
            ),
        ),
        # A unit's objection (退回) waits for the forwarding office (Art. 23(3)).
        (
            "office",
            "dispatch_petition",
            Q(state=State.FORWARDED, return_requested_on__isnull=False),
        ),
        ("responsible_unit", "handle_petition", Q(state__in=active)),
        # 待送达: a written answer whose service is not recorded yet.
        (
            "responsible_unit",
            "handle_petition",
            Q(state=State.OPINION_ISSUED, served_on__isnull=True),
        ),
        ("review_unit", "handle_petition", Q(state=State.REVIEW_ISSUED, served_on__isnull=True)),
        (
            "re_review_unit",
            "handle_petition",
            Q(state=State.RE_REVIEW_ISSUED, served_on__isnull=True),
        ),
        ("review_unit", "handle_petition", Q(state=State.UNDER_REVIEW)),
        ("re_review_unit", "handle_petition", Q(state=State.UNDER_RE_REVIEW)),
        ("responsible_unit", "approve_extension", Q(state__in=active)),
        ("office", "supervise", Q(state__in=list(OPEN_STATES))),
        # 交办: the report back is overdue; the assigning office chases it.
        ("office", "dispatch_petition", report_back_overdue_q()),
        ("registering_unit", "register_petition", Q(state=State.REGISTERED)),
    ]
    q = Q(pk__in=[])
    for field, action, states in branches:
        units = subtree_ids(user, action)
        if units:
            q |= Q(**{f"{field}__in": units}) & states
    if permissions.member_unit_ids(user, "own_case"):
        q |= Q(owner_leader=user, state__in=list(OPEN_STATES))
    return q


FILTERS = ("colour", "state", "channel", "category", "unit", "date_from", "date_to", "q")


def worklist(
    *, user, filters: dict | None = None, today: dt.date | None = None
) -> QuerySet[Petition]:
    """The user's 待办: most urgent first (colour, then the earliest due date).

    Every branch of waiting_for already lies inside the units the user reaches,
    so only the accusation rule is added, not the six-column visibility OR."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Petition.objects.none()
    qs = Petition.objects.filter(waiting_for(user))
    if not sees_everything(user):
        qs = qs.exclude(accusation_exclusion(user))
    return apply_filters(qs, filters or {}, today=today)


def petition_list(
    *, user, filters: dict | None = None, today: dt.date | None = None
) -> QuerySet[Petition]:
    """Every matter the user may see, with the same filters."""
    return apply_filters(visible_petitions(user), filters or {}, today=today)


def apply_filters(qs, filters: dict, *, today=None) -> QuerySet[Petition]:
    f = {k: v for k, v in filters.items() if v not in (None, "")}
    if f.get("colour"):
        qs = qs.filter(colour_q(f["colour"], today))
    if f.get("state"):
        qs = qs.filter(state=f["state"])
    if f.get("channel"):
        qs = qs.filter(channel=f["channel"])
    if f.get("category"):
        qs = qs.filter(Q(category_id=f["category"]) | Q(category__parent_id=f["category"]))
    if f.get("unit"):
        units = UnitLink.objects.filter(ancestor_id=f["unit"]).values("descendant_id")
        qs = qs.filter(Q(responsible_unit__in=units) | Q(place__in=units))
    if f.get("date_from"):
        qs = qs.filter(received_on__gte=f["date_from"])
    if f.get("date_to"):
        qs = qs.filter(received_on__lte=f["date_to"])
    if f.get("q"):
        term = str(f["q"]).strip()
        qs = qs.filter(Q(number__icontains=term) | Q(summary__icontains=term))
    return (
        with_colour(qs, today)
        .select_related("category", "place__parent", "responsible_unit")
        .order_by("urgency", "due_date", "received_on", "pk")
    )


def total_from_counts(counts: dict[str, int], filters: dict) -> int:
    """The length of a list whose colour counts are known: saves a COUNT(*)."""
    colour = (filters or {}).get("colour")
    return counts.get(colour, 0) if colour else sum(counts.values())


def colour_counts(qs: QuerySet[Petition], today: dt.date | None = None) -> dict[str, int]:
    """Counts per colour of a list, in one query."""
    today = today or calendar.today()
    row = qs.order_by().aggregate(
        **{c: Count("pk", filter=colour_q(c, today)) for c in ("red", "yellow", "blue", "green")}
    )
    return row


# --- timelines ---------------------------------------------------------------------


def timeline(*, user, petition: Petition) -> QuerySet[PetitionEvent]:
    """The whole timeline (staff): the matter's events and those of matters merged into it."""
    # Matters merged into this one show on its timeline only where the user may see
    # them too (an accusation merged in stays hidden from the accused).
    # order_by(): without it the model's default ordering makes SQLite walk the
    # registered_at index over the whole table instead of the merged_into index.
    merged = (
        visible_petitions(user).filter(merged_into=petition).order_by().values_list("pk", flat=True)
    )
    ids = [petition.pk, *merged]
    return (
        PetitionEvent.objects.filter(petition_id__in=ids)
        .select_related("actor", "actor_unit", "petition")
        .order_by("at", "pk")
    )


def public_view(query_code: str) -> Petition | None:
    code = querycode.normalise_query_code(query_code or "")
    if not code:
        return None
    return (
        Petition.objects.select_related(
            "category",
            "category__parent",
            "place",
            "responsible_unit",
            "review_unit",
            "re_review_unit",
        )
        .filter(query_code=code)
        .first()
    )


def public_timeline(petition: Petition) -> QuerySet[PetitionEvent]:
    """What the petitioner sees: public events only, no staff names, no notes."""
    ids = [
        petition.pk,
        *Petition.objects.filter(merged_into=petition).order_by().values_list("pk", flat=True),
    ]
    return (
        PetitionEvent.objects.filter(petition_id__in=ids, public=True)
        .order_by("at", "pk")
        .only("at", "action", "to_state", "public_text", "data", "petition_id")
    )


def notifications_for(user) -> QuerySet[Notification]:
    """The user's own notifications, newest first; a matter they can no longer see
    is not linked."""
    return Notification.objects.filter(user=user).select_related("petition").order_by("-created_at")


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
