"""What the mediation API's modules share: paging, the version, units as JSON."""

from __future__ import annotations

from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination

from xinfang.core import idempotency
from xinfang.orgs.models import Unit


def unit_choices():
    return Unit.objects.filter(is_active=True)


VERSION_HELP = (
    "The version of the dispute (or case) the client saw; required: a stale one "
    "answers 409, a missing one 428."
)


class VersionIn(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, help_text=VERSION_HELP)


def unit_json(u):
    return {"id": u.pk, "name": u.name, "level": u.level} if u is not None else None


class Pages(PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 200


def idempotency_key(request) -> str | None:
    return idempotency.scoped(f"api:{request.user.pk}", idempotency.header_key(request))


def valid(serializer_class, request, **kw) -> dict:
    s = serializer_class(data=request.data, **kw)
    s.is_valid(raise_exception=True)
    return dict(s.validated_data)
