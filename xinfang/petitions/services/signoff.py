"""签发: a written opinion goes out only after the answering unit's head approved it.

The handler drafts the opinion (处理意见书, 复查意见书 or 复核意见书: the round the
matter is in), saves it as often as needed and submits it; the head of the
answering unit (the `approve_opinion` permission: the unit head) approves it or
sends it back with a comment; the handler revises and submits again; once
approved, the handler previews the notice (notices.draft_pdf) and issues it,
which runs the matter's own answer (reply, review_reply, re_review_reply) with
the approved content (answers.issue_answer). No one approves their own draft.

The draft is an aggregate of its own (workflow.DRAFT_TABLE, DraftFrame: lock,
state and version, permission through the answering unit, guard), and each of
its steps is an internal event on the matter's timeline. The matter keeps its
state meanwhile: its clock runs on (a draft waiting for approval does not stop
the 60 or 30 days, 信访工作条例 Art. 34-36).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xinfang.core.exceptions import Conflict, InvalidInput
from xinfang.core.transitions import Frame, Transition
from xinfang.orgs import permissions as org_permissions

from .. import permissions, workflow
from ..models import DraftState, OpinionDraft, Petition, PetitionEvent, outcome_choices
from .answers import issue_answer, opinion_errors
from .frame import FRAME

DRAFT_FIELDS = ("request", "facts", "outcome", "text", "legal_basis")


class DraftFrame(Frame):
    model = OpinionDraft
    table = workflow.DRAFT_TABLE
    id_field = "draft_id"
    noun = gettext_lazy("This draft")

    def lock(self, actor, pk):
        obj = super().lock(actor, pk)
        obj.petition = Petition.objects.select_related("responsible_unit").get(pk=obj.petition_id)
        return obj

    def visible(self, actor, obj) -> bool:
        return permissions.may_see(actor, obj.petition)

    def may(self, actor, obj, t: Transition) -> bool:
        if t.name in ("approve", "send_back") and actor.pk == obj.drafted_by_id:
            # Four eyes: the one who wrote it does not approve it.
            return False
        return org_permissions.reaches(actor, [obj.unit_id], t.permission)

    def guard(self, obj, t: Transition) -> str | None:
        return obj.blocked_reason(t.name)

    def state_label(self, state: str) -> str:
        return DraftState(state).label if state in DraftState.values else state

    def record(self, obj, t: Transition, *, actor, from_state: str, note: str = "", **result):
        if t.name == "issue":
            return None  # the answer's own event (reply, ...) is the record
        return _record(obj, workflow.DRAFT_EVENTS[t.name], actor=actor, note=note)


DRAFT_FRAME = DraftFrame()


def _record(d: OpinionDraft, action: str, *, actor, note: str = "") -> PetitionEvent:
    return PetitionEvent.record(
        d.petition,
        action=action,
        actor=actor,
        actor_unit=d.unit,
        from_state=d.petition.state,
        public=False,
        note=note,
        data={"draft": d.pk, "round": d.round, "revision": d.revision, "state": d.state},
    )


def _set_content(d: OpinionDraft, fields: dict) -> None:
    outcome = fields.get("outcome")
    if outcome and outcome not in outcome_choices(d.round).values:
        raise InvalidInput(field_errors={"outcome": [_("Choose the outcome.")]})
    for name in DRAFT_FIELDS:
        value = fields.get(name)
        if value is not None:
            setattr(d, name, value.strip())


def _next_revision(d: OpinionDraft) -> None:
    """A draft revised after it was sent back is the next revision (第N稿)."""
    if d.state == DraftState.SENT_BACK:
        d.revision += 1


@transaction.atomic
def opinion_draft_create(
    *,
    actor,
    petition_id: int,
    request: str = "",
    facts: str = "",
    outcome: str = "",
    text: str = "",
    legal_basis: str = "",
) -> OpinionDraft:
    """Start the draft of the answer the matter waits for. The handler of the
    answering unit (whoever may take the answer's row of the matter's table)
    drafts it; a draft may be incomplete until it is submitted."""
    p = FRAME.lock(actor, petition_id)  # 404 for whoever may not see it
    round_ = workflow.STATE_ROUND.get(p.state)
    if round_ is None:
        raise Conflict(_("This matter is not waiting for a written answer."))
    t = workflow.TABLE[workflow.ROUND_ANSWER[round_]]
    FRAME.check_may(actor, p, t)
    reason = p.blocked_reason(t.name)
    if reason:
        raise Conflict(reason)
    if OpinionDraft.objects.filter(
        petition=p, round=round_, state__in=list(workflow.OPEN_DRAFT_STATES)
    ).exists():
        raise Conflict(_("A draft of this answer is already open: revise that one."))
    unit = permissions.via_units(p, t.via)[0]
    d = OpinionDraft(petition=p, round=round_, unit_id=unit, drafted_by=actor)
    _set_content(
        d,
        {
            "request": request,
            "facts": facts,
            "outcome": outcome,
            "text": text,
            "legal_basis": legal_basis,
        },
    )
    if not d.request:
        d.request = p.request or p.summary
    d.save()
    _record(d, workflow.DRAFT_EVENTS["create"], actor=actor)
    return d


@DRAFT_FRAME.action("revise", service_name="opinion_draft_revise")
def opinion_draft_revise(
    d,
    actor,
    *,
    request: str | None = None,
    facts: str | None = None,
    outcome: str | None = None,
    text: str | None = None,
    legal_basis: str | None = None,
):
    """Save the draft (after a send-back: the next revision, back to a draft)."""
    _next_revision(d)
    _set_content(
        d,
        {
            "request": request,
            "facts": facts,
            "outcome": outcome,
            "text": text,
            "legal_basis": legal_basis,
        },
    )


@DRAFT_FRAME.action("submit", service_name="opinion_draft_submit")
def opinion_draft_submit(
    d,
    actor,
    *,
    request: str | None = None,
    facts: str | None = None,
    outcome: str | None = None,
    text: str | None = None,
    legal_basis: str | None = None,
):
    """Submit the draft (with what was typed last) for approval: it must be complete
    as a written opinion (Art. 32), all that is missing at once."""
    _next_revision(d)
    _set_content(
        d,
        {
            "request": request,
            "facts": facts,
            "outcome": outcome,
            "text": text,
            "legal_basis": legal_basis,
        },
    )
    errors = opinion_errors(d.petition, kind=d.round, **d.content())
    if errors:
        raise InvalidInput(field_errors=errors)
    d.submitted_at = timezone.now()
    d.decided_by = None
    d.decided_at = None


@DRAFT_FRAME.action("send_back", service_name="opinion_draft_send_back")
def opinion_draft_send_back(d, actor, *, comment: str = ""):
    """The unit head sends the draft back to the handler, saying what to change."""
    comment = (comment or "").strip()
    if not comment:
        raise InvalidInput(field_errors={"comment": [_("Say what is to be changed.")]})
    d.comment = comment
    d.decided_by = actor
    d.decided_at = timezone.now()
    return {"note": comment}


@DRAFT_FRAME.action("approve", service_name="opinion_draft_approve")
def opinion_draft_approve(d, actor, *, comment: str = ""):
    """The unit head approves the draft as it stands: it is issued as approved."""
    d.comment = (comment or "").strip()
    d.decided_by = actor
    d.decided_at = timezone.now()
    return {"note": d.comment}


@DRAFT_FRAME.action("issue", service_name="opinion_draft_issue")
def opinion_draft_issue(d, actor):
    """Issue the approved opinion: the matter's answer, with the approved content."""
    p = issue_answer(actor=actor, draft=d)
    d.issued_event = p.last_event
    d.petition = p


