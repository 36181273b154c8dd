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
from xinfang.core.compiled import CompiledQuery
from xinfang.core.crypto import blind_index
from xinfang.core.memo import memoized
from xinfang.orgs import permissions as org_permissions
from xinfang.orgs.models import Role, UnitLink

from . import permissions
from .models import (
    CLOSED_STATES,
    OPEN_STATES,
    DraftState,
    ForwardKind,
    Notification,
    OfficeColourSettings,
    OpinionDraft,
    Petition,
    Petitioner,
    PetitionEvent,
    Purpose,
    State,
)

# Visibility is the permission policy's (petitions/permissions.py); the names are
# re-exported here, where the other areas read them.
from .permissions import (  # noqa: F401
    SCOPE_FIELDS,
    accusation_exclusion,
    may_reveal,
    may_see,
    may_see_drafts,
    may_see_identity,
    sees_everything,
    subtree_ids,
    visible_petitions,
)
from .registry import worklist_sources


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
#
# What each colour tells a supervisor (DOMAIN.md section 5):
# - red: a clock that colours is overdue, or a supervisor listed it red: the unit
#   reports measures the same day;
# - yellow: such a clock is due soon (the office's threshold), or listed yellow;
# - blue: in handling and on schedule (or listed blue);
# - green: concluded. An open list never shows green; the concluded list does.
# Which clocks colour a matter, and when yellow begins, are the petition office's
# settings (OfficeColourSettings): the one-day sign clock does not by default.
# Both are stored on the row when its clock starts (`clock_colours`,
# `yellow_from`), so lists colour, filter and sort in SQL.


@memoized()
def colour_rules(office_id: int | None):
    """The colour settings of a petition office (defaults when it saved none);
    kept (core.memo: forgotten when settings are saved), read-only to callers."""
    row = OfficeColourSettings.objects.filter(office_id=office_id).first() if office_id else None
    return row or OfficeColourSettings(office_id=office_id)


def _red_q(today) -> Q:
    return Q(due_date__lt=today, clock_colours=True) | Q(listing="red")


def _yellow_q(today) -> Q:
    return Q(yellow_from__lte=today, clock_colours=True) | Q(listing="yellow")


