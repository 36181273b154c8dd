"""The summaries equal a full recount after a random series of workflow actions
(issue 14, "Speed"), and the figures read from them equal the figures of exactly
the matters each user may see (the accused unit's users included)."""

import datetime as dt
import importlib
import random
import threading
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.core.signals import request_finished
from django.db import close_old_connections, connection, connections, transaction
from django.http import HttpResponse
from django.test.utils import CaptureQueriesContext

from xinfang.analytics import indicators, selectors, summaries
from xinfang.analytics.models import MatterFact, StaleFact, Summary
from xinfang.core.after import AfterResponseMiddleware
from xinfang.core.exceptions import Conflict, InvalidInput, NotFound, PermissionDenied
from xinfang.orgs.models import Unit
from xinfang.petitions import services
from xinfang.petitions.models import Petition
from xinfang.petitions.permissions import may_see, visible_petitions

D = dt.date
REFUSED = (Conflict, InvalidInput, NotFound, PermissionDenied)
REPLY = {
    "outcome": "support",
    "text": "责令公司在30日内支付。",
    "facts": "经调查核实，情况属实。",
    "legal_basis": "《保障农民工工资支付条例》第三条",
}


NEXT = {
    "registered": ["forward"],
    "forwarded": ["sign"],
    "pending_acceptance": ["accept"],
    "accepted": ["reply", "extend"],
    "opinion_issued": ["serve", "evaluate", "review", "conclude"],
    "under_review": ["conclude"],
}
ACTIONS = sorted({a for actions in NEXT.values() for a in actions})


def _act(actor, p, action, **fields):
    return services.petition_act(actor=actor, petition_id=p.pk, action=action, **fields)


def _compare(users_units, start, end):
    for user, unit in users_units:
        fast = summaries.gather(user, unit, start, end)
        exact = summaries.gather(user, unit, start, end, exact=True)
        assert fast.totals() == exact.totals(), (user.username, unit.code)
        nonzero = {k: v for k, v in fast.dims.items() if v}
        assert nonzero == {k: v for k, v in exact.dims.items() if v}, (user.username, unit.code)
        day = summaries.gather(user, unit, start, end, by_day=True)
        assert day.totals() == exact.totals()


@pytest.mark.parametrize("seed", [1, 2])
def test_the_summary_equals_a_full_recount_after_random_actions(
    seed, people, register, travel, demo_tree, township_a, township_b, city, make_person
):
    rng = random.Random(seed)
    travel("2026-03-02")
    town_a, town_b = township_a, township_b
    places = [demo_tree["410481102001"], town_a, town_b]
    head_b = make_person("unit_head", town_b, username="t-head-b")
    matters: list[Petition] = []

    def new_matter():
        accusation = rng.random() < 0.3
        return register(
            channel=rng.choice(["visit", "letter", "phone"]),
            purpose="accusation" if accusation else rng.choice(["appeal", "suggestion"]),
            place=rng.choice(places),
            people_count=rng.choice([1, 1, 6]),
            flags={"accusation": accusation, "repeat": rng.random() < 0.3},
            accused_unit=town_a if accusation and rng.random() < 0.5 else None,
        )

    def step():
        p = rng.choice(matters)
        p.refresh_from_db()
        handler, head = (
            (people["handler"], people["unit_head"])
            if p.responsible_unit_id == town_a.pk
            else (people["handler_b"], head_b)
        )
        # Mostly the actions the state allows; now and then any (then refused:
        # nothing may change) or a new matter, a merge, a flag changed.
        action = rng.choice(
            [*NEXT.get(p.state, []) * 3, "register", "merge", "flag", rng.choice(ACTIONS)]
        )
        if action == "register":
            matters.append(new_matter())
        elif action == "forward":
            _act(people["dispatcher"], p, "forward", responsible_unit=rng.choice([town_a, town_b]))
        elif action in ("sign", "accept"):
            _act(handler, p, action)
        elif action == "extend":
            _act(head, p, "extend", days=10, reason="情况复杂，需要调查取证。")
        elif action == "reply":
            services.opinion_sign_off(author=handler, approver=head, petition_id=p.pk, **REPLY)
        elif action == "serve":
            _act(handler, p, "record_service", method="direct", served_on=p.opinion_issued_on)
        elif action == "evaluate":
            services.petition_evaluate(
                query_code=p.query_code,
                unit_rating=rng.choice(["satisfied", "dissatisfied"]),
                office_rating=rng.choice(["satisfied", "basically_satisfied"]),
            )
        elif action == "review":
            services.petition_request_review(query_code=p.query_code, reasons="不服处理意见。")
        elif action == "conclude":
            _act(people["dispatcher"], p, "conclude")
        elif action == "merge":
            other = rng.choice(matters)
            _act(people["dispatcher"], p, "merge", into=other)
        elif action == "flag":
            p.cross_level = not p.cross_level
            p.save()

    for _i in range(6):
        matters.append(new_matter())
    day = D(2026, 3, 2)
    done = 0
    for i in range(70):
        if i % 7 == 6:
            day += dt.timedelta(days=rng.randint(1, 20))
            travel(day.isoformat())
        try:
            step()
            done += 1
        except REFUSED:
            pass
    assert done >= 30  # the series did things, not only refusals
    assert summaries.summary_rows() == summaries.recount()
    assert MatterFact.objects.count() == Petition.objects.count()
    # The figures read from the summary equal those of exactly the matters seen.
    township_a_leader = make_person("leader", town_a, username="t-leader-a")
    _compare(
        [
            (people["leader"], city),
            (people["leader"], town_a),
            (township_a_leader, town_a),
            (people["dispatcher"], city),
        ],
        D(2026, 1, 1),
        day,
    )
    # A rebuild from scratch gives the same rows.
    before = summaries.summary_rows()
    call_command("analytics_rebuild", verbosity=0)
    assert summaries.summary_rows() == before


