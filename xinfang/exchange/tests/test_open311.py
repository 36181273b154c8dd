"""Open311 GeoReport v2 (issue 15): a third-party client from PyPI (georeport)
lists the services, reads a definition, lists and reads the requests, in JSON and
in XML, against a real server; a request is posted as Open311 clients post it
(form-encoded, api_key), idempotently; nothing unpublished, and never an
accusation, is listed; bad input gets GeoReport's error list."""

import pytest
import requests
from django.core.management import call_command
from georeport import GeoReport

from xinfang.exchange.models import Open311Client, Open311Request
from xinfang.orgs.models import Unit
from xinfang.petitions.categories import seed_categories
from xinfang.petitions.models import Category, Petition, Purpose

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def server(live_server):
    call_command("seed_demo", allow_production=True, verbosity=0)
    seed_categories(Category)  # a transactional test starts from empty tables
    return live_server.url + "/open311/v2"


@pytest.fixture
def api_key():
    _client, key = Open311Client.create_with_key("武冈市民app", rate="1000/minute")
    return key


def post(server, api_key, fmt="json", **over):
    data = {
        "api_key": api_key,
        "service_code": "0401",
        "lat": "26.726",
        "long": "110.631",
        "address_string": "尚店镇某工地",
        "first_name": "三",
        "last_name": "张",
        "phone": "13812345678",
        "description": "某公司拖欠我们工资三个月，多次讨要未果。",
        "attribute[place]": str(Unit.objects.get(code="410481102001").pk),
        "attribute[purpose]": "appeal",
        "attribute[consent]": "yes",
        "attribute[publish]": "yes",
        "attribute[summary]": "拖欠工资三个月",
    }
    data.update(over)
    return requests.post(f"{server}/requests.{fmt}", data=data, timeout=60)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_client_lists_services_posts_a_request_and_reads_it_back(server, api_key, fmt):
    client = GeoReport(server, output_format=fmt)
    services = client.get_service_list()
    codes = {s["service_code"]: s for s in services}
    assert codes["0401"]["service_name"] == Category.objects.get(code="0401").name
    assert codes["0401"]["metadata"] in (True, "true")
    definition = client.get_service_definition("0401")
    attributes = definition["attributes"]
    if fmt == "xml":
        attributes = attributes["attribute"]
    assert definition["service_code"] == "0401"
    assert {a["code"] for a in attributes} >= {"place", "purpose", "consent", "publish"}

    r = post(server, api_key, fmt)
    assert r.status_code == 201, r.text
    p = Petition.objects.get()
    assert p.channel == "online" and p.summary == "拖欠工资三个月"
    assert p.petitioners.get().name == "张三"
    assert p.number in r.text and "token" in r.text
    # Posted again (a retry): the same matter, not a second one.
    again = post(server, api_key, fmt)
    assert again.status_code == 200 and Petition.objects.count() == 1

    listed = client.get_service_requests()
    single = client.get_service_request(p.number)
    if fmt == "xml":  # xmltodict: one element is a dict, not a list of one
        listed = listed if isinstance(listed, list) else [listed]
    [row] = listed
    assert row["service_request_id"] == p.number and row["status"] == "open"
    assert row["service_code"] == "0401" and row["description"] == "拖欠工资三个月"
    assert row["expected_datetime"].startswith(p.due_date.isoformat()) if p.due_date else True
    assert "13812345678" not in str(listed) and "张三" not in str(listed)
    assert p.query_code not in str(listed)
    assert single["service_request_id"] == p.number and single["status_notes"]

    token = Open311Request.objects.get().token
    by_token = requests.get(f"{server}/tokens/{token}.json", timeout=60).json()
    assert by_token == [{"service_request_id": p.number, "token": str(token)}]


def test_only_published_matters_are_listed_and_never_an_accusation(server, api_key):
    assert post(server, api_key, **{"attribute[publish]": "no"}).status_code == 201
    hidden = Petition.objects.get()
    assert post(server, api_key, description="另一件事", **{"attribute[summary]": "另一件"}).ok
    shown = Petition.objects.exclude(pk=hidden.pk).get()
    listed = requests.get(f"{server}/requests.json", timeout=60).json()
    assert [r["service_request_id"] for r in listed] == [shown.number]
    assert requests.get(f"{server}/requests/{hidden.number}.json", timeout=60).status_code == 404
    # Whatever the office makes of it later, an accusation is never published.
    Petition.objects.filter(pk=shown.pk).update(purpose=Purpose.ACCUSATION)
    assert requests.get(f"{server}/requests.json", timeout=60).json() == []
    # And none can be posted here.
    r = post(server, api_key, description="举报", **{"attribute[purpose]": "accusation"})
    assert r.status_code == 400 and "purpose" in r.json()[0]["description"]


def test_bad_posts_get_georeport_errors_and_change_nothing(server, api_key):
    r = post(server, "wrong-key")
    assert r.status_code == 403 and r.json()[0]["code"] == 403
    r = post(server, api_key, "xml", service_code="nope", **{"attribute[consent]": ""})
    assert r.status_code == 400 and r.text.startswith("<?xml")
    assert "<errors><error><code>400</code>" in r.text and "consent" in r.text
    r = post(server, api_key, lat="north")
    assert r.status_code == 400 and "lat" in r.json()[0]["description"]
    assert not Petition.objects.exists()
    r = requests.get(f"{server}/requests.json", params={"status": "lost"}, timeout=60)
    assert r.status_code == 400
    assert requests.get(f"{server}/services/none.json", timeout=60).status_code == 404
    assert requests.get(f"{server}/tokens/not-a-token.json", timeout=60).status_code == 404


def test_a_client_is_held_to_its_rate(server):
    _client, key = Open311Client.create_with_key("slow", rate="2/minute")
    codes = [post(server, key, description=f"事{i}").status_code for i in range(3)]
    assert codes[:2] == [201, 201] and codes[2] == 429
