"""The allowed moves of the leadership area, in tables (core.transitions).

- the ownership plan (PLANS, PlanFrame): 领导包案, 一案一策. A leader owns a hard
  matter with a plan (the matter's own `own` transition records the owner on the
  matter, petitions.services.petition_own); progress is recorded, the plan is
  revised or handed to another leader, the matter is resolved (化解) and, if it
  comes back, reopened: active → resolved → active.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xinfang.core.exceptions import PermissionDenied
from xinfang.core.transitions import Frame, Table, Transition, row

from . import permissions as policy
from .models import OwnershipEvent, OwnershipPlan, PlanState

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


# --- backlog campaigns (信访积案攻坚) ------------------------------------------------------
#
# CAMPAIGNS, CampaignFrame: a petition office's campaign. `propose` selects the
# office's open matters by the campaign's rules and stores them as proposed;
# `confirm` keeps or drops each (one step, with a confirmation) and starts the
# campaign; `assign` gives a listed matter an owning leader and a plan through
# case ownership (services.plan_create); `issue_bulletin` freezes a week's
# figures (每周通报); `close` ends it: draft → proposed → running → closed.

from . import campaigns_policy  # noqa: E402, I001
from .models import Campaign, CampaignEvent, CampaignState  # noqa: E402

C = CampaignState

CAMPAIGNS = Table(
    "backlog_campaign",
    [
        row("propose", gettext_lazy("List proposed by the rules"), {C.DRAFT, C.PROPOSED},
            C.PROPOSED, "run_campaign", "office"),
        row("confirm", gettext_lazy("List confirmed: campaign running"), {C.PROPOSED}, C.RUNNING,
            "run_campaign", "office"),
        row("assign", gettext_lazy("Owner and plan given to a listed matter"), {C.RUNNING}, None,
            "run_campaign", "office"),
        row("issue_bulletin", gettext_lazy("Weekly bulletin issued"), {C.RUNNING, C.CLOSED},
            None, "run_campaign", "office"),
        row("close", gettext_lazy("Campaign closed"), {C.RUNNING}, C.CLOSED, "run_campaign",
            "office"),
    ],
    events={"created": gettext_lazy("Campaign set up")},
)  # fmt: skip


class CampaignFrame(Frame):
    model = Campaign
    table = CAMPAIGNS
    id_field = "campaign_id"
    noun = gettext_lazy("This campaign")

    def visible(self, actor, obj) -> bool:
        return campaigns_policy.may_see(actor, obj)

    def may(self, actor, obj, t: Transition) -> bool:
        if t.name == "assign":
            return campaigns_policy.may_name_owners(actor, obj)
        return campaigns_policy.may_run(actor, obj)

    def check_may(self, actor, obj, t: Transition) -> None:
        if not self.may(actor, obj, t):
            if t.name == "assign":
                raise PermissionDenied(
                    _("Only a supervisor of the running office names owners for its matters.")
                )
            raise PermissionDenied(
                _("Only a supervisor or dispatcher of the running office may do this.")
            )

    def state_label(self, state: str) -> str:
        return CampaignState(state).label

    def record(self, obj, t: Transition, *, actor, from_state: str, note: str = "", data=None):
        return CampaignEvent.record(
            obj,
            action=t.name,
            actor=actor,
            actor_unit=campaigns_policy.acting_unit(actor, obj),
            from_state=from_state,
            note=note,
            data=data or {},
        )


CAMPAIGN = CampaignFrame()
