"""The allowed moves of the leadership area, in tables (core.transitions).

Receptions (RECEPTIONS, ReceptionFrame): a reception is put on the calendar
(event "scheduled") or recorded as held at once (event "recorded"); a scheduled
one is held or cancelled; a held one takes its batches (批次), and from a batch a
new matter is registered (channel 来访) or an existing one linked.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xinfang.core import calendar
from xinfang.core.exceptions import Conflict, NotFound, PermissionDenied
from xinfang.core.transitions import Frame, Table, Transition, row
from xinfang.orgs import permissions as org_permissions

from .. import permissions as policy
from ..models import Reception, ReceptionEvent, ReceptionState

# --- receptions ---------------------------------------------------------------------------

R = ReceptionState

RECEPTIONS = Table(
    "reception",
    [
        row("hold", gettext_lazy("Reception held"), {R.SCHEDULED}, R.HELD, "record_reception",
            "reception"),
        row("cancel", gettext_lazy("Reception cancelled"), {R.SCHEDULED}, R.CANCELLED,
            "record_reception", "reception"),
        row("batch", gettext_lazy("Batch recorded"), {R.HELD}, None, "record_reception",
            "reception"),
        row("batch_register", gettext_lazy("Matter registered from a batch"), {R.HELD}, None,
            "record_reception", "reception"),
        row("batch_link", gettext_lazy("Matter linked to a batch"), {R.HELD}, None,
            "record_reception", "reception"),
    ],
    events={
        "scheduled": gettext_lazy("Put on the reception calendar"),
        "recorded": gettext_lazy("Recorded as held"),
    },
)  # fmt: skip


class ReceptionFrame(Frame):
    model = Reception
    table = RECEPTIONS
    id_field = "reception_id"
    noun = gettext_lazy("This reception")

    def lock(self, actor, pk):
        try:
            pk = int(getattr(pk, "pk", pk))
        except (TypeError, ValueError):
            raise NotFound() from None
        return super().lock(actor, pk)

    def visible(self, actor, obj) -> bool:
        return policy.may_see_reception(actor, obj)

    def may(self, actor, obj, t: Transition) -> bool:
        if not policy.may(actor, t.permission, obj):
            return False
        # Raising a matter from a batch is a registration: only who registers
        # petitions for a unit here (a leader records batches, the clerk registers).
        return t.name != "batch_register" or policy.registering_unit(actor, obj) is not None

    def check_may(self, actor, obj, t: Transition) -> None:
        if t.name == "batch_register" and policy.may(actor, t.permission, obj):
            if policy.registering_unit(actor, obj) is None:
                raise PermissionDenied(_("Only a clerk who registers petitions may do this."))
        if not self.may(actor, obj, t):
            raise PermissionDenied(
                _("Only the leader, the reception centre or the petition office records this.")
            )

    def check_state(self, obj, t: Transition, version) -> None:
        if version is not None and int(version) != obj.version:
            raise Conflict(_("Someone else changed this in the meantime; reload it and try again."))
        if obj.state not in t.sources:
            if t.name.startswith("batch"):
                raise Conflict(_("Batches are recorded once the reception is held."))
            raise Conflict(
                _("This reception is now “%(state)s”; that no longer applies.")
                % {"state": self.state_label(obj.state)}
            )

    def guard(self, obj, t: Transition) -> str | None:
        if t.name == "hold" and obj.on > calendar.today():
            return _("A reception is held on its day, not before.")
        return None

    def state_label(self, state: str) -> str:
        return str(ReceptionState(state).label)

    def record(self, obj, t: Transition, *, actor, from_state: str, **result):
        return ReceptionEvent.record(
            obj,
            action=t.name,
            actor=actor,
            actor_unit=acting_unit(actor, obj),
            note=result.get("note", ""),
            data={"from": from_state, "to": obj.state, **(result.get("data") or {})},
        )


def acting_unit(actor, reception: Reception):
    """The unit the actor records for: the place's or the leader's, whichever their
    recording membership reaches (None for an administrator or the system)."""
    if actor is None or org_permissions.is_administrator(actor):
        return None
    for unit in (reception.unit, reception.leader_unit):
        if org_permissions.may(actor, "record_reception", unit):
            return unit
    return None


RECEPTION = ReceptionFrame()
