"""A matter as the API answers it: a list row, the staff detail, the petitioner's view."""

from xinfang.core import calendar, pii

from .. import selectors, services, timeline
from ..models import Petition, State


def _unit(u):
    return {"id": u.pk, "name": u.name} if u is not None else None


def petition_row(p: Petition, today) -> dict:
    return {
        "id": p.pk,
        "number": p.number,
        "summary": p.summary,
        "state": p.state,
        "state_label": str(State(p.state).label),
        "colour": getattr(p, "colour", None) or selectors.colour_of(p, today),
        "listing": p.listing,
        "channel": p.channel,
        "category": {"id": p.category_id, "name": p.category.name},
        "place": _unit(p.place),
        "responsible_unit": _unit(p.responsible_unit),
        "received_on": p.received_on,
        "clock": p.clock,
        "due_date": p.due_date,
        "days_left": calendar.days_left(p.due_date, today) if p.due_date else None,
        "due_provisional": p.due_provisional,
        "window_ends_on": p.window_ends_on,
        "flags": {k: getattr(p, k) for k in ("collective", "cross_level", "repeat", "accusation")},
        "version": p.version,
    }


def petition_detail(user, p: Petition, today) -> dict:
    identity = selectors.may_see_identity(user, p)
    data = petition_row(p, today)
    data.update(
        {
            "purpose": p.purpose,
            "content": p.content,
            "request": p.request,
            "people_count": p.people_count,
            "registering_unit": _unit(p.registering_unit),
            "office": _unit(p.office),
            "review_unit": _unit(p.review_unit),
            "re_review_unit": _unit(p.re_review_unit),
            "handler": p.handler.get_username() if p.handler_id else None,
            "route": p.route,
            "opinion": {"outcome": p.opinion_outcome, "issued_on": p.opinion_issued_on},
            "review": {"outcome": p.review_outcome, "issued_on": p.review_issued_on},
            "re_review": {"outcome": p.re_review_outcome, "issued_on": p.re_review_issued_on},
            "merged_into": p.merged_into.number if p.merged_into_id else None,
            "same_as": p.same_as.number if p.same_as_id else None,
            # Personal data is masked here; POST .../reveal shows it, on the record.
            # An accuser's identity stays with the petition office (Art. 30).
            "identity_withheld": not identity,
            "petitioners": [
                {
                    "id": x.pk,
                    "name": x.name,
                    "id_number": pii.mask_id_number(x.id_number),
                    "phone": pii.mask_phone(x.phone),
                    "is_representative": x.is_representative,
                }
                for x in (p.petitioners.all() if identity else [])
            ],
            "accused": (
                {
                    "unit": _unit(p.accused_unit),
                    "user": p.accused_user.get_username() if p.accused_user_id else None,
                    "name": p.accused_name,
                    "identity_shared_with": _unit(p.identity_shared_with),
                }
                if p.accusation
                else None
            ),
            "attachments": [
                {"name": a.name, "content_type": a.content_type, "size": a.size}
                for a in p.attachments.all()
            ],
            "events": [
                {
                    "petition": e.petition.number,
                    "at": e.at,
                    "action": e.action,
                    "label": str(e.label),
                    "from_state": e.from_state,
                    "to_state": e.to_state,
                    "public": e.public,
                    "actor": e.actor.get_username() if e.actor_id else None,
                    "unit": e.actor_unit.name if e.actor_unit_id else None,
                    "note": e.note,
                    "text": timeline.public_line(e),
                }
                for e in selectors.timeline(user=user, petition=p)
            ],
            "actions": [t.name for t in services.allowed_actions(user, p)],
        }
    )
    return data


# What the petitioner sees (the public API and the portal's tracking page read it).
public_json = timeline.public_matter
