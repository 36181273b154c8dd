"""The allowed transitions of a petition matter (DOMAIN.md section 4), in one table.

Each row: the action's name (used in URLs and the API), the states it starts
from, the state it leads to (None: the state does not change), the permission
action of orgs.permissions.ACTIONS the actor needs, through which of the
matter's units the actor must reach it, and whether its event is public (shown
to the petitioner on the tracking page).
"""

from django.utils.translation import gettext_lazy as _

from xinfang.core.calendar import Clock
from xinfang.core.transitions import Table, Transition, row

from .choices import OPEN_DRAFT_STATES, OPEN_STATES, DraftState, Purpose, Round, Route, State

S = State

# 优先调解: a petition may be diverted to mediation before an opinion is issued on it
# (the mediation area drives the steps; these rows are the petition's side).
DIVERTIBLE_STATES = frozenset(
    {State.REGISTERED, State.FORWARDED, State.PENDING_ACCEPTANCE, State.ACCEPTED}
)

# 信访工作条例 Art. 30: an accusation is never shown to the one it accuses. Mediation is
# between parties: the accused would be the respondent and read the accusation
# (the dispute's parties, body and units all see its details), so it stays a
# petition, handled confidentially (the diversion row's guard, Petition.blocked_reason).
ACCUSATION_NOT_DIVERTED = _(
    "An accusation is handled as a petition, confidentially (信访工作条例 Art. 30), "
    "not mediated between the parties: it cannot be diverted to mediation."
)

