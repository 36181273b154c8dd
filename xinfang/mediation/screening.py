"""Daily screening (日排查): services and selectors of the villages' screening reports,
and who may read a township's ledger or run its weekly meeting.

A village liaison reports each day: either a nil return ("今日无矛盾纠纷") or the
disputes found, each resolved on the spot (就地化解) or passed up to the township
the same day. A day with no report row at all, not even a nil one, is a missing
report, and the township's ledger and weekly meeting list it.

Resending is safe: a report carries an idempotency key (the API's Idempotency-Key
header, or the page's hidden one-time token), scoped to the user, so a retry on a
flaky connection or a double tap answers the report stored the first time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from xinfang.core import calendar, idempotency
from xinfang.core.exceptions import InvalidInput, NotFound, PermissionDenied
from xinfang.orgs import permissions
from xinfang.orgs.models import Level, Unit, UnitKind, UnitLink

from . import permissions as policy
from .models import (
    Dispute,
    DisputeEvent,
    DisputeParty,
    DisputeState,
    DisputeType,
    PartyRole,
    Risk,
    ScreeningReport,
    Source,
)
from .services import dispute_create

# Who may read a township's ledger or run its weekly meeting: the area's one
# policy (permissions.py) answers; the names stay importable from here.
LEDGER_ROLES = policy.LEDGER_ROLES
MEETING_ROLES = policy.MEETING_ROLES
township_ids_for = policy.township_ids_for
may_read_ledger = policy.may_read_ledger
may_run_meeting = policy.may_run_meeting

# A liaison may report a day late without explaining; older days need a note
# (补报说明) and at most a week back, so that the day-by-day record stays true.
BACKDATE_DAYS = 7


def ledger_townships(user) -> QuerySet[Unit]:
    return Unit.objects.filter(pk__in=township_ids_for(user, "read_ledger")).order_by(
        "sort_order", "code"
    )


def township_for_ledger(user, township_id) -> Unit:
    """The township by id if the user may read its ledger; else 404 (no hint)."""
    try:
        pk = int(township_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    if pk not in township_ids_for(user, "read_ledger"):
        raise NotFound()
    return Unit.objects.get(pk=pk)


def villages_of(township: Unit) -> QuerySet[Unit]:
    """The active villages (and communities) under a township, in the tree's order."""
    return Unit.objects.filter(
        kind=UnitKind.TERRITORIAL,
        level=Level.VILLAGE,
        is_active=True,
        ancestor_links__ancestor=township,
    ).order_by("sort_order", "code")


def reporting_villages(user) -> list[Unit]:
    """The villages this user reports for (liaison memberships reaching them)."""
    if not getattr(user, "is_authenticated", False) or policy.sees_all(user):
        return []
    roots = permissions.member_unit_ids(user, "report_screening")
    if not roots:
        return []
    return list(
        Unit.objects.filter(
            kind=UnitKind.TERRITORIAL,
            level=Level.VILLAGE,
            is_active=True,
            ancestor_links__ancestor_id__in=roots,
        )
        .distinct()
        .order_by("sort_order", "code")
    )


def village_for_report(user, village_id) -> Unit:
    """The village a user reports for: 404 when they cannot see it, 403 when they
    can but are not its liaison (a township clerk looking at a village's form)."""
    try:
        village = Unit.objects.get(pk=int(village_id))
    except (Unit.DoesNotExist, TypeError, ValueError):
        raise NotFound() from None
    if not permissions.may_see(user, village):
        raise NotFound()
    if village.kind != UnitKind.TERRITORIAL or village.level != Level.VILLAGE:
        raise NotFound()
    if not permissions.may(user, "report_screening", village) or policy.sees_all(user):
        # A superuser sees everything but is nobody's liaison: reports are signed
        # by the village's own liaison.
        raise PermissionDenied(_("Only the village's liaison reports its screening."))
    return village


# --- submitting a report ------------------------------------------------------------------


class Outcome:
    RESOLVED = "resolved"  # 就地化解
    PASSED_UP = "passed_up"  # 当日上报乡镇

    CHOICES = (RESOLVED, PASSED_UP)


