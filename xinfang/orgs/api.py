from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from . import selectors
from .models import ACCUSABLE_KINDS, Unit, UnitKind
from .permissions import ADMINISTRATOR_FLAG, is_administrator


class MembershipOut(serializers.Serializer):
    unit = serializers.IntegerField(source="unit_id")
    unit_name = serializers.CharField(source="unit.name")
    role = serializers.CharField()
    role_label = serializers.CharField(source="get_role_display")
    is_primary = serializers.BooleanField()


# The API names the administrator flag as it always has (Django's superuser);
# whether the user is one is orgs.permissions' answer.
MeOut = type(
    "MeOut",
    (serializers.Serializer,),
    {
        "__module__": __name__,
        "id": serializers.IntegerField(),
        "username": serializers.CharField(),
        "full_name": serializers.CharField(source="first_name"),
        ADMINISTRATOR_FLAG: serializers.BooleanField(),
        "memberships": MembershipOut(many=True),
    },
)


class UnitNodeOut(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.CharField()
    kind = serializers.CharField()
    mediation_type = serializers.CharField()
    children = serializers.ListField(child=serializers.DictField())


def _tree_json(nodes) -> list[dict]:
    return [
        {
            "id": n.unit.pk,
            "code": n.unit.code,
            "name": n.unit.name,
            "level": n.unit.level,
            "kind": n.unit.kind,
            "mediation_type": n.unit.mediation_type,
            "children": _tree_json(n.children),
        }
        for n in nodes
    ]


class MeView(APIView):
    @extend_schema(responses=MeOut)
    def get(self, request):
        user = request.user
        return Response(
            MeOut(
                {
                    "id": user.pk,
                    "username": user.username,
                    "first_name": user.first_name,
                    ADMINISTRATOR_FLAG: is_administrator(user),
                    "memberships": list(selectors.memberships_of(user)),
                }
            ).data
        )


class UnitTreeView(APIView):
    """The units the user may see, as a tree."""

    @extend_schema(responses=UnitNodeOut(many=True))
    def get(self, request):
        return Response(_tree_json(selectors.unit_tree(selectors.unit_list(user=request.user))))


class PublicUnitTreeView(APIView):
    """No login: the territorial tree, to pick the place of the problem;
    `?purpose=accusation`: the organs an accusation may name (governments,
    departments, petition offices, reception centres)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        responses=UnitNodeOut(many=True),
        auth=[],
        parameters=[
            OpenApiParameter(
                "purpose",
                str,
                enum=["accusation"],
                required=False,
                description="accusation: the units an accusation may name as accused",
            )
        ],
    )
    def get(self, request):
        kinds = (
            ACCUSABLE_KINDS
            if request.query_params.get("purpose") == "accusation"
            else {UnitKind.TERRITORIAL}
        )
        units = Unit.objects.filter(kind__in=kinds, is_active=True)
        return Response(_tree_json(selectors.unit_tree(units)))
