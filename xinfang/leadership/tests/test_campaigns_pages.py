"""The campaign pages: set up, propose, confirm (keeping and dropping in one step),
assign an owner with the plan's fields, issue a bulletin; others get 404."""

import datetime as dt

import pytest

from xinfang.leadership.models import Bulletin, Campaign, CampaignMatter, OwnershipPlan

from .campaigns_helpers import forward, office, the_matters, township_b_office

pytestmark = pytest.mark.django_db


@pytest.fixture
def matters(travel, register, people, demo_tree):
    travel("2026-10-26")
    m = the_matters(register, received_long_ago=dt.date(2026, 6, 1))
    forward(people["dispatcher"], m["long_open"], demo_tree["410481102"])
    return m


def _set_up(client, key="k-2026-1"):
    return client.post(
        "/leadership/campaigns/new/",
        {
            "idempotency_key": key,
            "name": "2026年信访积案攻坚",
            "office": office().pk,
            "starts_on": "2026-10-26",
            "ends_on": "2026-12-31",
            "open_days": "90",
            "rule_repeat": "on",
            "rule_group": "on",
        },
    )


def test_a_double_submit_sets_up_one_campaign(client, people, matters):
    client.force_login(people["supervisor"])
    first, again = _set_up(client), _set_up(client)
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"] and Campaign.objects.count() == 1
    # The same token with other content is not a resend: refused, nothing made.
    other = client.post(
        "/leadership/campaigns/new/",
        {"idempotency_key": "k-2026-1", "name": "另一场攻坚", "office": office().pk,
         "starts_on": "2026-10-26", "ends_on": "2026-12-31", "rule_repeat": "on"},
    )  # fmt: skip
    assert other.status_code == 409 and Campaign.objects.count() == 1


def test_the_office_runs_a_campaign_from_its_pages(client, people, matters, demo_tree):
    client.force_login(people["supervisor"])
    assert client.get("/leadership/campaigns/").status_code == 200
    assert client.get("/leadership/campaigns/new/").status_code == 200
    r = _set_up(client)
    assert r.status_code == 302
    c = Campaign.objects.get()
    url = f"/leadership/campaigns/{c.pk}/"
    assert client.post(url + "propose/", {"version": 1}).status_code == 302
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert matters["repeat"].number in html and matters["cross_level"].number not in html
    proposed = {m.petition_id: m.pk for m in CampaignMatter.objects.filter(campaign=c)}
    assert set(proposed) == {matters["long_open"].pk, matters["repeat"].pk, matters["group"].pk}
    # Without the tick nothing changes (400, the list again).
    keep = [proposed[matters["long_open"].pk], proposed[matters["group"].pk]]
    r = client.post(url + "confirm/", {"version": 2, "confirm-keep": keep})
    assert r.status_code == 400
    r = client.post(
        url + "confirm/", {"version": 2, "confirm-keep": keep, "confirm-confirmed": "on"}
    )
    assert r.status_code == 302
    c.refresh_from_db()
    assert c.state == "running"
    assert dict(CampaignMatter.objects.filter(campaign=c).values_list("petition_id", "status")) == {
        matters["long_open"].pk: "kept",
        matters["group"].pk: "kept",
        matters["repeat"].pk: "dropped",
    }
    html = client.get(url).content.decode()
    assert "确定包案领导" in html or "Assign an owner" in html
    assign = f"{url}matters/{proposed[matters['long_open'].pk]}/assign/"
    assert client.get(assign).status_code == 200
    r = client.post(
        assign,
        {
            "version": c.version,
            "owner": people["leader"].pk,
            "unit": demo_tree["410481102"].pk,
            "person": "王主任",
            "measures": "约见信访人",
            "standard": "签字息诉",
            "target_date": "2026-11-30",
        },
    )
    assert r.status_code == 302, r.content.decode()[:500]
    plan = OwnershipPlan.objects.get(petition=matters["long_open"])
    assert CampaignMatter.objects.get(pk=proposed[matters["long_open"].pk]).plan == plan
    c.refresh_from_db()
    r = client.post(
        url + "issue_bulletin/",
        {"version": c.version, "issue_bulletin-year": 2026, "issue_bulletin-week": 44},
    )
    assert r.status_code == 302
    b = Bulletin.objects.get(campaign=c)
    assert b.number in client.get(url).content.decode()
    assert client.get(f"/leadership/bulletins/{b.pk}/").status_code == 200


def test_a_stale_version_is_a_409_on_the_page(client, people, matters):
    client.force_login(people["supervisor"])
    _set_up(client)
    c = Campaign.objects.get()
    r = client.post(f"/leadership/campaigns/{c.pk}/propose/", {"version": 5})
    assert r.status_code == 409


def test_others_get_404_and_readers_no_buttons(client, people, matters, demo_tree, make_person):
    client.force_login(people["supervisor"])
    _set_up(client)
    c = Campaign.objects.get()
    # The leader reads it, without the office's buttons.
    client.force_login(people["leader"])
    html = client.get(f"/leadership/campaigns/{c.pk}/").content.decode()
    assert c.name in html and "/propose/" not in html
    assert client.post(f"/leadership/campaigns/{c.pk}/propose/", {"version": 1}).status_code == 403
    assert client.get("/leadership/campaigns/new/").status_code == 403
    # Another township's users: nothing.
    b_sup = make_person("supervisor", township_b_office(demo_tree), username="t-pg-b")
    for user in (people["handler_b"], b_sup, people["handler"]):
        client.force_login(user)
        assert client.get(f"/leadership/campaigns/{c.pk}/").status_code == 404
        assert client.post(f"/leadership/campaigns/{c.pk}/propose/", {}).status_code == 404
        assert c.name not in client.get("/leadership/campaigns/").content.decode()
