"""The scripted walk of the issue through the API, under travelled time."""

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from xinfang.core.models import SecurityRecord
from xinfang.orgs.demo import CITY_RECEPTION
from xinfang.petitions.models import Category, Petition

VALID_ID = "11010519491231002X"


@pytest.fixture
def demo_clients(demo_tree, settings, api_for, make_person):
    """The demo users' phone apps, each logged in with its own token (and the city's
    head, who approves the reviewer's answers)."""
    users = {u.username: u for u in get_user_model().objects.all()}
    names = ("clerk", "dispatcher", "handler", "unit_head", "reviewer")
    clients = {name: api_for(users[name], password=settings.DEMO_PASSWORD) for name in names}
    clients["city_head"] = api_for(make_person("unit_head", demo_tree["410481"]))
    return clients


def test_the_statutory_walk_through_the_api(demo_clients, demo_tree, travel):
    c = demo_clients
    cat = Category.objects.get(code="0401")
    village = demo_tree["410481102001"]
    public = APIClient()

    travel("2026-09-16")
    units = public.get("/api/v1/public/units").json()
    assert units[0]["name"] == "舞钢市" and any(t["name"] == "八台镇" for t in units[0]["children"])
    body = {
        "purpose": "appeal",
        "category": cat.pk,
        "place": village.pk,
        "summary": "工地拖欠工资",
        "content": "某工地拖欠我工资两万元。",
        "petitioners": [{"name": "王大", "id_number": VALID_ID, "phone": "13812345678"}],
        "consent": True,
    }
    r = public.post("/api/v1/public/petitions", body, format="json", HTTP_IDEMPOTENCY_KEY="walk-1")
    assert r.status_code == 201, r.content
    online_code = r.json()["query_code"]
    again = public.post(
        "/api/v1/public/petitions", body, format="json", HTTP_IDEMPOTENCY_KEY="walk-1"
    )
    assert again.status_code == 200 and again.json()["query_code"] == online_code
    assert Petition.objects.count() == 1

    # The clerk registers a visit.
    r = c["clerk"].post(
        "/api/v1/petitions",
        {
            "channel": "visit",
            "purpose": "appeal",
            "category": cat.pk,
            "place": village.pk,
            "registering_unit": demo_tree[CITY_RECEPTION[0]].pk,
            "summary": "拖欠工资",
            "content": "拖欠工资三个月。",
            "petitioners": [
                {"name": "张三", "id_number": "410481199505050298", "phone": "13912345678"}
            ],
        },
        format="json",
    )
    assert r.status_code == 201, r.content
    m = r.json()
    pk, code = m["id"], m["query_code"]
    assert m["state"] == "registered" and m["due_date"] == "2026-10-08" and m["colour"] == "blue"

    def do(who, action, **fields):
        version = c[who].get(f"/api/v1/petitions/{pk}").json()["version"]  # as a client would
        resp = c[who].post(
            f"/api/v1/petitions/{pk}/actions/{action}",
            {**fields, "version": version},
            format="json",
        )
        assert resp.status_code == 200, (action, resp.status_code, resp.content)
        return resp.json()

    def sign_off(author, approver, **content):
        """签发 through the API: draft, submit, approve (another person), issue."""
        r = c[author].post(f"/api/v1/petitions/{pk}/drafts", content, format="json")
        assert r.status_code == 201, r.content
        d = r.json()
        url = f"/api/v1/petitions/{pk}/drafts/{d['id']}/actions"
        r = c[author].post(f"{url}/submit", {"version": d["version"]}, format="json")
        assert r.status_code == 200, r.content
        d = r.json()
        assert d["state"] == "submitted" and "approve" not in d["actions"]
        r = c[approver].post(f"{url}/approve", {"version": d["version"]}, format="json")
        assert r.status_code == 200 and r.json()["state"] == "approved", r.content
        r = c[author].post(f"{url}/issue", {"version": r.json()["version"]}, format="json")
        assert r.status_code == 200 and r.json()["state"] == "issued", r.content
        return c[author].get(f"/api/v1/petitions/{pk}").json()

    travel("2026-10-05")
    assert c["dispatcher"].get(f"/api/v1/petitions/{pk}").json()["colour"] == "yellow"
    m = do("dispatcher", "forward", responsible_unit=demo_tree["410481102"].pk)
    assert (
        m["state"] == "forwarded" and m["due_date"] == "2026-10-08"
    )  # the first working day after the holiday
    m = do("handler", "sign")
    assert m["state"] == "pending_acceptance" and m["due_date"] == "2026-10-20"
    travel("2026-10-12")
    m = do("handler", "accept")
    assert m["state"] == "accepted" and m["due_date"] == "2026-12-11"
    assert "accept" in [e["action"] for e in m["events"]]

    # Extension by the unit head; the handler may not (403 on a visible matter).
    r = c["handler"].post(
        f"/api/v1/petitions/{pk}/actions/extend",
        {"days": 30, "reason": "需调查", "version": m["version"]},
        format="json",
    )
    assert r.status_code == 403
    travel("2026-12-01")
    m = do("unit_head", "extend", days=30, reason="涉及多家单位，需要调查核实。")
    assert m["due_date"] == "2027-01-11" and m["due_provisional"] is True  # 10 Jan 2027 is a Sunday
    travel("2027-01-08")
    assert c["handler"].get(f"/api/v1/petitions/{pk}").json()["colour"] == "yellow"
    # No opinion goes out without the unit head's approval (签发).
    r = c["handler"].post(
        f"/api/v1/petitions/{pk}/actions/reply",
        {"outcome": "support", "text": "已支付。", "version": m["version"]},
        format="json",
    )
    assert r.status_code == 404
    m = sign_off(
        "handler",
        "unit_head",
        outcome="support",
        text="已责令用工单位十日内支付。",
        facts="经调查核实，情况属实。",
        legal_basis="《保障农民工工资支付条例》第三条",
    )
    assert m["state"] == "opinion_issued" and m["window_ends_on"] is None  # awaiting service
    m = do("handler", "record_service", method="direct", served_on="2027-01-08")
    # 30 days from service end on Sun 7 Feb 2027, in 春节 (除夕 5 Feb to 初三 8 Feb,
    # 6-7 Feb made up on 9-10 Feb): the window runs to 11 Feb.
    assert m["window_ends_on"] == "2027-02-11"

    # The petitioner evaluates and asks for review, with the query code only.
    track = public.get("/api/v1/public/matter", HTTP_X_QUERY_CODE=code.lower().replace("-", " "))
    assert track.status_code == 200
    t = track.json()
    assert t["may_evaluate"] and t["may_ask_review"] and "colour" not in t
    r = public.post(
        "/api/v1/public/matter/evaluation",
        {"unit_rating": "dissatisfied", "office_rating": "basically_satisfied"},
        format="json",
        HTTP_X_QUERY_CODE=code,
    )
    assert r.status_code == 201
    r = public.post(
        "/api/v1/public/matter/evaluation",
        {"unit_rating": "satisfied", "office_rating": "satisfied"},
        format="json",
        HTTP_X_QUERY_CODE=code,
    )
    assert r.status_code == 409
    travel("2027-01-20")
    r = public.post(
        "/api/v1/public/matter/review-request",
        {"reasons": "仍未支付"},
        format="json",
        HTTP_X_QUERY_CODE=code,
    )
    assert r.status_code == 201 and r.json()["state"] == "under_review"
    m = c["reviewer"].get(f"/api/v1/petitions/{pk}").json()
    assert m["review_unit"]["name"] == "舞钢市" and m["due_date"] == "2027-02-19"
    travel("2027-02-10")
    m = sign_off(
        "reviewer",
        "city_head",
        outcome="uphold",
        text="经复查，维持原意见。",
        facts="经调查核实，情况属实。",
        legal_basis="《保障农民工工资支付条例》第三条",
    )
    assert m["state"] == "review_issued"
    travel("2027-02-20")
    # The city is the top of the tree: re-review is for the organ above it, outside
    # this system, never the city again (信访工作条例 Art. 36).
    t = public.get("/api/v1/public/matter", HTTP_X_QUERY_CODE=code).json()
    assert t["next_organ"] == {"name": "平顶山市人民政府", "outside": True}
    r = public.post(
        "/api/v1/public/matter/review-request",
        {"reasons": "不服复查"},
        format="json",
        HTTP_X_QUERY_CODE=code,
    )
    assert r.status_code == 201 and r.json()["state"] == "concluded"
    assert r.json()["outside_organ"] == "平顶山市人民政府"
    m = c["reviewer"].get(f"/api/v1/petitions/{pk}").json()
    assert m["re_review_unit"] is None and "re_review_reply" not in m["actions"]

    # The public timeline never shows staff names or internal notes.
    t = public.get("/api/v1/public/matter", HTTP_X_QUERY_CODE=code).json()
    text = str(t)
    for secret in ("handler", "dispatcher", "reviewer", "张伟", "王建国"):
        assert secret not in text
    steps = [e["step"] for e in t["timeline"]]
    assert steps[:3] == ["register", "forward", "accept"] and "sign" not in steps


