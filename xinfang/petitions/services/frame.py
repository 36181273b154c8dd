"""The frame every petition transition runs in, and what the services share.

A transition (core.transitions) locks the matter's row (SELECT ... FOR UPDATE
on PostgreSQL; on SQLite the IMMEDIATE transaction takes the write lock),
checks the actor may see it (else 404), that the action fits the state and the
version the actor saw (else 409), that the actor may take it through the unit
its row names (else 403), and the row's own guard (`Petition.blocked_reason`,
409); then the service changes the row and one event is appended, all or
nothing.
"""

from __future__ import annotations

import datetime as dt
import inspect

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy

from xinfang.core import calendar
from xinfang.core.calendar import Clock
from xinfang.core.exceptions import InvalidInput
from xinfang.core.transitions import Frame, Transition
from xinfang.orgs import permissions as org_permissions
from xinfang.orgs.models import Membership, Unit, UnitLink

from .. import permissions, workflow
from ..models import Petition, PetitionEvent, Recusal, State
from ..selectors import colour_rules

User = get_user_model()


def today() -> dt.date:
    return calendar.today()


# --- the clock of the state ---------------------------------------------------------


def set_clock(p: Petition, *, start: dt.date | None = None) -> None:
    """Start (or re-derive) the clock of the matter's state, through core.calendar.

    The petitioner's windows run from the day the written answer reached them
    ("自收到书面答复之日起", 信访工作条例 Art. 35, 36), `served_on`, not from the day it
    was issued: until service is recorded no window runs and none lapses."""
    clock = workflow.clock_for(p)
    if clock in workflow.PETITIONER_WINDOWS:
        p.clock = clock
        p.clock_started_on = p.served_on
        p.paused_days = 0
        p.hearing_started_on = None
        derive_due(p)
        return
    if clock is None:
        p.clock = ""
        p.clock_started_on = p.due_date = p.yellow_from = p.window_ends_on = None
        p.due_provisional = False
        p.paused_days = 0
        p.hearing_started_on = None
        return
    if start is not None or p.clock != clock:
        p.clock_started_on = start or today()
        p.paused_days = 0
        p.hearing_started_on = None
    p.clock = clock
    derive_due(p)


def derive_due(p: Petition) -> None:
    if p.clock in workflow.PETITIONER_WINDOWS and p.clock_started_on is None:
        # Awaiting service (待送达): the window has not begun.
        p.window_ends_on = p.due_date = p.yellow_from = None
        p.due_provisional = False
        return
    extension = p.extension_days if p.clock == Clock.HANDLE else 0
    deadline = calendar.deadline_for(
        p.clock, p.clock_started_on, p.paused_days, extension_days=extension
    )
    p.due_provisional = deadline.provisional
    if p.clock in workflow.PETITIONER_WINDOWS:
        # The petitioner's window is no duty of staff: it never turns the matter red.
        p.window_ends_on = deadline.due
        p.due_date = p.yellow_from = None
    elif p.hearing_started_on is not None:
        # A hearing stops the clock: no due date runs until it ends.
        p.due_date = p.yellow_from = None
    else:
        p.window_ends_on = None
        p.due_date = deadline.due
        apply_colour_rules(p)


def apply_colour_rules(p: Petition, rules=None) -> None:
    """Whether the running clock colours the matter, and its first yellow day,
    by the petition office's colour settings (selectors.colour_rules)."""
    rules = rules or colour_rules(p.office_id)
    p.clock_colours = rules.colours(p.clock)
    if p.clock_colours and p.due_date and p.clock_started_on:
        p.yellow_from = calendar.yellow_from(
            p.clock_started_on, p.due_date, days=rules.yellow_days, percent=rules.yellow_percent
        )
    else:
        p.yellow_from = None


# --- who acts, for the event ----------------------------------------------------------


def acting_unit(actor, p: Petition, permission: str | None) -> Unit | None:
    """The unit the actor acts for on this matter (for the event)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    allowed = org_permissions.ACTIONS.get(permission or "view", frozenset())
    for m in Membership.objects.filter(user=actor).select_related("unit"):
        if (
            m.role in allowed
            and UnitLink.objects.filter(
                ancestor=m.unit, descendant_id__in=p.scope_unit_ids()
            ).exists()
        ):
            return m.unit
    return None


def require_text(value, field, message) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(field_errors={field: [message]})
    return value


def recused(user, p: Petition) -> bool:
    return Recusal.objects.filter(petition=p, user=user).exists()


# --- the frame --------------------------------------------------------------------------


class PetitionFrame(Frame):
    model = Petition
    table = workflow.TABLE
    id_field = "petition_id"
    noun = gettext_lazy("This matter")

    def visible(self, actor, obj) -> bool:
        return permissions.may_see(actor, obj)

    def may(self, actor, obj, t: Transition) -> bool:
        return permissions.may_take(actor, t, obj)

    def guard(self, obj, t: Transition) -> str | None:
        return obj.blocked_reason(t.name)

    def state_label(self, state: str) -> str:
        return State(state).label if state in State.values else state

    def on_enter(self, obj, state: str, *, clock_start: dt.date | None = None, **result) -> None:
        set_clock(obj, start=clock_start or today())

    def record(
        self,
        obj,
        t: Transition,
        *,
        actor,
        from_state: str,
        note: str = "",
        public_text: str = "",
        data: dict | None = None,
        actor_unit: Unit | None = None,
        clock_start: dt.date | None = None,
    ) -> PetitionEvent:
        event = PetitionEvent.record(
            obj,
            action=t.name,
            actor=actor,
            actor_unit=actor_unit or acting_unit(actor, obj, t.permission),
            from_state=from_state,
            public=t.public,
            note=note,
            public_text=public_text,
            data=data,
        )
        # The caller that drives a step from another area (mediation) names the
        # petition's event on its own timeline.
        obj.last_event = event
        return event

    def allowed(self, actor, obj) -> list[Transition]:
        """The actions the user may take on the matter now, through its pages or the
        API: the rows another area drives (diversion) are not among them."""
        return [t for t in super().allowed(actor, obj) if t.name in self.services]


FRAME = PetitionFrame()


def allowed_actions(user, p: Petition) -> list[Transition]:
    """The one answer to "which actions may this user take on this matter now"
    (state, permission and the row's guard, as the services check them): the
    matter page's buttons and the API's `actions` list."""
    return FRAME.allowed(user, p)


def action_fields(name: str) -> frozenset[str]:
    """The keyword arguments the staff action `name` takes besides actor, the id
    and the version (its form's and the API's fields for it)."""
    body = inspect.unwrap(FRAME.services[name])
    return frozenset(
        p.name
        for p in inspect.signature(body).parameters.values()
        if p.kind == inspect.Parameter.KEYWORD_ONLY
    )
