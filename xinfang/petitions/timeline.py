"""How an event reads on a timeline, in the reader's language.

Events store what happened as data (the unit, the dates, the route, the outcome)
and the words a member of staff typed (a reason, the opinion's text); the
sentence around them is made here when the timeline is shown, so a petitioner
reading in English and a clerk reading in Chinese both read their own language.
"""

import datetime as dt

from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from xinfang.core import calendar
from xinfang.core.calendar import Colour
from xinfang.core.querycode import format_query_code

from . import chain, notices, selectors, workflow
from .models import (
    Channel,
    Outcome,
    PetitionEvent,
    Purpose,
    Rating,
    ReviewOutcome,
    Route,
    ServiceMethod,
    State,
)

# Acts without a staff actor: the petitioner's through the query code.
PETITIONER_ACTIONS = frozenset(
    {
        "register",
        "request_review",
        "request_re_review",
        "review_outside",
        "re_review_outside",
        "evaluate",
    }
)


def _date(value) -> str:
    if not value:
        return "-"
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            return value
    return formats.date_format(value, "Y-m-d")


def _label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value or ""


def answering_unit_label(name: str = "") -> str:
    """How the evaluation form and the timeline name the unit that answered."""
    label = _("The unit that answered")
    return _("%(label)s (%(name)s)") % {"label": label, "name": name} if name else label


