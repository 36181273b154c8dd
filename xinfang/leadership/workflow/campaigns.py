"""The backlog campaign (信访积案攻坚) in its table (core.transitions)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xinfang.core.exceptions import PermissionDenied
from xinfang.core.transitions import Frame, Table, Transition, row

from ..models import Campaign, CampaignEvent, CampaignState
from ..permissions import campaigns as campaigns_policy

# --- backlog campaigns (信访积案攻坚) ------------------------------------------------------
#
# CAMPAIGNS, CampaignFrame: a petition office's campaign. `propose` selects the
# office's open matters by the campaign's rules and stores them as proposed;
# `confirm` keeps or drops each (one step, with a confirmation) and starts the
# campaign; `assign` gives a listed matter an owning leader and a plan through
# case ownership (services.plan_create); `issue_bulletin` freezes a week's
# figures (每周通报); `close` ends it: draft → proposed → running → closed.


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
        return campaigns_policy.may_see_campaign(actor, obj)

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
            actor_unit=campaigns_policy.acting_unit_on_campaign(actor, obj),
            from_state=from_state,
            note=note,
            data=data or {},
        )


CAMPAIGN = CampaignFrame()