ROWS: list[Transition] = [
    # 转送/交办 within 15 days of receipt (信访工作条例 Art. 22).
    row(
        "forward",
        _("Forward"),
        {S.REGISTERED},
        S.FORWARDED,
        "dispatch_petition",
        "office",
        True,
    ),
    # 不再受理: the office decides that a matter repeats one settled through
    # re-review on the same facts and reasons (信访工作条例 Art. 36(3)); or that
    # it does not, and it goes on as any other.
    row(
        "no_longer_accepted",
        _("Not accept again (same facts and reasons)"),
        {S.REGISTERED},
        S.NOT_ACCEPTED,
        "dispatch_petition",
        "office",
        True,
    ),
    row(
        "not_the_same",
        _("Not the same facts: handle it"),
        {S.REGISTERED},
        None,
        "dispatch_petition",
        "office",
        False,
    ),
    # Not accepted at intake: matters for litigation, arbitration, reconsideration (诉访分离).
    row(
        "decline_intake",
        _("Not accept at intake"),
        {S.REGISTERED},
        S.NOT_ACCEPTED,
        "dispatch_petition",
        "office",
        True,
    ),
    row(
        "sign",
        _("Sign for"),
        {S.FORWARDED},
        S.PENDING_ACCEPTANCE,
        "handle_petition",
        "responsible",
        False,
    ),
    # 退回: within 5 working days of receipt the unit objects, with detailed
    # reasons; it goes back only when the forwarding office checks and agrees
    # (信访工作条例 Art. 23(3)). Until then the matter stays with the unit and
    # its clocks run (the objection is a flag on the row, not a state).
    row(
        "return",
        _("Ask to return"),
        {S.FORWARDED},
        None,
        "handle_petition",
        "responsible",
        False,
    ),
    row(
        "return_agree",
        _("Agree to the return"),
        {S.FORWARDED},
        S.REGISTERED,
        "dispatch_petition",
        "office",
        False,
    ),
    row(
        "return_refuse",
        _("Refuse the return"),
        {S.FORWARDED},
        None,
        "dispatch_petition",
        "office",
        False,
    ),
    row(
        "accept",
        _("Accept"),
        {S.PENDING_ACCEPTANCE},
        S.ACCEPTED,
        "handle_petition",
        "responsible",
        True,
    ),
    row(
        "decline",
        _("Not accept"),
        {S.PENDING_ACCEPTANCE},
        S.NOT_ACCEPTED,
        "handle_petition",
        "responsible",
        True,
    ),
    row(
        "assign",
        _("Assign a handler"),
        {S.FORWARDED, S.PENDING_ACCEPTANCE, S.ACCEPTED},
        None,
        "approve_extension",
        "responsible",
        False,
    ),
    # 交办: the responsible unit reports back to the office that assigned the
    # matter, by the date the office set (信访工作条例 Art. 22).
    row(
        "report_back",
        _("Report back"),
        {S.PENDING_ACCEPTANCE, S.ACCEPTED, S.OPINION_ISSUED},
        None,
        "handle_petition",
        "responsible",
        False,
    ),
    # 协办: an assisting unit adds its contribution (it does not answer).
    row(
        "contribute",
        _("Add the assisting unit's contribution"),
        OPEN_STATES,
        None,
        "handle_petition",
        "assisting",
        False,
    ),
    row("declare_interest", _("Declare an interest"), OPEN_STATES, None, "view", "any", False),
    # One extension of at most 30 days, approved by the unit head (信访工作条例 Art. 34).
    row("extend", _("Extend"), {S.ACCEPTED}, None, "approve_extension", "responsible", True),
    row(
        "reply",
        _("Issue the opinion"),
        {S.ACCEPTED},
        S.OPINION_ISSUED,
        "handle_petition",
        "responsible",
        True,
    ),
    row(
        "request_review",
        _("Ask for review"),
        {S.OPINION_ISSUED},
        S.UNDER_REVIEW,
        None,
        "public",
        True,
    ),
    row(
        "review_reply",
        _("Issue the review opinion"),
        {S.UNDER_REVIEW},
        S.REVIEW_ISSUED,
        "handle_petition",
        "review",
        True,
    ),
    row(
        "request_re_review",
        _("Ask for re-review"),
        {S.REVIEW_ISSUED},
        S.UNDER_RE_REVIEW,
        None,
        "public",
        True,
    ),
    # The re-review organ may hold a public hearing, and its time is not counted
    # in the re-review period (信访工作条例 Art. 36(2)). The 条例 gives neither to
    # review (Art. 35): there the 30 days run whatever the reviewer does, so no
    # button offers a pause that the law does not allow.
    row(
        "hearing_start",
        _("Start a hearing"),
        {S.UNDER_RE_REVIEW},
        None,
        "handle_petition",
        "re_review",
        True,
    ),
    row(
        "hearing_end",
        _("End the hearing"),
        {S.UNDER_RE_REVIEW},
        None,
        "handle_petition",
        "re_review",
        True,
    ),
    row(
        "re_review_reply",
        _("Issue the re-review opinion"),
        {S.UNDER_RE_REVIEW},
        S.RE_REVIEW_ISSUED,
        "handle_petition",
        "re_review",
        True,
    ),
    row(
        "evaluate",
        _("Evaluate"),
        {S.OPINION_ISSUED, S.REVIEW_ISSUED, S.RE_REVIEW_ISSUED, S.CONCLUDED},
        None,
        None,
        "public",
        False,
    ),
    # 送达: the unit that answered records how and when its written answer
    # reached the petitioner; the review window runs from that day.
    row(
        "record_service",
        _("Record service"),
        {S.OPINION_ISSUED, S.REVIEW_ISSUED, S.RE_REVIEW_ISSUED},
        None,
        "handle_petition",
        "answering",
        True,
    ),
    # 审核认定办结: the petition office verifies the matter is resolved.
    row(
        "conclude",
        _("Conclude"),
        {S.OPINION_ISSUED, S.REVIEW_ISSUED, S.RE_REVIEW_ISSUED},
        S.CONCLUDED,
        "dispatch_petition",
        "office",
        True,
    ),
    row(
        "merge",
        _("Merge into another matter"),
        OPEN_STATES,
        S.CONCLUDED,
        "dispatch_petition",
        "office",
        True,
    ),
    # An accusation's accused unit and person (and the flag itself) are the
    # petition office's to set and correct; so is releasing the accuser's
    # identity to the handling unit (信访工作条例 Art. 30).
    row(
        "set_accused",
        _("Set the accused"),
        OPEN_STATES,
        None,
        "dispatch_petition",
        "office",
        False,
    ),
    row(
        "share_identity",
        _("Release the accuser's identity"),
        OPEN_STATES,
        None,
        "dispatch_petition",
        "office",
        False,
    ),
    # 挂牌督办 and 催办.
    row("list", _("List for supervision"), OPEN_STATES, None, "supervise", "office", False),
    row("chase", _("Chase"), OPEN_STATES, None, "supervise", "office", False),
    row("own", _("Own the case"), OPEN_STATES, None, "own_case", "any", False),
    # 优先调解 (the petition's side; the mediation area takes these steps inside
    # its own transaction, so that both timelines are written together): the
    # matter's dispatcher or handler diverts it before an opinion is issued (never
    # an accusation: its row guard), takes it back when mediation fails, and an
    # agreement concludes it. While in mediation the matter keeps its state and
    # its clock runs on.
    row(
        "divert_to_mediation",
        _("Divert to mediation"),
        DIVERTIBLE_STATES,
        None,
        "handle_petition",
        "dispatcher_or_handler",
        True,
    ),
    row(
        "resume_after_mediation",
        _("Resumed after mediation failed"),
        State.values,
        None,
        "handle_petition",
        "dispatcher_or_handler",
        True,
    ),
    row(
        "concluded_by_mediation",
        _("Concluded by a mediation agreement"),
        DIVERTIBLE_STATES,
        S.CONCLUDED,
        "handle_petition",
        "dispatcher_or_handler",
        True,
    ),
]

