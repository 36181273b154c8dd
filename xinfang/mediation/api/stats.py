"""/api/v1/mediation/stats: the statistics as JSON."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from ..stats import stats_from_query


class StatsView(APIView):
    """The statistics as JSON: ?unit=&from=&to=&level=&type= (default: this year,
    everything the user sees)."""

    @extend_schema(
        parameters=[OpenApiParameter(n, str) for n in ("unit", "from", "to", "level", "type")],
        responses=inline_serializer("MediationStats", {"total": serializers.DictField()}),
    )
    def get(self, request):
        return Response(stats_from_query(request.user, request.query_params).as_dict())