def describe(event: PetitionEvent) -> str:
    """The sentence for an event (without the staff's own words)."""
    d = event.data if isinstance(event.data, dict) else {}
    a = event.action
    if a == "register":
        if d.get("from_dispute"):
            return _(
                "Registered (%(channel)s), raised after the mediation of dispute %(number)s failed."
            ) % {"channel": _label(Channel, d.get("channel", "")), "number": d["from_dispute"]}
        return _("Registered (%(channel)s).") % {"channel": _label(Channel, d.get("channel", ""))}
    if a == "forward":
        if d.get("kind") == "assign":
            sentence = _("Assigned to %(unit)s (交办), to report back by %(date)s.") % {
                "unit": d.get("unit", ""),
                "date": _date(d.get("report_back_due")),
            }
        else:
            sentence = _("Forwarded to %(unit)s.") % {"unit": d.get("unit", "")}
        if d.get("assisting"):
            sentence += " " + _("Assisting: %(units)s.") % {"units": "、".join(d["assisting"])}
        return sentence
    if a == "report_back":
        if d.get("late"):
            return _("%(unit)s reported back, after the date set (%(date)s).") % {
                "unit": d.get("unit", ""),
                "date": _date(d.get("due")),
            }
        return _("%(unit)s reported back.") % {"unit": d.get("unit", "")}
    if a == "accept":
        if not d.get("due"):
            return _("Accepted by %(unit)s.") % {"unit": d.get("unit", "")}
        return _("Accepted by %(unit)s. An opinion is due by %(date)s.") % {
            "unit": d.get("unit", ""),
            "date": _date(d.get("due")),
        }
    if a in ("decline", "decline_intake"):
        return _("Not accepted. Route: %(route)s.") % {"route": _label(Route, d.get("route", ""))}
    if a == "no_longer_accepted":
        return _(
            "Not accepted again: the same facts and reasons were already settled through "
            "review and re-review (matter %(number)s)."
        ) % {"number": d.get("same_as", "")}
    if a == "not_the_same":
        return _("New facts or reasons: the matter is handled as a new one.")
    if a == "extend":
        return _("Extended by %(days)s days; new due date %(date)s.") % {
            "days": d.get("days", ""),
            "date": _date(d.get("due")),
        }
    if a == "reply":
        if d.get("reviewable") is False:
            return _("Answer issued (%(outcome)s).") % {
                "outcome": _label(Outcome, d.get("outcome", ""))
            }
        if not d.get("window"):
            return _(
                "Opinion issued (%(outcome)s). Review may be asked for within 30 days of "
                "receiving it."
            ) % {"outcome": _label(Outcome, d.get("outcome", ""))}
        return _("Opinion issued (%(outcome)s). You may ask for review until %(date)s.") % {
            "outcome": _label(Outcome, d.get("outcome", "")),
            "date": _date(d.get("window")),
        }
    if a == "record_service":
        if d.get("window"):
            return _(
                "The written answer reached the petitioner on %(date)s (%(method)s); the next "
                "step may be asked for until %(window)s."
            ) % {
                "date": _date(d.get("served_on")),
                "method": _label(ServiceMethod, d.get("method", "")),
                "window": _date(d.get("window")),
            }
        return _("The written answer reached the petitioner on %(date)s (%(method)s).") % {
            "date": _date(d.get("served_on")),
            "method": _label(ServiceMethod, d.get("method", "")),
        }
    if a == "request_review":
        return _("Review requested; %(unit)s reviews it by %(date)s.") % {
            "unit": d.get("unit", ""),
            "date": _date(d.get("due")),
        }
    if a in ("review_outside", "re_review_outside"):
        what = _("Review") if a == "review_outside" else _("Re-review")
        if d.get("window"):
            return _(
                "%(what)s asked for. It is done by %(organ)s, which is not part of this "
                "system: take your request there by %(date)s. This system's handling of "
                "the matter ends here."
            ) % {"what": what, "organ": d.get("organ", ""), "date": _date(d.get("window"))}
        return _(
            "%(what)s asked for. It is done by %(organ)s, which is not part of this "
            "system: take your request there within 30 days of receiving the written "
            "answer. This system's handling of the matter ends here."
        ) % {"what": what, "organ": d.get("organ", "")}
    if a == "return":
        return _(
            "%(unit)s objects that the matter is not theirs and asks to return it; the "
            "petition office decides."
        ) % {"unit": d.get("unit", "")}
    if a == "return_agree":
        return _("The petition office agreed to the return by %(unit)s.") % {
            "unit": d.get("unit", "")
        }
    if a == "return_refuse":
        return _("The petition office refused the return: %(unit)s keeps the matter.") % {
            "unit": d.get("unit", "")
        }
    if a == "review_reply":
        if not d.get("window"):
            return _(
                "Review opinion issued (%(outcome)s). Re-review may be asked for within 30 "
                "days of receiving it."
            ) % {"outcome": _label(ReviewOutcome, d.get("outcome", ""))}
        return _(
            "Review opinion issued (%(outcome)s). You may ask for re-review until %(date)s."
        ) % {
            "outcome": _label(ReviewOutcome, d.get("outcome", "")),
            "date": _date(d.get("window")),
        }
    if a == "request_re_review":
        return _("Re-review requested; %(unit)s re-reviews it by %(date)s.") % {
            "unit": d.get("unit", ""),
            "date": _date(d.get("due")),
        }
    if a == "re_review_reply":
        return _("Re-review opinion issued (%(outcome)s). This opinion is final.") % {
            "outcome": _label(ReviewOutcome, d.get("outcome", "")),
        }
    if a == "hearing_start":
        return _("A public hearing began; the period is paused.")
    if a == "hearing_end":
        return _("The public hearing ended; the period runs again. Due date: %(date)s.") % {
            "date": _date(d.get("due")),
        }
    if a == "evaluate":
        # The unit is named as the evaluation form names it (answering_unit_label).
        return _("Evaluated. %(unit_label)s: %(unit)s; %(office_label)s: %(office)s.") % {
            "unit_label": answering_unit_label(d.get("unit", "")),
            "unit": _label(Rating, d.get("unit_rating", "")),
            "office_label": _("The petition office"),
            "office": _label(Rating, d.get("office_rating", "")),
        }
    if a == "conclude":
        return _("Concluded.")
    if a == "window_lapsed":
        return _("Concluded: no review was asked for within 30 days.")
    if a == "merge":
        return _("Merged into matter %(number)s, handled together.") % {
            "number": d.get("number", "")
        }
    if a == "divert_to_mediation":
        return _("Diverted to mediation first (dispute %(number)s, %(body)s).") % {
            "number": d.get("number", ""),
            "body": d.get("body", ""),
        }
    if a == "resume_after_mediation":
        return _("Mediation ended without agreement; the matter goes on.")
    if a == "concluded_by_mediation":
        return _("Concluded: the parties reached a mediation agreement (dispute %(number)s).") % {
            "number": d.get("number", "")
        }
    if a == "deadline_recomputed":
        return _deadline_recomputed(d)
    if a == "merged_in":
        return _("Matter %(number)s was merged into this one.") % {"number": d.get("number", "")}
    if a in ("linked", "unlinked"):
        return _link_sentence(a, d)
    if a == "imported":
        return _(
            "Imported from the ledger “%(source)s” (number %(number)s): received on "
            "%(received)s, concluded on %(concluded)s."
        ) % {
            "source": d.get("source", ""),
            "number": d.get("ledger_number") or "-",
            "received": _date(d.get("received_on")),
            "concluded": _date(d.get("concluded_on")),
        }
    if a == "query_code_reissued":
        return _(
            "A new query code was issued at the reception window after an identity check; "
            "the earlier code no longer works."
        )
    return ""


