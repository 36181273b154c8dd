"""Petition matters (信访事项, DOMAIN.md sections 3 to 5), one topic per module:
`categories` (the content tree), `matter` (Petition, Petitioner, Attachment and
the timeline PetitionEvent), `answers` (OpinionDraft, NoticeService), `feedback`
(Evaluation, Recusal, Notification), `colours` (OfficeColourSettings). Everything
is re-exported here, where other modules import it, with the choices
(petitions/choices.py) the transitions table names."""

# The choices live apart (petitions/choices.py) so that the transitions table can
# name the states; they are re-exported here, where other modules import them.
from ..choices import (  # noqa: F401  # noqa: F401
    CLOSED_STATES,
    OPEN_DRAFT_STATES,
    OPEN_STATES,
    STAFF_CHANNELS,
    Channel,
    DraftState,
    ForwardKind,
    Outcome,
    Purpose,
    Rating,
    ReviewOutcome,
    Round,
    Route,
    ServiceMethod,
    State,
    outcome_choices,
)
from .answers import NoticeService, OpinionDraft  # noqa: F401
from .categories import Category  # noqa: F401
from .colours import OfficeColourSettings  # noqa: F401
from .feedback import Evaluation, Notification, Recusal  # noqa: F401
from .links import LinkKind, MatterLink  # noqa: F401
from .matter import Attachment, Petition, Petitioner, PetitionEvent  # noqa: F401
