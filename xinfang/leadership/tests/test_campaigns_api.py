"""/api/v1/campaigns and /api/v1/bulletins: create with an Idempotency-Key, propose,
confirm, assign an owner, issue and fetch bulletins (JSON, PDF, .xlsx); 400, 403,
404, 409 and 428; the OpenAPI schema."""

import datetime as dt
import io

import openpyxl
import pytest

from xinfang.leadership.models import OwnershipPlan

from .campaigns_helpers import forward, office, the_matters, township_b_office

pytestmark = pytest.mark.django_db


def _body(**over):
    body = {
        "name": "2026年信访积案攻坚",
        "office": office().pk,
        "starts_on": "2026-10-26",
        "ends_on": "2026-12-31",
        "open_days": 90,
        "rule_repeat": True,
        "rule_group": True,
        "rule_cross_level": True,
    }
    body.update(over)
    return body


@pytest.fixture
def day(travel):
    travel("2026-10-26")


def test_it_creates_a_campaign_once_per_idempotency_key(api_for, people, day):
    api = api_for(people["supervisor"])
    r = api.post("/api/v1/campaigns", _body(), format="json", HTTP_IDEMPOTENCY_KEY="c-1")
    assert r.status_code == 201, r.content
    data = r.json()
    assert data["state"] == "draft" and data["bulletin_prefix"] == "舞信督"
    assert data["rules"]["combine"] == "any"
    assert data["events"][0]["action_label"] == "设立攻坚行动"
    assert data["actions"] == ["propose"]
    again = api.post("/api/v1/campaigns", _body(), format="json", HTTP_IDEMPOTENCY_KEY="c-1")
    assert again.status_code == 200 and again.json()["id"] == data["id"]
    assert again["Idempotent-Replayed"] == "true"
    other = api.post(
        "/api/v1/campaigns", _body(name="另一个"), format="json", HTTP_IDEMPOTENCY_KEY="c-1"
    )
    assert other.status_code == 409
    assert api.get("/api/v1/campaigns").json()["count"] == 1


def test_it_answers_400_403_404_409_428(api_for, people, day, demo_tree, make_person):
    sup = api_for(people["supervisor"])
    assert sup.post("/api/v1/campaigns", {}, format="json").status_code == 400
    r = sup.post(
        "/api/v1/campaigns",
        _body(open_days=None, rule_repeat=False, rule_group=False, rule_cross_level=False),
        format="json",
    )
    assert r.status_code == 400 and "open_days" in r.json()["errors"]
    assert (
        api_for(people["leader"]).post("/api/v1/campaigns", _body(), format="json").status_code
        == 403
    )
    outsider = make_person("supervisor", demo_tree["410481101"], username="t-api-out")
    out = api_for(outsider)
    assert out.post("/api/v1/campaigns", _body(), format="json").status_code == 404
    pk = sup.post("/api/v1/campaigns", _body(), format="json").json()["id"]
    assert out.get(f"/api/v1/campaigns/{pk}").status_code == 404
    assert out.post(f"/api/v1/campaigns/{pk}/propose", {"version": 1}).status_code == 404
    assert sup.post(f"/api/v1/campaigns/{pk}/propose", {}, format="json").status_code == 428
    assert sup.post(f"/api/v1/campaigns/{pk}/nothing", {"version": 1}).status_code == 404
    r = sup.post(
        f"/api/v1/campaigns/{pk}/confirm",
        {"version": 1, "keep": [], "confirmed": True},
        format="json",
    )
    assert r.status_code == 409  # a draft has no list to confirm
    leader = api_for(people["leader"])
    assert leader.get(f"/api/v1/campaigns/{pk}").json()["actions"] == []
    assert (
        leader.post(f"/api/v1/campaigns/{pk}/propose", {"version": 1}, format="json").status_code
        == 403
    )
    assert (
        sup.post(f"/api/v1/campaigns/{pk}/propose", {"version": 7}, format="json").status_code
        == 409
    )


