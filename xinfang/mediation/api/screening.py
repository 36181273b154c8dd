"""The screening, ledger and weekly-meeting API (JSON, /api/v1/). Views are thin:
parse → service/selector → JSON.

Errors as everywhere in the API (core.api.exception_handler): 400 with field
errors, 403 for a forbidden act on something the user sees, 404 for what they may
not see, 409 for a conflict (a closed meeting, a second meeting in a week).

Submitting a report takes an Idempotency-Key header (any unique string per
report): a retry with the same key answers the stored report with 200 and
`Idempotent-Replayed: true` instead of 201."""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from xinfang.core import calendar
from xinfang.core.api import require_version
from xinfang.core.exceptions import InvalidInput, PermissionDenied
from xinfang.core.inputs import optional_date, optional_id

from .. import ledger, meetings, screening
from ..models import DisputeType, Meeting, MeetingItem, PartyRole, Risk, ScreeningReport
from ..screening import Outcome
from ..workflow import MEETING

# --- input ----------------------------------------------------------------------------------


class ScreenedPartyIn(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    role = serializers.ChoiceField(choices=PartyRole.choices, default=PartyRole.APPLICANT)


class ScreenedDisputeIn(serializers.Serializer):
    type = serializers.ChoiceField(choices=DisputeType.choices)
    risk = serializers.ChoiceField(choices=Risk.choices, default=Risk.LOW)
    summary = serializers.CharField(max_length=200)
    details = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")
    place = serializers.IntegerField(
        required=False, help_text="A territorial unit in the village (default: the village)"
    )
    parties = ScreenedPartyIn(many=True, min_length=1, max_length=50)
    outcome = serializers.ChoiceField(
        choices=[(Outcome.RESOLVED, "resolved on the spot"), (Outcome.PASSED_UP, "passed up")]
    )
    how_resolved = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, default=""
    )
    pass_up_note = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, default=""
    )


class ReportIn(serializers.Serializer):
    village = serializers.IntegerField(
        required=False, help_text="The village reported for (default: the liaison's only one)"
    )
    report_date = serializers.DateField(required=False, help_text="Default: today (Beijing)")
    nil = serializers.BooleanField(default=False, help_text="今日无矛盾纠纷: nothing was found")
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")
    disputes = ScreenedDisputeIn(many=True, required=False, max_length=20, default=list)


class MeetingIn(serializers.Serializer):
    township = serializers.IntegerField()
    held_on = serializers.DateField(required=False)
    week_start = serializers.DateField(required=False, help_text="A Monday; default: held_on's")
    chair = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    attendees = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


VERSION_HELP = (
    "The version of the meeting the client saw; required: a stale one answers 409, "
    "a missing one 428."
)


class DecisionIn(serializers.Serializer):
    classified_type = serializers.ChoiceField(choices=DisputeType.choices)
    body = serializers.CharField(
        max_length=20,
        required=False,
        allow_blank=True,
        default="",
        help_text='A mediation body\'s unit id, or "township" to keep it there; with a case '
        "open on the dispute, leave it out or give the case's body (it cannot move)",
    )
    responsible_leader = serializers.IntegerField(help_text="User id")
    responsible_person = serializers.CharField(max_length=60)
    deadline = serializers.DateField()
    decision = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    version = serializers.IntegerField(min_value=1, help_text=VERSION_HELP)


class MinutesIn(serializers.Serializer):
    held_on = serializers.DateField(required=False)
    chair = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    attendees = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    minutes = serializers.CharField(max_length=50000, required=False, allow_blank=True, default="")
    version = serializers.IntegerField(min_value=1, help_text=VERSION_HELP)


class MeetingVersionIn(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, help_text=VERSION_HELP)


# --- output ---------------------------------------------------------------------------------


def _unit(u):
    return {"id": u.pk, "name": u.name} if u is not None else None


def _user(u):
    return {"id": u.pk, "name": u.get_full_name() or u.get_username()} if u is not None else None


def report_json(r: ScreeningReport, *, with_disputes: bool = True) -> dict:
    data = {
        "id": r.pk,
        "village": _unit(r.village),
        "report_date": r.report_date,
        "nil": r.nil,
        "note": r.note,
        "liaison": _user(r.liaison),
        "submitted_at": r.submitted_at,
    }
    if with_disputes:
        data["disputes"] = [
            {
                "id": d.pk,
                "number": d.number,
                "type": d.type,
                "risk": d.risk,
                "summary": d.summary,
                "place": _unit(d.place),
                "parties": [{"name": p.name, "role": p.role} for p in d.parties.all()],
                "resolved_on_spot": d.resolved_on_spot,
                "how_resolved": d.how_resolved,
                "state": d.state,
            }
            for d in r.disputes.all()
        ]
    else:
        data["dispute_count"] = getattr(r, "dispute_count", None)
        data["passed_up_count"] = getattr(r, "passed_up_count", None)
    return data


