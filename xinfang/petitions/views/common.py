"""What the staff pages of petitions share: pages of rows, colour chips, days left."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from xinfang.core import calendar
from xinfang.core.calendar import Colour

from .. import selectors
from .rows import with_cells

PER_PAGE = 25
COLOURS = ("red", "yellow", "blue", "green")


def days(end, today=None) -> dict:
    """Days left to `end` as the templates show them."""
    if end is None:
        return {"left": None}
    left = calendar.days_left(end, today)
    return {"left": left, "overdue": -left if left < 0 else 0}


def with_days_left(rows) -> list:
    rows = list(rows)
    today = calendar.today()
    for p in rows:
        p.days = days(p.due_date or p.window_ends_on, today)
        p.colour_label = Colour(p.colour).label
    return rows


class KeptIds:
    """A list's ids as Paginator slices them, from a kept statement
    (`rows(tail, extra)`: core.compiled.KeptStatements.rows bound to its key)."""

    def __init__(self, rows):
        self._rows = rows

    def __getitem__(self, s: slice) -> list[int]:
        return [r[0] for r in self._rows(" LIMIT %s OFFSET %s", (s.stop - s.start, s.start))]


def page_of(request, qs, total: int | None = None, ids: KeptIds | None = None):
    """One page of `qs` (a list of selectors.apply_filters) in its order. The
    page's ids are sorted first, alone (a narrow sort of the waiting rows, no
    joins), then its 25 rows read whole by key with their joins
    (selectors.list_rows): at 1M matters the city's list sorted 2,000 wide
    joined rows. `ids`: the same ids from a kept statement (`total` is known)."""
    paginator = Paginator(ids if ids is not None else qs.values_list("pk", flat=True), PER_PAGE)
    if total is not None:
        paginator.count = total  # known from the colour counts: no second COUNT(*)
    page = paginator.get_page(request.GET.get("page"))
    ids = list(page.object_list)
    found = selectors.list_rows(ids) if ids else {}
    page.object_list = [found[pk] for pk in ids if pk in found]
    page.rows = with_cells(with_days_left(page.object_list))
    query = request.GET.copy()
    query.pop("page", None)
    page.query = query.urlencode()
    return page


def colour_chips(request, counts: dict) -> list[dict]:
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("colour", None)
    chosen = request.GET.get("colour", "")
    chips = [
        {
            "colour": "",
            "label": _("All"),
            "count": sum(counts.values()),
            "query": query.urlencode(),
            "active": chosen == "",
        }
    ]
    for c in COLOURS:
        q = query.copy()
        q["colour"] = c
        chips.append(
            {
                "colour": c,
                "label": Colour(c).label,
                "count": counts.get(c, 0),
                "query": q.urlencode(),
                "active": chosen == c,
            }
        )
    return chips


def safe_next(request, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default
