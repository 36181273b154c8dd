"""The mediation statistics page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from xinfang.orgs.models import Level, UnitKind

from .. import stats
from ..models import DisputeType


@login_required
def statistics(request):
    filters, errors = stats.read_query(request.user, request.GET)
    report = stats.report(user=request.user, **(stats.NO_FILTERS if errors else filters))
    error = "; ".join(str(m) for ms in errors.values() for m in ms) or None
    units = list(
        stats.stats_units(request.user)
        .filter(kind=UnitKind.TERRITORIAL, level__in=[Level.CITY, Level.TOWNSHIP])
        .order_by("depth", "code")
    )
    query = request.GET.copy()
    drill = {}
    for name in ("level", "type"):
        q = query.copy()
        q.pop(name, None)
        drill[name] = q.urlencode()
    return render(
        request,
        "mediation/stats.html",
        {
            "r": report,
            "units": units,
            "levels": Level.choices,
            "types": DisputeType.choices,
            "drill": drill,
            "error": error,
        },
        status=400 if error else 200,
    )