def ledger_json(row: dict) -> dict:
    data = {k: v for k, v in row.items() if k != "dispute"}
    return data


def item_json(item: MeetingItem, today: dt.date) -> dict:
    return {
        "id": item.pk,
        "reason": item.reason,
        "reason_label": str(item.get_reason_display()),
        "dispute": ledger_json(ledger.row(item.dispute, today)),
        "classified_type": item.classified_type,
        "body": _unit(item.body),
        "kept_with_township": item.decided_at is not None and item.body_id is None,
        "body_fixed": meetings.body_is_fixed(item.dispute, getattr(item, "has_open_case", None)),
        "responsible_leader": _user(item.responsible_leader),
        "responsible_person": item.responsible_person,
        "deadline": item.deadline,
        "decision": item.decision,
        "decided_at": item.decided_at,
    }


def meeting_json(m: Meeting, *, full: bool = True, user=None) -> dict:
    data = {
        "id": m.pk,
        "township": _unit(m.township),
        "week_start": m.week_start,
        "week_end": m.week_start + dt.timedelta(days=6),
        "held_on": m.held_on,
        "chair": m.chair,
        "attendees": m.attendees,
        "minutes": m.minutes,
        "closed": m.closed,
        "version": m.version,
    }
    if user is not None:
        # What this user may do now (the page offers the same: MEETING.allowed).
        data["actions"] = [t.name for t in MEETING.allowed(user, m)]
    if full:
        today = calendar.today()
        data["agenda"] = [item_json(i, today) for i in m.items.all()]
        data["missing_reports"] = _missing_json(meetings.meeting_missing(m))
        data["bodies"] = [
            {"value": v, "label": str(label)} for v, label in meetings.body_choices(m.township)
        ]
    return data


def _missing_json(rows) -> list[dict]:
    return [{"village": _unit(r["village"]), "days": r["days"]} for r in rows]


class Pages(PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 200


def _date_param(request, name, default=None):
    value = optional_date(request.query_params.get(name), name)
    return default if value is None else value


def _int_param(request, name):
    return optional_id(request.query_params.get(name), name)


# --- screening reports -------------------------------------------------------------------------


REPORT_FILTERS = [
    OpenApiParameter("village", int),
    OpenApiParameter("township", int),
    OpenApiParameter("date_from", str, description="YYYY-MM-DD"),
    OpenApiParameter("date_to", str, description="YYYY-MM-DD"),
]
REPORT_FIELDS = {
    "id": serializers.IntegerField(),
    "report_date": serializers.DateField(),
    "nil": serializers.BooleanField(),
}
ReportListOut = inline_serializer(
    "ScreeningReportPage",
    {
        "count": serializers.IntegerField(),
        "results": inline_serializer("ScreeningReportRow", REPORT_FIELDS, many=True),
    },
)
ReportOut = inline_serializer(
    "ScreeningReport",
    {
        "id": serializers.IntegerField(),
        "report_date": serializers.DateField(),
        "nil": serializers.BooleanField(),
        "result": serializers.ChoiceField(choices=["created", "added", "replayed", "unchanged"]),
        "disputes": serializers.ListField(child=serializers.DictField()),
    },
)


class ScreeningReportListView(APIView):
    """GET: the screening reports the user may see. POST: a liaison's daily report
    (日排查): a nil return, or the disputes found, each resolved on the spot or
    passed up. A second report for the same village and day adds its disputes to
    that day's report."""

    @extend_schema(
        parameters=REPORT_FILTERS, responses=ReportListOut, operation_id="screening_reports_list"
    )
    def get(self, request):
        qs = screening.report_list(
            user=request.user,
            village_id=_int_param(request, "village"),
            township_id=_int_param(request, "township"),
            date_from=_date_param(request, "date_from"),
            date_to=_date_param(request, "date_to"),
        )
        pages = Pages()
        page = pages.paginate_queryset(qs, request, view=self)
        return pages.get_paginated_response([report_json(r, with_disputes=False) for r in page])

    @extend_schema(
        request=ReportIn,
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                str,
                OpenApiParameter.HEADER,
                description="Unique per report; a retry with the same key stores nothing new",
            )
        ],
        responses={201: ReportOut, 200: ReportOut},
    )
    def post(self, request):
        s = ReportIn(data=request.data)
        s.is_valid(raise_exception=True)
        v = s.validated_data
        if v.get("village"):
            village = screening.village_for_report(request.user, v["village"])
        else:
            villages = screening.reporting_villages(request.user)
            if len(villages) != 1:
                if not villages:
                    raise PermissionDenied(_("Only the village's liaison reports its screening."))
                raise InvalidInput(field_errors={"village": [_("Choose the village.")]})
            village = villages[0]
        key = request.headers.get("Idempotency-Key")
        done = screening.screening_report_submit(
            actor=request.user,
            village=village,
            report_date=v.get("report_date"),
            nil=v["nil"],
            note=v["note"],
            disputes=[dict(d) for d in v["disputes"]],
            idempotency_key=key,
        )
        body = report_json(screening.report_get(user=request.user, pk=done.report.pk))
        body["result"] = done.result
        headers = {"Idempotent-Replayed": "true"} if done.result == "replayed" else {}
        return Response(
            body,
            status=status.HTTP_201_CREATED if done.result == "created" else status.HTTP_200_OK,
            headers=headers,
        )