# Transitions another area takes through its own services (mediation's
# diversion): they are rows of the table, but no button or API action of the
# petition offers them.
DRIVEN_ELSEWHERE = frozenset(
    {"divert_to_mediation", "resume_after_mediation", "concluded_by_mediation"}
)

# Events on the timeline that are not transitions: the matter's registration, the
# system's acts over time, the petitioner's acts that end the matter here.
EVENTS = {
    "register": _("Registered"),
    # 台账导入: a matter handled before this system, from the office's ledger.
    "imported": _("Imported from an earlier ledger"),
    "merged_in": _("Another matter merged into this one"),
    # Marks between matters found alike (services/links.py): repeat or related.
    "linked": _("Marked as a repeat or related"),
    "unlinked": _("Mark between matters undone"),
    "turned_red": _("Turned red (overdue)"),
    "window_lapsed": _("Concluded: no request within the window"),
    "deadline_recomputed": _("Due date recomputed (holiday schedule)"),
    "review_outside": _("Review asked for: the organ is outside this system"),
    "re_review_outside": _("Re-review asked for: the organ is outside this system"),
    "dossier_exported": _("File exported for the organ outside this system"),
    "query_code_reissued": _("Query code issued again"),
    # The petitioner's choice on the SMS about their matters (portal, 退订).
    "sms_stopped": _("The petitioner stopped the SMS"),
    "sms_resumed": _("The petitioner takes the SMS again"),
    # The sign-off of a written opinion (签发, DRAFT_TABLE below): internal steps.
    "opinion_drafted": _("Opinion drafted"),
    "opinion_revised": _("Opinion draft revised"),
    "opinion_submitted": _("Opinion draft submitted for approval"),
    "opinion_sent_back": _("Opinion draft sent back"),
    "opinion_approved": _("Opinion draft approved"),
    "opinion_withdrawn": _("Opinion draft withdrawn"),
}

TABLE = Table("petition", ROWS, events=EVENTS)

# --- the sign-off of written opinions (签发) ------------------------------------------
# A written opinion (处理意见书, 复查意见书, 复核意见书) goes out only after the head of
# the answering unit approved its draft: the rows "reply", "review_reply" and
# "re_review_reply" above are taken only by DRAFT_TABLE's "issue", with the
# approved content (services/signoff.py); no page or API offers them on their own.
# The matter keeps its state and its clock runs on while the draft waits.
SIGNED_OFF = frozenset({"reply", "review_reply", "re_review_reply"})

# The round of an answer: the state the matter waits in, the answer's transition.
ROUND_STATE = {
    Round.OPINION: S.ACCEPTED,
    Round.REVIEW: S.UNDER_REVIEW,
    Round.RE_REVIEW: S.UNDER_RE_REVIEW,
}
ROUND_ANSWER = {
    Round.OPINION: "reply",
    Round.REVIEW: "review_reply",
    Round.RE_REVIEW: "re_review_reply",
}
STATE_ROUND = {state: r for r, state in ROUND_STATE.items()}

