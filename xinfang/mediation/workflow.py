"""The allowed moves of the mediation network, in tables (core.transitions).

Three aggregates move here, each through its frame (lock → state and version →
permission → the row's own guard → write → event):

- the dispute (DISPUTES, DisputeFrame): routed, passed up a level, decided at the
  township's weekly meeting, followed by its case (mediating, settled, failed),
  and the petition it came from or was raised into;
- the mediation case (CASES, CaseFrame): mediators, consent, sessions, the
  extension, the end (stopped, failed, agreement) and the agreement's afterlife
  (put in writing, follow-up, judicial confirmation). The case's frame locks the
  dispute first, then the case (one order everywhere), and its events go on the
  dispute's timeline;
- the weekly meeting (MEETINGS, MeetingFrame): the agenda, decisions, minutes,
  closing (which freezes it).

A row with no permission is a move another action makes (the dispute follows
its case and the meeting's decision; the case follows the dispute's passing
up), never offered to a user by `frame.allowed`. TIMELINE holds every label the dispute's timeline can
print (DisputeEvent.table): the rows of both tables and the events that are not
transitions (registration, passing up from the village's report, a deadline
recomputed, ...).
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xinfang.core.exceptions import Conflict, NotFound, PermissionDenied
from xinfang.core.transitions import Frame, Table, Transition, row
from xinfang.orgs.models import Level, UnitKind

from . import permissions as policy
from .models import (
    OPEN_DISPUTE_STATES,
    CaseState,
    Dispute,
    DisputeEvent,
    DisputeState,
    MediationCase,
    MediatorAction,
    Meeting,
)

D = DisputeState
C = CaseState
OPEN_CASE_STATES = (C.AWAITING_CONSENT, C.IN_PROGRESS)
NEXT_LEVEL = {Level.VILLAGE: Level.TOWNSHIP, Level.TOWNSHIP: Level.CITY}

# --- the dispute ------------------------------------------------------------------------

DISPUTES = Table(
    "dispute",
    [
        # 分类办理: to a mediation body; again while no case is open on it.
        row("route", gettext_lazy("Routed to a mediation body"), {D.REPORTED, D.ROUTED}, D.ROUTED,
            "route_dispute", "route"),
        # Village → township → city when this level cannot settle it.
        row("escalate", gettext_lazy("Passed up a level"), {D.ROUTED, D.MEDIATING, D.FAILED},
            D.ROUTED, "route_dispute", "route"),
        row("case_open", gettext_lazy("Case opened"), {D.REPORTED, D.ROUTED}, None,
            "route_dispute", "open"),
        # The township's weekly meeting classifies it, names who answers for it
        # (taken through the meeting's "decide", which answers who may).
        row("meeting_decision", gettext_lazy("Decided at the weekly meeting"),
            OPEN_DISPUTE_STATES, None, None, "meeting"),
        # ... or keeps it with the township: back in its hands, as before routing.
        row("keep_with_township", gettext_lazy("Kept with the township"),
            {D.REPORTED, D.ROUTED}, D.REPORTED, None, "meeting"),
        # The dispute follows its case (the case's frame moves it).
        row("mediation_started", gettext_lazy("Every party consented: mediation started"),
            {D.ROUTED}, D.MEDIATING, None, "case"),
        row("case_failed", gettext_lazy("Mediation ended without agreement"),
            {D.ROUTED, D.MEDIATING}, D.FAILED, None, "case"),
        row("agreement", gettext_lazy("Agreement reached"), {D.MEDIATING}, D.SETTLED, None,
            "case"),
        # 优先调解 and back: the petition it came from goes on, or is concluded.
        row("petition_resumed", gettext_lazy("Petition resumed"), {D.FAILED, D.WITHDRAWN}, None,
            "dispatch_petition", "petition"),
        row("petition_concluded", gettext_lazy("Petition concluded with the agreement"),
            {D.SETTLED}, None, "dispatch_petition", "petition"),
        # Mediation failed and a party petitions: the clerk raises the petition.
        row("petition_raised", gettext_lazy("Petition raised after mediation failed"),
            {D.FAILED}, None, "register_petition", "petition_clerk"),
    ],
    events={
        "register": gettext_lazy("Registered"),
        # 台账导入: a dispute handled before this system, from the office's ledger.
        "imported": gettext_lazy("Imported from an earlier ledger"),
        "pass_up": gettext_lazy("Passed up to the township's ledger"),
        "diverted_from_petition": gettext_lazy("Diverted from a petition"),
        "deadline_recomputed": gettext_lazy("Deadline moved (holiday data changed)"),
    },
)  # fmt: skip

# --- the mediation case -----------------------------------------------------------------

CASES = Table(
    "mediation_case",
    [
        row("mediators", gettext_lazy("Mediators assigned"), OPEN_CASE_STATES, None, "mediate",
            "assign"),
        row("consent", gettext_lazy("Consent recorded"), {C.AWAITING_CONSENT}, None, "mediate",
            "body"),
        # The last party's consent starts the mediation and its month.
        row("mediation_started", gettext_lazy("Every party consented: mediation started"),
            {C.AWAITING_CONSENT}, C.IN_PROGRESS, None, "body"),
        # One party's refusal ends it (law key mediation_consent).
        row("refused", gettext_lazy("A party refused mediation"), {C.AWAITING_CONSENT},
            C.FAILURE, None, "body"),
        row("session", gettext_lazy("Session held"), {C.IN_PROGRESS}, None, "mediate", "body"),
        row("extend", gettext_lazy("Time limit extended by agreement"), {C.IN_PROGRESS}, None,
            "mediate", "body"),
        row("stop", gettext_lazy("A party stopped the mediation"), OPEN_CASE_STATES, C.FAILURE,
            "mediate", "body"),
        row("fail", gettext_lazy("Mediation ended without agreement"), OPEN_CASE_STATES,
            C.FAILURE, "mediate", "body"),
        row("agreement", gettext_lazy("Agreement reached"), {C.IN_PROGRESS}, C.SUCCESS,
            "mediate", "body"),
        row("agreement_written", gettext_lazy("Oral agreement put in writing"), {C.SUCCESS},
            None, "mediate", "body"),
        row("follow_up", gettext_lazy("Follow-up visit"), {C.SUCCESS}, None, "mediate", "body"),
        row("judicial_applied", gettext_lazy("Judicial confirmation applied for"), {C.SUCCESS},
            None, "mediate", "body"),
        row("judicial_ruling", gettext_lazy("Court's ruling recorded"), {C.SUCCESS}, None,
            "mediate", "body"),
        # The case follows its dispute when the dispute is passed up a level.
        row("escalated", gettext_lazy("Passed to the level above"), OPEN_CASE_STATES,
            C.ESCALATED, None, "route"),
    ],
)  # fmt: skip

# The dispute's event for a case's move (one event per move, on the dispute).
CASE_EVENT = {"refused": "case_failed", "stop": "case_failed", "fail": "case_failed"}
# The dispute's row that follows the case into its new state.
DISPUTE_FOLLOWS = {
    C.IN_PROGRESS: "mediation_started",
    C.FAILURE: "case_failed",
    C.SUCCESS: "agreement",
}

# --- the weekly meeting -----------------------------------------------------------------

MEETINGS = Table(
    "meeting",
    [
        row("refresh_agenda", gettext_lazy("Refresh the agenda"), {"open"}, None,
            "run_meeting", "township"),
        row("decide", gettext_lazy("Decide an agenda item"), {"open"}, None, "run_meeting",
            "township"),
        row("save_minutes", gettext_lazy("Save the minutes"), {"open"}, None, "run_meeting",
            "township"),
        row("close", gettext_lazy("Close the minutes"), {"open"}, "closed", "run_meeting",
            "township"),
    ],
)  # fmt: skip

# --- the roster (no states: its trail only) ------------------------------------------------

ROSTER = Table("mediator", [], events=dict(MediatorAction.choices))

# Every label the dispute's timeline can print: both tables and their events.
TIMELINE = Table("dispute_timeline", [], events={**CASES.labels(), **DISPUTES.labels()})


# --- the frames -------------------------------------------------------------------------

# What a user who may not take a row's action is told, by the row's `via`.
DENIED = {
    "route": gettext_lazy("You may not route this dispute."),
    "open": gettext_lazy("You may not open a case on this dispute."),
    "township": gettext_lazy("Only the township's staff run its weekly meeting."),
    "petition": gettext_lazy("Only the matter's dispatcher or handler may do this."),
    "petition_clerk": gettext_lazy("Only a clerk who registers petitions may do this."),
    "assign": gettext_lazy("Only a mediator of this body may do this."),
    "body": gettext_lazy("Only a mediator of this body may do this."),
}


class _Frame(Frame):
    """What the three frames share: the area's policy answers, in its words, and
    one version per action: the moves an action makes on a row it holds (the
    route a meeting's decision makes, the start of mediation the last consent
    makes) count as one change."""

    def finish(self, obj, t: Transition, *, actor, from_state: str, **result):
        if t.target is not None and t.target != from_state:
            setattr(obj, self.state_field, t.target)
            self.on_enter(obj, t.target, **result)
        if not getattr(obj, "_counted", False):
            obj.version += 1
            obj._counted = True
        obj.save()
        self.record(obj, t, actor=actor, from_state=from_state, **result)
        return obj

    def check_may(self, actor, obj, t: Transition) -> None:
        if not self.may(actor, obj, t):
            raise PermissionDenied(DENIED.get(t.via) or _("You may not do this."))

    def move(self, obj, name: str, *, actor, from_state: str | None = None, **result):
        """A move the enclosing action makes on a row it already holds (locked,
        its permission answered by that action): the row's state check, then the
        new state, the version and the event (unless record=False). `from_state`:
        the state the event names as before, when the action moved it already."""
        t = self.table[name]
        self.check_state(obj, t, None)
        state = getattr(obj, self.state_field)
        return self.finish(obj, t, actor=actor, from_state=from_state or state, **result)


class DisputeFrame(_Frame):
    model = Dispute
    table = DISPUTES
    id_field = "dispute_id"
    noun = gettext_lazy("This dispute")

    def visible(self, actor, obj) -> bool:
        return policy.may_see(actor, obj)

    def may(self, actor, obj, t: Transition) -> bool:
        return policy.may(actor, t.via, obj)

    def guard(self, obj, t: Transition) -> str | None:
        if t.name in ("route", "case_open") and open_case_on(obj):
            if t.name == "route":
                return _("A case is open on this dispute; end it or pass it up first.")
            return _("A case is already open on this dispute.")
        if t.name == "escalate":
            if obj.body is not None and obj.body.kind == UnitKind.MEDIATION_COMMITTEE:
                return _("A professional committee's dispute is not passed up.")
            if (obj.current_level or obj.arose_level) not in NEXT_LEVEL:
                return _("There is no level above the city's centre in this network.")
        if t.via == "petition":
            if not obj.petition_id:
                return _("This dispute did not come from a petition.")
            if (obj.data or {}).get("petition_step"):
                if t.name == "petition_resumed":
                    return _("The petition was already taken back from mediation.")
                return _("The petition was already concluded.")
        if t.name == "petition_raised":
            if obj.petition_id:
                return _("This dispute came from a petition: resume that petition instead.")
            if (obj.data or {}).get("raised_petition"):
                return _("A petition was already raised from this dispute.")
        return None

    def state_label(self, state: str) -> str:
        return DisputeState(state).label

    def check_state(self, obj, t: Transition, version) -> None:
        if version is not None and int(version) != obj.version:
            raise Conflict(_("Someone else changed this in the meantime; reload it and try again."))
        if obj.state not in t.sources:
            raise Conflict(
                _("This dispute is now “%(state)s”; that no longer applies.")
                % {"state": self.state_label(obj.state)}
            )

    def lock(self, actor, pk):
        try:
            pk = int(pk)
        except (TypeError, ValueError):
            raise NotFound() from None
        return super().lock(actor, pk)

    def record(self, obj, t: Transition, *, actor, from_state: str, **result):
        if result.get("record") is False:
            return None
        return DisputeEvent.record(
            obj,
            action=t.name,
            actor=actor,
            actor_unit=result.get("unit") or acting_unit(actor, obj),
            # The state the event starts from, when the action moved it already
            # (a case opened on a dispute routed on the way).
            from_state=result.get("event_from", from_state),
            note=result.get("note", ""),
            data=result.get("data") or {},
        )


class CaseFrame(_Frame):
    model = MediationCase
    table = CASES
    id_field = "case_id"
    noun = gettext_lazy("This case")

    def lock(self, actor, pk):
        """The case and its dispute, both locked (the dispute first: one order
        everywhere); 404 unless the actor may see the dispute."""
        try:
            dispute_id = MediationCase.objects.values_list("dispute_id", flat=True).get(pk=int(pk))
        except (MediationCase.DoesNotExist, ValueError, TypeError):
            raise NotFound() from None
        d = DISPUTE.lock(actor, dispute_id)
        case = MediationCase.objects.select_for_update().select_related("body").get(pk=int(pk))
        case.dispute = d
        case.dispute_was = d.state
        return case

    def may(self, actor, obj, t: Transition) -> bool:
        return policy.may(actor, t.via, obj)

    def guard(self, obj, t: Transition) -> str | None:
        if t.name == "extend" and obj.extended:
            return _("This case was already extended once.")
        return None

    def state_label(self, state: str) -> str:
        return CaseState(state).label

    def check_state(self, obj, t: Transition, version) -> None:
        if version is not None and int(version) != obj.version:
            raise Conflict(_("Someone else changed this in the meantime; reload it and try again."))
        if obj.state not in t.sources:
            raise Conflict(
                _("This case is now “%(state)s”; that no longer applies.")
                % {"state": self.state_label(obj.state)}
            )

    def on_enter(self, obj, state: str, **result) -> None:
        follows = DISPUTE_FOLLOWS.get(state)
        if follows:
            DISPUTE.move(obj.dispute, follows, actor=None, record=False)

    def record(self, obj, t: Transition, *, actor, from_state: str, **result):
        if result.get("record") is False:
            return None
        d = obj.dispute
        return DisputeEvent.record(
            d,
            action=CASE_EVENT.get(t.name, t.name),
            actor=actor,
            actor_unit=acting_unit(actor, d),
            from_state=getattr(obj, "dispute_was", d.state),
            note=result.get("note", ""),
            data={"case": obj.pk, "case_number": obj.number, **(result.get("data") or {})},
        )


class MeetingFrame(_Frame):
    model = Meeting
    table = MEETINGS
    id_field = "meeting"
    noun = gettext_lazy("This meeting")

    def lock(self, actor, pk):
        """The meeting's row, locked; 404 unless the actor reads its township."""
        pk = getattr(pk, "pk", pk)
        meeting = (
            Meeting.objects.select_for_update().filter(pk=pk).select_related("township").first()
        )
        if meeting is None or not policy.may_read_ledger(actor, meeting.township):
            raise NotFound()
        return meeting

    def may(self, actor, obj, t: Transition) -> bool:
        return policy.may(actor, t.via, obj)

    def check_state(self, obj, t: Transition, version) -> None:
        if obj.state not in t.sources:
            raise Conflict(_("The minutes of this meeting are closed; nothing on it can change."))
        if version is not None and int(version) != obj.version:
            raise Conflict(_("Someone else changed this in the meantime; reload it and try again."))

    def state_label(self, state: str) -> str:
        return str(Meeting.STATES.get(state, state))

    def record(self, obj, t: Transition, *, actor, from_state: str, **result):
        """A meeting has no timeline of its own: its decisions go on the disputes'."""
        return None


DISPUTE = DisputeFrame()
CASE = CaseFrame()
MEETING = MeetingFrame()


# --- shared by the frames ---------------------------------------------------------------


def open_case_on(d: Dispute) -> bool:
    return d.cases.filter(state__in=OPEN_CASE_STATES).exists()


def acting_unit(actor, d: Dispute):
    """The unit the actor acts for on this dispute (for the event)."""
    return policy.acting_unit(actor, d.scope_unit_ids(), ("mediate", "route_dispute"))
