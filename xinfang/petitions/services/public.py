"""The petitioner's acts through the query code: ask for review and re-review,
evaluate; and the file exported for an organ outside this system."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from xinfang.core import calendar, law, notify, querycode
from xinfang.core.calendar import Clock
from xinfang.core.exceptions import Conflict, InvalidInput, NotFound

from .. import chain, selectors, workflow
from ..models import Evaluation, Petition, PetitionEvent, Purpose, Rating, State
from .frame import FRAME, acting_unit, require_text, set_clock, today

# --- the petitioner's acts (through the query code) --------------------------------


@transaction.atomic
def petition_sms_choice(p: Petition, *, stop: bool) -> int:
    """The petitioner stops the SMS about their matters (退订) or takes them again,
    from the matter they follow: every phone of its petitioners is opted out (or
    in) and the choice goes on the matter's timeline, so the clerk who wonders why
    no SMS went out sees it. Returns how many numbers changed."""
    phones = list(dict.fromkeys(x.phone for x in p.petitioners.all() if x.phone))
    if stop:
        changed = sum(notify.opt_out(channel="sms", address=phone) for phone in phones)
    else:
        changed = sum(notify.opt_in(address=phone) for phone in phones)
    if changed:
        PetitionEvent.record(
            p, action="sms_stopped" if stop else "sms_resumed", data={"phones": changed}
        )
    return changed


def _lock_public(query_code: str) -> Petition:
    code = querycode.normalise_query_code(query_code or "")
    p = Petition.objects.select_for_update().filter(query_code=code).first() if code else None
    if p is None:
        raise NotFound(_("No matter has this query code."))
    return p


def _window_closed_message(p: Petition, what: str, article: str) -> str:
    return _(
        "The 30 days to ask for %(what)s ended on %(date)s (%(article)s). The matter is concluded."
    ) % {
        "what": what,
        "date": p.window_ends_on.isoformat() if p.window_ends_on else "-",
        "article": article,
    }


def _refer_outside(p: Petition, *, kind: str, organ: str, reasons: str) -> Petition:
    """The organ of the next round is above the top of this system's tree: record
    it by name, tell the petitioner to take the request there, and conclude the
    matter here (reason "<kind>_outside"). Nothing in the system could answer it,
    so it must not wait in under_review (docs/architecture.md, "The review chain").
    The file is exported for that organ from the matter's page."""
    from_state = p.state
    window = p.window_ends_on
    setattr(p, f"{kind}_outside", organ)
    p.state = State.CONCLUDED
    p.concluded_reason = f"{kind}_outside"
    set_clock(p)
    p.version += 1
    p.save()
    PetitionEvent.record(
        p,
        action=f"{kind}_outside",
        from_state=from_state,
        public=True,
        data={
            "reasons": reasons,
            "organ": organ,
            "window": window.isoformat() if window else None,
            "basis": law.cite(kind),
        },
    )
    return p


@transaction.atomic
def petition_request_review(*, query_code: str, reasons: str) -> Petition:
    """复查: within 30 days of receiving the opinion, to the organ one level up
    (Art. 35); outside this system when the top of the tree answered."""
    p = _lock_public(query_code)
    t = workflow.TABLE["request_review"]
    if p.purpose != Purpose.APPEAL:
        raise Conflict(
            _(
                "A suggestion or an accusation is answered once: review and re-review are "
                "for appeals and requests (%(basis)s)."
            )
            % {"basis": law.cite("review")}
        )
    if p.state == State.OPINION_ISSUED and p.window_ends_on and today() > p.window_ends_on:
        raise Conflict(_window_closed_message(p, _("review"), law.cite("review")))
    FRAME.check_state(p, t, None)
    reasons = require_text(reasons, "reasons", _("Say why you ask for review."))
    organ = chain.next_organ(p.responsible_unit)
    if organ.outside:
        return _refer_outside(p, kind="review", organ=organ.name, reasons=reasons)
    p.review_unit = organ.unit
    from_state = p.state
    FRAME.finish(
        p,
        t,
        actor=None,
        from_state=from_state,
        note="",
        data={
            "reasons": reasons,
            "unit": p.review_unit.name,
            "due": calendar.deadline_for(Clock.REVIEW, today()).due.isoformat(),
        },
    )
    return p


