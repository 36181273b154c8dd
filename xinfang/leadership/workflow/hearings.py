"""The leadership area's workflow of public evaluation hearings (群众评议 / 听证)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xinfang.core.exceptions import PermissionDenied
from xinfang.core.transitions import Frame, Table, Transition, row

from .. import permissions as policy
from ..models import (
    Hearing,
    HearingEvent,
    HearingState,
)

# --- hearings (群众评议 / 听证) ----------------------------------------------------------

H = HearingState

HEARINGS = Table(
    "hearing",
    [
        row("invite", gettext_lazy("Participant invited"), {H.SCHEDULED}, None, "hold_hearing",
            "matter"),
        row("reschedule", gettext_lazy("Hearing rescheduled"), {H.SCHEDULED}, None,
            "hold_hearing", "matter"),
        row("hold", gettext_lazy("Hearing held and recorded"), {H.SCHEDULED}, H.HELD,
            "hold_hearing", "matter"),
        row("issue", gettext_lazy("Minutes issued"), {H.HELD}, H.ISSUED, "hold_hearing",
            "matter"),
        row("cancel", gettext_lazy("Hearing cancelled"), {H.SCHEDULED}, H.CANCELLED,
            "hold_hearing", "matter"),
    ],
    events={"scheduled": gettext_lazy("Hearing scheduled")},
)  # fmt: skip


class HearingFrame(Frame):
    model = Hearing
    table = HEARINGS
    id_field = "hearing_id"
    noun = gettext_lazy("This hearing")

    def lock(self, actor, pk):
        obj = super().lock(actor, pk)
        # The matter's row too: holding or cancelling a hearing in re-review moves its
        # clock (petitions' own hearing_end, which locks it again, in this transaction).
        obj.petition = type(obj.petition).objects.select_for_update().get(pk=obj.petition_id)
        return obj

    def visible(self, actor, obj) -> bool:
        return policy.may_see_hearing(actor, obj)

    def may(self, actor, obj, t: Transition) -> bool:
        return policy.may_act_on_hearing(actor, obj)

    def check_may(self, actor, obj, t: Transition) -> None:
        if not self.may(actor, obj, t):
            if policy.clock_paused_by(obj):
                raise PermissionDenied(
                    _("In re-review the hearing is the re-review organ's: only its handlers "
                      "may do this.")
                )  # fmt: skip
            raise PermissionDenied(
                _("Only a leader, a supervisor, the petition office or the handling unit "
                  "over this matter may do this.")
            )  # fmt: skip

    def state_label(self, state: str) -> str:
        return HearingState(state).label

    def record(self, obj, t: Transition, *, actor, from_state: str, note: str = "", data=None):
        return HearingEvent.record(
            obj,
            action=t.name,
            actor=actor,
            actor_unit=policy.acting_unit_on_matter(actor, obj.petition),
            from_state=from_state,
            note=note,
            data=data or {},
        )


HEARING = HearingFrame()
