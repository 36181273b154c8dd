"""/api/v1/search and /api/v1/search/related: the same visibility as the pages
(engine.py reads through the lower areas' selectors). Thin: parse → selector → JSON."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from xinfang.core.inputs import optional_id

from . import clusters, related, routing, selectors


def hit_out(**kwargs):
    return inline_serializer(
        "SearchHit",
        {
            "kind": serializers.CharField(),
            "id": serializers.IntegerField(),
            "number": serializers.CharField(),
            "title": serializers.CharField(help_text="HTML: escaped, matches in <mark>."),
            "snippet": serializers.CharField(help_text="HTML: escaped, matches in <mark>."),
            "state": serializers.CharField(),
            "date": serializers.DateField(),
            "score": serializers.FloatField(),
            "url": serializers.CharField(),
        },
        **kwargs,
    )


class SearchView(APIView):
    """Full-text search over matters, disputes and mediation cases (Chinese,
    segmented; synonyms applied), best first, 20 a page; filters as the lists."""

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, required=True),
            OpenApiParameter("kind", str, enum=["petition", "dispute", "case"]),
            OpenApiParameter("page", int),
            *(OpenApiParameter(n, str) for n in selectors.FILTERS),
        ],
        responses=inline_serializer(
            "SearchResults",
            {
                "count": serializers.IntegerField(),
                "page": serializers.IntegerField(),
                "more": serializers.BooleanField(
                    help_text="True when more matches exist than `count` (the count stops at 1,000)"
                ),
                "pages": serializers.IntegerField(),
                "words": serializers.ListField(child=serializers.CharField()),
                "results": hit_out(many=True),
            },
        ),
        operation_id="search",
    )
    def get(self, request):
        p = request.query_params
        r = selectors.search(
            user=request.user,
            text=p.get("q", ""),
            kind=p.get("kind"),
            filters=p,
            page=p.get("page"),
        )
        return Response(
            {
                "count": r.total,
                "more": r.more,
                "page": r.page,
                "pages": r.pages,
                "words": r.words,
                "results": [
                    {
                        "kind": h.kind,
                        "id": h.object_id,
                        "number": h.number,
                        "title": str(h.title),
                        "snippet": str(h.snippet),
                        "state": h.state,
                        "date": h.dated,
                        "score": h.score,
                        "url": h.url,
                    }
                    for h in r.hits
                ],
            }
        )


class RelatedIn(serializers.Serializer):
    text = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")
    name = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    id_number = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    exclude = serializers.IntegerField(min_value=1, required=False, allow_null=True)


RelatedGroup = inline_serializer(
    "RelatedGroups",
    {
        g: serializers.ListField(child=serializers.DictField())
        for g in ("open", "concluded", "ended")
    },
)


class RelatedView(APIView):
    """Before a registration is saved (or for a matter): earlier matters of the
    same person (ID number, or name and phone; on the security record) and
    matters with similar content, grouped open / concluded / ended. POST, so
    personal data stays out of URLs and logs; it writes nothing but the record."""

    @extend_schema(
        request=RelatedIn,
        responses=inline_serializer("Related", {"person": RelatedGroup, "content": RelatedGroup}),
        operation_id="search_related",
    )
    def post(self, request):
        s = RelatedIn(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        found = related.check(
            user=request.user,
            request=request,
            text=d["text"],
            person={k: d[k] for k in ("name", "id_number", "phone")},
            exclude=optional_id(d.get("exclude"), "exclude"),
        )
        return Response(related.as_json(found))


class ClustersView(APIView):
    """Group signals (集体访 early warning): matters about the same employer,
    project or place (with the same category) in the last XINFANG_CLUSTER_DAYS
    days, at least XINFANG_CLUSTER_MIN_MATTERS of them, among the matters the user
    may see (the lists' visibility)."""

    @extend_schema(
        responses=inline_serializer(
            "Clusters",
            {
                "days": serializers.IntegerField(),
                "min_matters": serializers.IntegerField(),
                "clusters": serializers.ListField(child=serializers.DictField()),
            },
        ),
        operation_id="search_clusters",
    )
    def get(self, request):
        found = clusters.clusters(request.user)
        return Response(
            {
                "days": clusters.days(),
                "min_matters": clusters.min_matters(),
                "clusters": clusters.as_json(found),
            }
        )


class SuggestIn(serializers.Serializer):
    text = serializers.CharField(max_length=20000)


class SuggestView(APIView):
    """Routing suggestions for a new matter's text: the likely category and
    responsible unit (top 3 each, with a confidence and the words that weighed
    most), learned from the user's petition office's concluded matters.
    `shown` is false (and nothing else is said) while the office has too little
    history. A suggestion is for the user to accept or change."""

    @extend_schema(
        request=SuggestIn,
        responses=inline_serializer(
            "Suggestions",
            {
                "shown": serializers.BooleanField(),
                "category": serializers.ListField(child=serializers.DictField(), required=False),
                "unit": serializers.ListField(child=serializers.DictField(), required=False),
                "matters": serializers.IntegerField(required=False),
                "trained_at": serializers.DateTimeField(required=False),
            },
        ),
        operation_id="search_suggest",
    )
    def post(self, request):
        s = SuggestIn(data=request.data)
        s.is_valid(raise_exception=True)
        found = routing.suggest(
            office=routing.office_of_user(request.user), text=s.validated_data["text"]
        )
        return Response({"shown": False} if not found else {"shown": True, **found})