def test_the_schema_is_served(api_for, db):
    api = api_for()
    r = api.get("/api/v1/schema/")
    assert r.status_code == 200
    assert b"/api/v1/petitions/{id}/actions/{action}" in r.content


def test_a_token_needs_the_right_password_and_locks_after_five(api_for, demo_tree, settings):
    api = api_for()
    for _ in range(5):
        r = api.post(
            "/api/v1/auth/token", {"username": "clerk", "password": "wrong"}, format="json"
        )
        assert r.status_code in (400, 429)
    r = api.post(
        "/api/v1/auth/token",
        {"username": "clerk", "password": settings.DEMO_PASSWORD},
        format="json",
    )
    assert r.status_code == 429


def test_me_and_units(demo_tree, api_for, make_person, township_a, township_b):
    user = make_person("handler", township_a)
    api = api_for(user)
    me = api.get("/api/v1/me").json()
    assert me["memberships"][0]["role"] == "handler"
    tree = api.get("/api/v1/units").json()
    assert tree[0]["name"] == township_a.name
    assert township_b.name not in str(tree)


def test_bad_input_is_400_with_field_errors_and_never_500(demo_tree, api_for, category, village_a):
    api = api_for()
    r = api.post("/api/v1/public/petitions", {"purpose": "x"}, format="json")
    assert r.status_code == 400 and "errors" in r.json()
    body = {
        "purpose": "appeal",
        "category": category.pk,
        "place": village_a.pk,
        "summary": "s",
        "content": "c",
        "consent": True,
        "petitioners": [{"name": "a", "id_number": "123"}],
    }
    r = api.post("/api/v1/public/petitions", body, format="json")
    assert r.status_code == 400 and "petitioners[0].id_number" in r.json()["errors"]
    r = api.post("/api/v1/public/petitions", {**body, "petitioners": "not json"}, format="json")
    assert r.status_code == 400
    r = api.post(
        "/api/v1/public/petitions",
        {**body, "consent": False, "petitioners": [{"name": "a"}]},
        format="json",
    )
    assert r.status_code == 400 and "consent" in r.json()["errors"]
    r = api.post("/api/v1/public/petitions", "{not json", content_type="application/json")
    assert r.status_code == 400
    assert api.get("/api/v1/public/matter", HTTP_X_QUERY_CODE="nonsense").status_code == 404
    assert api.get("/api/v1/public/matter").status_code == 400  # no code sent
    assert Petition.objects.count() == 0