def with_colour(qs: QuerySet[Petition], today: dt.date | None = None) -> QuerySet[Petition]:
    """Annotate `colour` (red/yellow/blue/green) and `urgency` (0 = most urgent).

    The shown colour is the more severe of the clock's and the listing's
    (DOMAIN.md section 5). Computed in SQL from the stored due date and the first
    yellow day, so lists filter and sort by it."""
    today = today or calendar.today()
    colour = Case(
        When(state__in=list(CLOSED_STATES), then=Value("green")),
        When(_red_q(today), then=Value("red")),
        When(_yellow_q(today), then=Value("yellow")),
        default=Value("blue"),
        output_field=CharField(),
    )
    urgency = Case(
        When(state__in=list(CLOSED_STATES), then=Value(3)),
        When(_red_q(today), then=Value(0)),
        When(_yellow_q(today), then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return qs.annotate(colour=colour, urgency=urgency)


def colour_q(colour: str, today: dt.date | None = None) -> Q:
    today = today or calendar.today()
    open_ = Q(state__in=list(OPEN_STATES))
    red = open_ & _red_q(today)
    yellow = open_ & ~red & _yellow_q(today)
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
    colours = getattr(p, "clock_colours", True)
    if (colours and p.due_date and p.due_date < today) or p.listing == "red":
        return "red"
    if (colours and p.yellow_from and p.yellow_from <= today) or p.listing == "yellow":
        return "yellow"
    return "blue"


# --- the worklist (待办) ------------------------------------------------------------
#
# 待办 means "mine": what this user, or their own unit in the role they hold
# there, must act on now; everything else they may see is one click away
# (petition_list, "all I can see"). A membership reaches the units below it for
# *seeing*, but the work of a township is the township's: the city's reviewer
# does not find the townships' matters waiting to be signed on their list.

WORKLIST_ROLES = (
    Role.DISPATCHER,
    Role.HANDLER,
    Role.UNIT_HEAD,
    Role.SUPERVISOR,
    Role.LEADER,
)


def report_back_overdue_q(today: dt.date | None = None) -> Q:
    """Open matters assigned (交办) whose report-back date passed without a report."""
    return Q(
        state__in=list(OPEN_STATES),
        forward_kind=ForwardKind.ASSIGN,
        reported_back_on__isnull=True,
        report_back_due__lt=today or calendar.today(),
    )


# The permission (orgs.permissions.ACTIONS) that only each role holds.
_ROLE_ACTION = {
    Role.DISPATCHER: "dispatch_petition",
    Role.HANDLER: "handle_petition",
    Role.UNIT_HEAD: "approve_extension",
    Role.LEADER: "own_case",
}


def _own(user, role: str) -> list[int]:
    """The units where the user holds `role` themselves (not the units below)."""
    return sorted(org_permissions.member_unit_ids(user, _ROLE_ACTION[role]))


def role_branches(user, role: str, today: dt.date | None = None) -> Q | None:
    """What waits for `user` acting as `role` (None: nothing can)."""
    today = today or calendar.today()
    open_ = Q(state__in=list(OPEN_STATES))
    if role == Role.DISPATCHER:
        offices = _own(user, role)
        if not offices:
            return None
        # New matters to forward within 15 days (Art. 22), and a unit's objection
        # (退回) that waits for the forwarding office (Art. 23(3)).
        # 交办: a report back that is overdue; the assigning office chases it.
        return Q(office__in=offices) & (
            Q(state=State.REGISTERED)
            | Q(state=State.FORWARDED, return_requested_on__isnull=False)
            | report_back_overdue_q(today)
        )
    if role == Role.HANDLER:
        units = _own(user, role)
        if not units:
            return None
        return (
            # Sign for (while no objection of the unit waits for the office),
            # decide acceptance, answer; then have the answer served (待送达).
            Q(responsible_unit__in=units)
            & (
                Q(state=State.FORWARDED, return_requested_on__isnull=True)
                | Q(state__in=[State.PENDING_ACCEPTANCE, State.ACCEPTED])
                | Q(state=State.OPINION_ISSUED, served_on__isnull=True)
            )
            # Reviews and re-reviews at the unit, and their service.
            | Q(review_unit__in=units)
            & (Q(state=State.UNDER_REVIEW) | Q(state=State.REVIEW_ISSUED, served_on__isnull=True))
            | Q(re_review_unit__in=units)
            & (
                Q(state=State.UNDER_RE_REVIEW)
                | Q(state=State.RE_REVIEW_ISSUED, served_on__isnull=True)
            )
        )
    if role == Role.UNIT_HEAD:
        units = _own(user, role)
        if not units:
            return None
        # An extension is the head's to approve (Art. 34): the unit's accepted
        # appeals, not extended yet, whose 60 days are due soon or over. (The
        # drafts waiting for approval come from WORKLIST_SOURCES.)
        return Q(
            responsible_unit__in=units,
            state=State.ACCEPTED,
            purpose=Purpose.APPEAL,
            extension_days=0,
        ) & (Q(yellow_from__lte=today) | Q(due_date__lt=today))
    if role == Role.SUPERVISOR:
        offices = subtree_ids(user, "supervise")
        if not offices:
            return None
        # 挂牌督办: red matters (overdue or listed red) and every listed matter.
        return Q(office__in=offices) & open_ & (_red_q(today) | ~Q(listing=""))
    if role == Role.LEADER:
        if not _own(user, role):
            return None
        return Q(owner_leader=user) & open_
    return None


def waiting_for(user, role: str | None = None, today: dt.date | None = None) -> Q:
    """What waits for this user's action, by the roles they hold (or one of them)."""
    if sees_everything(user) and role is None:
        return Q(state__in=list(OPEN_STATES))
    q = Q(pk__in=[])
    roles = [role] if role else org_permissions.roles_of(user)
    for r in roles:
        branch = role_branches(user, r, today)
        if branch is not None:
            q |= branch
    return q


FILTERS = ("colour", "state", "channel", "category", "unit", "date_from", "date_to", "q")


def worklist(
    *, user, filters: dict | None = None, today: dt.date | None = None, role: str | None = None
) -> QuerySet[Petition]:
    """The user's 待办 (or, with `role`, what waits for them in that role): most
    urgent first (colour, then the earliest due date).

    Every branch of waiting_for already lies inside the units the user reaches,
    so only the accusation rule is added, not the six-column visibility OR."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Petition.objects.none()
    qs = Petition.objects.filter(waiting_for(user, role, today))
    if not sees_everything(user):
        qs = qs.exclude(accusation_exclusion(user))
    return apply_filters(qs, filters or {}, today=today, user=user)


def worklist_extras(user) -> list[dict]:
    """The other things waiting for the user that are not matters in a state
    (drafts to approve, drafts sent back, ...): the rows of every registered
    WORKLIST_SOURCES callable (petitions/registry.py), in order."""
    return worklist_sources(user)


def petition_list(
    *, user, filters: dict | None = None, today: dt.date | None = None
) -> QuerySet[Petition]:
    """Every matter the user may see, with the same filters ("all I can see")."""
    return apply_filters(visible_petitions(user), filters or {}, today=today, user=user)


# --- search ------------------------------------------------------------------------


def may_search_identities(user) -> bool:
    """May the user find matters by a petitioner's ID number? Those whose role
    reads personal data (orgs.permissions, view_personal_data)."""
    return sees_everything(user) or bool(
        org_permissions.member_unit_ids(user, "view_personal_data")
    )


def _identity_visible(user) -> Q:
    """Matters whose petitioners' identity the user may know (`may_see_identity`
    as a filter): any but an accusation, which only the receiving office, its
    registering clerk and the unit the identity was released to know (Art. 30)."""
    if sees_everything(user):
        return Q()
    return (
        Q(accusation=False)
        | Q(registered_by=user)
        | Q(office_accused=False, office__in=permissions._inside_ids(user))
        | Q(identity_shared_with__in=subtree_ids(user))
    )


def _id_hash(term) -> str:
    term = str(term or "").strip()
    return blind_index("id_number", term) if 15 <= len(term) <= 20 else ""


def searches_by_id_number(user, term) -> bool:
    """Does this search look a person up by ID number (on the security record)?"""
    return bool(_id_hash(term)) and may_search_identities(user)


def search_q(term: str, user=None) -> Q:
    """One search box: the number, the summary, the full text, a petitioner's
    name and, for those who may see identities, the ID number (through its
    blind index: the stored number is encrypted, an exact match only). A name or
    ID number never finds a matter whose petitioner the user may not know."""
    term = str(term).strip()
    q = Q(number__icontains=term) | Q(summary__icontains=term) | Q(content__icontains=term)
    if user is None:
        return q
    people = Petitioner.objects.filter(name__icontains=term)
    id_hash = _id_hash(term)
    if id_hash and may_search_identities(user):
        people = Petitioner.objects.filter(Q(name__icontains=term) | Q(id_number_hash=id_hash))
    return q | (Q(pk__in=people.values("petition_id")) & _identity_visible(user))


def apply_filters(qs, filters: dict, *, today=None, user=None) -> QuerySet[Petition]:
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
    if f.get("q") and str(f["q"]).strip():
        qs = qs.filter(search_q(f["q"], user))
    return (
        with_colour(qs, today)
        .select_related(*LIST_RELATED)
        .order_by("urgency", "due_date", "received_on", "pk")
    )


LIST_RELATED = ("category", "place__parent", "responsible_unit")


def list_rows(ids: list[int], today: dt.date | None = None) -> dict[int, Petition]:
    """The rows of a list's page whose ids the list chose (views.common.page_of),
    by id: read by key, not through the list's conditions again (they chose these
    ids a moment ago), each with its `colour` (colour_of, the same rules as
    with_colour's SQL, without building them again for 25 rows)."""
    today = today or calendar.today()
    rows = {}
    for p in _list_rows(list(ids)):
        p.colour = colour_of(p, today)
        rows[p.pk] = p
    return rows


# Every list page reads its rows so (the widest statement of the page: the whole
# matter and three joins): compiled once per connection and page length.
_list_rows = CompiledQuery(
    lambda ids: Petition.objects.filter(pk__in=ids).select_related(*LIST_RELATED).order_by(),
    (list,),
)


def total_from_counts(counts: dict[str, int], filters: dict) -> int:
    """The length of a list whose colour counts are known: saves a COUNT(*)."""
    colour = (filters or {}).get("colour")
    return counts.get(colour, 0) if colour else sum(counts.values())


URGENCY_COLOURS = {0: "red", 1: "yellow", 2: "blue", 3: "green"}


def colour_counts(qs: QuerySet[Petition], today: dt.date | None = None) -> dict[str, int]:
    """Counts per colour of a list, in one query: grouped by the list's own
    `urgency` (with_colour), one CASE to build and run where four filtered
    counts each repeated the colour rules (a fifth of the worklist's time)."""
    return counts_of(colour_counts_query(qs, today))


def colour_counts_query(qs: QuerySet[Petition], today: dt.date | None = None) -> QuerySet:
    """colour_counts' statement: (urgency, count) rows."""
    if "urgency" not in qs.query.annotations:
        qs = with_colour(qs, today)
    return qs.order_by().values("urgency").annotate(n=Count("pk")).values_list("urgency", "n")


def counts_of(rows) -> dict[str, int]:
    """Counts per colour from colour_counts_query's (urgency, count) rows."""
    counts = dict.fromkeys(URGENCY_COLOURS.values(), 0)
    for urgency, n in rows:
        counts[URGENCY_COLOURS[urgency]] = n
    return counts


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


def _public_view_query(code: str) -> QuerySet[Petition]:
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
        .order_by()[:1]  # the code is unique: no ORDER BY to build or run
    )


