"""Every write to a petition matter, one topic per module, re-exported here so that
`from xinfang.petitions import services; services.petition_register(...)` works.

- frame: the PetitionFrame (core.transitions) every transition runs in, the
  state's clock, and `allowed_actions` (what a user may do now: pages and API);
- registration: 登记 by staff and by the public, replays;
- transitions: forward, sign, return, accept, decline, assign, extend, hearings,
  conclude, merge, the accused;
- answers: the three written answers and their service (送达);
- signoff: 签发, the draft of a written answer approved by the unit head before
  it is issued (the only way an answer goes out);
- supervision: 挂牌督办, 催办, 领导包案;
- public: the petitioner's acts through the query code (review, re-review,
  evaluation) and the file exported for an organ outside this system;
- diversion: the petition's side of 优先调解 (driven by the mediation area);
- tick: red matters, lapsed windows, recomputed deadlines;
- notify: who hears of what;
- imports: historical matters from an office's earlier ledgers (台账导入);
- window: the reception window (find a person's matters, issue a query code again).

Staff transitions are `petition_<action>(*, actor, petition_id, version=None,
...its own fields)`; an unknown keyword is a TypeError, never swallowed.
"""

from __future__ import annotations

from ..models import Petition
from .answers import (
    issue_answer,
    opinion_errors,
    petition_opened_by_petitioner,
    petition_record_service,
)
from .diversion import (
    check_divertible,
    is_accusation,
    petition_conclude_by_agreement,
    petition_divert_to_mediation,
    petition_resume_after_mediation,
    record_mediation_step,
)
from .frame import FRAME, PetitionFrame, action_fields, allowed_actions
from .imports import HistoricalMatter, check_historical, petition_import_historical
from .links import links_of, petition_link, petition_unlink
from .notify import notifications_mark_read, notify_users, users_with
from .public import (
    petition_ask_next_review,
    petition_evaluate,
    petition_record_dossier_export,
    petition_request_re_review,
    petition_request_review,
    petition_sms_choice,
)
from .registration import (
    COLLECTIVE_FROM,
    MAX_REPRESENTATIVES,
    PetitionerData,
    office_for,
    office_is_accused,
    petition_register,
    petition_register_once,
    petition_replay,
    petition_submit_public,
    suggest_flags,
)
from .signoff import (
    DRAFT_ACTIONS,
    DRAFT_FIELDS,
    DRAFT_FRAME,
    draft_allowed_actions,
    may_draft,
    opinion_draft_act,
    opinion_draft_approve,
    opinion_draft_create,
    opinion_draft_issue,
    opinion_draft_revise,
    opinion_draft_send_back,
    opinion_draft_submit,
    opinion_draft_withdraw,
    opinion_sign_off,
)
from .supervision import (
    office_colour_settings_update,
    petition_chase,
    petition_list,
    petition_own,
    recolour_office,
)
from .tick import petitions_tick, recompute_deadlines
from .transitions import (
    petition_accept,
    petition_assign,
    petition_conclude,
    petition_contribute,
    petition_declare_interest,
    petition_decline,
    petition_decline_intake,
    petition_extend,
    petition_forward,
    petition_hearing_end,
    petition_hearing_start,
    petition_merge,
    petition_no_longer_accepted,
    petition_not_the_same,
    petition_report_back,
    petition_return,
    petition_return_agree,
    petition_return_refuse,
    petition_set_accused,
    petition_share_identity,
    petition_sign,
    territorial_unit,
)
from .window import MAX_HITS as WINDOW_MAX_HITS
from .window import (
    IdentityDocument,
    Reissued,
    WindowHit,
    may_keep_window,
    query_code_reissue,
    window_search,
)

# The staff actions by name (the API's /actions/{action}, the matter page's forms):
# every transition the frame runs for the petition's own pages.
STAFF_ACTIONS = FRAME.services


def petition_act(
    *, actor, petition_id: int, action: str, version: int | None = None, **fields
) -> Petition:
    """Take the named staff action (the API's /actions/{action}): the frame's `run`.
    `fields` are that action's own keyword arguments; an unknown one is a
    TypeError (the callers pass only the fields the action's form defines)."""
    return FRAME.run(action, actor=actor, petition_id=petition_id, version=version, **fields)


__all__ = [
    "COLLECTIVE_FROM",
    "HistoricalMatter",
    "check_historical",
    "petition_import_historical",
    "DRAFT_ACTIONS",
    "DRAFT_FIELDS",
    "DRAFT_FRAME",
    "draft_allowed_actions",
    "issue_answer",
    "may_draft",
    "opinion_draft_act",
    "opinion_draft_approve",
    "opinion_draft_create",
    "opinion_draft_issue",
    "opinion_draft_revise",
    "opinion_draft_send_back",
    "opinion_draft_submit",
    "opinion_draft_withdraw",
    "opinion_errors",
    "opinion_sign_off",
    "FRAME",
    "IdentityDocument",
    "MAX_REPRESENTATIVES",
    "STAFF_ACTIONS",
    "WINDOW_MAX_HITS",
    "PetitionFrame",
    "PetitionerData",
    "Reissued",
    "WindowHit",
    "action_fields",
    "check_divertible",
    "is_accusation",
    "may_keep_window",
    "allowed_actions",
    "notifications_mark_read",
    "notify_users",
    "users_with",
    "office_colour_settings_update",
    "office_for",
    "office_is_accused",
    "territorial_unit",
    "petition_accept",
    "petition_act",
    "petition_ask_next_review",
    "petition_assign",
    "petition_chase",
    "petition_conclude",
    "petition_contribute",
    "petition_conclude_by_agreement",
    "petition_declare_interest",
    "petition_decline",
    "petition_decline_intake",
    "petition_divert_to_mediation",
    "petition_evaluate",
    "petition_extend",
    "petition_forward",
    "petition_hearing_end",
    "petition_hearing_start",
    "petition_list",
    "petition_merge",
    "petition_link",
    "petition_unlink",
    "links_of",
    "petition_no_longer_accepted",
    "petition_not_the_same",
    "petition_opened_by_petitioner",
    "petition_own",
    "petition_record_dossier_export",
    "petition_record_service",
    "petition_register",
    "petition_register_once",
    "petition_replay",
    "petition_report_back",
    "petition_request_re_review",
    "petition_request_review",
    "petition_sms_choice",
    "petition_resume_after_mediation",
    "petition_return",
    "petition_return_agree",
    "petition_return_refuse",
    "petition_set_accused",
    "petition_share_identity",
    "petition_sign",
    "petition_submit_public",
    "petitions_tick",
    "query_code_reissue",
    "recolour_office",
    "recompute_deadlines",
    "record_mediation_step",
    "suggest_flags",
    "window_search",
]
