"""The three written answers (处理意见书, 复查意见书, 复核意见书), issued from an
approved draft (services/signoff.py), and their service (送达)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from xinfang.core import calendar, law
from xinfang.core.exceptions import Conflict, InvalidInput

from .. import workflow
from ..models import (
    DraftState,
    NoticeService,
    Petition,
    PetitionEvent,
    Purpose,
    ServiceMethod,
    outcome_choices,
)
from .frame import FRAME, set_clock, today


def opinion_errors(
    p,
    *,
    kind: str = "opinion",
    outcome: str,
    request: str,
    facts: str,
    text: str,
    legal_basis: str,
) -> dict[str, list]:
    """What a written opinion lacks: it states the petitioner's request, the facts
    found and the reasons, the opinion and its legal basis (信访工作条例 Art. 32);
    each is required, all errors at once."""
    errors: dict[str, list] = {}
    # A review or re-review upholds, revokes or changes the opinion under it.
    if outcome not in outcome_choices(kind).values:
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
    return errors


def _issue_opinion(p, *, kind: str, basis: str, draft) -> dict:
    """The common part of the three written answers, from the approved draft: record
    the outcome and the date on `<kind>_outcome` / `<kind>_issued_on`."""
    c = draft.content()
    errors = opinion_errors(p, kind=kind, **c)
    if errors:
        raise InvalidInput(field_errors=errors)
    issued_on = today()
    setattr(p, f"{kind}_outcome", c["outcome"])
    setattr(p, f"{kind}_issued_on", issued_on)
    # A new written answer: its window waits for its own service.
    p.served_on = None
    data = {
        "notice": kind,
        "outcome": c["outcome"],
        "basis": basis,
        "awaiting_service": True,
        # Only an appeal's answer opens the review chain (Art. 31(6), 35).
        "reviewable": p.purpose == Purpose.APPEAL,
        "request": (c["request"] or p.request or p.summary).strip(),
        "facts": c["facts"].strip(),
        "legal_basis": c["legal_basis"].strip(),
        # 签发: the draft it was issued from and who approved it.
        "draft": draft.pk,
        "revision": draft.revision,
        "approved_by": draft.decided_by_id,
    }
    return {"public_text": c["text"].strip(), "data": data}


# Each answer: the kind it records (`<kind>_outcome`) and the bases it rests on.
ANSWERS = {
    # 处理意见书: within 60 days (信访工作条例 Art. 32, 34).
    "reply": ("opinion", ("opinion", "review")),
    # 复查意见书: within 30 days (Art. 35).
    "review_reply": ("review", ("review", "re_review")),
    # 复核意见书: within 30 days (Art. 36); final, the same facts are not accepted again.
    "re_review_reply": ("re_review", ("re_review", "no_longer_accepted")),
}


def issue_answer(*, actor, draft) -> Petition:
    """Issue the written answer of the approved `draft`: the matter's transition
    (reply, review_reply, re_review_reply) through its frame (lock, state,
    permission of the answering unit, guard), with the approved content. Only the
    sign-off's "issue" calls it, inside its transaction: no page or API issues an
    opinion that was not approved."""
    if draft.state != DraftState.APPROVED:
        raise Conflict(_("Only an approved draft is issued."))
    name = draft.answer
    kind, bases = ANSWERS[name]

    def body(p, actor):
        return _issue_opinion(p, kind=kind, basis=law.cite(*bases), draft=draft)

    return FRAME.act(name, actor=actor, pk=draft.petition_id, version=None, body=body, fields={})


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


def _served_on_opening(p: Petition) -> bool:
    """Would opening the matter now serve its written answer electronically?"""
    return bool(p.electronic_service and not p.served_on and p.state in workflow.ANSWER_ACTIONS)


def petition_opened_by_petitioner(*, petition_id: int, seen: Petition | None = None) -> bool:
    """The petitioner opened the matter with the query code (portal, API). Where
    they chose electronic service, an unserved written answer counts as received
    today (电子送达). Returns whether a service was recorded. `seen`: the row as the
    caller just read it; when it has nothing to serve, no lock is taken (every
    look-up of a matter would otherwise be a write transaction)."""
    if seen is not None and not _served_on_opening(seen):
        return False
    return _serve_on_opening(petition_id)


@transaction.atomic
def _serve_on_opening(petition_id: int) -> bool:
    p = Petition.objects.select_for_update().get(pk=petition_id)
    if not _served_on_opening(p):
        return False
    t = workflow.TABLE["record_service"]
    from_state = p.state
    result = _serve(p, method=ServiceMethod.ELECTRONIC, served_on=today(), actor=None)
    FRAME.finish(p, t, actor=None, from_state=from_state, **result)
    return True
