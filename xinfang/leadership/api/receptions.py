"""/api/v1/receptions: leaders' receptions (领导接访、下访、约访).

Thin views: parse → service/selector → JSON; errors as everywhere
(core.api.exception_handler): 400 with field errors, 403 for a forbidden act on
a visible reception, 404 for what the user may not see, 409 for an act that does
not fit the state (or a stale version, or a reused Idempotency-Key), 428 when a
change sends no version. Creates take an Idempotency-Key header."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from xinfang.core import calendar, idempotency, pii
from xinfang.core.api import require_version
from xinfang.core.exceptions import InvalidInput, NotFound
from xinfang.orgs import permissions as org_permissions
from xinfang.orgs.models import Unit
from xinfang.petitions.models import Category, Purpose

from .. import permissions as policy
from .. import selectors, services
from ..models import Reception, ReceptionKind, ReceptionState
from ..workflow import RECEPTION

IDEMPOTENCY = OpenApiParameter(idempotency.HEADER, str, OpenApiParameter.HEADER)
VERSION_HELP = (
    "The version of the reception the client saw; required: a stale one answers 409, "
    "a missing one 428."
)


def _key(request) -> str | None:
    return idempotency.scoped(f"api:{request.user.pk}", idempotency.header_key(request))


def _valid(serializer_class, request) -> dict:
    s = serializer_class(data=request.data)
    s.is_valid(raise_exception=True)
    return dict(s.validated_data)


def _unit(pk, user) -> Unit:
    unit = org_permissions.visible_units(user).filter(pk=pk).first()
    if unit is None:
        raise NotFound()
    return unit


# --- input ---------------------------------------------------------------------------


class ReceptionIn(serializers.Serializer):
    leader = serializers.IntegerField(help_text="The leader's user id.")
    kind = serializers.ChoiceField(choices=ReceptionKind.choices)
    on = serializers.DateField()
    unit = serializers.IntegerField(help_text="Where: a reception centre, township or village.")
    place = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    time_from = serializers.TimeField(required=False, allow_null=True, default=None)
    time_to = serializers.TimeField(required=False, allow_null=True, default=None)
    topic = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    public = serializers.BooleanField(required=False, allow_null=True, default=None)
    held = serializers.BooleanField(required=False, default=False)


class HoldIn(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    version = serializers.IntegerField(min_value=1, help_text=VERSION_HELP)


class CancelIn(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)
    version = serializers.IntegerField(min_value=1, help_text=VERSION_HELP)


class BatchIn(serializers.Serializer):
    people_count = serializers.IntegerField(min_value=1, max_value=services.receptions.MAX_PEOPLE)
    matters = serializers.CharField(max_length=5000)
    name = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")


class RegisterIn(serializers.Serializer):
    category = serializers.IntegerField()
    place = serializers.IntegerField()
    summary = serializers.CharField(max_length=200)
    content = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")
    purpose = serializers.ChoiceField(choices=Purpose.choices, default=Purpose.APPEAL)


class LinkIn(serializers.Serializer):
    petition = serializers.IntegerField(help_text="The id of a matter the user may see.")


# --- output --------------------------------------------------------------------------


def _unit_json(u):
    return {"id": u.pk, "name": u.name, "level": u.level} if u is not None else None


def reception_row(r: Reception) -> dict:
    return {
        "id": r.pk,
        "number": r.number,
        "leader": {"id": r.leader_id, "name": r.leader_name},
        "leader_unit": _unit_json(r.leader_unit),
        "kind": r.kind,
        "kind_label": str(ReceptionKind(r.kind).label),
        "state": r.state,
        "state_label": str(ReceptionState(r.state).label),
        "on": r.on,
        "time_from": r.time_from,
        "time_to": r.time_to,
        "unit": _unit_json(r.unit),
        "place": r.place,
        "topic": r.topic,
        "public": r.public,
        "version": r.version,
    }


def reception_detail(user, r: Reception) -> dict:
    data = reception_row(r)
    batches = list(r.batches.all())
    data.update(
        {
            "batch_count": len(batches),
            "people": sum(b.people_count for b in batches),
            "batches": [
                {
                    "id": b.pk,
                    "position": b.position,
                    "people_count": b.people_count,
                    "name": b.name,
                    # Masked here as on the page.
                    "phone": pii.mask_phone(b.phone),
                    "matters": b.matters,
                    "petitions": [
                        {
                            "id": link.petition_id,
                            "number": link.petition.number,
                            "how": link.how,
                        }
                        for link in b.links.all()
                    ],
                }
                for b in batches
            ],
            "actions": [t.name for t in RECEPTION.allowed(user, r)],
            "events": [
                {
                    "at": e.at,
                    "action": e.action,
                    "action_label": str(e.label),
                    "actor": e.actor.get_username() if e.actor_id else None,
                    "unit": e.actor_unit.name if e.actor_unit_id else None,
                    "note": e.note,
                    "data": e.data,
                }
                for e in selectors.timeline(r)
            ],
        }
    )
    return data


def _date(value, field: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(field_errors={field: [_("Give a date as YYYY-MM-DD.")]}) from None


def _int(value, field: str) -> int | None:
    if value in (None, ""):
        return None
    text = str(value)
    if not text.isdigit():
        raise InvalidInput(field_errors={field: [_("Give a number.")]})
    return int(text)


# --- views ---------------------------------------------------------------------------

PAGE = inline_serializer("ReceptionList", {"count": serializers.IntegerField()})
DETAIL = inline_serializer("Reception", {"id": serializers.IntegerField()})


class ReceptionListView(APIView):
    """GET: the receptions the user sees (from, to, leader, kind, state). POST: put one
    on the calendar, or record one held (held=true)."""

    @extend_schema(
        parameters=[OpenApiParameter(n, str) for n in ("from", "to", "leader", "kind", "state")],
        responses=PAGE,
        operation_id="receptions_list",
    )
    def get(self, request):
        q = request.query_params
        kind, state = q.get("kind") or None, q.get("state") or None
        if kind and kind not in ReceptionKind.values:
            raise InvalidInput(field_errors={"kind": [_("Unknown kind.")]})
        if state and state not in ReceptionState.values:
            raise InvalidInput(field_errors={"state": [_("Unknown state.")]})
        rows = selectors.reception_list(
            user=request.user,
            date_from=_date(q.get("from"), "from"),
            date_to=_date(q.get("to"), "to"),
            leader_id=_int(q.get("leader"), "leader"),
            kind=kind,
            state=state,
        )[:500]
        results = [reception_row(r) for r in rows]
        return Response({"count": len(results), "results": results})

    @extend_schema(
        request=ReceptionIn,
        parameters=[IDEMPOTENCY],
        responses={201: DETAIL},
        operation_id="receptions_create",
    )
    def post(self, request):
        v = _valid(ReceptionIn, request)
        leader = next(
            (m.user for m in policy.leader_memberships(request.user) if m.user_id == v["leader"]),
            None,
        )
        if leader is None:
            raise InvalidInput(
                field_errors={"leader": [_("Choose a leader (a user with the leader's role).")]}
            )
        v["leader"] = leader
        v["unit"] = _unit(v["unit"], request.user)
        r, created = services.reception_schedule(
            actor=request.user, idempotency_key=_key(request), **v
        )
        r = selectors.reception_get(user=request.user, pk=r.pk)
        return Response(
            reception_detail(request.user, r),
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
            headers={} if created else {"Idempotent-Replayed": "true"},
        )


class ReceptionDetailView(APIView):
    @extend_schema(responses=DETAIL, operation_id="receptions_retrieve")
    def get(self, request, pk):
        r = selectors.reception_get(user=request.user, pk=pk)
        return Response(reception_detail(request.user, r))


class ReceptionActionView(APIView):
    """POST hold (note) or cancel (reason), with the version the client saw."""

    @extend_schema(
        request=inline_serializer(
            "ReceptionAction",
            {"version": serializers.IntegerField(), "note": serializers.CharField(required=False)},
        ),
        responses=DETAIL,
        operation_id="receptions_action",
    )
    def post(self, request, pk, action):
        selectors.reception_get(user=request.user, pk=pk)  # 404 before anything else
        if action not in ("hold", "cancel"):
            raise NotFound(_("There is no such action."))
        require_version(request.data)
        v = _valid(HoldIn if action == "hold" else CancelIn, request)
        RECEPTION.run(action, actor=request.user, reception_id=pk, **v)
        r = selectors.reception_get(user=request.user, pk=pk)
        return Response(reception_detail(request.user, r))


class BatchListView(APIView):
    """POST: record a batch on a held reception (Idempotency-Key)."""

    @extend_schema(
        request=BatchIn,
        parameters=[IDEMPOTENCY],
        responses={201: DETAIL},
        operation_id="receptions_batches_create",
    )
    def post(self, request, pk):
        selectors.reception_get(user=request.user, pk=pk)
        v = _valid(BatchIn, request)
        _batch, created = services.reception_add_batch(
            actor=request.user, reception_id=pk, idempotency_key=_key(request), **v
        )
        r = selectors.reception_get(user=request.user, pk=pk)
        return Response(
            reception_detail(request.user, r),
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
            headers={} if created else {"Idempotent-Replayed": "true"},
        )


class BatchRegisterView(APIView):
    """POST: register a new matter from the batch (channel 来访), linked to it."""

    @extend_schema(
        request=RegisterIn,
        parameters=[IDEMPOTENCY],
        responses={
            201: inline_serializer(
                "ReceptionMatter",
                {"id": serializers.IntegerField(), "number": serializers.CharField()},
            )
        },
        operation_id="receptions_batch_register",
    )
    def post(self, request, pk, batch):
        r = selectors.reception_get(user=request.user, pk=pk)
        v = _valid(RegisterIn, request)
        category = Category.objects.filter(pk=v.pop("category"), is_active=True).first()
        if category is None:
            raise InvalidInput(field_errors={"category": [_("Choose a category.")]})
        place = selectors.places_for(r).filter(pk=v.pop("place")).first()
        if place is None:
            raise InvalidInput(
                field_errors={"place": [_("Choose the township or village where the problem is.")]}
            )
        p, created = services.reception_register_matter(
            actor=request.user,
            reception_id=pk,
            batch_id=batch,
            category=category,
            place=place,
            idempotency_key=_key(request),
            **v,
        )
        return Response(
            {"id": p.pk, "number": p.number, "query_code": p.query_code if created else None},
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
            headers={} if created else {"Idempotent-Replayed": "true"},
        )


class BatchLinkView(APIView):
    """POST: link an existing matter (one the user may see; else 404) to the batch."""

    @extend_schema(request=LinkIn, responses={201: DETAIL}, operation_id="receptions_batch_link")
    def post(self, request, pk, batch):
        selectors.reception_get(user=request.user, pk=pk)
        v = _valid(LinkIn, request)
        services.reception_link_matter(
            actor=request.user, reception_id=pk, batch_id=batch, petition_id=v["petition"]
        )
        r = selectors.reception_get(user=request.user, pk=pk)
        return Response(reception_detail(request.user, r), status=status.HTTP_201_CREATED)


def _figures(f) -> dict:
    return {
        "key": f.key,
        "label": f.label,
        "person_times": f.person_times,
        "batches": f.batches,
        "people": f.people,
    }


class ReceptionStatsView(APIView):
    """GET: held receptions in the period (year, or from/to) in the three measures:
    person-times (人次), batches (批次), people (人); per leader, unit, kind, month."""

    @extend_schema(
        parameters=[OpenApiParameter(n, str) for n in ("year", "from", "to", "leader", "unit")],
        responses=inline_serializer("ReceptionStats", {"total": serializers.DictField()}),
    )
    def get(self, request):
        q = request.query_params
        year = _int(q.get("year"), "year") or calendar.today().year
        if not 2000 <= year <= 2100:
            raise InvalidInput(field_errors={"year": [_("Give a year between 2000 and 2100.")]})
        date_from = _date(q.get("from"), "from") or dt.date(year, 1, 1)
        date_to = _date(q.get("to"), "to") or dt.date(year, 12, 31)
        r = selectors.reception_stats(
            user=request.user,
            date_from=date_from,
            date_to=date_to,
            leader_id=_int(q.get("leader"), "leader"),
            unit_id=_int(q.get("unit"), "unit"),
        )
        return Response(
            {
                "from": date_from,
                "to": date_to,
                "total": r["total"],
                "by_leader": [{**_figures(f), "unit": f.unit} for f in r["by_leader"]],
                "by_unit": [_figures(f) for f in r["by_unit"]],
                "by_kind": [_figures(f) for f in r["by_kind"]],
                "by_month": [_figures(f) for f in r["by_month"]],
            }
        )


class ReceptionBehindView(APIView):
    """GET: county-level leaders behind this month's rule (month=YYYY-MM)."""

    @extend_schema(
        parameters=[OpenApiParameter("month", str)],
        responses=inline_serializer("ReceptionBehind", {"behind": serializers.ListField()}),
    )
    def get(self, request):
        text = request.query_params.get("month") or ""
        year = month = None
        if text:
            try:
                year, month = (int(x) for x in text.split("-"))
                dt.date(year, month, 1)
            except ValueError:
                raise InvalidInput(
                    field_errors={"month": [_("Give a month as YYYY-MM.")]}
                ) from None
        found = selectors.behind_this_month(request.user, year=year, month=month)
        return Response(
            {
                "year": found["year"],
                "month": found["month"],
                "leaders": len(found["rows"]),
                "behind": [
                    {
                        "leader": {"id": row.leader.pk, "name": row.leader.first_name},
                        "unit": _unit_json(row.unit),
                        "visit_days": row.visit_days,
                        "appointments": row.appointments,
                        "missing": row.missing,
                        "scheduled_visits": row.scheduled_visits,
                        "scheduled_appointments": row.scheduled_appointments,
                    }
                    for row in found["behind"]
                ],
            }
        )
