"""The allowed moves of the leadership area, in tables (core.transitions).

- the ownership plan (PLANS, PlanFrame): 领导包案, 一案一策. A leader owns a hard
  matter with a plan (the matter's own `own` transition records the owner on the
  matter, petitions.services.petition_own); progress is recorded, the plan is
  revised or handed to another leader, the matter is resolved (化解) and, if it
  comes back, reopened: active → resolved → active.
- the hearing (HEARINGS, HearingFrame): 群众评议 / 听证 on a matter: scheduled →
  held (attendance, views, conclusion) → minutes issued; or cancelled. In
  re-review it pauses the matter's clock while scheduled (services.hearings).
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xinfang.core.exceptions import PermissionDenied
from xinfang.core.transitions import Frame, Table, Transition, row

from .. import permissions as policy
from ..models import (
    OwnershipEvent,
    OwnershipPlan,
    PlanState,
)

P = PlanState

PLANS = Table(
    "ownership_plan",
    [
        row("progress", gettext_lazy("Progress recorded"), {P.ACTIVE}, None, "own_case", "plan"),
        row("revise", gettext_lazy("Plan revised"), {P.ACTIVE}, None, "own_case", "plan"),
        row("handover", gettext_lazy("Handed to another leader"), {P.ACTIVE}, None, "own_case",
            "plan"),
        row("resolve", gettext_lazy("Resolved (化解)"), {P.ACTIVE}, P.RESOLVED, "own_case",
            "plan"),
        row("reopen", gettext_lazy("Reopened: the matter came back"), {P.RESOLVED}, P.ACTIVE,
            "own_case", "plan"),
    ],
    events={"created": gettext_lazy("Owned with a plan (一案一策)")},
)  # fmt: skip


class PlanFrame(Frame):
    model = OwnershipPlan
    table = PLANS
    id_field = "plan_id"
    noun = gettext_lazy("This plan")

    def visible(self, actor, obj) -> bool:
        return policy.may_see_plan(actor, obj)

    def may(self, actor, obj, t: Transition) -> bool:
        return policy.may_act_on_plan(actor, obj)

    def check_may(self, actor, obj, t: Transition) -> None:
        if not self.may(actor, obj, t):
            raise PermissionDenied(_("Only the owning leader or a leader above may do this."))

    def state_label(self, state: str) -> str:
        return PlanState(state).label

    def finish(self, obj, t: Transition, *, actor, from_state: str, **result):
        obj.last_moved_at = timezone.now()
        return super().finish(obj, t, actor=actor, from_state=from_state, **result)

    def record(self, obj, t: Transition, *, actor, from_state: str, note: str = "", data=None):
        return OwnershipEvent.record(
            obj,
            action=t.name,
            actor=actor,
            actor_unit=policy.acting_unit(actor, obj),
            from_state=from_state,
            note=note,
            data=data or {},
        )


PLAN = PlanFrame()
