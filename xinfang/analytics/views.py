"""The dashboard (形势网上判), the matters behind a figure, and the .xlsx export."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from . import charts, export, geo, hotspots, indicators, ranking, selectors, tables
from .periods import KINDS
from .permissions import readable_units


def _all(user, query, by="", everyone=False):
    report = indicators.report(user, query)
    places = ranking.ranking(user, query, by=by, everyone=everyone)
    return report, places, hotspots.series(user, query)


@login_required
def dashboard(request):
    query = selectors.read_query(request.user, request.GET)
    by = request.GET.get("by") or ""
    everyone = request.GET.get("all") == "1"
    report, places, spots = _all(request.user, query, by, everyone)
    q = query.params()
    units = readable_units(request.user).filter(kind__in=ranking.RANKED_KINDS)
    hidden = 0 if everyone else ranking.ranked_units(request.user, query).count() - len(places)
    return render(
        request,
        "analytics/dashboard.html",
        {
            "r": report,
            "q": q,
            "kinds": KINDS.items(),
            # The period the figures are of (a range when dates were given).
            "kind": query.period.kind,
            "on": request.GET.get("on") or "",
            "unit_options": tables.unit_options(
                units.order_by("depth", "code").values_list("pk", "name")[:300], query.unit.pk
            ),
            "ranking_body": tables.ranking_body(places, q),
            "all_units": everyone,
            "hidden_units": hidden,
            "by": by or ranking.DEFAULT_BY,
            "rank_keys": [("total", indicators.COUNTS["total"]), *indicators.RATES.items()],
            "rate_keys": list(indicators.RATES),
            "spots": [s for s in spots if s.flagged],
            "series": spots[:20],
            "dimensions": [
                (by_, indicators.DIMENSIONS[by_], tables.volume_body(by_, rows, q))
                for by_, rows in report.volumes.items()
            ],
            "chart_data": charts.data(report, places),
            "map": geo.points(report, query),
            "charted": charts.CHARTED,
            "parent": query.unit.parent
            if query.unit.parent_id
            and readable_units(request.user).filter(pk=query.unit.parent_id).exists()
            else None,
        },
    )


@login_required
def matters(request):
    query = selectors.read_query(request.user, request.GET)
    by, key = request.GET.get("by") or "flag", request.GET.get("key") or "all"
    qs = selectors.matters_behind(request.user, query, by=by, key=key)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "analytics/matters.html",
        {
            "q": query.params(),
            "unit": query.unit,
            "period": query.period,
            "by": by,
            "key": key,
            "page": page,
            "count": page.paginator.count,
        },
    )


@login_required
def export_xlsx(request):
    query = selectors.read_query(request.user, request.GET)
    report, places, spots = _all(
        request.user, query, request.GET.get("by") or "", everyone=request.GET.get("all") == "1"
    )
    response = HttpResponse(
        export.workbook(report, places, spots),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"indicators-{query.unit.code}-{query.period.start}-{query.period.end}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
