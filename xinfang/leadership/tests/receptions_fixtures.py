"""Personas and helpers for the tests of leaders' receptions."""

import datetime as dt

import pytest

from xinfang.leadership import services
from xinfang.orgs.demo import CITY_RECEPTION, PETITION_OFFICE, TOWNSHIP_A, TOWNSHIP_B

__all__ = ["rec", "reception"]

TODAY = "2026-11-02"  # a Monday
VILLAGE_A = TOWNSHIP_A + "001"


@pytest.fixture
def rec(demo_tree, make_person, travel):
    """A county-level leader, a second one, the city reception centre's clerk,
    the petition office's dispatcher, township A's handler and an outsider (township
    B's handler). The clock is at 2026-11-02 09:00."""
    travel(TODAY)
    u = demo_tree
    return {
        "leader": make_person("leader", u["410481"], username="r-leader"),
        "leader2": make_person("leader", u["410481"], username="r-leader2"),
        "clerk": make_person("clerk", u[CITY_RECEPTION[0]], username="r-clerk"),
        "dispatcher": make_person("dispatcher", u[PETITION_OFFICE[0]], username="r-dispatcher"),
        "handler_a": make_person("handler", u[TOWNSHIP_A], username="r-handler-a"),
        "outsider": make_person("handler", u[TOWNSHIP_B], username="r-outsider"),
        "leader_a": make_person("leader", u[TOWNSHIP_A], username="r-leader-a"),
        "leader_b": make_person("leader", u[TOWNSHIP_B], username="r-leader-b"),
        "units": u,
        "centre": u[CITY_RECEPTION[0]],
        "office": u[PETITION_OFFICE[0]],
        "township_a": u[TOWNSHIP_A],
        "village_a": u[VILLAGE_A],
    }


@pytest.fixture
def reception(rec):
    """reception(held=True, kind="reception", ...) -> a reception of r-leader at the
    city's reception centre, recorded by the centre's clerk."""

    def make(*, held=True, kind="reception", on="2026-11-02", unit=None, actor=None, **kw):
        r, _created = services.reception_schedule(
            actor=actor or rec["clerk"],
            leader=kw.pop("leader", rec["leader"]),
            kind=kind,
            on=dt.date.fromisoformat(on),
            unit=unit or rec["centre"],
            place="一楼接待大厅",
            held=held,
            **kw,
        )
        return r

    return make