D = DraftState
DRAFT_ROWS: list[Transition] = [
    row("revise", _("Save the draft"), {D.DRAFT, D.SENT_BACK}, D.DRAFT, "handle_petition", "unit"),
    row(
        "submit",
        _("Submit for approval"),
        {D.DRAFT, D.SENT_BACK},
        D.SUBMITTED,
        "handle_petition",
        "unit",
    ),
    row(
        "send_back",
        _("Send back with a comment"),
        {D.SUBMITTED},
        D.SENT_BACK,
        "approve_opinion",
        "unit",
    ),
    row("approve", _("Approve"), {D.SUBMITTED}, D.APPROVED, "approve_opinion", "unit"),
    # The approved text goes out as approved: the handler issues it (and prints it).
    row(
        "issue", _("Issue the approved opinion"), {D.APPROVED}, D.ISSUED, "handle_petition", "unit"
    ),
    row(
        "withdraw",
        _("Withdraw the draft"),
        OPEN_DRAFT_STATES,
        D.WITHDRAWN,
        "handle_petition",
        "unit",
    ),
]
# The draft's steps are recorded on the matter's timeline (PetitionEvent), as these
# events of TABLE; "issue" is recorded as the answer's own transition.
DRAFT_EVENTS = {
    "create": "opinion_drafted",
    "revise": "opinion_revised",
    "submit": "opinion_submitted",
    "send_back": "opinion_sent_back",
    "approve": "opinion_approved",
    "withdraw": "opinion_withdrawn",
}
DRAFT_TABLE = Table("opinion_draft", DRAFT_ROWS, events={"create": _("Opinion drafted")})

# By name (older code reads it as a dict).
TRANSITIONS: dict[str, Transition] = TABLE.rows

# The clock that runs in each state (None: none runs).
STATE_CLOCK: dict[str, str | None] = {
    S.REGISTERED: Clock.FORWARD,
    S.FORWARDED: Clock.SIGN,
    S.PENDING_ACCEPTANCE: Clock.ACCEPT,
    S.ACCEPTED: Clock.HANDLE,
    S.OPINION_ISSUED: Clock.REVIEW_REQUEST,
    S.UNDER_REVIEW: Clock.REVIEW,
    S.REVIEW_ISSUED: Clock.RE_REVIEW_REQUEST,
    S.UNDER_RE_REVIEW: Clock.RE_REVIEW,
    S.RE_REVIEW_ISSUED: None,
    S.NOT_ACCEPTED: None,
    S.CONCLUDED: None,
}

# A window for the petitioner (not a duty of staff): when it lapses the matter
# is concluded, and it does not make the matter red.
PETITIONER_WINDOWS = frozenset({Clock.REVIEW_REQUEST, Clock.RE_REVIEW_REQUEST})

# The 60-day period and the review chain are those of 申诉求决 matters (信访工作条例
# Art. 31(6), 34-36). A suggestion (建议意见, Art. 29) is studied and answered, an
# accusation (检举控告, Art. 30) is handled on the discipline-inspection route by
# its own rules: neither runs these clocks nor opens a window for review.
APPEAL_ONLY_CLOCKS = frozenset({Clock.HANDLE, Clock.REVIEW_REQUEST})


def clock_for(p) -> str | None:
    """The clock that runs for this matter in its state (None: none runs)."""
    clock = STATE_CLOCK[p.state]
    if clock in APPEAL_ONLY_CLOCKS and p.purpose != Purpose.APPEAL:
        return None
    return clock


# The event of the written answer that each state waits to have served.
ANSWER_ACTIONS = {
    S.OPINION_ISSUED: "reply",
    S.REVIEW_ISSUED: "review_reply",
    S.RE_REVIEW_ISSUED: "re_review_reply",
}

# Which answer an evaluation in each state is about.
EVALUATION_ROUND = {
    S.OPINION_ISSUED: "opinion",
    S.REVIEW_ISSUED: "review",
    S.RE_REVIEW_ISSUED: "re_review",
}


# The legal bases (keys of core.law) of a refusal, by the route the petitioner is
# given (诉访分离 and 不再受理).
ROUTE_BASES: dict[str, tuple[str, ...]] = {
    Route.LITIGATION: ("legal_matters", "other_procedures"),
    Route.ARBITRATION: ("other_procedures",),
    Route.RECONSIDERATION: ("other_procedures",),
    Route.OTHER_ORGAN: ("not_competent",),
    Route.NO_LONGER_ACCEPTED: ("no_longer_accepted",),
}


def get(name: str) -> Transition | None:
    return TABLE.get(name)