def _link_sentence(action: str, d: dict) -> str:
    number = {"number": d.get("number", "")}
    if action == "unlinked":
        return _("The mark with matter %(number)s was undone.") % number
    if d.get("kind") == "repeat":
        if d.get("role") == "earlier":
            return _("Matter %(number)s was marked as a repeat of this one.") % number
        return _("Marked as a repeat of matter %(number)s.") % number
    return _("Marked as related to matter %(number)s.") % number


def public_line(event: PetitionEvent) -> str:
    """The sentence and, where there are any, the staff's words meant for the petitioner."""
    sentence = describe(event)
    words = (event.public_text or "").strip()
    return f"{sentence} {words}".strip() if words else sentence


def _deadline_recomputed(d: dict) -> str:
    if d.get("reason") == "published":
        why = _("the holiday schedule of that year was published")
    else:
        why = _("the holiday data changed")
    if d.get("previous_window") != d.get("window"):
        return _(
            "The date until which a review may be asked for moved from %(from)s to %(to)s: %(why)s."
        ) % {"from": _date(d.get("previous_window")), "to": _date(d.get("window")), "why": why}
    if d.get("previous_due") != d.get("due"):
        return _("The due date moved from %(from)s to %(to)s: %(why)s.") % {
            "from": _date(d.get("previous_due")),
            "to": _date(d.get("due")),
            "why": why,
        }
    if "previous_due" not in d:  # events written before the dates were recorded
        return _("The due date was recomputed: %(date)s.") % {"date": _date(d.get("due"))}
    day = d.get("window") or d.get("due")
    if d.get("provisional"):
        return _(
            "The date %(date)s is provisional until the holiday schedule of that year is published."
        ) % {"date": _date(day)}
    return _("The date %(date)s is no longer provisional: %(why)s.") % {
        "date": _date(day),
        "why": why,
    }


def _state_label(value: str):
    return State(value).label if value in State.values else value


def staff_rows(user, p) -> list[dict]:
    """The matter's timeline as the staff pages show it (the matter page, and the
    page of a dispute the matter was diverted to): the events the user may see,
    each with its label (`event.label`, from the transitions table), who took it,
    the move between states and the sentence."""
    rows = []
    for e in selectors.timeline(user=user, petition=p):
        if e.actor_id:
            who = e.actor.get_full_name() or e.actor.get_username()
        elif e.action in PETITIONER_ACTIONS:
            who = _("Petitioner")
        else:
            who = _("System")
        detail = ""
        if e.action == "list":
            colour = (e.data or {}).get("colour")
            detail = Colour(colour).label if colour in Colour.values else _("listing cleared")
        if e.action == "forward":
            # Internal: the requirement of a 交办 and why the unit of the place was passed over.
            d = e.data or {}
            parts = []
            if d.get("requirement"):
                parts.append(_("Requirement: %(text)s") % {"text": d["requirement"]})
            if d.get("reason"):
                parts.append(
                    _("Not sent to %(unit)s (the place of the problem): %(reason)s")
                    % {"unit": d.get("place_unit", ""), "reason": d["reason"]}
                )
            detail = "；".join(parts)
        rows.append(
            {
                "event": e,
                "label": e.label,
                "who": who,
                "unit": e.actor_unit.name if e.actor_unit_id else "",
                "from_state": _state_label(e.from_state) if e.from_state else "",
                "to_state": _state_label(e.to_state) if e.to_state else "",
                "moved": e.from_state != e.to_state,
                "other_matter": e.petition.number if e.petition_id != p.pk else "",
                "detail": detail,
                "sentence": describe(e),
            }
        )
    return rows