def test_worklist_filters_reject_bad_values(demo_tree, api_for, make_person, township_a):
    api = api_for(make_person("handler", township_a))
    assert api.get("/api/v1/petitions?colour=purple").status_code == 400
    assert api.get("/api/v1/petitions?date_from=yesterday").status_code == 400
    assert api.get("/api/v1/petitions?category=abc").status_code == 400
    r = api.get("/api/v1/petitions?colour=red")
    assert r.status_code == 200 and set(r.json()["colour_counts"]) == {
        "red",
        "yellow",
        "blue",
        "green",
    }


def test_an_unknown_action_is_404_and_an_invalid_one_409(people, register, travel, api_for):
    travel("2026-11-02")
    p = register()
    api = api_for(people["dispatcher"])
    v = {"version": p.version}
    assert api.post(f"/api/v1/petitions/{p.pk}/actions/fly", v, format="json").status_code == 404
    assert (
        api.post(f"/api/v1/petitions/{p.pk}/actions/conclude", v, format="json").status_code == 409
    )
    r = api.post(
        f"/api/v1/petitions/{p.pk}/actions/forward",
        {"responsible_unit": 999999, **v},
        format="json",
    )
    assert r.status_code == 400


def test_public_lookups_are_rate_limited(demo_tree, api_for, settings):
    api = api_for()
    from django.core.cache import cache

    cache.clear()
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "public_lookup": "3/minute",
        },
    }
    from rest_framework.settings import api_settings
    from rest_framework.throttling import SimpleRateThrottle

    api_settings.reload()
    SimpleRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
    try:
        codes = [
            api.get("/api/v1/public/matter", HTTP_X_QUERY_CODE="ABCDEFGHJKMNP").status_code
            for _ in range(4)
        ]
        assert codes[:3] == [404, 404, 404] and codes[3] == 429
        assert "detail" in api.get("/api/v1/public/matter").json()
    finally:
        settings.REST_FRAMEWORK = settings.REST_FRAMEWORK
        api_settings.reload()
        SimpleRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
        cache.clear()


def test_the_api_reveals_personal_data_on_the_record(people, register, travel, api_for):
    travel("2026-11-02")
    p = register()
    api = api_for(people["dispatcher"])
    detail = api.get(f"/api/v1/petitions/{p.pk}").json()
    person = detail["petitioners"][0]
    assert "*" in person["id_number"] and "*" in person["phone"]
    r = api.post(
        f"/api/v1/petitions/{p.pk}/reveal",
        {"petitioner": person["id"], "field": "id_number"},
        format="json",
    )
    assert r.json()["value"] == VALID_ID
    assert SecurityRecord.objects.filter(kind="pii_read", user=people["dispatcher"]).count() == 1
    # A supervisor may see the matter but not the personal data.
    r = api_for(people["supervisor"]).post(
        f"/api/v1/petitions/{p.pk}/reveal",
        {"petitioner": person["id"], "field": "phone"},
        format="json",
    )
    assert r.status_code == 403