def test_the_tick_rebuilds_what_was_loaded_around_the_services(make_matters, city):
    made = make_matters(3, received_on=D(2025, 5, 5))
    MatterFact.objects.all().delete()
    Summary.objects.all().delete()
    call_command("analytics_tick", verbosity=0)
    assert MatterFact.objects.count() == 3
    assert summaries.summary_rows() == summaries.recount()
    assert sum(
        r["total"] for k, r in summaries.summary_rows().items() if k[0] == "m" and not k[4]
    ) == len(made)


def test_the_accused_unit_never_counts_the_accusation(
    make_matters, township_a, township_b, city, city_leader, township_leader
):
    """Acceptance 5 through the summaries: an accusation against township A, handled
    by the city, counts for the city and never for township A's leader; whatever
    the summary holds, township A's figures equal its visible matters."""
    make_matters(
        2, place=Unit.objects.filter(parent=township_a).first(), responsible_unit=township_a
    )
    make_matters(
        1,
        purpose="accusation",
        accusation=True,
        accused_unit=township_a,
        place=township_a,
        responsible_unit=city,
    )
    year = (D(2025, 1, 1), D(2025, 12, 31))
    assert summaries.gather(city_leader, city, *year).totals()["total"] == 3
    mine = summaries.gather(township_leader, township_a, *year)
    assert mine.totals()["total"] == 2
    assert "accusation" not in {
        k for (_d, dim, k), n in mine.dims.items() if n and dim == "purpose"
    }
    _compare([(township_leader, township_a), (city_leader, township_a)], *year)


def _volumes_equal(user, unit, start, end):

    fast = indicators.volumes(summaries.gather(user, unit, start, end))
    exact = indicators.volumes(summaries.gather(user, unit, start, end, exact=True))
    assert fast == exact, (user.username, unit.code)
    return fast


