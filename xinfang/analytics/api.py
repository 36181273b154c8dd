"""/api/v1/analytics/: the indicators, volumes, hotspots and league table as JSON,
from the same modules as the dashboard, with the same visibility."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from . import hotspots, indicators, ranking, selectors

QUERY = [
    OpenApiParameter("unit", int, description="A unit (with everything below it)."),
    OpenApiParameter("period", str, enum=["week", "month", "quarter", "year", "range"]),
    OpenApiParameter("on", str, description="A day in the period (YYYY-MM-DD)."),
    OpenApiParameter("from", str, description="First day of a range (YYYY-MM-DD)."),
    OpenApiParameter("to", str, description="Last day of a range (YYYY-MM-DD)."),
]


def _query(request):
    return selectors.read_query(request.user, request.query_params)


class IndicatorsView(APIView):
    """Counts, rates (numerator, denominator, per cent), the three declines and the
    leaders' figures for a unit and period (docs/indicators.md)."""

    @extend_schema(
        parameters=QUERY,
        responses=inline_serializer(
            "AnalyticsIndicators",
            {
                "unit": serializers.DictField(),
                "period": serializers.DictField(),
                "counts": serializers.DictField(),
                "rates": serializers.ListField(child=serializers.DictField()),
                "declines": serializers.ListField(child=serializers.DictField()),
                "leadership": serializers.DictField(),
            },
        ),
    )
    def get(self, request):
        report = indicators.report(request.user, _query(request), with_volumes=False)
        return Response(report.as_dict())


class VolumesView(APIView):
    """The volume tables: by channel, purpose, category (two levels), township and
    responsible unit."""

    @extend_schema(
        parameters=QUERY,
        responses=inline_serializer("AnalyticsVolumes", {"volumes": serializers.DictField()}),
    )
    def get(self, request):
        query = _query(request)
        report = indicators.report(request.user, query)
        return Response(
            {
                "unit": {"id": query.unit.pk, "name": query.unit.name},
                "period": query.period.as_dict(),
                "volumes": report.volumes_dict(),
            }
        )


class HotspotsView(APIView):
    """Categories and townships over the week ending on the period's last day,
    against their previous weeks; `flagged` marks a hotspot."""

    @extend_schema(
        parameters=QUERY,
        responses=inline_serializer(
            "AnalyticsHotspots", {"series": serializers.ListField(child=serializers.DictField())}
        ),
    )
    def get(self, request):
        query = _query(request)
        return Response(
            {
                "unit": {"id": query.unit.pk, "name": query.unit.name},
                "rule": {
                    "baseline_weeks": hotspots.BASELINE_WEEKS,
                    "k": hotspots.K,
                    "min_count": hotspots.MIN_COUNT,
                    "min_sd": hotspots.MIN_SD,
                },
                "series": [s.as_dict() for s in hotspots.series(request.user, query)],
            }
        )


class RankingView(APIView):
    """The league table of the units one step below, ranked on `by`: those with
    figures in the period (`all=1`: every unit)."""

    @extend_schema(
        parameters=[
            *QUERY,
            OpenApiParameter("by", str, enum=["total", *indicators.RATES]),
            OpenApiParameter("all", str, description="1: every unit, those without figures too"),
        ],
        responses=inline_serializer(
            "AnalyticsRanking", {"ranking": serializers.ListField(child=serializers.DictField())}
        ),
    )
    def get(self, request):
        query = _query(request)
        by = request.query_params.get("by") or ""
        everyone = request.query_params.get("all") == "1"
        places = ranking.ranking(request.user, query, by=by, everyone=everyone)
        return Response(
            {
                "unit": {"id": query.unit.pk, "name": query.unit.name},
                "by": by or ranking.DEFAULT_BY,
                "ranking": [p.as_dict() for p in places],
            }
        )