def test_the_whole_campaign_through_the_api(api_for, people, register, travel, demo_tree):
    travel("2026-10-26")
    m = the_matters(register, received_long_ago=dt.date(2026, 6, 1))
    forward(people["dispatcher"], m["long_open"], demo_tree["410481102"])
    api = api_for(people["supervisor"])
    c = api.post("/api/v1/campaigns", _body(), format="json").json()
    c = api.post(f"/api/v1/campaigns/{c['id']}/propose", {"version": c["version"]}).json()
    assert c["state"] == "proposed" and len(c["matters"]) == 4
    by_number = {x["petition"]["number"]: x for x in c["matters"]}
    keep = [x["id"] for x in c["matters"] if x["petition"]["id"] != m["cross_level"].pk]
    r = api.post(
        f"/api/v1/campaigns/{c['id']}/confirm",
        {"version": c["version"], "keep": keep, "confirmed": True},
        format="json",
    )
    assert r.status_code == 200, r.content
    c = r.json()
    assert c["state"] == "running"
    assert by_number[m["cross_level"].number]["id"] not in [
        x["id"] for x in c["matters"] if x["status"] == "kept"
    ]
    target = next(x for x in c["matters"] if x["petition"]["id"] == m["long_open"].pk)
    r = api.post(
        f"/api/v1/campaigns/{c['id']}/assign",
        {
            "version": c["version"],
            "matter": target["id"],
            "owner": people["leader"].pk,
            "unit": demo_tree["410481102"].pk,
            "person": "王主任",
            "measures": "约见信访人",
            "standard": "签字息诉",
            "target_date": "2026-11-30",
        },
        format="json",
    )
    assert r.status_code == 200, r.content
    c = r.json()
    plan = OwnershipPlan.objects.get(petition=m["long_open"])
    listed = next(x for x in c["matters"] if x["id"] == target["id"])
    assert listed["plan"]["id"] == plan.pk
    travel("2026-11-04")
    r = api.post(
        f"/api/v1/campaigns/{c['id']}/bulletins",
        {"version": c["version"], "year": 2026, "week": 45},
        format="json",
    )
    assert r.status_code == 201, r.content
    b = r.json()
    assert b["number"] == "舞信督〔2026〕1号"
    assert b["figures"]["totals"]["listed"] == 3 and b["figures"]["totals"]["owned"] == 1
    again = api.post(
        f"/api/v1/campaigns/{c['id']}/bulletins",
        {"version": c["version"] + 1, "year": 2026, "week": 45},
        format="json",
    )
    assert again.status_code == 409
    assert [
        x["number"] for x in api.get(f"/api/v1/campaigns/{c['id']}/bulletins").json()["results"]
    ] == ["舞信督〔2026〕1号"]
    assert api.get(f"/api/v1/bulletins/{b['id']}").json()["figures"] == b["figures"]
    xlsx = api.get(f"/api/v1/bulletins/{b['id']}/xlsx")
    assert xlsx.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert wb.worksheets[0].cell(row=2, column=1).value == "舞信督〔2026〕1号"
    assert len(wb.worksheets) == 2


def test_another_townships_users_get_404_for_its_campaigns_and_bulletins(
    api_for, people, register, travel, demo_tree, make_person
):
    """A campaign of 枣林镇's office: 八台镇's handler and supervisor and the city's
    office see nothing of it."""
    travel("2026-10-26")
    b_office = township_b_office(demo_tree)
    b_sup = make_person("supervisor", b_office, username="t-b-sup")
    register(
        summary="枣林镇的重复信访",
        place=demo_tree["410481101001"],
        flags={"repeat": True, "cross_level": False},
    )
    api = api_for(b_sup)
    c = api.post("/api/v1/campaigns", _body(office=b_office.pk), format="json").json()
    c = api.post(f"/api/v1/campaigns/{c['id']}/propose", {"version": 1}).json()
    c = api.post(
        f"/api/v1/campaigns/{c['id']}/confirm",
        {"version": c["version"], "keep": [x["id"] for x in c["matters"]], "confirmed": True},
        format="json",
    ).json()
    b = api.post(
        f"/api/v1/campaigns/{c['id']}/bulletins",
        {"version": c["version"], "year": 2026, "week": 44},
        format="json",
    ).json()
    a_sup = make_person("supervisor", demo_tree["410481102"], username="t-a-sup")
    for user in (people["handler"], a_sup, people["supervisor"]):
        other = api_for(user)
        assert other.get(f"/api/v1/campaigns/{c['id']}").status_code == 404
        assert other.get(f"/api/v1/campaigns/{c['id']}/bulletins").status_code == 404
        assert other.get(f"/api/v1/bulletins/{b['id']}").status_code == 404
        assert other.get(f"/api/v1/bulletins/{b['id']}/pdf").status_code == 404
        assert other.get(f"/api/v1/bulletins/{b['id']}/xlsx").status_code == 404
        assert other.get("/api/v1/campaigns").json()["count"] == 0
    assert api_for(None).get(f"/api/v1/campaigns/{c['id']}").status_code in (401, 403)


def test_the_schema_holds_the_campaign_operations(api_for, db):
    schema = api_for().get("/api/v1/schema/?format=json").json()
    paths = schema["paths"]
    for path in (
        "/api/v1/campaigns",
        "/api/v1/campaigns/{id}",
        "/api/v1/campaigns/{id}/{action}",
        "/api/v1/campaigns/{id}/bulletins",
        "/api/v1/bulletins/{id}",
        "/api/v1/bulletins/{id}/pdf",
        "/api/v1/bulletins/{id}/xlsx",
    ):
        assert path in paths, path
    create = paths["/api/v1/campaigns"]["post"]
    assert any(p["name"] == "Idempotency-Key" for p in create["parameters"])
    assert {"400", "403", "404", "409"} <= set(
        paths["/api/v1/campaigns/{id}/{action}"]["post"]["responses"]
    )
