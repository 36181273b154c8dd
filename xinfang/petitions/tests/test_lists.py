"""Worklists that mean "mine", search, and four colours that mean something
(issue 11: acceptance item 3; DOMAIN.md sections 4 and 5)."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from xinfang.core import calendar
from xinfang.core.compiled import KeptStatements
from xinfang.core.exceptions import PermissionDenied
from xinfang.core.models import SecurityRecord
from xinfang.orgs.demo import PETITION_OFFICE
from xinfang.orgs.models import Membership, Unit, UnitKind
from xinfang.petitions import forms, registry, selectors, services
from xinfang.petitions.models import Category, Notification, OfficeColourSettings, Petition, State

from .fixtures import TODAY, VALID_ID_2, answer, unit

D = dt.date
CITY = "410481"
TOWNSHIP_A = "410481102"
TOWNSHIP_B = "410481101"


def act(actor, p, action, **fields):
    return services.petition_act(actor=actor, petition_id=p.pk, action=action, **fields)


def numbers(qs):
    return set(qs.values_list("number", flat=True))


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def day(people, register, travel):
    """A day's matters: one at each step, in both townships and at the city."""
    travel(TODAY)
    d = people["dispatcher"]
    m = {"registered": register(summary="新登记")}
    m["forwarded_a"] = act(
        d, register(summary="转八台"), "forward", responsible_unit=unit(TOWNSHIP_A)
    )
    m["forwarded_b"] = act(
        d,
        register(summary="转枣林"),
        "forward",
        responsible_unit=unit(TOWNSHIP_B),
        reason="问题实际发生在枣林镇。",
    )
    p = act(d, register(summary="待复查"), "forward", responsible_unit=unit(TOWNSHIP_A))
    act(people["handler"], p, "sign")
    act(people["handler"], p, "accept")
    answer(
        people["handler"],
        p,
        "reply",
        outcome="reject",
        text="经调查，诉求缺乏依据。",
        facts="经调查核实，情况属实。",
        legal_basis="《保障农民工工资支付条例》第三条",
    )
    p = act(people["handler"], p, "record_service", method="direct", served_on=D(2026, 11, 2))
    m["under_review"] = services.petition_request_review(query_code=p.query_code, reasons="不服。")
    assert m["under_review"].state == State.UNDER_REVIEW
    assert m["under_review"].review_unit == unit(CITY)
    return m


# --- acceptance item 3: 待办 means "mine" -------------------------------------------


def test_the_reviewers_worklist_holds_only_reviews(people, day, as_user):
    mine = selectors.worklist(user=people["reviewer"])
    assert numbers(mine) == {day["under_review"].number}

    page = as_user(people["reviewer"]).get(reverse("petitions:worklist")).content.decode()
    assert day["under_review"].number in page
    for other in ("registered", "forwarded_a", "forwarded_b"):
        assert day[other].number not in page


def test_a_township_handlers_worklist_holds_only_their_townships_matters(people, day, as_user):
    assert numbers(selectors.worklist(user=people["handler"])) == {day["forwarded_a"].number}
    assert numbers(selectors.worklist(user=people["handler_b"])) == {day["forwarded_b"].number}

    page = as_user(people["handler"]).get(reverse("petitions:worklist")).content.decode()
    assert day["forwarded_a"].number in page and day["forwarded_b"].number not in page
    assert day["under_review"].number not in page


def test_all_i_can_see_is_one_click_away(people, day, as_user):
    client = as_user(people["reviewer"])
    page = client.get(reverse("petitions:worklist")).content.decode()
    assert 'href="?scope=all"' in page

    everything = client.get(reverse("petitions:worklist"), {"scope": "all"}).content.decode()
    for key in ("registered", "forwarded_a", "forwarded_b", "under_review"):
        assert day[key].number in everything


def test_the_dispatcher_has_new_matters_and_returns_not_the_units_work(people, day):
    assert numbers(selectors.worklist(user=people["dispatcher"])) == {day["registered"].number}
    returned = act(people["handler"], day["forwarded_a"], "return", reason="非本镇职权范围。")
    assert returned.number in numbers(selectors.worklist(user=people["dispatcher"]))
    # While the objection waits for the office, the unit has nothing to sign.
    assert returned.number not in numbers(selectors.worklist(user=people["handler"]))


def test_the_supervisor_has_red_and_listed_matters_and_the_leader_owned_ones(people, day):
    assert numbers(selectors.worklist(user=people["supervisor"])) == set()
    act(people["supervisor"], day["forwarded_b"], "list", colour="blue")
    act(people["leader"], day["registered"], "own", plan="一案一策：先约访。")
    assert numbers(selectors.worklist(user=people["supervisor"])) == {day["forwarded_b"].number}
    assert numbers(selectors.worklist(user=people["leader"])) == {day["registered"].number}