def test_the_accusation_guard_read_from_the_summary_equals_the_matters_seen(
    make_matters,
    make_person,
    demo_tree,
    township_a,
    township_b,
    village_b,
    city,
    city_leader,
    township_leader,
    township_b_leader,
    django_user_model,
):
    """The summary holds the accusations by the keys the guard reads; whatever each
    user's exception (accused as a unit or in person, handled outside their reach,
    registered by them, reviewed by them), the figures read from it equal those of
    exactly the matters they see, and the accused never count an accusation."""
    village_a = demo_tree["410481102001"]
    acc = {"purpose": "accusation", "accusation": True, "received_on": D(2025, 6, 2)}
    make_matters(3, place=village_a, responsible_unit=township_a)
    make_matters(2, place=village_b, responsible_unit=township_b, channel="letter")
    # 1. Against township A, handled by the city: the city counts it, A never.
    make_matters(1, **acc, place=village_a, accused_unit=township_a, responsible_unit=city)
    # 2. Against the city, handled by B: neither the city nor B (inside the city).
    make_matters(1, **acc, place=village_b, accused_unit=city, responsible_unit=township_b)
    # 3. Against the city's leader in person, handled by A: A counts it, not the leader.
    make_matters(1, **acc, place=village_a, accused_user=city_leader, responsible_unit=township_a)
    # 4. Not yet sent to a unit, registered by A's leader: only A's leader (and the
    # superuser) sees it; read from the facts (no unit in anyone's reach).
    make_matters(1, **acc, place=village_a, registered_by=township_leader)
    # 5. Handled by B, reviewed by A: A sees it through the review (outside A's reach
    # as a responsible unit, so from the facts).
    make_matters(1, **acc, place=village_a, responsible_unit=township_b, review_unit=township_a)
    # 6. Against a village of B, handled by B: B's leader counts it (the village is
    # below B, not above), the village's own member never.
    make_matters(1, **acc, place=village_b, accused_unit=village_b, responsible_unit=township_b)
    # 7. Against the petition office itself, not yet sent: it goes to the office's
    # territory's leadership (the city's), read from the facts.
    seventh = make_matters(1, **acc, place=village_a, office_accused=True)[0]
    root = django_user_model.objects.create_superuser("a-root", "", "x")
    # A reach that is not whole townships (A, and one village of B): read exactly.
    patchy = make_person("leader", township_a, village_b, username="a-patchy")
    villager = make_person("leader", village_b, username="a-villager")
    assert summaries.guard(patchy) is None
    assert summaries.guard(city_leader) is not None
    # The city is the whole tree: its volumes are read from the whole tree's rows.
    assert len(selectors.subtree(city)) == Unit.objects.count()
    year = (D(2025, 1, 1), D(2025, 12, 31))
    pairs = [
        (city_leader, city),
        (city_leader, township_a),
        (city_leader, township_b),
        (city_leader, village_b),
        (township_leader, township_a),
        (township_leader, village_a),
        (township_b_leader, township_b),
        (root, city),
        (root, township_a),
        (patchy, township_a),
        (villager, village_b),
    ]
    _compare(pairs, *year)
    for user, unit in pairs:
        _volumes_equal(user, unit, *year)
        seen = selectors.scope(user, unit, *year).count()
        assert summaries.gather(user, unit, *year).totals()["total"] == seen

    def total(user, unit):
        return summaries.gather(user, unit, *year).totals()["total"]

    # The city's leader reaches every unit: visibility's "a unit field among the
    # reached units" is then "set" (petitions.permissions), the same matters.

    fast = set(visible_petitions(city_leader).values_list("pk", flat=True))
    assert city_leader.__dict__["_xinfang_inside_ids"]["everywhere"] is True
    city_leader.__dict__["_xinfang_inside_ids"]["everywhere"] = False
    assert set(visible_petitions(city_leader).values_list("pk", flat=True)) == fast
    assert len(fast) == 9
    assert may_see(city_leader, seventh) and seventh.pk in fast
    assert not may_see(township_leader, seventh)

    assert total(city_leader, city) == 5 + 4  # 1, 5, 6, 7; not 2 (the city), 3 (him), 4
    assert total(township_leader, township_a) == 3 + 3  # 3, 4, 5; never 1
    assert total(township_b_leader, township_b) == 2 + 2  # 5, 6; not 2 (the city)
    assert total(villager, village_b) == 2  # not 6 (its own village), not 2 (not handled)
    assert total(root, city) == 12
    by_unit = _volumes_equal(city_leader, city, *year)["unit"]
    assert {r.key: r.count for r in by_unit} == {
        str(township_a.pk): 3,
        str(township_b.pk): 4,
        str(city.pk): 1,
        "none": 1,  # 7, not yet sent to a unit
    }


