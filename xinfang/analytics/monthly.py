"""月度信访形势分析: the monthly report's figures for a unit and a month.

`figures(user, unit, month)` reads everything from the functions the dashboard
reads (indicators.report, hotspots.series) and from the colour and overdue
selectors of petitions and supervision, and returns it JSON-ready: a draft shows
it as it stands, an issued report stores it (MonthlyReport.figures) and is drawn
from the stored figures ever after (page, PDF, .xlsx). docs/indicators.md says
what each part counts.

The report is a document that the unit's readers read, whoever drew it up: it
never counts an accusation against the unit itself or a unit above it (nor
against a person), even when the one who draws it up may see that accusation
(the petition office may) -- `_as_read_in(user, unit)`.
"""

from __future__ import annotations

import copy
import datetime as dt

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from xinfang.core import calendar
from xinfang.core.exceptions import InvalidInput
from xinfang.mediation.models import OPEN_DISPUTE_STATES, DisputeState
from xinfang.mediation.selectors import visible_disputes
from xinfang.orgs import permissions as org_permissions
from xinfang.orgs.models import Unit, UnitLink
from xinfang.petitions import selectors as petition_selectors
from xinfang.petitions.models import OPEN_STATES
from xinfang.supervision import selectors as supervision_selectors

from . import hotspots, indicators, selectors
from .periods import Period, bounds

TOP_CATEGORIES = 10
LISTED_MATTERS = 20  # red matters listed by number in the report, at most
TREND_MONTHS = 12


def parse_month(value) -> dt.date:
    """ "2026-10" (or a date in that month) → 1 October 2026; else a 400 naming the field."""
    text = str(value or "").strip()
    try:
        year, month = (int(x) for x in text[:7].split("-"))
        return dt.date(year, month, 1)
    except (TypeError, ValueError):
        raise InvalidInput(field_errors={"month": [_("Give the month as YYYY-MM.")]}) from None


def last_month(today: dt.date | None = None) -> dt.date:
    today = today or calendar.today()
    first = today.replace(day=1) - dt.timedelta(days=1)
    return first.replace(day=1)


def ancestors_or_self(unit: Unit) -> list[int]:
    return list(UnitLink.objects.filter(descendant=unit).values_list("ancestor_id", flat=True))


def _as_read_in(user, unit: Unit):
    """The user as the report counts for: a copy whose accusation exclusion also
    drops the accusations against `unit` or a unit above it (petitions.permissions
    memoises "the units a user is inside of" on the user object; the copy's memo
    holds those units too). The user's own object is left as it was."""
    _ = user.pk  # a request's lazy user is set up before it is unwrapped
    user = getattr(user, "_wrapped", user)
    reader = copy.copy(user)
    reader.__dict__ = dict(user.__dict__)
    own = org_permissions.member_unit_ids(user)
    inside = set(
        UnitLink.objects.filter(descendant_id__in=list(own)).values_list("ancestor_id", flat=True)
    ) | set(ancestors_or_self(unit))
    reader.__dict__["_xinfang_inside_ids"] = {"inside": sorted(inside)}
    # The sums kept for the request (analytics.summaries.gather) are the user's,
    # not the reader's: the copy starts without them.
    reader.__dict__.pop("_xinfang_analytics_sums", None)
    reader.__dict__.pop("_xinfang_analytics_disputes", None)
    return reader


def _rows(rows, limit=None) -> list[dict]:
    return [{"key": r.key, "label": r.label, "count": r.count} for r in rows[:limit]]


def _trend(user, unit: Unit, month: dt.date) -> list[dict]:
    """Matters received per month over the twelve months ending with this one."""
    start = month
    for _i in range(TREND_MONTHS - 1):
        start = (start - dt.timedelta(days=1)).replace(day=1)
    end = bounds("month", month).end
    got = dict(
        selectors.scope(user, unit, start, end)
        .order_by()
        .annotate(m=TruncMonth("received_on"))
        .values("m")
        .annotate(n=Count("pk"))
        .values_list("m", "n")
    )
    got = {(k.year, k.month): n for k, n in got.items()}
    out, m = [], start
    while m <= month:
        out.append({"month": f"{m:%Y-%m}", "count": got.get((m.year, m.month), 0)})
        m = bounds("month", m).end + dt.timedelta(days=1)
    return out


