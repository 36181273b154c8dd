"""The three written answers (处理意见书, 复查意见书, 复核意见书) and their service (送达)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from xinfang.core import calendar, law
from xinfang.core.exceptions import Conflict, InvalidInput

from .. import workflow
from ..models import (
    NoticeService,
    Outcome,
    Petition,
    PetitionEvent,
    Purpose,
    ReviewOutcome,
    ServiceMethod,
)
from .frame import FRAME, set_clock, today


def _issue_opinion(
    p,
    *,
    kind: str,
    outcome: str,
    text: str,
    basis: str,
    request: str = "",
    facts: str = "",
    legal_basis: str = "",
) -> dict:
    """The common part of the three written answers: record the outcome and the
    date on `<kind>_outcome` / `<kind>_issued_on`. A written opinion states the
    petitioner's request, the facts found and the reasons, the opinion and its
    legal basis (信访工作条例 Art. 32): each is required, all errors at once."""
    errors: dict[str, list] = {}
    # A review or re-review upholds, revokes or changes the opinion under it.
    choices = Outcome if kind == "opinion" else ReviewOutcome
    if outcome not in choices.values:
        errors["outcome"] = [_("Choose the outcome.")]
    required = {
        "request": (request or p.request or p.summary, _("State the petitioner's request.")),
        "facts": (facts, _("State the facts found and the reasons.")),
        "text": (text, _("Write the opinion.")),
        "legal_basis": (legal_basis, _("Name the laws, regulations or policies applied.")),
    }
    for field, (value, message) in required.items():
        if not (value or "").strip():
            errors[field] = [message]
    if errors:
        raise InvalidInput(field_errors=errors)
    text = text.strip()
    issued_on = today()
    setattr(p, f"{kind}_outcome", outcome)
    setattr(p, f"{kind}_issued_on", issued_on)
    # A new written answer: its window waits for its own service.
    p.served_on = None
    data = {
        "notice": kind,
        "outcome": outcome,
        "basis": basis,
        "awaiting_service": True,
        # Only an appeal's answer opens the review chain (Art. 31(6), 35).
        "reviewable": p.purpose == Purpose.APPEAL,
        "request": (request or p.request or p.summary).strip(),
        "facts": facts.strip(),
        "legal_basis": legal_basis.strip(),
    }
    return {"public_text": text, "data": data}


@FRAME.action("reply")
def petition_reply(
    p,
    actor,
    *,
    outcome: str = "",
    text: str = "",
    request: str = "",
    facts: str = "",
    legal_basis: str = "",
):
    """处理意见书: the written opinion (within 60 days, 信访工作条例 Art. 32, 34)."""
    return _issue_opinion(
        p,
        kind="opinion",
        outcome=outcome,
        text=text,
        request=request,
        facts=facts,
        legal_basis=legal_basis,
        basis=law.cite("opinion", "review"),
    )


@FRAME.action("review_reply")
def petition_review_reply(
    p,
    actor,
    *,
    outcome: str = "",
    text: str = "",
    request: str = "",
    facts: str = "",
    legal_basis: str = "",
):
    """复查意见书 (within 30 days, Art. 35)."""
    return _issue_opinion(
        p,
        kind="review",
        outcome=outcome,
        text=text,
        request=request,
        facts=facts,
        legal_basis=legal_basis,
        basis=law.cite("review", "re_review"),
    )


@FRAME.action("re_review_reply")
def petition_re_review_reply(
    p,
    actor,
    *,
    outcome: str = "",
    text: str = "",
    request: str = "",
    facts: str = "",
    legal_basis: str = "",
):
    """复核意见书 (within 30 days, Art. 36): final; the same facts are not accepted again."""
    return _issue_opinion(
        p,
        kind="re_review",
        outcome=outcome,
        text=text,
        request=request,
        facts=facts,
        legal_basis=legal_basis,
        basis=law.cite("re_review", "no_longer_accepted"),
    )


def _latest_answer(p: Petition) -> PetitionEvent | None:
    action = workflow.ANSWER_ACTIONS.get(p.state)
    if action is None:
        return None
    return PetitionEvent.objects.filter(petition=p, action=action).order_by("-at", "-pk").first()


def _serve(p: Petition, *, method: str, served_on: dt.date, actor, note: str = "") -> dict:
    """Record the service of the current written answer and start the window."""
    answer = _latest_answer(p)
    if answer is None:
        raise Conflict(_("There is no written answer to serve."))
    NoticeService.objects.create(
        petition=p,
        event=answer,
        method=method,
        served_on=served_on,
        recorded_by=actor if getattr(actor, "pk", None) else None,
        note=(note or "").strip()[:200],
    )
    p.served_on = served_on
    set_clock(p)
    return {
        "note": note,
        "data": {
            "method": method,
            "served_on": served_on.isoformat(),
            "answer": answer.action,
            "window": p.window_ends_on.isoformat() if p.window_ends_on else None,
        },
    }


@FRAME.action("record_service")
def petition_record_service(
    p, actor, *, method: str = "", served_on: dt.date | None = None, note: str = ""
):
    """送达: how and when the current written answer reached the petitioner. Electronic
    service counts only where the petitioner chose it at intake; a post receipt,
    a hand-over, a notice left or published each carry their own date."""
    if method not in ServiceMethod.values:
        raise InvalidInput(field_errors={"method": [_("Choose how it was served.")]})
    if method == ServiceMethod.ELECTRONIC and not p.electronic_service:
        raise InvalidInput(
            field_errors={
                "method": [_("The petitioner did not choose electronic service at intake.")]
            }
        )
    served_on = served_on or today()
    answer = _latest_answer(p)
    issued_on = calendar.to_local_date(answer.at) if answer is not None else None
    if served_on > today() or (issued_on is not None and served_on < issued_on):
        raise InvalidInput(
            field_errors={
                "served_on": [_("The day of service lies between the day of issue and today.")]
            }
        )
    return _serve(p, method=method, served_on=served_on, actor=actor, note=note)


@transaction.atomic
def petition_opened_by_petitioner(*, petition_id: int) -> bool:
    """The petitioner opened the matter with the query code (portal, API). Where
    they chose electronic service, an unserved written answer counts as received
    today (电子送达). Returns whether a service was recorded."""
    p = Petition.objects.select_for_update().get(pk=petition_id)
    if not p.electronic_service or p.served_on or p.state not in workflow.ANSWER_ACTIONS:
        return False
    t = workflow.TABLE["record_service"]
    from_state = p.state
    result = _serve(p, method=ServiceMethod.ELECTRONIC, served_on=today(), actor=None)
    FRAME.finish(p, t, actor=None, from_state=from_state, **result)
    return True