def test_the_unit_head_has_the_appeals_whose_60_days_run_out(people, day, travel):
    p = act(people["handler"], day["forwarded_a"], "sign")
    p = act(people["handler"], p, "accept")
    assert p.number not in numbers(selectors.worklist(user=people["unit_head"]))
    travel(str(p.due_date - dt.timedelta(days=2)))
    assert numbers(selectors.worklist(user=people["unit_head"])) == {p.number}
    p = act(people["unit_head"], p, "extend", days=30, reason="案情复杂，需进一步调查。")
    assert p.number not in numbers(selectors.worklist(user=people["unit_head"]))


def test_a_role_tab_shows_what_waits_in_that_role_only(
    people, day, make_person, demo_tree, as_user
):
    both = make_person("handler", demo_tree[TOWNSHIP_A], username="t-two-roles")
    Membership.objects.create(user=both, unit=demo_tree[PETITION_OFFICE[0]], role="dispatcher")
    assert numbers(selectors.worklist(user=both)) == {
        day["registered"].number,
        day["forwarded_a"].number,
    }
    assert numbers(selectors.worklist(user=both, role="dispatcher")) == {day["registered"].number}
    page = as_user(both).get(reverse("petitions:worklist"), {"role": "handler"}).content.decode()
    assert day["forwarded_a"].number in page and day["registered"].number not in page


def test_worklist_sources_add_their_rows_to_the_worklist_and_the_start_page(people, day, as_user):
    """The hook the sign-off drafts use (registry.WORKLIST_SOURCES)."""

    def drafts(user):
        if user != people["unit_head"]:
            return []
        p = day["forwarded_a"]
        return [{"url": f"/petitions/{p.pk}/", "title": "处理意见书草稿待审批", "number": p.number}]

    registry.WORKLIST_SOURCES.register(drafts, key="test-drafts")
    try:
        client = as_user(people["unit_head"])
        page = client.get(reverse("petitions:worklist")).content.decode()
        assert "处理意见书草稿待审批" in page
        start = client.get(reverse("start_role", args=["unit_head"])).content.decode()
        assert re.search(r"<th>[^<]*</th><td>1</td>", start)
        other = as_user(people["handler"]).get(reverse("petitions:worklist")).content.decode()
        assert "处理意见书草稿待审批" not in other
    finally:
        registry.WORKLIST_SOURCES._items.pop("test-drafts")


@pytest.mark.parametrize("query", [{"scope": "all"}, {"role": "handler"}])
def test_the_worklist_tabs_make_as_many_queries_for_30_matters_as_for_3(
    people, as_user, register, travel, django_assert_max_num_queries, query
):
    travel(TODAY)
    client = as_user(people["handler"])

    def forwarded():
        p = register()
        act(people["dispatcher"], p, "forward", responsible_unit=unit(TOWNSHIP_A))

    for _ in range(3):
        forwarded()
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("petitions:worklist"), query).status_code == 200
    for _ in range(27):
        forwarded()
    with django_assert_max_num_queries(len(few)):
        page = client.get(reverse("petitions:worklist"), query).content.decode()
    assert page.count('class="badge badge-') == 25


# --- search -------------------------------------------------------------------------


def test_search_finds_a_matter_by_name_content_and_for_the_allowed_by_id_number(
    people, register, travel, make_person, demo_tree
):
    travel(TODAY)
    p = register(
        summary="道路破损",
        content="村口道路塌陷，雨天积水严重。",
        petitioners=[{"name": "欧阳明", "id_number": VALID_ID_2, "phone": ""}],
    )
    register()
    d = people["dispatcher"]

    def found(user, term):
        return numbers(selectors.petition_list(user=user, filters={"q": term}))

    assert found(d, "欧阳") == {p.number}
    assert found(d, "塌陷") == {p.number}
    assert found(d, p.number[-6:]) == {p.number}
    assert found(d, VALID_ID_2) == {p.number}
    analyst = make_person("analyst", demo_tree[CITY], username="t-analyst")
    assert found(analyst, "塌陷") == {p.number}
    assert found(analyst, VALID_ID_2) == set()  # no role that reads personal data


def test_a_search_by_id_number_is_on_the_security_record(people, register, travel, as_user):
    travel(TODAY)
    register()
    client = as_user(people["dispatcher"])
    client.get(reverse("petitions:worklist"), {"scope": "all", "q": "欧阳"})
    assert not SecurityRecord.objects.filter(target="petitions:search:id_number").exists()
    client.get(reverse("petitions:worklist"), {"scope": "all", "q": VALID_ID_2})
    record = SecurityRecord.objects.get(target="petitions:search:id_number")
    assert record.user == people["dispatcher"] and record.kind == "pii_read"


