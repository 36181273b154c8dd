"""Written notices (书面告知) of a petition matter, as A4 PDFs.

A notice is not stored: it is made from the event that decided (accept, decline,
extend, reply, review_reply, re_review_reply), the matter, and the wording an
administrator keeps in core.NoticeTemplate, whenever someone downloads it. So a
corrected template reaches every later download, and the dates and the text are
those the event recorded.

Who gets which: staff through the matter page (the visibility of the detail
page, the accusation rule included), the petitioner through the query code
(the public timeline's events). An official notice is always in Chinese,
whatever language the reader's interface is in.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xinfang.core import calendar, law
from xinfang.core.calendar import Clock
from xinfang.core.documents import (
    chinese_date,
    register_document_kind,
    render_template_pdf,
    render_text,
)
from xinfang.core.exceptions import NotFound
from xinfang.core.memo import memoized
from xinfang.core.models import NoticeTemplate
from xinfang.core.querycode import format_query_code

from . import chain, selectors, workflow
from .models import (
    Channel,
    NoticeService,
    Outcome,
    Petition,
    PetitionEvent,
    Purpose,
    ReviewOutcome,
    Route,
)

# The answers of a review and a re-review: they uphold, revoke or change the one below.
REVIEW_ANSWERS = frozenset({"review_reply", "re_review_reply"})

# The event's action → the kind of notice it answers with.
NOTICE_ACTIONS = {
    "accept": "accept",
    "decline": "decline",
    "decline_intake": "decline",
    "no_longer_accepted": "decline",
    "extend": "extend",
    "reply": "reply",
    "review_reply": "review_reply",
    "re_review_reply": "re_review_reply",
}

KIND_LABELS = {
    "accept": gettext_lazy("Notice of acceptance"),
    "decline": gettext_lazy("Notice of non-acceptance"),
    "extend": gettext_lazy("Notice of extension"),
    "reply": gettext_lazy("Written opinion"),
    "review_reply": gettext_lazy("Review opinion"),
    "re_review_reply": gettext_lazy("Re-review opinion"),
}

PLACEHOLDERS = {
    "unit": gettext_lazy("the issuing unit"),
    "petitioner": gettext_lazy("the petitioner's name (a group: the representatives)"),
    "number": gettext_lazy("the matter's number"),
    "summary": gettext_lazy("the matter's summary"),
    "received_on": gettext_lazy("the date the matter was received"),
    "accepted_on": gettext_lazy("the date it was accepted"),
    "decided_on": gettext_lazy("the date of this decision"),
    "due_date": gettext_lazy("the date the opinion is due (acceptance, extension)"),
    "days": gettext_lazy("the days of the extension"),
    "window_ends_on": gettext_lazy("the last day to ask for review or re-review"),
    "route": gettext_lazy("the route given (litigation, arbitration, ...)"),
    "route_code": gettext_lazy(
        "the route as a code: litigation, arbitration, reconsideration, other_organ, "
        "no_longer_accepted"
    ),
    "same_as": gettext_lazy("the number of the earlier matter with the same facts"),
    "text": gettext_lazy("the text for the petitioner (reason or opinion)"),
    "outcome": gettext_lazy("the outcome: supported, explained, not supported"),
    "next_unit": gettext_lazy("the unit to ask for review or re-review"),
    "responsible_unit": gettext_lazy("the unit that gave the opinion"),
    "review_unit": gettext_lazy("the unit that gave the review opinion"),
    "requested_on": gettext_lazy("the date review or re-review was asked for"),
    "petitioner_request": gettext_lazy("the petitioner's request, as the opinion states it"),
    "facts": gettext_lazy("the facts found and the reasons (opinions)"),
    "legal_basis": gettext_lazy("the laws, regulations and policies the opinion applies"),
    "purpose_code": gettext_lazy(
        "the matter's purpose as a code: appeal (申诉求决, may be reviewed), suggestion, accusation"
    ),
    "basis": gettext_lazy("the articles this notice rests on (from the law table)"),
    "law": gettext_lazy(
        "any legal basis by its key, e.g. {{ law.handle_period }} → 《信访工作条例》第三十四条 "
        "(keys: see xinfang/core/law.py)"
    ),
}


# Which bases each notice rests on (keys of core.law). A notice is rendered from
# the law table on every download, so a citation is corrected everywhere at once.
def bases_for(e: PetitionEvent, route_code: str) -> tuple[str, ...]:
    appeal = e.petition.purpose == Purpose.APPEAL
    if e.action == "accept":
        forwarded = e.petition.forwarded_on is not None
        first = "accept_forwarded" if forwarded else "accept_direct"
        return (first, "handle_period") if appeal else (first,)
    if e.action == "reply" and not appeal:
        return ("opinion",)
    if e.action in ("decline", "decline_intake", "no_longer_accepted"):
        return workflow.ROUTE_BASES.get(route_code, ("other_procedures",))
    return {
        "extend": ("handle_period",),
        "reply": ("opinion", "review"),
        "review_reply": ("review", "re_review"),
        "re_review_reply": ("re_review", "no_longer_accepted"),
    }[e.action]


@dataclass(frozen=True)
class Notice:
    event_id: int
    kind: str
    title: str
    issued_on: dt.date


# --- which notices a matter has ------------------------------------------------------------


def _people_key(petition_id: int) -> set[tuple[str, str]]:
    from .models import Petitioner

    return set(Petitioner.objects.filter(petition_id=petition_id).values_list("name", "id_number"))


def public_events(petition: Petition) -> list[PetitionEvent]:
    """The petitioner's timeline (selectors.public_timeline) with what a notice
    needs of each event, read once for the timeline and the notices alike."""
    events = selectors.public_timeline_full(petition.pk)
    # Each event's matter, without joining the wide matter row to every event:
    # the matter itself, and any merged into it read once.
    others = {e.petition_id for e in events} - {petition.pk}
    matters = Petition.objects.in_bulk(others) if others else {}
    matters[petition.pk] = petition
    for e in events:
        e.petition = matters[e.petition_id]
    return events


def _events(petition: Petition, *, public: bool, user, timeline=None) -> list[PetitionEvent]:
    """The deciding events, by the timeline selectors' rules: a matter merged into
    this one brings its events along (for staff, only where they may see it).
    `timeline`: the public events already read (public_events), filtered here."""
    if public and timeline is not None:
        events = [e for e in timeline if e.action in NOTICE_ACTIONS]
    else:
        if public:
            qs = selectors.public_timeline(petition).defer(None)
        elif user is not None:
            qs = selectors.timeline(user=user, petition=petition)
        else:
            qs = PetitionEvent.objects.filter(petition=petition)
        events = list(
            qs.filter(action__in=list(NOTICE_ACTIONS))
            .select_related("petition", "actor_unit")
            .order_by("at", "pk")
        )
    if public:
        # A notice names its own matter's petitioner: through this query code only
        # the notices addressed to the same people (no other petitioner's name).
        # Read (and decrypted) only when a merged matter brings events.
        own = None
        same = {petition.pk: True}
        kept = []
        for e in events:
            if e.petition_id not in same:
                if own is None:
                    own = _people_key(petition.pk)
                same[e.petition_id] = _people_key(e.petition_id) == own
            if same[e.petition_id]:
                kept.append(e)
        events = kept
    return events


@memoized()
def _active_templates() -> dict[str, NoticeTemplate]:
    """The active templates by kind, kept in the process (core.memo): every matter
    page lists its notices, and the templates change a few times a year (a save
    or a delete forgets them: petitions.apps)."""
    return {t.kind: t for t in NoticeTemplate.objects.filter(is_active=True)}


def _templates(kinds) -> dict[str, NoticeTemplate]:
    if not kinds:
        return {}
    active = _active_templates()
    return {kind: active[kind] for kind in kinds if kind in active}


def notices_for(petition: Petition, *, public: bool, user=None, timeline=None) -> list[Notice]:
    """The written notices of the matter, oldest first. `public`: what the petitioner
    may download with the query code; otherwise what `user` (staff) sees on the
    matter page. A kind whose template is inactive is not offered. `timeline`: the
    public events when the caller has read them already (public_events)."""
    events = _events(petition, public=public, user=user, timeline=timeline)
    templates = _templates({NOTICE_ACTIONS[e.action] for e in events})
    found = []
    with translation.override(settings.LANGUAGE_CODE):
        for e in events:
            kind = NOTICE_ACTIONS[e.action]
            template = templates.get(kind)
            if template is None:
                continue
            title = template.title if "{" not in template.title else render_text(template.title, {})
            found.append(Notice(e.pk, kind, title, calendar.to_local_date(e.at)))
    return found


# --- one notice -------------------------------------------------------------------------------


def _petitioner_names(petition: Petition) -> str:
    people = list(petition.petitioners.all())
    representatives = [p for p in people if p.is_representative]
    chosen = representatives or people
    names = "、".join(p.name for p in chosen[:5])
    if len(chosen) > 5:
        return _("%(names)s and others (%(count)d people)") % {
            "names": names,
            "count": len(chosen),
        }
    return names


def _label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value or ""


def _issuer(e: PetitionEvent, q: Petition):
    if e.actor_unit_id:
        return e.actor_unit
    by_action = {
        "decline_intake": q.office,
        "no_longer_accepted": q.office,
        "review_reply": q.review_unit,
        "re_review_reply": q.re_review_unit,
    }
    return by_action.get(e.action) or q.responsible_unit or q.office


def _requested_on(e: PetitionEvent, action: str) -> str:
    request = (
        PetitionEvent.objects.filter(petition_id=e.petition_id, action=action, at__lte=e.at)
        .order_by("-at", "-pk")
        .first()
    )
    return chinese_date(calendar.to_local_date(request.at)) if request else ""


# The petitioner's window each answer opens, counted from its service (送达).
ANSWER_WINDOWS = {"reply": Clock.REVIEW_REQUEST, "review_reply": Clock.RE_REVIEW_REQUEST}


def _window(e: PetitionEvent, d: dict):
    """The last day to ask for review or re-review after this answer: 30 days from
    the day it reached the petitioner (Art. 35, 36); unknown until then. (Events
    of answers issued before service was recorded carry their window.)"""
    clock = ANSWER_WINDOWS.get(e.action)
    if clock is None:
        return None
    if e.pk is None:  # a draft's preview: not issued, not served
        return d.get("window")
    service = NoticeService.objects.filter(event=e).only("served_on").first()
    if service is not None:
        return calendar.deadline_for(clock, service.served_on).due
    return d.get("window")


def _context(e: PetitionEvent) -> dict:
    q = e.petition
    d = e.data if isinstance(e.data, dict) else {}
    issuer = _issuer(e, q)
    route_code = d.get("route") or (
        "no_longer_accepted" if e.action == "no_longer_accepted" else ""
    )
    # The organ to ask next: the unit of the next round, or (above the top of the
    # tree) the organ outside this system, by the name the matter recorded.
    next_unit = ""
    if e.action == "reply":
        next_unit = (
            q.review_unit.organ_name
            if q.review_unit_id
            else q.review_outside or chain.next_organ(issuer).name
        )
    elif e.action == "review_reply":
        next_unit = (
            q.re_review_unit.organ_name
            if q.re_review_unit_id
            else q.re_review_outside or chain.next_organ(q.review_unit or issuer).name
        )
    return {
        "unit": issuer.organ_name,
        "petitioner": _petitioner_names(q),
        "number": q.number,
        "summary": q.summary,
        "received_on": chinese_date(q.received_on),
        "accepted_on": chinese_date(q.accepted_on),
        "decided_on": chinese_date(calendar.to_local_date(e.at)),
        "due_date": chinese_date(d.get("due")),
        "days": d.get("days", ""),
        "window_ends_on": chinese_date(_window(e, d)),
        "route": _label(Route, route_code),
        "route_code": route_code,
        "same_as": d.get("same_as", ""),
        "text": (e.public_text or "").strip(),
        "outcome": _label(
            Outcome if e.action not in REVIEW_ANSWERS else ReviewOutcome, d.get("outcome", "")
        ),
        "next_unit": next_unit,
        "responsible_unit": q.responsible_unit.organ_name if q.responsible_unit_id else "",
        "review_unit": q.review_unit.organ_name if q.review_unit_id else "",
        "requested_on": _requested_on(
            e, "request_re_review" if e.action == "re_review_reply" else "request_review"
        ),
        "purpose_code": q.purpose,
        "petitioner_request": d.get("request") or q.request or q.summary,
        # A letter's writer was never at a window or on the web: the notice of
        # acceptance, posted to them, carries the query code (the current one).
        "query_code": format_query_code(q.query_code) if q.channel == Channel.LETTER else "",
        "facts": d.get("facts", ""),
        "legal_basis": d.get("legal_basis", ""),
        "basis": law.cite(*bases_for(e, route_code)),
        "law": law.citations(),
    }


def _fields(kind: str, c: dict) -> list[tuple[str, str]]:
    """The table of the notice: the facts the petitioner looks for first."""
    rows = [
        (_("Matter number"), c["number"]),
        (_("Petitioner"), c["petitioner"]),
        (_("Received on"), c["received_on"]),
    ]
    if kind == "accept":
        rows += [(_("Accepted on"), c["decided_on"])]
        if c["due_date"]:
            rows += [(_("Opinion due by"), c["due_date"])]
        if c.get("query_code"):
            rows += [(_("Query code (to follow the matter online)"), c["query_code"])]
    elif kind == "decline":
        rows += [(_("Decided on"), c["decided_on"]), (_("Route given"), c["route"])]
    elif kind == "extend":
        rows += [
            (_("Accepted on"), c["accepted_on"]),
            (_("Extended by"), _("%(days)s days") % {"days": c["days"]}),
            (_("New due date"), c["due_date"]),
        ]
    else:
        opinion = {
            "reply": _("Opinion"),
            "review_reply": _("Review opinion"),
            "re_review_reply": _("Re-review opinion"),
        }[kind]
        rows += [(_("Issued on"), c["decided_on"]), (opinion, c["outcome"])]
        if kind == "reply":
            rows.append((_("Review may be asked for until"), c["window_ends_on"]))
        elif kind == "review_reply":
            rows.append((_("Re-review may be asked for until"), c["window_ends_on"]))
        else:
            rows.append(
                (
                    _("Further requests"),
                    _("None: the same facts and reasons are not accepted again"),
                )
            )
    return rows


def notice_pdf(petition: Petition, event_id: int, *, public: bool, user=None) -> bytes:
    """The PDF of one notice of the matter. NotFound when the event is not one of
    notices_for(petition, public=public, user=user); FontUnavailable (503) when no
    Chinese font is installed."""
    notice = find_notice(petition, event_id, public=public, user=user)
    e = PetitionEvent.objects.select_related(
        "petition",
        "petition__office",
        "petition__responsible_unit",
        "petition__review_unit",
        "petition__re_review_unit",
        "actor_unit",
    ).get(pk=event_id)
    template = NoticeTemplate.objects.get(kind=notice.kind)
    with translation.override(settings.LANGUAGE_CODE):
        context = _context(e)
        if not public and not selectors.may_see_identity(user, e.petition):
            # The accuser's name stays with the petition office (信访工作条例 Art. 30).
            context["petitioner"] = _("the accuser (identity kept by the petition office)")
        return render_template_pdf(
            title=template.title,
            body=template.body,
            basis=template.basis,
            context=context,
            issuer=context["unit"],
            number=context["number"],
            recipient=context["petitioner"],
            issued_on=notice.issued_on,
            fields=_fields(notice.kind, context),
            footer=_("Matter %(number)s") % {"number": context["number"]},
        )


def draft_pdf(draft, *, user) -> bytes:
    """签发: the notice the approved draft will become, as the approver and the handler
    see it before it is issued: the same template, the draft's content, today's
    date, no seal, and "草稿" across every page. NotFound when the kind's template is
    inactive (the notice would not be offered either)."""
    p = draft.petition
    template = NoticeTemplate.objects.filter(kind=draft.answer, is_active=True).first()
    if template is None:
        raise NotFound()
    e = PetitionEvent(
        petition=p,
        action=draft.answer,
        at=timezone.now(),
        actor_unit=draft.unit,
        public_text=draft.text,
        data={
            "notice": draft.round,
            "outcome": draft.outcome,
            "request": draft.request,
            "facts": draft.facts,
            "legal_basis": draft.legal_basis,
        },
    )
    with translation.override(settings.LANGUAGE_CODE):
        context = _context(e)
        if not selectors.may_see_identity(user, p):
            context["petitioner"] = _("the accuser (identity kept by the petition office)")
        return render_template_pdf(
            title=template.title,
            body=template.body,
            basis=template.basis,
            context=context,
            issuer=context["unit"],
            number=context["number"],
            recipient=context["petitioner"],
            issued_on=calendar.today(),
            fields=_fields(draft.answer, context),
            footer=_("Matter %(number)s") % {"number": context["number"]},
            seal=False,
            watermark=_("DRAFT"),
        )


def draft_filename(draft) -> tuple[str, str]:
    number = draft.petition.number
    ascii_name = re.sub(r"[^A-Za-z0-9._-]", "_", f"draft-{draft.answer}-{number}.pdf")
    with translation.override(settings.LANGUAGE_CODE):
        label = str(KIND_LABELS[draft.answer])
        return ascii_name, _("%(title)s (draft)-%(number)s.pdf") % {
            "title": label,
            "number": number,
        }


def notice_filename(petition: Petition, notice: Notice) -> tuple[str, str]:
    """(ASCII file name, full file name) for the download."""
    ascii_name = f"notice-{notice.kind}-{petition.number}.pdf"
    return re.sub(r"[^A-Za-z0-9._-]", "_", ascii_name), f"{notice.title}-{petition.number}.pdf"


def find_notice(petition: Petition, event_id, *, public: bool, user=None) -> Notice:
    try:
        event_id = int(event_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    for n in notices_for(petition, public=public, user=user):
        if n.event_id == event_id:
            return n
    raise NotFound()


# --- the administrator's preview -----------------------------------------------------------


def _sample(kind: str):
    def sample() -> dict:
        today = calendar.today()
        context = {
            "unit": "××县××镇人民政府",
            "petitioner": "张三",
            "number": "410000-2026-000001",
            "summary": "某公司拖欠工资三个月",
            "received_on": chinese_date(today - dt.timedelta(days=20)),
            "accepted_on": chinese_date(today - dt.timedelta(days=10)),
            "decided_on": chinese_date(today),
            "due_date": chinese_date(today + dt.timedelta(days=60)),
            "days": 30,
            "window_ends_on": chinese_date(today + dt.timedelta(days=30)),
            "route": str(Route.LITIGATION.label),
            "route_code": Route.LITIGATION.value,
            "same_as": "410000-2025-000099",
            "text": "经调查核实，已责令用工单位于十日内支付所欠工资。",
            "outcome": str(Outcome.SUPPORT.label),
            "next_unit": "××县人民政府",
            "responsible_unit": "××县××镇人民政府",
            "review_unit": "××县人民政府",
            "requested_on": chinese_date(today - dt.timedelta(days=5)),
            "purpose_code": "appeal",
            "petitioner_request": "请求用工单位支付拖欠的三个月工资。",
            "facts": "经调查，该公司自2026年3月起拖欠申请人工资共计三个月，事实清楚。",
            "legal_basis": "《中华人民共和国劳动法》第五十条，《保障农民工工资支付条例》第十五条",
            "basis": law.cite("accept_forwarded", "handle_period"),
            "law": law.citations(),
        }
        return {
            "context": context,
            "issuer": context["unit"],
            "number": context["number"],
            "recipient": context["petitioner"],
            "issued_on": today,
            "fields": _fields(kind, context),
            "footer": _("Matter %(number)s") % {"number": context["number"]},
        }

    return sample


def register_kinds() -> None:
    """Called from PetitionsConfig.ready(): the six notices become template kinds."""
    for kind, label in KIND_LABELS.items():
        register_document_kind(kind, label, placeholders=PLACEHOLDERS, sample=_sample(kind))