class ScreeningReportDetailView(APIView):
    @extend_schema(responses=ReportOut)
    def get(self, request, pk):
        return Response(report_json(screening.report_get(user=request.user, pk=pk)))


class MissingReportsView(APIView):
    """Villages of a township that sent no report (not even a nil one) on a day, or
    on each day of a week (`week`: any day in it; days after today are left out)."""

    @extend_schema(
        parameters=[
            OpenApiParameter("township", int, required=True),
            OpenApiParameter("date", str, description="YYYY-MM-DD (default today)"),
            OpenApiParameter("week", str, description="YYYY-MM-DD: the week of that day"),
        ],
        responses=inline_serializer(
            "MissingReports",
            {
                "township": serializers.DictField(),
                "villages": serializers.ListField(child=serializers.DictField()),
            },
        ),
    )
    def get(self, request):
        township = screening.township_for_ledger(request.user, request.query_params.get("township"))
        today = calendar.today()
        week = _date_param(request, "week")
        if week is not None:
            start, end = screening.week_of(week)
            rows = screening.missing_reports_week(township, start, today)
            return Response(
                {
                    "township": _unit(township),
                    "week_start": start,
                    "week_end": end,
                    "villages": _missing_json(rows),
                }
            )
        day = _date_param(request, "date", today)
        return Response(
            {
                "township": _unit(township),
                "date": day,
                "villages": [_unit(v) for v in screening.missing_reports(township, day)],
            }
        )


# --- the ledger ----------------------------------------------------------------------------


LEDGER_PARAMS = [OpenApiParameter(name, str) for name in ledger.FILTERS]


class LedgerView(APIView):
    """台账: the open disputes of the townships the user reads, with the filters
    township, village, type, source, risk, state, overdue, date_from, date_to."""

    @extend_schema(
        parameters=LEDGER_PARAMS,
        responses=inline_serializer(
            "LedgerPage",
            {
                "count": serializers.IntegerField(),
                "results": serializers.ListField(child=serializers.DictField()),
            },
        ),
    )
    def get(self, request):
        filters = ledger.parse_filters(user=request.user, raw=request.query_params)
        today = calendar.today()
        qs = ledger.with_parties(ledger.ledger(user=request.user, filters=filters, today=today))
        pages = Pages()
        page = pages.paginate_queryset(qs, request, view=self)
        return pages.get_paginated_response([ledger_json(ledger.row(d, today)) for d in page])