def test_a_name_never_finds_an_accusation_whose_accuser_the_user_may_not_know(
    people, register, travel, category
):
    travel(TODAY)
    p = register(
        purpose="accusation",
        category=Category.objects.get(code="1201"),
        summary="检举某站所",
        petitioners=[{"name": "钱多多", "id_number": "", "phone": ""}],
    )
    act(people["dispatcher"], p, "forward", responsible_unit=unit(TOWNSHIP_A))
    assert numbers(selectors.petition_list(user=people["dispatcher"], filters={"q": "钱多多"}))
    # The handling unit sees the matter, not who the accuser is (Art. 30).
    assert numbers(selectors.petition_list(user=people["handler"], filters={"q": "检举"}))
    assert not numbers(selectors.petition_list(user=people["handler"], filters={"q": "钱多多"}))


# --- four colours -----------------------------------------------------------------------


def test_a_forwarded_matter_is_not_coloured_by_the_sign_clock_unless_the_office_says(
    people, day, travel, as_user
):
    p = day["forwarded_a"]
    assert p.clock == "sign" and not p.clock_colours and p.yellow_from is None
    travel("2026-11-06")  # the one working day to sign is long over
    assert selectors.colour_of(p) == "blue"
    assert services.petitions_tick()["red"] == 0

    client = as_user(people["supervisor"])
    page = client.get(reverse("petitions:colour_settings"))
    assert page.status_code == 200
    response = client.post(
        reverse("petitions:colour_settings"),
        {
            "office": unit(PETITION_OFFICE[0]).pk,
            "clocks": ["forward", "sign", "accept", "handle", "review", "re_review"],
            "yellow_days": "3",
            "yellow_percent": "20",
        },
    )
    assert response.status_code == 302
    assert OfficeColourSettings.objects.get(office=unit(PETITION_OFFICE[0])).colour_sign
    p.refresh_from_db()
    assert p.clock_colours
    assert selectors.colour_of(p) == "red"
    red = selectors.petition_list(user=people["dispatcher"], filters={"colour": "red"})
    assert p.number in numbers(red)


def test_the_office_sets_when_yellow_begins(people, day, travel):
    p = act(people["handler"], day["forwarded_a"], "sign")
    p = act(people["handler"], p, "accept")
    assert p.yellow_from == calendar.yellow_from(p.clock_started_on, p.due_date)
    services.office_colour_settings_update(
        actor=people["dispatcher"],
        office=unit(PETITION_OFFICE[0]),
        clocks=["forward", "accept", "handle", "review", "re_review"],
        yellow_days=5,
        yellow_percent=0,
    )
    p.refresh_from_db()
    assert p.yellow_from == p.due_date - dt.timedelta(days=5)
    # A matter whose clock starts later reads the settings too.
    q = act(people["handler_b"], day["forwarded_b"], "sign")
    assert q.yellow_from == q.due_date - dt.timedelta(days=5)


def test_only_the_offices_supervisor_or_dispatcher_sets_the_colours(people, as_user):
    assert as_user(people["handler"]).get(reverse("petitions:colour_settings")).status_code == 403
    with pytest.raises(PermissionDenied):
        services.office_colour_settings_update(
            actor=people["handler"],
            office=unit(PETITION_OFFICE[0]),
            clocks=["sign"],
            yellow_days=3,
            yellow_percent=20,
        )


def test_red_notices_reach_the_dispatcher_and_the_responsible_unit(people, day, travel):
    p = act(people["handler"], day["forwarded_a"], "sign")
    travel(str(p.due_date + dt.timedelta(days=1)))
    assert services.petitions_tick()["red"] >= 1
    told = set(
        Notification.objects.filter(petition=p, kind="red").values_list("user__username", flat=True)
    )
    assert {"t-supervisor", "t-dispatcher", "t-handler", "t-head"} <= told
    assert "t-handler-b" not in told


def test_the_board_explains_green_and_listing_offers_every_colour(people, day, as_user):
    client = as_user(people["supervisor"])
    page = client.get(reverse("petitions:supervision")).content.decode()
    assert "scope=all&amp;colour=green" in page  # green: concluded, in the concluded list
    # Listing is done where its record, chases and letters are kept (supervision).
    link = re.search(r'href="(/supervision/matters/\d+/)"', page).group(1)
    form = client.get(link, follow=True).content.decode()
    options = re.findall(r'<option value="(\w*)"', form.split('name="colour"', 1)[1])
    assert {"red", "yellow", "blue"} <= set(options)