@DRAFT_FRAME.action("withdraw", service_name="opinion_draft_withdraw")
def opinion_draft_withdraw(d, actor, *, note: str = ""):
    """Drop the draft (a new one may be started)."""
    return {"note": (note or "").strip()}


# The draft's actions by name (the pages' forms, the API's /actions/{action}).
DRAFT_ACTIONS = DRAFT_FRAME.services


def opinion_draft_act(
    *, actor, draft_id: int, action: str, version: int | None = None, **fields
) -> OpinionDraft:
    """Take the named step of the sign-off (unknown: 404)."""
    return DRAFT_FRAME.run(action, actor=actor, draft_id=draft_id, version=version, **fields)


def draft_allowed_actions(user, d: OpinionDraft) -> list[Transition]:
    """What this user may do with the draft now (pages and API)."""
    return DRAFT_FRAME.allowed(user, d)


def may_draft(user, p: Petition) -> bool:
    """May this user start the draft of the answer the matter waits for now?"""
    round_ = workflow.STATE_ROUND.get(p.state)
    if round_ is None:
        return False
    t = workflow.TABLE[workflow.ROUND_ANSWER[round_]]
    if not (permissions.may_see(user, p) and FRAME.may(user, p, t)) or p.blocked_reason(t.name):
        return False
    return not OpinionDraft.objects.filter(
        petition=p, round=round_, state__in=list(workflow.OPEN_DRAFT_STATES)
    ).exists()


@transaction.atomic
def opinion_sign_off(*, author, approver, petition_id: int, **content) -> Petition:
    """The whole sign-off in one call, as the demo data and tests take it: `author`
    drafts and submits, `approver` approves, `author` issues. Each step is the
    service above, with its own checks (it is no side door)."""
    d = opinion_draft_create(actor=author, petition_id=petition_id)
    d = opinion_draft_submit(actor=author, draft_id=d.pk, **content)
    d = opinion_draft_approve(actor=approver, draft_id=d.pk)
    d = opinion_draft_issue(actor=author, draft_id=d.pk)
    return Petition.objects.get(pk=petition_id)
