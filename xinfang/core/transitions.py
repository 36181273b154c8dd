"""The transition kernel: one table type and one frame for every aggregate.

An aggregate (a petition matter, a dispute, a mediation case, a weekly meeting,
and the areas to come) declares its allowed moves as a `Table` of `Transition`
rows in its area's `workflow.py`, and a `Frame` that says how to lock one of its
rows, who may act through which of its units, and how its event is recorded.
Every write that moves the aggregate is then a function decorated with
`frame.action(name)`:

    lock the row → check state and version → check the permission → the row's
    own guard → the function's own rules and writes → new state, version,
    event, all in one transaction.

Two clerks racing get one success and one clear conflict (the row lock and the
version); an action that cannot apply in the current state is a conflict for
anyone who may see the object (409), checked before the permission (403), so
the answer does not depend on who asks.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .exceptions import Conflict, NotFound, PermissionDenied


@dataclass(frozen=True)
class Transition:
    """One allowed move: its name (used in URLs, the API and the event), its
    translated label, the states it starts from, the state it leads to (None: the
    state does not change), the permission action the actor needs (None: the
    public, through the query code, or the system), through which of the
    aggregate's units the actor must reach it, and whether its event is shown to
    the public (the petitioner, the parties)."""

    name: str
    label: str | Promise
    sources: frozenset[str]
    target: str | None
    permission: str | None
    via: str
    public: bool = False


def row(
    name: str,
    label,
    sources: Iterable[str],
    target: str | None,
    permission: str | None,
    via: str,
    public: bool = False,
) -> Transition:
    return Transition(name, label, frozenset(sources), target, permission, via, public)


class Table:
    """The transitions of one aggregate, by name, and the labels of the events it
    records that are not transitions (registration, a clock's lapse, ...).

    `labels()` is what the timeline, the API and the public page print; a test
    walks every table so that no action can appear without a label.
    """

    def __init__(
        self,
        aggregate: str,
        rows: Iterable[Transition],
        *,
        events: dict[str, str | Promise] | None = None,
    ):
        self.aggregate = aggregate
        self.rows: dict[str, Transition] = {}
        for t in rows:
            if t.name in self.rows:
                raise ValueError(f"{aggregate}: transition {t.name!r} twice")
            self.rows[t.name] = t
        self.events = dict(events or {})
        clash = set(self.rows) & set(self.events)
        if clash:
            raise ValueError(f"{aggregate}: {sorted(clash)} both a transition and an event")
        TABLES[aggregate] = self

    def __getitem__(self, name: str) -> Transition:
        return self.rows[name]

    def __contains__(self, name: str) -> bool:
        return name in self.rows

    def __iter__(self) -> Iterator[Transition]:
        return iter(self.rows.values())

    def get(self, name: str) -> Transition | None:
        return self.rows.get(name)

    def labels(self) -> dict[str, str | Promise]:
        """Every action this aggregate's timeline can hold, with its label."""
        return {**{t.name: t.label for t in self}, **self.events}

    def label(self, action: str) -> str | Promise:
        return self.labels().get(action, action)

    def choices(self) -> list[tuple[str, str | Promise]]:
        return list(self.labels().items())

    def applicable(self, state: str) -> list[Transition]:
        return [t for t in self if state in t.sources]


# Every table, by aggregate name: the label test and the docs walk them.
TABLES: dict[str, Table] = {}


class Frame:
    """How one aggregate plugs into the kernel. Subclass it in the area's
    `workflow.py` (or `services/`) and override what differs.

    - `model`, `id_field`: the model and the keyword its services take the id by.
    - `lock(actor, pk)`: the row `select_for_update`, or NotFound (also when the
      actor may not see it: never a hint that it exists).
    - `may(actor, obj, t)`: whether the actor holds `t.permission` through the
      unit `t.via` names (the area's permission policy answers).
    - `guard(obj, t)`: the row's own reason to refuse now (None: none).
    - `finish(obj, t, actor=…, from_state=…, **result)`: apply the target state,
      bump the version, save, and record the event.
    """

    model = None
    table: Table
    id_field: str = "pk"
    state_field: str = "state"
    noun = _("This item")

    # --- what an aggregate overrides ---------------------------------------------

    def visible(self, actor, obj) -> bool:
        return True

    def may(self, actor, obj, t: Transition) -> bool:
        raise NotImplementedError

    def guard(self, obj, t: Transition) -> str | None:
        return None

    def state_label(self, state: str) -> str:
        return state

    def record(self, obj, t: Transition, *, actor, from_state: str, **result):
        raise NotImplementedError

    def on_enter(self, obj, state: str, **result) -> None:
        """Called when the state changes (start the new state's clock, ...)."""

    # --- the frame ---------------------------------------------------------------

    def lock(self, actor, pk):
        try:
            obj = self.model.objects.select_for_update().get(pk=pk)
        except (self.model.DoesNotExist, ValueError, TypeError):
            raise NotFound() from None
        if not self.visible(actor, obj):
            raise NotFound()
        return obj

    def check_state(self, obj, t: Transition, version: int | None) -> None:
        if version is not None and hasattr(obj, "version") and int(version) != obj.version:
            raise Conflict(_("Someone else changed this in the meantime; reload it and try again."))
        state = getattr(obj, self.state_field)
        if state not in t.sources:
            raise Conflict(
                _("%(noun)s is now “%(state)s”; “%(action)s” no longer applies.")
                % {"noun": self.noun, "state": self.state_label(state), "action": t.label}
            )

    def check_may(self, actor, obj, t: Transition) -> None:
        if not self.may(actor, obj, t):
            raise PermissionDenied(_("You may not “%(action)s” this.") % {"action": t.label})

    def finish(self, obj, t: Transition, *, actor, from_state: str, **result):
        if t.target is not None and t.target != from_state:
            setattr(obj, self.state_field, t.target)
            self.on_enter(obj, t.target, **result)
        if hasattr(obj, "version"):
            obj.version += 1
        obj.save()
        self.record(obj, t, actor=actor, from_state=from_state, **result)
        return obj

    def allowed(self, actor, obj) -> list[Transition]:
        """The moves this actor may make now: the one answer that pages and the
        API both show (state, permission and guard, as `act` checks them)."""
        state = getattr(obj, self.state_field)
        return [
            t
            for t in self.table.applicable(state)
            if t.permission is not None and self.may(actor, obj, t) and not self.guard(obj, t)
        ]

    def act(self, name: str, *, actor, pk, version: int | None, body: Callable, fields: dict):
        t = self.table[name]
        obj = self.lock(actor, pk)
        # State before permission: an action that cannot apply now is a conflict
        # for anyone who can see the object (409, not 403).
        self.check_state(obj, t, version)
        self.check_may(actor, obj, t)
        reason = self.guard(obj, t)
        if reason:
            raise Conflict(reason)
        from_state = getattr(obj, self.state_field)
        result = body(obj, actor, **fields) or {}
        return self.finish(obj, t, actor=actor, from_state=from_state, **result)

    def action(self, name: str, *, service_name: str | None = None):
        """Decorator: make `body(obj, actor, **fields) -> dict | None` the service
        for the transition `name`, called as `service(*, actor, <id_field>,
        version=None, **fields)`. The dict the body returns goes to `finish` (the
        event's note, data, ...). A keyword the body does not take is a TypeError,
        never silently dropped."""
        if name not in self.table:
            raise KeyError(f"{self.table.aggregate}: no transition {name!r}")
        frame = self

        def wrap(body):
            @functools.wraps(body)
            @transaction.atomic
            def service(*, actor, version: int | None = None, **fields):
                try:
                    pk = fields.pop(frame.id_field)
                except KeyError:
                    raise TypeError(f"{frame.id_field} is required") from None
                return frame.act(
                    name, actor=actor, pk=pk, version=version, body=body, fields=fields
                )

            service.__name__ = service_name or f"{frame.table.aggregate}_{name}"
            service.transition = name
            frame.services[name] = service
            return service

        return wrap

    def __init__(self):
        self.services: dict[str, Callable] = {}

    def run(self, name: str, *, actor, version: int | None = None, **fields):
        """Take the named action (the API's /actions/{action}); unknown: 404."""
        service = self.services.get(name)
        if service is None:
            raise NotFound(_("There is no such action."))
        return service(actor=actor, version=version, **fields)