def _overdue(user, unit: Unit, as_of: dt.date, subtree: set[int]) -> dict:
    """Open matters of the unit that are red (a clock past its due date, or listed
    red) or whose report-back date passed, as of `as_of`; listed matters
    (挂牌督办) of the unit by colour."""
    open_ = petition_selectors.visible_petitions(user).filter(
        selectors.in_unit(unit), merged_into__isnull=True, state__in=list(OPEN_STATES)
    )
    red = (
        open_.filter(petition_selectors.colour_q("red", today=as_of))
        .select_related("category", "responsible_unit")
        .order_by("due_date", "pk")
    )
    red_count = red.count()
    yellow = open_.filter(petition_selectors.colour_q("yellow", today=as_of)).count()
    report_back = open_.filter(petition_selectors.report_back_overdue_q(as_of)).count()
    board = supervision_selectors.board(user=user, today=as_of)
    listed = dict.fromkeys(supervision_selectors.COLOURS, 0)
    for card in board.cards:
        if card.unit.pk in subtree:
            listed[card.colour] += 1
    return {
        "as_of": as_of.isoformat(),
        "open": open_.count(),
        "red": red_count,
        "yellow": yellow,
        "report_back_overdue": report_back,
        "listed": listed,
        # By number only: no petitioner's name, no summary (the report travels).
        "red_matters": [
            {
                "number": p.number,
                "category": str(p.category) if p.category_id else "",
                "unit": p.responsible_unit.name if p.responsible_unit_id else "",
                "due_date": p.due_date.isoformat() if p.due_date else "",
                # Red by its listing before its due date: not over, nothing to count.
                "days_over": (as_of - p.due_date).days
                if p.due_date and p.due_date < as_of
                else None,
            }
            for p in red[:LISTED_MATTERS]
        ],
    }


def _mediation(user, subtree: set[int], period: Period) -> dict:
    qs = visible_disputes(user).filter(
        place_id__in=subtree, received_on__gte=period.start, received_on__lte=period.end
    )
    m = qs.aggregate(
        received=Count("pk"),
        settled=Count("pk", filter=Q(state=DisputeState.SETTLED)),
        failed=Count("pk", filter=Q(state=DisputeState.FAILED)),
        withdrawn=Count("pk", filter=Q(state=DisputeState.WITHDRAWN)),
        open=Count("pk", filter=Q(state__in=list(OPEN_DISPUTE_STATES))),
    )
    pct = indicators.percent(m["settled"], m["settled"] + m["failed"])
    m["success_percent"] = str(pct) if pct is not None else None
    return m


def figures(user, unit: Unit, month: dt.date, *, today: dt.date | None = None) -> dict:
    """The report's figures for the unit (and everything below it) and the month."""
    today = today or calendar.today()
    reader = _as_read_in(user, unit)
    period = bounds("month", month)
    query = selectors.Query(unit, period)
    r = indicators.report(reader, query)
    as_of = min(period.end, today)
    subtree = set(selectors.subtree(unit))
    spots = hotspots.series(reader, query)
    return {
        "unit": {"id": unit.pk, "code": unit.code, "name": unit.name},
        "month": f"{month:%Y-%m}",
        "period": period.as_dict(),
        "computed_on": today.isoformat(),
        "counts": r.counts,
        "rates": [x.as_dict() for x in r.rates],
        "declines": [d.as_dict() | {"arrow": d.arrow} for d in r.declines],
        "leadership": r.leadership,
        "top_categories": _rows(r.volumes.get("category1", []), TOP_CATEGORIES),
        "top_subcategories": _rows(r.volumes.get("category", []), TOP_CATEGORIES),
        "channels": _rows(r.volumes.get("channel", [])),
        "purposes": _rows(r.volumes.get("purpose", [])),
        "townships": _rows(r.volumes.get("township", [])),
        "hotspots": [s.as_dict() for s in spots if s.flagged],
        "trend": _trend(reader, unit, month),
        "overdue": _overdue(reader, unit, as_of, subtree),
        "mediation": _mediation(reader, subtree, period),
    }


# --- the words ----------------------------------------------------------------------


def _decline_words(d: dict) -> str:
    if d["change_percent"] is None:
        return _("%(label)s: %(n)d (none a year before)") % {"label": d["label"], "n": d["current"]}
    word = {"down": _("down"), "up": _("up"), "same": _("unchanged")}[d["direction"]]
    return _("%(label)s: %(n)d, %(word)s %(pct)s%% on a year before") % {
        "label": d["label"],
        "n": d["current"],
        "word": word,
        "pct": d["change_percent"].lstrip("-"),
    }


def summary(f: dict) -> str:
    """The first paragraph, written from the figures (not edited: it is the figures)."""
    c = f["counts"]
    text = _(
        "In %(month)s, %(unit)s received %(total)d matters: %(group)d group petitions, "
        "%(cross)d skipped-level and %(repeat)d repeat petitions."
    ) % {
        "month": month_label(f["month"]),
        "unit": f["unit"]["name"],
        "total": c["total"],
        "group": c["group"],
        "cross": c["cross_level"],
        "repeat": c["repeat"],
    }
    declines = _("Against the same month a year before: %(list)s.") % {
        "list": _("; ").join(_decline_words(d) for d in f["declines"])
    }
    return text + declines


def default_overview(f: dict) -> str:
    """The draft's first words for the overall situation (the leader rewrites them)."""
    top = f["top_categories"][:3]
    parts = []
    if top:
        parts.append(
            _("The most frequent categories were %(list)s.")
            % {"list": _("、").join(f"{r['label']}（{r['count']}）" for r in top)}
        )
    o = f["overdue"]
    parts.append(
        _("At the end of the month %(open)d matters were open, %(red)d of them red.")
        % {"open": o["open"], "red": o["red"]}
    )
    return "".join(parts)


def month_label(month: str) -> str:
    """ "2026-10" → 2026年10月 (Chinese), 2026-10 (English)."""
    year, m = month.split("-")
    return _("%(year)d-%(month)02d") % {"year": int(year), "month": int(m)}
