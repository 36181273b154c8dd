"""The petition's side of 优先调解 (a petition diverted to mediation and back).

The mediation area drives the steps (xinfang.mediation.services: petition_divert,
petition_resume, petition_conclude_by_agreement) and calls these inside its own
transaction, so the petition's event and the dispute's event are written
together or not at all. The petition keeps its state while it is in mediation
(its clock runs on: the handler may extend it as usual); it is concluded only
when an agreement settles the dispute.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xinfang.core.exceptions import Conflict
from xinfang.orgs.models import Unit

from . import services
from .models import Petition, PetitionEvent, Purpose, State

# A petition may be diverted before an opinion is issued on it.
DIVERTIBLE_STATES = frozenset(
    {State.REGISTERED, State.FORWARDED, State.PENDING_ACCEPTANCE, State.ACCEPTED}
)
CONCLUDED_BY_MEDIATION = "mediation"

# 信访工作条例 Art. 30: an accusation is never shown to the one it accuses. Mediation is
# between parties: the accused would be the respondent and read the accusation
# (the dispute's parties, body and units all see its details), so it stays a
# petition, handled confidentially.
ACCUSATION_NOT_DIVERTED = gettext_lazy(
    "An accusation is handled as a petition, confidentially (信访工作条例 Art. 30), "
    "not mediated between the parties: it cannot be diverted to mediation."
)


def is_accusation(p: Petition) -> bool:
    return bool(p.accusation) or p.purpose == Purpose.ACCUSATION


def check_divertible(p: Petition) -> None:
    """409 unless the petition may go to mediation: not an accusation, no opinion yet."""
    if is_accusation(p):
        raise Conflict(str(ACCUSATION_NOT_DIVERTED))
    if p.state not in DIVERTIBLE_STATES:
        raise Conflict(_("Only a matter without an opinion yet can be diverted to mediation."))


def lock(actor, petition_id: int) -> Petition:
    """The petition's row, locked; 404 unless the actor may see it."""
    return services._lock(actor, petition_id)


def record_step(
    p: Petition,
    *,
    actor,
    actor_unit: Unit | None,
    action: str,
    note: str = "",
    data: dict | None = None,
    conclude: bool = False,
) -> PetitionEvent:
    """Append the mediation step to the petition's timeline (public: the
    petitioner sees that the matter went to mediation and how it came back);
    with conclude=True the petition is concluded by the agreement."""
    from_state = p.state
    if conclude:
        if p.state not in DIVERTIBLE_STATES:
            raise Conflict(
                _("This matter is now “%(state)s”; it cannot be concluded here.")
                % {"state": State(p.state).label}
            )
        p.state = State.CONCLUDED
        p.concluded_reason = CONCLUDED_BY_MEDIATION
        services._set_clock(p)
    p.version += 1
    p.save()
    return services._event(
        p,
        action=action,
        actor=actor,
        actor_unit=actor_unit,
        from_state=from_state,
        public=True,
        note=note,
        data=data or {},
    )