# --- start pages ----------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["leader", "analyst"])
def test_the_leader_and_the_analyst_have_a_real_start_page(
    people, day, as_user, make_person, demo_tree, persona
):
    user = people.get(persona) or make_person(persona, demo_tree[CITY], username="t-analyst")
    act(people["supervisor"], day["forwarded_b"], "list", colour="red")
    page = as_user(user).get(reverse("start_role", args=[persona])).content.decode()
    assert re.search(r"红[^<]*</th><td>1</td>", page)
    assert "scope=all&amp;colour=red" in page


def test_the_kept_blank_filter_box_is_the_fresh_one_and_follows_a_new_unit(people, day, as_user):
    """The worklist's blank filter box is rendered once per set of units (views
    lists._blank_filters): the same HTML as the form renders, and a unit added
    to the tree is offered at once (core.memo forgets on the unit's save)."""
    client = as_user(people["dispatcher"])
    page = client.get(reverse("petitions:worklist")).content.decode()
    fresh = render_to_string(
        "petitions/_filters.html",
        {
            "filter_form": forms.ListFilterForm(None, user=people["dispatcher"]),
            "filtered": False,
            "scope_all": False,
            "role": None,
        },
    )
    assert fresh in page
    city = Unit.objects.get(code=CITY)
    Unit.objects.create(code="410481199", name="新设镇", kind=UnitKind.TERRITORIAL, parent=city)
    page = client.get(reverse("petitions:worklist")).content.decode()
    assert "新设镇" in page
    # With a filter, the box is the bound form (the value kept, not the blank box).
    page = client.get(reverse("petitions:worklist"), {"q": "王五"}).content.decode()
    assert 'value="王五"' in page


@pytest.mark.parametrize(
    "who,query",
    [
        ("dispatcher", {}),
        ("handler", {}),
        ("reviewer", {}),
        ("dispatcher", {"scope": "all"}),
        ("handler", {"scope": "all", "page": "1"}),
    ],
)
def test_the_kept_list_statements_give_the_rows_and_counts_the_orm_gives(
    people, day, as_user, who, query
):
    """The unfiltered list's two statements are kept by what they are built from
    (views.lists.KEPT): the same rows in the same order, and the same counts, as
    the list built afresh; a second visit builds nothing (no statement runs
    while building it) and still gives the same."""
    user = people[who]
    client = as_user(user)
    fresh = (
        selectors.petition_list(user=user, today=calendar.today())
        if query.get("scope")
        else selectors.worklist(user=user, today=calendar.today())
    )
    expected = [p.number for p in fresh[:25]]
    counts = selectors.colour_counts(fresh, calendar.today())
    for _visit in range(2):
        page = client.get(reverse("petitions:worklist"), query)
        assert page.status_code == 200
        rows = [p.number for p in page.context["page"].object_list]
        assert rows == expected
        chips = {c["colour"]: c["count"] for c in page.context["chips"] if c["colour"]}
        for colour in ("red", "yellow", "blue"):
            assert chips[colour] == counts[colour]


def test_a_kept_list_follows_a_membership_and_the_unit_tree(people, day, as_user):
    """The key holds the memberships, and core.memo's generation the unit tree:
    a handler given a second township sees its matters at once."""
    handler = people["handler"]
    client = as_user(handler)
    page = client.get(reverse("petitions:worklist")).content.decode()
    assert day["forwarded_b"].number not in page
    Membership.objects.create(user=handler, unit=unit(TOWNSHIP_B), role="handler")
    page = client.get(reverse("petitions:worklist")).content.decode()
    assert day["forwarded_a"].number in page and day["forwarded_b"].number in page


def test_a_statement_whose_build_read_the_database_is_not_kept(db):
    kept = KeptStatements()
    built = []

    def reads():
        built.append(1)
        ids = list(Category.objects.values_list("pk", flat=True))  # an input outside the key
        return Petition.objects.filter(category__in=ids).values_list("pk", flat=True)

    def pure():
        built.append(1)
        return Petition.objects.filter(pk__gt=0).values_list("pk", flat=True)

    assert kept.rows(("r",), reads) == kept.rows(("r",), reads) == []
    assert len(built) == 2  # built again: not kept
    built.clear()
    kept.rows(("p",), pure)
    kept.rows(("p",), pure)
    assert len(built) == 1
    # Nothing to select: no statement at all.
    assert kept.rows(("n",), lambda: Petition.objects.filter(pk__in=[])) == []