def test_the_migration_sums_the_summary_as_the_rebuild_does(make_matters, township_a, city):
    """analytics migration 0004 fills the facts' accused unit and sums the summary
    again from the facts: the same rows as a full recount."""

    make_matters(2, responsible_unit=township_a)
    make_matters(
        1, purpose="accusation", accusation=True, accused_unit=township_a, responsible_unit=city
    )
    summaries.drain()
    MatterFact.objects.update(accused=0)
    Summary.objects.all().delete()
    migration = importlib.import_module("xinfang.analytics.migrations.0004_summary_accusations")
    migration.resummarize(None, SimpleNamespace(connection=connection))
    assert MatterFact.objects.filter(accused=township_a.pk).count() == 1
    assert summaries.summary_rows() == summaries.recount()


def test_one_reading_of_the_exceptions_serves_the_year_before_and_the_days(
    make_matters,
    demo_tree,
    township_a,
    township_b,
    village_b,
    city,
    city_leader,
    township_leader,
    django_user_model,
):
    """The accusations the summary rows cannot know are read once per request for
    the period and the year before it, by day (summaries._accusation_exceptions):
    the year before, the hotspots' days and a sub-period read from that reading
    equal a fresh reading of each, and the category-only days of the hotspots do
    not stand in for the full volumes."""
    village_a = demo_tree["410481102001"]
    acc = {"purpose": "accusation", "accusation": True}
    for day in (D(2025, 2, 3), D(2025, 11, 20), D(2026, 2, 3), D(2026, 12, 1)):
        make_matters(1, **acc, received_on=day, place=village_a, registered_by=township_leader)
        make_matters(
            1,
            **acc,
            received_on=day,
            place=village_a,
            accused_unit=township_a,
            responsible_unit=city,
        )
        make_matters(
            1,
            **acc,
            received_on=day,
            place=village_b,
            accused_user=city_leader,
            responsible_unit=township_b,
        )
        make_matters(
            2, received_on=day, place=village_b, responsible_unit=township_b, channel="letter"
        )
    spans = [
        (D(2026, 1, 1), D(2026, 12, 31), False),
        (D(2025, 1, 1), D(2025, 12, 31), False),  # the year before: from the same reading
        (D(2026, 10, 30), D(2026, 12, 31), True),  # the hotspots' days
        (D(2025, 11, 1), D(2025, 11, 30), False),
    ]
    for username in (city_leader.username, township_leader.username):
        user = django_user_model.objects.get(username=username)  # one request's user
        for unit in (city, township_a):
            for start, end, by_day in spans:
                kept = summaries.gather(user, unit, start, end, by_day=by_day)
                fresh_user = django_user_model.objects.get(username=username)
                fresh = summaries.gather(fresh_user, unit, start, end, by_day=by_day)
                exact = summaries.gather(fresh_user, unit, start, end, exact=True)
                assert kept.totals() == fresh.totals() == exact.totals(), (username, start)
                assert dict(kept.core) == dict(fresh.core)
        memo = user.__dict__["_xinfang_analytics_exceptions"]
        assert memo, "the exceptions were read for the whole-township guard"
    # The hotspots read the categories by day only; the full volumes read after
    # them (same request, same days) are read again, not taken from those.
    user = django_user_model.objects.get(username=city_leader.username)
    days = summaries.gather(
        user, city, D(2026, 1, 1), D(2026, 12, 31), by_day=True, dims=("category",)
    )
    assert {dim for (_d, dim, _k) in days.dims} == {"category"}
    full = summaries.gather(user, city, D(2026, 1, 1), D(2026, 12, 31), by_day=True)
    assert {dim for (_d, dim, _k), n in full.dims.items() if n} >= {"category", "channel", "unit"}


