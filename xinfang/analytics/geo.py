"""The map of matters by place (township level), without any tile server: each
township of the unit that carries a place (orgs.Unit latitude/longitude, the demo
city's are approximate centres) is a bubble at its longitude and latitude on a
plain coordinate system the page draws (ECharts scatter on value axes), sized by
its matters; the table beside it holds the same numbers. A township without a
place is left off the map and named under it; its figures stay in the tables."""

from __future__ import annotations

from django.urls import reverse
from django.utils.http import urlencode

from xinfang.orgs.models import Level, Unit, UnitKind

from . import indicators, selectors
from .selectors import Query


def points(report: indicators.Report, query: Query) -> dict:
    """{"points": [...], "unplaced": [names]}: every township in the unit's subtree,
    with its count of the report's matters (the "township" volume) and the links
    of its drill-down (its own dashboard, and the matters the count counts)."""
    counts = {r.key: r.count for r in report.volumes.get("township", [])}
    townships = Unit.objects.filter(
        pk__in=selectors.subtree(query.unit),
        level=Level.TOWNSHIP,
        kind=UnitKind.TERRITORIAL,
        is_active=True,
    ).order_by("code")
    params = query.params()
    dashboard, matters = reverse("analytics:dashboard"), reverse("analytics:matters")
    out, unplaced = [], []
    for t in townships:
        n = counts.get(str(t.pk), 0)
        if t.latitude is None or t.longitude is None:
            unplaced.append(t.name)
            continue
        out.append(
            {
                "id": t.pk,
                "name": t.name,
                "lat": float(t.latitude),
                "lng": float(t.longitude),
                "count": n,
                "url": f"{dashboard}?{urlencode({**params, 'unit': t.pk})}",
                "matters_url": f"{matters}?" + urlencode({**params, "by": "township", "key": t.pk}),
            }
        )
    out.sort(key=lambda p: (-p["count"], p["name"]))
    return {"points": out, "unplaced": unplaced}