@dataclass
class Submitted:
    """What a submission did: `created` a new report, `added` disputes to the day's
    report, or `replayed` (the same key again: nothing new was stored)."""

    report: ScreeningReport
    result: str  # "created" | "added" | "replayed" | "unchanged" (a nil on a reported day)
    disputes: list[Dispute]

    @property
    def stored_anything(self) -> bool:
        return self.result != "replayed"


def _scoped_key(actor, key: str | None) -> str | None:
    # Scoped to the user: one liaison's key can never answer another's report.
    return idempotency.scoped(f"s:{actor.pk}", key)


def _replay(key: str | None, fingerprint: str) -> ScreeningReport | None:
    """The report an earlier submission with this key stored, if the key is in
    force (core.idempotency) and the submission is the same; the same key with
    another submission is a 409. An expired key is let go."""
    if not key:
        return None
    report = ScreeningReport.objects.filter(idempotency_key=key).first()
    if report is not None:
        if not idempotency.in_force(report.submitted_at):
            ScreeningReport.objects.filter(pk=report.pk).update(idempotency_key=None)
            return None
        idempotency.check_replay(
            stored_fingerprint=report.idempotency_fingerprint, fingerprint=fingerprint
        )
        return report
    # A submission that added disputes to an existing report keyed its disputes.
    first = (
        Dispute.objects.filter(idempotency_key=f"{key}#0")
        .select_related("screening_report")
        .first()
    )
    if first is None:
        return None
    if not idempotency.in_force(first.registered_at):
        Dispute.objects.filter(
            screening_report=first.screening_report_id, idempotency_key__startswith=f"{key}#"
        ).update(idempotency_key=None)
        return None
    idempotency.check_replay(
        stored_fingerprint=first.idempotency_fingerprint, fingerprint=fingerprint
    )
    return first.screening_report


def check_report_date(report_date: dt.date, note: str, today: dt.date) -> dict:
    errors: dict[str, list[str]] = {}
    if report_date > today:
        errors["report_date"] = [_("The screening date cannot be in the future.")]
    elif report_date < today - dt.timedelta(days=BACKDATE_DAYS):
        errors["report_date"] = [
            _(
                "Reports can be made up to %(days)d days late; ask the township to record older days."
            )
            % {"days": BACKDATE_DAYS}
        ]
    elif report_date < today - dt.timedelta(days=1) and not (note or "").strip():
        errors["note"] = [_("Say why this day is reported late.")]
    return errors


def _clean_dispute(i: int, d: dict, village: Unit, places: dict[int, Unit]) -> tuple[dict, dict]:
    """One dispute of a report as dispute_create's arguments, and its errors keyed
    `disputes[i].field`. The type of dispute and the rest are checked by
    dispute_create; this checks what is particular to screening."""
    errors: dict[str, list[str]] = {}

    def err(field, message):
        errors.setdefault(f"disputes[{i}].{field}", []).append(message)

    place = d.get("place") or village
    if not isinstance(place, Unit):
        place = places.get(int(place)) if str(place).isascii() and str(place).isdigit() else None
    if place is None or place.pk not in places:
        err("place", _("Choose the village or a place in it."))
    outcome = d.get("outcome") or ""
    if outcome not in Outcome.CHOICES:
        err("outcome", _("Say whether it was resolved on the spot or passed up."))
    how = (d.get("how_resolved") or "").strip()
    if outcome == Outcome.RESOLVED and not how:
        err("how_resolved", _("Say how it was resolved on the spot."))
    if d.get("type") not in DisputeType.values:
        err("type", _("Choose the type of dispute."))
    if (d.get("risk") or Risk.LOW) not in Risk.values:
        err("risk", _("Choose the risk level."))
    if not (d.get("summary") or "").strip():
        err("summary", _("Describe the dispute in a line."))
    parties = [p for p in d.get("parties") or [] if (p.get("name") or "").strip()]
    if not any(p.get("role", PartyRole.APPLICANT) == PartyRole.APPLICANT for p in parties):
        err("applicants", _("Name at least one party who raised the dispute."))
    return {
        "type": d.get("type"),
        "risk": d.get("risk") or Risk.LOW,
        "summary": (d.get("summary") or "").strip(),
        "details": (d.get("details") or "").strip(),
        "place": place,
        "parties": parties,
        "resolved_on_spot": outcome == Outcome.RESOLVED,
        "how_resolved": how if outcome == Outcome.RESOLVED else "",
        "pass_up_note": (d.get("pass_up_note") or "").strip(),
    }, errors


