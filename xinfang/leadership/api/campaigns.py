"""/api/v1/campaigns/... and /api/v1/bulletins/...: backlog campaigns (信访积案攻坚)
and their weekly bulletins (每周通报).

Thin: parse → service/selector → JSON. Errors as everywhere (core.api): 400 with
field errors, 403 for a forbidden act on a visible campaign, 404 for what the
user may not see, 409 for a move that does not fit the state or a stale version
(428 without one). The create takes an Idempotency-Key header.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from xinfang.core import idempotency
from xinfang.core.api import require_version
from xinfang.core.exceptions import NotFound
from xinfang.orgs.models import Unit

from .. import bulletins, services
from ..models import Bulletin, CampaignState, MatterStatus
from ..selectors import campaigns as selectors
from ..workflow import CAMPAIGN
from .ownership import Pages, idempotency_key, valid

User = get_user_model()
VERSION_HELP = "The version of the campaign the client saw; a stale one answers 409."
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- input ------------------------------------------------------------------------------


class CampaignIn(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    office = serializers.IntegerField(min_value=1)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    open_days = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    rule_repeat = serializers.BooleanField(required=False, default=False)
    rule_group = serializers.BooleanField(required=False, default=False)
    rule_cross_level = serializers.BooleanField(required=False, default=False)
    bulletin_prefix = serializers.CharField(
        max_length=12, required=False, allow_blank=True, default=""
    )


class NoteIn(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    version = serializers.IntegerField(min_value=1, help_text=VERSION_HELP)


class ConfirmIn(NoteIn):
    keep = serializers.ListField(child=serializers.IntegerField(min_value=1), allow_empty=True)
    confirmed = serializers.BooleanField(
        help_text="Must be true: the list is confirmed once, kept and dropped together."
    )


class AssignIn(NoteIn):
    matter = serializers.IntegerField(min_value=1, help_text="The campaign matter's id.")
    owner = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.filter(is_active=True))
    person = serializers.CharField(max_length=60)
    measures = serializers.CharField(max_length=20000)
    standard = serializers.CharField(max_length=5000)
    target_date = serializers.DateField()


class IssueIn(NoteIn):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    week = serializers.IntegerField(min_value=1, max_value=53)


ACTION_INPUT = {"propose": NoteIn, "confirm": ConfirmIn, "assign": AssignIn, "close": NoteIn}


# --- output -----------------------------------------------------------------------------


def campaign_row(c) -> dict:
    return {
        "id": c.pk,
        "name": c.name,
        "office": {"id": c.office_id, "name": c.office.name},
        "starts_on": c.starts_on,
        "ends_on": c.ends_on,
        "rules": {
            "open_days": c.open_days,
            "repeat": c.rule_repeat,
            "group": c.rule_group,
            "cross_level": c.rule_cross_level,
            "combine": "any",
        },
        "bulletin_prefix": c.bulletin_prefix,
        "state": c.state,
        "state_label": str(CampaignState(c.state).label),
        "version": c.version,
    }


def matter_row(m) -> dict:
    return {
        "id": m.pk,
        "petition": {"id": m.petition_id, "number": m.petition.number},
        "status": m.status,
        "status_label": str(MatterStatus(m.status).label),
        "rules": m.rules,
        "rule_labels": m.rule_labels(),
        "age_days": m.age_days,
        "listed_on": m.listed_on,
        "plan": (
            {
                "id": m.plan_id,
                "owner": m.plan.owner.first_name or m.plan.owner.get_username(),
                "state": m.plan.state,
                "target_date": m.plan.target_date,
            }
            if m.plan_id
            else None
        ),
    }


def campaign_detail(user, c) -> dict:
    return {
        **campaign_row(c),
        "actions": [t.name for t in CAMPAIGN.allowed(user, c)],
        "matters": [matter_row(m) for m in selectors.matters_of(c)],
        "events": [
            {
                "at": e.at,
                "action": e.action,
                "action_label": str(e.label),
                "from_state": e.from_state,
                "to_state": e.to_state,
                "actor": e.actor.get_username() if e.actor_id else None,
                "unit": e.actor_unit.name if e.actor_unit_id else None,
                "note": e.note,
                "data": e.data,
            }
            for e in selectors.timeline(c)
        ],
    }


def bulletin_row(b) -> dict:
    return {
        "id": b.pk,
        "campaign": b.campaign_id,
        "number": b.number,
        "year": b.year,
        "week": b.week,
        "week_start": b.week_start,
        "week_end": b.week_end,
        "office": {"id": b.office_id, "name": b.office.name},
        "issued_on": b.issued_on,
    }


CampaignOut = inline_serializer(
    "BacklogCampaign",
    {
        "id": serializers.IntegerField(),
        "name": serializers.CharField(),
        "state": serializers.ChoiceField(choices=CampaignState.choices),
        "version": serializers.IntegerField(),
        "actions": serializers.ListField(child=serializers.CharField()),
    },
)
BulletinOut = inline_serializer(
    "WeeklyBulletin",
    {
        "id": serializers.IntegerField(),
        "number": serializers.CharField(),
        "year": serializers.IntegerField(),
        "week": serializers.IntegerField(),
        "figures": serializers.JSONField(),
    },
)


# --- views ------------------------------------------------------------------------------


class CampaignListView(APIView):
    """GET: the campaigns the user may read. POST: set one up (draft)."""

    @extend_schema(
        responses=inline_serializer("BacklogCampaignPage", {"count": serializers.IntegerField()}),
        operation_id="campaigns_list",
    )
    def get(self, request):
        qs = selectors.campaigns_visible(request.user).order_by("-starts_on", "-id")
        pages = Pages()
        page = pages.paginate_queryset(qs, request, view=self)
        return pages.get_paginated_response([campaign_row(c) for c in page])

    @extend_schema(
        request=CampaignIn,
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER)],
        responses={201: CampaignOut},
        operation_id="campaigns_create",
    )
    def post(self, request):
        v = valid(CampaignIn, request)
        key = idempotency_key(request)
        fingerprint = idempotency.fingerprint(v)
        campaign = services.campaign_replay(
            actor=request.user, idempotency_key=key, fingerprint=fingerprint
        )
        created = campaign is None
        if created:
            office = Unit.objects.filter(pk=v.pop("office")).first()
            if office is None:
                raise NotFound()
            campaign = services.campaign_create(
                actor=request.user,
                office=office,
                idempotency_key=key,
                idempotency_fingerprint=fingerprint,
                **v,
            )
        campaign = selectors.campaign_get(user=request.user, pk=campaign.pk)
        return Response(
            campaign_detail(request.user, campaign),
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
            headers={} if created else {"Idempotent-Replayed": "true"},
        )


class CampaignDetailView(APIView):
    @extend_schema(responses=CampaignOut, operation_id="campaigns_retrieve")
    def get(self, request, pk):
        c = selectors.campaign_get(user=request.user, pk=pk)
        return Response(campaign_detail(request.user, c))


class CampaignActionView(APIView):
    """POST a move: propose, confirm (keep, confirmed), assign (matter and the plan's
    fields), close; each with the version."""

    @extend_schema(
        request=inline_serializer(
            "BacklogCampaignAction",
            {"version": serializers.IntegerField(), "note": serializers.CharField()},
        ),
        responses=CampaignOut,
        operation_id="campaigns_action",
    )
    def post(self, request, pk, action):
        c = selectors.campaign_get(user=request.user, pk=pk)  # 404 before anything else
        if action not in ACTION_INPUT:
            raise NotFound()
        require_version(request.data)
        v = valid(ACTION_INPUT[action], request)
        version = v.pop("version")
        CAMPAIGN.run(action, actor=request.user, campaign_id=c.pk, version=version, **v)
        c = selectors.campaign_get(user=request.user, pk=pk)
        return Response(campaign_detail(request.user, c))


class CampaignBulletinsView(APIView):
    """GET: the campaign's issued bulletins. POST: issue the bulletin of an ISO week
    (year, week, version): computed, numbered and frozen."""

    @extend_schema(
        responses=inline_serializer(
            "WeeklyBulletinList", {"results": serializers.ListField(child=serializers.DictField())}
        ),
        operation_id="campaigns_bulletins_list",
    )
    def get(self, request, pk):
        c = selectors.campaign_get(user=request.user, pk=pk)
        return Response({"results": [bulletin_row(b) for b in selectors.bulletins_of(c)]})

    @extend_schema(request=IssueIn, responses={201: BulletinOut}, operation_id="campaigns_issue")
    def post(self, request, pk):
        c = selectors.campaign_get(user=request.user, pk=pk)
        require_version(request.data)
        v = valid(IssueIn, request)
        version = v.pop("version")
        CAMPAIGN.run("issue_bulletin", actor=request.user, campaign_id=c.pk, version=version, **v)
        b = Bulletin.objects.get(campaign=c, year=v["year"], week=v["week"])
        return Response({**bulletin_row(b), "figures": b.figures}, status=status.HTTP_201_CREATED)


class BulletinDetailView(APIView):
    @extend_schema(responses=BulletinOut, operation_id="bulletins_retrieve")
    def get(self, request, pk):
        b = selectors.bulletin_get(user=request.user, pk=pk)
        return Response({**bulletin_row(b), "figures": b.figures})


class BulletinPdfView(APIView):
    @extend_schema(
        responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY)},
        operation_id="bulletins_pdf",
    )
    def get(self, request, pk):
        b = selectors.bulletin_get(user=request.user, pk=pk)
        response = HttpResponse(bulletins.pdf(b), content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(
            False, f"bulletin-{b.year}-W{b.week:02d}.pdf"
        )
        return response


class BulletinXlsxView(APIView):
    @extend_schema(
        responses={(200, XLSX): OpenApiResponse(OpenApiTypes.BINARY)},
        operation_id="bulletins_xlsx",
    )
    def get(self, request, pk):
        b = selectors.bulletin_get(user=request.user, pk=pk)
        response = HttpResponse(bulletins.xlsx(b), content_type=XLSX)
        response["Content-Disposition"] = content_disposition_header(
            True, f"bulletin-{b.year}-W{b.week:02d}.xlsx"
        )
        return response
