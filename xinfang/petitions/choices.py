"""The choices of a petition matter: channels, purposes, states, routes, outcomes.

Apart from the models so that petitions/workflow.py (the transitions table) can
name the states without importing the models, and the models can name the table
(PetitionEvent.table).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    LETTER = "letter", _("Letter")
    VISIT = "visit", _("Visit")
    ONLINE = "online", _("Online")
    MOBILE = "mobile", _("Mobile")
    WECHAT = "wechat", _("WeChat")
    PHONE = "phone", _("Phone")
    MAILBOX = "mailbox", _("Leaders' mailbox")


STAFF_CHANNELS = [Channel.LETTER, Channel.VISIT, Channel.PHONE, Channel.MAILBOX]


class Purpose(models.TextChoices):
    SUGGESTION = "suggestion", _("Suggestion")
    ACCUSATION = "accusation", _("Accusation")
    APPEAL = "appeal", _("Appeal or request")


class State(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    FORWARDED = "forwarded", _("Forwarded")
    PENDING_ACCEPTANCE = "pending_acceptance", _("Acceptance under review")
    NOT_ACCEPTED = "not_accepted", _("Not accepted")
    ACCEPTED = "accepted", _("Accepted")
    OPINION_ISSUED = "opinion_issued", _("Opinion issued")
    UNDER_REVIEW = "under_review", _("Under review")
    REVIEW_ISSUED = "review_issued", _("Review opinion issued")
    UNDER_RE_REVIEW = "under_re_review", _("Under re-review")
    RE_REVIEW_ISSUED = "re_review_issued", _("Re-review opinion issued")
    CONCLUDED = "concluded", _("Concluded")


CLOSED_STATES = frozenset({State.NOT_ACCEPTED, State.CONCLUDED})
OPEN_STATES = frozenset(set(State.values) - CLOSED_STATES)


class Route(models.TextChoices):
    """Where a matter that is not accepted is sent (诉访分离)."""

    LITIGATION = "litigation", _("Litigation")
    ARBITRATION = "arbitration", _("Arbitration")
    RECONSIDERATION = "reconsideration", _("Administrative reconsideration")
    OTHER_ORGAN = "other_organ", _("Another organ")
    NO_LONGER_ACCEPTED = "no_longer_accepted", _("No longer accepted")


class Outcome(models.TextChoices):
    SUPPORT = "support", _("Supported")
    EXPLAIN = "explain", _("Explained")
    REJECT = "reject", _("Not supported")


class ReviewOutcome(models.TextChoices):
    """What a review or re-review does to the opinion under it (复查/复核意见): it
    upholds, revokes or changes it (not the first answer's support/explain/refuse)."""

    UPHOLD = "uphold", _("Upheld")
    REVOKE = "revoke", _("Revoked")
    CHANGE = "change", _("Changed")


class ForwardKind(models.TextChoices):
    """转送 hands the matter to the unit with authority; 交办 assigns it with a
    handling requirement and a date by which the unit reports back (信访工作条例
    Art. 22)."""

    TRANSFER = "transfer", _("Transfer (转送)")
    ASSIGN = "assign", _("Assign with report-back (交办)")


class ServiceMethod(models.TextChoices):
    """How a written answer reached the petitioner (送达方式)."""

    DIRECT = "direct", _("Handed over in person (直接送达)")
    POST = "post", _("By post, on the day of the receipt (邮寄送达)")
    ELECTRONIC = "electronic", _("Electronically: opened on the portal (电子送达)")
    LEFT = "left", _("Left at the address (留置送达)")
    PUBLIC = "public", _("By public notice (公告送达)")


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY_SATISFIED = "basically_satisfied", _("Basically satisfied")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")


class Round(models.TextChoices):
    """Which answer an evaluation is about."""

    OPINION = "opinion", _("Opinion")
    REVIEW = "review", _("Review")
    RE_REVIEW = "re_review", _("Re-review")


class DraftState(models.TextChoices):
    """The sign-off of a written opinion (签发): drafted by the handler, approved by
    the answering unit's head, then issued."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Waiting for approval")
    SENT_BACK = "sent_back", _("Sent back for revision")
    APPROVED = "approved", _("Approved, ready to issue")
    ISSUED = "issued", _("Issued")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_DRAFT_STATES = frozenset(
    {DraftState.DRAFT, DraftState.SUBMITTED, DraftState.SENT_BACK, DraftState.APPROVED}
)


def outcome_choices(round_: str) -> type[models.TextChoices]:
    """The outcomes an answer of this round may have: the first answer supports,
    explains or refuses; a review or re-review upholds, revokes or changes it."""
    return Outcome if round_ == Round.OPINION else ReviewOutcome


# Every outcome a written answer may have, for the API's one enum (the service
# checks that it fits the answer's round).
ANSWER_OUTCOMES = Outcome.choices + ReviewOutcome.choices