# The citizen's look-up runs on every lookup: compiled once per connection.
_public_view = CompiledQuery(_public_view_query, (str,))


def public_view(query_code: str) -> Petition | None:
    code = querycode.normalise_query_code(query_code or "")
    if not code:
        return None
    rows = _public_view(code)
    return rows[0] if rows else None


def public_code(query_code: str) -> str | None:
    """The canonical code of an existing matter, or None: what the lookup form
    needs to know before keeping the code, without reading the matter."""
    code = querycode.normalise_query_code(query_code or "")
    if not code:
        return None
    rows = list(
        Petition.objects.filter(query_code=code).order_by().values_list("query_code", flat=True)[:1]
    )
    return rows[0] if rows else None


def _public_timeline_query(petition_id: int) -> QuerySet[PetitionEvent]:
    # The matter's events and those of the matters merged into it, in one
    # statement (a semi-join on the matter's key and the merged ones' index).
    matters = Petition.objects.filter(Q(pk=petition_id) | Q(merged_into_id=petition_id))
    return (
        PetitionEvent.objects.filter(petition_id__in=matters.values("pk"), public=True)
        .order_by("at", "pk")
        .only("at", "action", "to_state", "public_text", "data", "petition_id")
    )


def public_timeline(petition: Petition) -> QuerySet[PetitionEvent]:
    """What the petitioner sees: public events only, no staff names, no notes."""
    return _public_timeline_query(petition.pk)


