"""The escalation ladder run by the periodic tick: yellow tells the unit's head,
red the owning leader and the petition office, each step once and on the record,
even when two ticks run at the same moment."""

import datetime as dt
import threading

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections

from xinfang.leadership.registry import escalated_units
from xinfang.orgs.demo import PETITION_OFFICE
from xinfang.orgs.models import Unit
from xinfang.petitions import services as petition_services
from xinfang.petitions.categories import seed_categories
from xinfang.petitions.models import Category, Notification
from xinfang.supervision import services
from xinfang.supervision.models import Escalation, ListingEvent, ListingState


def listed(sv, p, colour="blue"):
    listing, _created = services.listing_create(
        actor=sv["supervisor"], petition_id=p.pk, colour=colour, reason="久拖未决"
    )
    return listing


def turned_red(sv, matter, travel):
    """A listed matter whose acceptance clock (15 days) runs out."""
    p = matter()
    petition_services.petition_sign(actor=sv["handler"], petition_id=p.pk)
    listing = listed(sv, p)
    travel("2026-11-30")
    return p, listing


def test_the_periodic_commands_run_the_supervision_tick():
    assert "supervision_tick" in settings.XINFANG_PERIODIC_COMMANDS


def test_yellow_tells_the_units_head_once(sv, matter, travel):
    p = matter()
    petition_services.petition_sign(actor=sv["handler"], petition_id=p.pk)
    listing = listed(sv, p, colour="yellow")
    assert services.supervision_tick() == {"yellow": 1, "red": 0, "resolved": 0}
    assert services.supervision_tick() == {"yellow": 0, "red": 0, "resolved": 0}
    told = set(
        Notification.objects.filter(kind="escalated_yellow").values_list(
            "user__username", flat=True
        )
    )
    assert told == {"s-head", "unit_head"}  # township A's heads (the demo's and ours)
    step = Escalation.objects.get(listing=listing)
    assert step.step == "yellow" and step.unit.code == "410481102"
    assert ListingEvent.objects.filter(listing=listing, action="escalated_yellow").count() == 1


def test_red_tells_the_owner_and_the_office_and_records_the_unit(sv, matter, travel):
    p, listing = turned_red(sv, matter, travel)
    counts = services.supervision_tick()
    assert counts["red"] == 1
    told = set(
        Notification.objects.filter(kind="escalated_red").values_list("user__username", flat=True)
    )
    # The owner, and the office's supervisors and dispatchers (the demo's too).
    assert told == {"s-leader", "s-supervisor", "s-dispatcher", "supervisor", "dispatcher"}
    step = Escalation.objects.get(listing=listing, step="red")
    assert step.unit.code == "410481102"
    assert {sv["leader"].pk, sv["supervisor"].pk, sv["dispatcher"].pk} <= set(step.notified)
    assert sv["handler"].pk not in step.notified
    services.supervision_tick()
    assert Notification.objects.filter(kind="escalated_red", user=sv["leader"]).count() == 1


def test_a_unit_escalated_red_is_named_in_the_weekly_bulletin(sv, matter, travel):
    """Red: "the unit appears in the weekly bulletin" (leadership's registry)."""
    p, listing = turned_red(sv, matter, travel)
    office = Unit.objects.get(code=PETITION_OFFICE[0])
    week = {"start": dt.date(2026, 11, 30), "end": dt.date(2026, 12, 6)}
    assert escalated_units(office, **week) == []
    services.supervision_tick()
    assert escalated_units(office, **week) == ["八台镇"]
    assert escalated_units(office, start=dt.date(2026, 11, 23), end=dt.date(2026, 11, 29)) == []


def test_a_red_petitions_tick_told_already_is_recorded_not_told_again(sv, matter, travel):
    p, listing = turned_red(sv, matter, travel)
    petition_services.petitions_tick()
    services.supervision_tick()
    assert Escalation.objects.filter(listing=listing, step="red").exists()
    assert Notification.objects.filter(user=sv["leader"], petition=p).count() == 1


def test_a_resolved_dispute_is_delisted_by_the_tick(sv, ledger_dispute):
    d = ledger_dispute()
    listing, _ = services.listing_create(
        actor=sv["supervisor"], dispute_id=d.pk, colour="blue", reason="逾期未化解"
    )
    assert services.supervision_tick()["red"] == 1  # past its deadline
    assert Notification.objects.filter(kind="escalated_red", user=sv["leader"]).count() == 1
    type(d).objects.filter(pk=d.pk).update(state="withdrawn")
    assert services.supervision_tick()["resolved"] == 1
    listing.refresh_from_db()
    assert listing.state == ListingState.DELISTED


@pytest.mark.django_db(transaction=True)
def test_two_ticks_at_once_tell_the_owner_exactly_once(make_person, travel):
    """On PostgreSQL the two ticks run in two threads at the same moment (the row
    lock and the unique step decide); SQLite serialises writers, so there they
    run one after the other."""
    call_command("seed_demo", allow_production=True, verbosity=0)
    seed_categories(Category)  # a transactional test starts from empty tables
    u = {x.code: x for x in Unit.objects.all()}
    travel("2026-11-02")
    supervisor = make_person("supervisor", u[PETITION_OFFICE[0]], username="c-supervisor")
    dispatcher = make_person("dispatcher", u[PETITION_OFFICE[0]], username="c-dispatcher")
    clerk = make_person("clerk", u["410481-JD"], username="c-clerk")
    handler = make_person("handler", u["410481102"], username="c-handler")
    leader = make_person("leader", u["410481"], username="c-leader")
    p = petition_services.petition_register(
        actor=clerk,
        registering_unit=u["410481-JD"],
        channel="visit",
        purpose="appeal",
        category=Category.objects.get(code="0401"),
        place=u["410481102001"],
        summary="并发升级",
        content="内容",
        petitioners=[{"name": "张三"}],
        people_count=1,
    )
    petition_services.petition_forward(
        actor=dispatcher, petition_id=p.pk, responsible_unit=u["410481102"]
    )
    petition_services.petition_own(actor=leader, petition_id=p.pk, plan="包案")
    petition_services.petition_sign(actor=handler, petition_id=p.pk)
    services.listing_create(actor=supervisor, petition_id=p.pk, colour="blue", reason="久拖")
    travel("2026-11-30")

    results, errors = [], []
    if connection.vendor == "postgresql":
        barrier = threading.Barrier(2)

        def run():
            try:
                barrier.wait()
                results.append(services.supervision_tick())
            except Exception as exc:  # noqa: BLE001 - reported by the assertion below
                errors.append(exc)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=run) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    else:
        results = [services.supervision_tick(), services.supervision_tick()]
    assert not errors, errors
    assert sorted(r["red"] for r in results) == [0, 1]
    assert Notification.objects.filter(user=leader, kind="escalated_red").count() == 1
    assert Escalation.objects.filter(step="red").count() == 1