@transaction.atomic
def petition_request_re_review(*, query_code: str, reasons: str) -> Petition:
    """复核: within 30 days of receiving the review opinion, to the organ one level
    above the reviewer (Art. 36), never the reviewer again: outside this system
    when the top of the tree reviewed."""
    p = _lock_public(query_code)
    t = workflow.TABLE["request_re_review"]
    if p.state == State.REVIEW_ISSUED and p.window_ends_on and today() > p.window_ends_on:
        raise Conflict(_window_closed_message(p, _("re-review"), law.cite("re_review")))
    FRAME.check_state(p, t, None)
    reasons = require_text(reasons, "reasons", _("Say why you ask for re-review."))
    organ = chain.next_organ(p.review_unit)
    if organ.outside:
        return _refer_outside(p, kind="re_review", organ=organ.name, reasons=reasons)
    p.re_review_unit = organ.unit
    from_state = p.state
    FRAME.finish(
        p,
        t,
        actor=None,
        from_state=from_state,
        data={
            "reasons": reasons,
            "unit": p.re_review_unit.name,
            "due": calendar.deadline_for(Clock.RE_REVIEW, today()).due.isoformat(),
        },
    )
    return p


@transaction.atomic
def petition_record_dossier_export(*, actor, petition_id: int, revealed: bool) -> None:
    """The file was exported for the organ outside this system: on the timeline
    (who, and whether personal data went out in full)."""
    p = FRAME.lock(actor, petition_id)
    PetitionEvent.record(
        p,
        action="dossier_exported",
        actor=actor,
        actor_unit=acting_unit(actor, p, "view"),
        from_state=p.state,
        data={"organ": p.re_review_outside or p.review_outside, "revealed": bool(revealed)},
    )


def petition_ask_next_review(*, query_code: str, reasons: str) -> Petition:
    """The petitioner asks for the next round: re-review after a review opinion,
    review otherwise (each inside its 30-day window)."""
    p = selectors.public_view(query_code)
    if p is not None and p.state == State.REVIEW_ISSUED:
        return petition_request_re_review(query_code=query_code, reasons=reasons)
    return petition_request_review(query_code=query_code, reasons=reasons)


@transaction.atomic
def petition_evaluate(
    *, query_code: str, unit_rating: str, office_rating: str, comment: str = ""
) -> Evaluation:
    """满意度评价 of the latest answer, once per answer, unit and office separately."""
    p = _lock_public(query_code)
    round_ = workflow.EVALUATION_ROUND.get(p.state)
    if p.state == State.CONCLUDED:
        round_ = (
            "re_review"
            if p.re_review_issued_on
            else "review"
            if p.review_issued_on
            else "opinion"
            if p.opinion_issued_on
            else None
        )
    if round_ is None:
        raise Conflict(_("There is no answer to evaluate yet."))
    errors = {}
    if unit_rating not in Rating.values:
        errors["unit_rating"] = [_("Choose satisfied, basically satisfied or dissatisfied.")]
    if office_rating not in Rating.values:
        errors["office_rating"] = [_("Choose satisfied, basically satisfied or dissatisfied.")]
    if errors:
        raise InvalidInput(field_errors=errors)
    if Evaluation.objects.filter(petition=p, round=round_).exists():
        raise Conflict(_("This answer has already been evaluated."))
    unit = {"opinion": p.responsible_unit, "review": p.review_unit, "re_review": p.re_review_unit}[
        round_
    ]
    evaluation = Evaluation.objects.create(
        petition=p,
        round=round_,
        unit=unit,
        unit_rating=unit_rating,
        office_rating=office_rating,
        comment=(comment or "").strip()[:2000],
    )
    PetitionEvent.record(
        p,
        action="evaluate",
        from_state=p.state,
        public=True,
        data={
            "round": round_,
            "unit_rating": unit_rating,
            "office_rating": office_rating,
            "unit": unit.name if unit is not None else "",
        },
    )
    return evaluation