def public_matter(p) -> dict:
    """What the petitioner sees: no staff names, no internal notes, no colour."""
    events = []
    timeline = notices.public_events(p)
    for e in timeline:
        events.append(
            {
                "at": e.at,
                "date": calendar.to_local_date(e.at),
                "step": e.action,
                "label": str(e.label),
                "text": public_line(e),
                "notice": e.data.get("notice") if isinstance(e.data, dict) else None,
            }
        )
    # Before service is recorded no window runs: asking shows the answer arrived.
    # Only an appeal's answer may be reviewed (信访工作条例 Art. 31(6), 35).
    can_ask = (
        p.purpose == Purpose.APPEAL
        and p.state in (State.OPINION_ISSUED, State.REVIEW_ISSUED)
        and (p.window_ends_on is None or calendar.today() <= p.window_ends_on)
    )
    # Where the next round goes (信访工作条例 Art. 35, 36): a unit of this system or,
    # above the top of its tree, an organ outside it the petitioner goes to.
    answered = {State.OPINION_ISSUED: p.responsible_unit, State.REVIEW_ISSUED: p.review_unit}
    unit = answered.get(p.state)
    organ = chain.next_organ(unit) if unit is not None else None
    # The round the matter is in and the unit that holds it now: after a review
    # the reviewing unit, not the one that gave the first answer.
    if p.state in (State.UNDER_RE_REVIEW, State.RE_REVIEW_ISSUED) and p.re_review_unit_id:
        stage, holder = "re_review", p.re_review_unit
    elif p.state in (State.UNDER_REVIEW, State.REVIEW_ISSUED, State.UNDER_RE_REVIEW) and (
        p.review_unit_id
    ):
        stage, holder = "review", p.review_unit
    else:
        stage, holder = "opinion", p.responsible_unit
    outcomes = [
        (Outcome, p.opinion_outcome, _("Opinion")),
        (ReviewOutcome, p.review_outcome, _("Review opinion")),
        (ReviewOutcome, p.re_review_outcome, _("Re-review opinion")),
    ]
    return {
        "number": p.number,
        "query_code": format_query_code(p.query_code),
        "next_organ": {"name": organ.name, "outside": organ.outside} if organ else None,
        "outside_organ": p.re_review_outside or p.review_outside or None,
        "state": p.state,
        "state_label": str(State(p.state).label),
        "summary": p.summary,
        "category": str(p.category),
        "place": p.place.name,
        "received_on": p.received_on,
        "responsible_unit": p.responsible_unit.name if p.responsible_unit_id else None,
        "stage": stage,
        "handling_unit": holder.name if holder is not None else None,
        "outcomes": [
            {"round": str(label), "outcome": _label(choices, value)}
            for choices, value, label in outcomes
            if value
        ],
        "due_date": p.due_date,
        "due_provisional": p.due_provisional,
        "window_ends_on": p.window_ends_on,
        "may_evaluate": p.state in workflow.EVALUATION_ROUND,
        "may_ask_review": can_ask,
        "route": p.route,
        "timeline": events,
        # The written notices (书面告知) the petitioner may download as PDFs.
        "notices": [
            {
                "event_id": n.event_id,
                "kind": n.kind,
                "title": n.title,
                "issued_on": n.issued_on,
                # Fetched with the code in the X-Query-Code header, never in the URL.
                "url": reverse("api-public-notice", kwargs={"event_id": n.event_id}),
            }
            for n in notices.notices_for(p, public=True, timeline=timeline)
        ],
    }