class LedgerExportView(APIView):
    """The ledger (same filters) as the .xlsx a township clerk prints."""

    @extend_schema(
        parameters=LEDGER_PARAMS,
        responses={
            (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): bytes
        },
    )
    def get(self, request):
        filters = ledger.parse_filters(user=request.user, raw=request.query_params)
        today = calendar.today()
        data = ledger.export_xlsx(user=request.user, filters=filters, today=today)
        response = HttpResponse(
            data,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        name = _("ledger-%(date)s.xlsx") % {"date": today.isoformat()}
        response["Content-Disposition"] = content_disposition_header(True, name)
        return response


# --- weekly meetings -------------------------------------------------------------------------


MeetingOut = inline_serializer(
    "Meeting",
    {
        "id": serializers.IntegerField(),
        "week_start": serializers.DateField(),
        "closed": serializers.BooleanField(),
        "version": serializers.IntegerField(),
        "agenda": serializers.ListField(child=serializers.DictField()),
        "missing_reports": serializers.ListField(child=serializers.DictField()),
    },
)


class MeetingListView(APIView):
    """GET: the weekly meetings of the townships the user reads. POST: open a
    township's meeting for a week with its agenda (one per township and week: 409)."""

    @extend_schema(
        parameters=[OpenApiParameter("township", int)],
        operation_id="meetings_list",
        responses=inline_serializer(
            "MeetingPage",
            {
                "count": serializers.IntegerField(),
                "results": serializers.ListField(child=serializers.DictField()),
            },
        ),
    )
    def get(self, request):
        qs = meetings.meeting_list(user=request.user, township_id=_int_param(request, "township"))
        pages = Pages()
        page = pages.paginate_queryset(qs, request, view=self)
        return pages.get_paginated_response([meeting_json(m, full=False) for m in page])

    @extend_schema(request=MeetingIn, responses={201: MeetingOut})
    def post(self, request):
        s = MeetingIn(data=request.data)
        s.is_valid(raise_exception=True)
        v = dict(s.validated_data)
        township = screening.township_for_ledger(request.user, v.pop("township"))
        m = meetings.meeting_create(actor=request.user, township=township, **v)
        return Response(
            meeting_json(meetings.meeting_get(user=request.user, pk=m.pk), user=request.user),
            status=status.HTTP_201_CREATED,
        )


class MeetingDetailView(APIView):
    """A meeting with its agenda (new, overdue, unresolved), each item's decision,
    the villages that missed reports that week, and the minutes."""

    @extend_schema(responses=MeetingOut)
    def get(self, request, pk):
        return Response(
            meeting_json(meetings.meeting_get(user=request.user, pk=pk), user=request.user)
        )


def _version(request) -> int:
    """The meeting version the client saw: 428 without one, 400 when not a number."""
    require_version(request.data)
    s = MeetingVersionIn(data=request.data)
    s.is_valid(raise_exception=True)
    return s.validated_data["version"]


def _item(user, pk, item_pk) -> MeetingItem:
    m = meetings.meeting_get(user=user, pk=pk)
    item = next((i for i in m.items.all() if i.pk == item_pk), None)
    if item is None:
        raise Http404
    return item


class MeetingDecisionView(APIView):
    """Decide an item: classify it, send it to a body, name the responsible leader
    and person and the deadline; written on the dispute with a DisputeEvent."""

    @extend_schema(request=DecisionIn, responses=MeetingOut)
    def post(self, request, pk, item_pk):
        item = _item(request.user, pk, item_pk)
        require_version(request.data)
        s = DecisionIn(data=request.data)
        s.is_valid(raise_exception=True)
        meetings.meeting_decide_item(actor=request.user, item=item, **s.validated_data)
        return Response(
            meeting_json(meetings.meeting_get(user=request.user, pk=pk), user=request.user)
        )


class MeetingMinutesView(APIView):
    """Save the minutes (chair, attendees, text, the day held) while open."""

    @extend_schema(request=MinutesIn, responses=MeetingOut)
    def put(self, request, pk):
        m = meetings.meeting_get(user=request.user, pk=pk)
        require_version(request.data)
        s = MinutesIn(data=request.data)
        s.is_valid(raise_exception=True)
        v = s.validated_data
        meetings.meeting_minutes_save(
            actor=request.user,
            meeting=m,
            chair=v["chair"],
            attendees=v["attendees"],
            minutes=v["minutes"],
            held_on=v.get("held_on"),
            version=v["version"],
        )
        return Response(
            meeting_json(meetings.meeting_get(user=request.user, pk=pk), user=request.user)
        )

    post = put


class MeetingCloseView(APIView):
    """Close the minutes: afterwards nothing on the meeting changes (409)."""

    @extend_schema(request=MeetingVersionIn, responses=MeetingOut)
    def post(self, request, pk):
        m = meetings.meeting_get(user=request.user, pk=pk)
        meetings.meeting_close(actor=request.user, meeting=m, version=_version(request))
        return Response(
            meeting_json(meetings.meeting_get(user=request.user, pk=pk), user=request.user)
        )


class MeetingRefreshView(APIView):
    """Add to the agenda what came into the ledger since it was built."""

    @extend_schema(request=MeetingVersionIn, responses=MeetingOut)
    def post(self, request, pk):
        m = meetings.meeting_get(user=request.user, pk=pk)
        meetings.meeting_refresh_agenda(actor=request.user, meeting=m, version=_version(request))
        return Response(
            meeting_json(meetings.meeting_get(user=request.user, pk=pk), user=request.user)
        )