def screening_report_submit(
    *,
    actor,
    village: Unit,
    report_date: dt.date | None = None,
    nil: bool = False,
    note: str = "",
    disputes: list[dict] | None = None,
    idempotency_key: str | None = None,
    as_of: dt.date | None = None,
) -> Submitted:
    """日排查: store a village's screening for a day, with its disputes.

    A second, different report for a village and day that already has one adds its
    disputes to that day's report (the disputes a liaison finds in the afternoon
    belong to the same day's screening; answering "already reported" would leave
    them nowhere). A nil return on a day that has a report changes nothing: there
    is nothing to add. A day first reported nil and then with disputes is no longer
    nil."""
    key = _scoped_key(actor, idempotency_key)
    fingerprint = (
        idempotency.fingerprint(
            {
                "village": village,
                "report_date": report_date,
                "nil": nil,
                "note": note,
                "disputes": disputes,
            }
        )
        if key
        else ""
    )
    replayed = _replay(key, fingerprint)
    if replayed is not None:
        return Submitted(replayed, "replayed", [])

    village = village_for_report(actor, village.pk)
    today = as_of or calendar.today()
    report_date = report_date or today
    note = (note or "").strip()
    disputes = list(disputes or [])
    errors = check_report_date(report_date, note, today)
    if nil and disputes:
        errors["nil"] = [_("A nil return lists no disputes.")]
    if not nil and not disputes:
        errors["disputes"] = [_("Add the disputes found, or report that nothing was found.")]
    places = {
        u.pk: u
        for u in Unit.objects.filter(
            kind=UnitKind.TERRITORIAL, is_active=True, ancestor_links__ancestor=village
        )
    }
    cleaned = []
    for i, d in enumerate(disputes):
        c, e = _clean_dispute(i, d, village, places)
        cleaned.append(c)
        errors.update(e)
    if errors:
        raise InvalidInput(field_errors=errors)

    for attempt in (1, 2):
        try:
            with transaction.atomic():
                return _store(actor, village, report_date, nil, note, cleaned, key, fingerprint)
        except IntegrityError:
            # Either the same key raced in (answer what it stored), or another
            # report for the same village and day committed first (add to it).
            replayed = _replay(key, fingerprint)
            if replayed is not None:
                return Submitted(replayed, "replayed", [])
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _store(actor, village, report_date, nil, note, cleaned, key, fingerprint) -> Submitted:
    report = (
        ScreeningReport.objects.select_for_update()
        .filter(village=village, report_date=report_date)
        .first()
    )
    result = "added"
    if report is None:
        report = ScreeningReport.objects.create(
            village=village,
            report_date=report_date,
            liaison=actor,
            nil=nil,
            note=note,
            idempotency_key=key,
            idempotency_fingerprint=fingerprint if key else "",
            data={"submissions": 1},
        )
        result = "created"
    elif nil:
        return Submitted(report, "unchanged", [])
    else:
        report.nil = False
        if note and note not in report.note:
            report.note = f"{report.note}\n{note}".strip()
        report.data = {**report.data, "submissions": report.data.get("submissions", 1) + 1}
        report.save(update_fields=["nil", "note", "data"])

    made = []
    for i, c in enumerate(cleaned):
        pass_up_note = c.pop("pass_up_note")
        try:
            dispute = dispute_create(
                actor=actor,
                actor_unit=village,
                source=Source.SCREENING,
                received_on=report_date,
                screening_report=report,
                idempotency_key=f"{key}#{i}" if key and result == "added" else None,
                idempotency_fingerprint=fingerprint,
                **c,
            )
        except InvalidInput as exc:
            raise InvalidInput(
                field_errors={f"disputes[{i}].{k}": v for k, v in exc.field_errors.items()}
            ) from exc
        if not dispute.resolved_on_spot:
            # 当日上报: the township's ledger holds it from today, awaiting sorting.
            DisputeEvent.record(
                dispute,
                action="pass_up",
                actor=actor,
                actor_unit=village,
                from_state=DisputeState.REPORTED,
                note=pass_up_note,
                data={"township": dispute.township_id, "report": report.pk},
            )
        made.append(dispute)
    return Submitted(report, result, made)