# The petitioner's page reads every public event with its unit (notices.public_events).
public_timeline_full = CompiledQuery(
    lambda petition_id: (
        _public_timeline_query(petition_id).defer(None).select_related("actor_unit")
    ),
    (int,),
)


def notifications_for(user) -> QuerySet[Notification]:
    """The user's own notifications, newest first; a matter they can no longer see
    is not linked."""
    return Notification.objects.filter(user=user).select_related("petition").order_by("-created_at")


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


# --- the sign-off of written opinions (签发) ------------------------------------------


def _open_drafts(user) -> QuerySet[OpinionDraft]:
    """Drafts of matters the user may see (the accusation rule included)."""
    return (
        OpinionDraft.objects.filter(petition__in=visible_petitions(user))
        .select_related("petition", "unit", "drafted_by", "decided_by")
        .order_by("petition__due_date", "submitted_at", "pk")
    )


def draft_groups(user) -> set[str]:
    """Which of the worklist's sign-off groups may have rows for this user
    ("awaiting", "sent_back", "to_issue"): one small query on the drafts' own
    columns, so the worklist of a user with none (nearly everyone, nearly
    always) does not build the visibility subquery three times. A group named
    here is then read with the visibility rule (it may still turn out empty)."""
    mine = Q(drafted_by=user, state__in=[DraftState.SENT_BACK, DraftState.APPROVED])
    submitted = Q(state=DraftState.SUBMITTED) & ~Q(drafted_by=user)
    if not sees_everything(user):
        units = sorted(org_permissions.member_unit_ids(user, "approve_opinion"))
        submitted &= Q(unit__in=units) if units else Q(pk__in=[])
    states = set(
        OpinionDraft.objects.filter(mine | submitted)
        .order_by()
        .values_list("state", flat=True)
        .distinct()
    )
    names = {
        DraftState.SUBMITTED: "awaiting",
        DraftState.SENT_BACK: "sent_back",
        DraftState.APPROVED: "to_issue",
    }
    return {names[s] for s in states if s in names}


def drafts_awaiting_approval(user) -> QuerySet[OpinionDraft]:
    """待签发: the drafts submitted to this user for approval: those of the units
    where they hold `approve_opinion` (the unit head), not their own."""
    units = sorted(org_permissions.member_unit_ids(user, "approve_opinion"))
    if not units and not sees_everything(user):
        return OpinionDraft.objects.none()
    qs = _open_drafts(user).filter(state=DraftState.SUBMITTED).exclude(drafted_by=user)
    return qs if sees_everything(user) else qs.filter(unit__in=units)


def drafts_sent_back(user) -> QuerySet[OpinionDraft]:
    """退回修改: the user's own drafts the unit head sent back with a comment."""
    return _open_drafts(user).filter(state=DraftState.SENT_BACK, drafted_by=user)


def drafts_to_issue(user) -> QuerySet[OpinionDraft]:
    """待印发: the user's own drafts that were approved and wait to be issued."""
    return _open_drafts(user).filter(state=DraftState.APPROVED, drafted_by=user)


def drafts_of(*, user, petition: Petition) -> QuerySet[OpinionDraft]:
    """The drafts of one matter (the matter page: those still open first)."""
    return (
        OpinionDraft.objects.filter(petition=petition)
        .select_related("unit", "drafted_by", "decided_by")
        .order_by("-pk")
    )


def draft_get(*, user, pk) -> OpinionDraft:
    """One draft, through the visibility of its matter (else 404)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    d = (
        OpinionDraft.objects.filter(pk=pk, petition__in=visible_petitions(user))
        .select_related("petition", "unit", "drafted_by", "decided_by")
        .first()
    )
    if d is None:
        raise Http404
    return d