def test_a_saved_matter_is_marked_and_counted_before_the_figures_are_read(
    make_matters, city, city_leader
):
    """A save marks the matter (no summary row is touched in its transaction); the
    next reading of the figures counts it first."""
    (p,) = make_matters(1, received_on=D(2025, 5, 5))
    assert list(StaleFact.objects.values_list("petition_id", flat=True)) == [p.pk]
    assert not MatterFact.objects.filter(pk=p.pk).exists()
    assert not Summary.objects.exists()
    may = (D(2025, 5, 1), D(2025, 5, 31))
    assert summaries.gather(city_leader, city, *may).totals()["total"] == 1
    assert not StaleFact.objects.exists()
    assert MatterFact.objects.filter(pk=p.pk).exists()
    # A change of the matter later is marked and counted the same way.
    Petition.objects.get(pk=p.pk).save()
    assert StaleFact.objects.count() == 1
    assert summaries.drain() == 1
    assert summaries.summary_rows() == summaries.recount()


def test_a_request_s_marks_are_worked_off_after_its_answer(make_matters, rf, settings):
    settings.ANALYTICS_DRAIN_SECONDS = 0  # (else: once a second a process)
    made = []

    def view(request):
        made.extend(make_matters(2, received_on=D(2025, 5, 5)))
        return HttpResponse("ok")

    response = AfterResponseMiddleware(view)(rf.get("/"))
    # The answer is made before the summaries are touched...
    assert StaleFact.objects.count() == 2
    assert not MatterFact.objects.exists()
    # ...and the server's close of the response (after its last byte) counts them
    # (as the test client does: the test's connection stays open).
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)
    assert not StaleFact.objects.exists()
    assert set(MatterFact.objects.values_list("pk", flat=True)) == {p.pk for p in made}
    assert summaries.summary_rows() == summaries.recount()


def test_the_summary_rows_move_once_for_several_matters(make_matters):
    """A drain of many marks moves each summary row in one statement (the rows of
    one day are shared by all the day's matters)."""
    make_matters(5, received_on=D(2025, 5, 5))

    with CaptureQueriesContext(connection) as ctx:
        assert summaries.drain() == 5
    upserts = [q for q in ctx.captured_queries if 'INTO "analytics_summary"' in q["sql"]]
    assert len(upserts) == 1
    assert summaries.summary_rows() == summaries.recount()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL only")
@pytest.mark.django_db(transaction=True)
def test_a_drain_leaves_the_marks_another_drain_holds(make_matters):
    """Two drains at once share the work (SKIP LOCKED), and a save of a matter
    whose mark a drain holds waits for it, so no change goes uncounted."""
    a, b = make_matters(2, received_on=D(2025, 5, 5))
    held = threading.Event()
    release = threading.Event()
    saved = []

    def other_drain():
        try:
            with transaction.atomic():
                StaleFact.objects.select_for_update().filter(pk=a.pk).get()
                held.set()
                release.wait(10)
        finally:
            connections.close_all()

    t = threading.Thread(target=other_drain)
    t.start()
    assert held.wait(10)
    try:
        assert summaries.drain() == 1  # b only: a is held
        assert list(StaleFact.objects.values_list("pk", flat=True)) == [a.pk]

        def save_a():
            try:
                with transaction.atomic():
                    summaries.mark([a.pk])
                saved.append(True)
            finally:
                connections.close_all()

        s = threading.Thread(target=save_a)
        s.start()
        s.join(0.5)
        assert not saved  # waits for the holder
    finally:
        release.set()
        t.join(10)
    s.join(10)
    assert saved
    assert summaries.drain() == 1
    assert summaries.summary_rows() == summaries.recount()


def test_the_drains_after_answers_are_at_most_one_a_second_a_process(make_matters, settings):
    settings.ANALYTICS_DRAIN_SECONDS = 0
    make_matters(1)
    assert summaries.drain_soon() == 1
    settings.ANALYTICS_DRAIN_SECONDS = 60
    make_matters(2)
    assert summaries.drain_soon() == 0
    assert StaleFact.objects.count() == 2  # left to the next drain, or to a reader:
    assert summaries.summary_rows() == summaries.recount()
    assert not StaleFact.objects.exists()