# --- reading reports -----------------------------------------------------------------------


def visible_reports(user) -> QuerySet[ScreeningReport]:
    """Reports of the villages the user reports for, or of the townships whose
    ledger the user reads."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return ScreeningReport.objects.none()
    if policy.sees_all(user):
        return ScreeningReport.objects.all()
    reach = Q()
    villages = [v.pk for v in reporting_villages(user)]
    if villages:
        reach |= Q(village_id__in=villages)
    townships = township_ids_for(user, "read_ledger")
    if townships:
        reach |= Q(
            village_id__in=UnitLink.objects.filter(ancestor_id__in=townships).values(
                "descendant_id"
            )
        )
    if not reach:
        return ScreeningReport.objects.none()
    return ScreeningReport.objects.filter(reach)


def report_list(
    *,
    user,
    village_id: int | None = None,
    township_id: int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[ScreeningReport]:
    qs = visible_reports(user)
    if village_id:
        qs = qs.filter(village_id=village_id)
    if township_id:
        qs = qs.filter(village__parent_id=township_id)
    if date_from:
        qs = qs.filter(report_date__gte=date_from)
    if date_to:
        qs = qs.filter(report_date__lte=date_to)
    return (
        qs.select_related("village", "village__parent", "liaison")
        .annotate(
            dispute_count=Count("disputes", distinct=True),
            passed_up_count=Count(
                "disputes", filter=Q(disputes__resolved_on_spot=False), distinct=True
            ),
        )
        .order_by("-report_date", "village__sort_order", "village__code")
    )


def report_get(*, user, pk) -> ScreeningReport:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound() from None
    report = (
        visible_reports(user)
        .select_related("village", "village__parent", "liaison")
        .prefetch_related(
            Prefetch(
                "disputes",
                queryset=Dispute.objects.select_related("place").prefetch_related(
                    Prefetch("parties", queryset=DisputeParty.objects.order_by("sort_order"))
                ),
            )
        )
        .filter(pk=pk)
        .first()
    )
    if report is None:
        raise NotFound()
    return report


def reported_today(user, today: dt.date | None = None) -> list[tuple[Unit, ScreeningReport | None]]:
    """For the liaison's start page: each of their villages and today's report."""
    today = today or calendar.today()
    villages = reporting_villages(user)
    reports = {
        r.village_id: r
        for r in ScreeningReport.objects.filter(village__in=villages, report_date=today)
    }
    return [(v, reports.get(v.pk)) for v in villages]


# --- missing reports -----------------------------------------------------------------------


def missing_reports(township: Unit, day: dt.date) -> list[Unit]:
    """Villages of the township with no report row for `day`, not even a nil one."""
    reported = ScreeningReport.objects.filter(report_date=day).values("village_id")
    return list(villages_of(township).exclude(pk__in=reported))


def week_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """Monday and Sunday of the week of `day` (a Beijing date)."""
    start = day - dt.timedelta(days=day.weekday())
    return start, start + dt.timedelta(days=6)


def missing_reports_week(
    township: Unit, week_start: dt.date, today: dt.date | None = None
) -> list[dict]:
    """For each village that missed a day of the week (up to today): its missing days."""
    today = today or calendar.today()
    days = [
        week_start + dt.timedelta(days=i)
        for i in range(7)
        if week_start + dt.timedelta(days=i) <= today
    ]
    if not days:
        return []
    villages = list(villages_of(township))
    have = set(
        ScreeningReport.objects.filter(
            village__in=villages, report_date__gte=days[0], report_date__lte=days[-1]
        ).values_list("village_id", "report_date")
    )
    rows = []
    for v in villages:
        missed = [d for d in days if (v.pk, d) not in have]
        if missed:
            rows.append({"village": v, "days": missed, "count": len(missed)})
    return rows
