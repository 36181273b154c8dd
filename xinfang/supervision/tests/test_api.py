"""/api/v1/supervision: the board, listing with an Idempotency-Key, chase, report,
delist, the letter; token auth, 400/403/404/409/428, and the OpenAPI schema."""

from xinfang.supervision.models import Listing


def create(client, p, key="k-1", **over):
    body = {"petition": p.pk, "colour": "red", "reason": "涉及群体，久拖未决", **over}
    return client.post(
        "/api/v1/supervision/listings", body, format="json", HTTP_IDEMPOTENCY_KEY=key
    )


def test_the_api_needs_a_token(api_for, sv):
    assert api_for(None).get("/api/v1/supervision/board").status_code in (401, 403)


def test_listing_with_a_key_replays_and_a_changed_body_is_409(api_for, sv, matter):
    p = matter()
    client = api_for(sv["supervisor"])
    r = create(client, p)
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["colour"] == "red" and body["matter"]["number"] == p.number
    assert body["actions"] == ["chase", "recolour", "delist"]
    again = create(client, p)
    assert again.status_code == 200 and again["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == body["id"]
    assert create(client, p, reason="另一个理由").status_code == 409
    assert create(client, p, key="k-2").status_code == 409  # listed already
    assert Listing.objects.count() == 1


def test_errors_are_400_403_404(api_for, sv, matter):
    p = matter()
    assert create(api_for(sv["supervisor"]), p, colour="green").status_code == 400
    assert create(api_for(sv["handler"]), p).status_code == 403
    assert create(api_for(sv["outsider"]), p).status_code == 404


def test_chase_report_delist_and_the_letter(api_for, sv, matter):
    p = matter()
    sup = api_for(sv["supervisor"])
    listing = create(sup, p).json()
    url = f"/api/v1/supervision/listings/{listing['id']}"
    assert sup.post(url + "/chase", {"demand": "当日报告"}, format="json").status_code == 428
    r = sup.post(
        url + "/chase",
        {"version": listing["version"], "demand": "当日报告", "kind": "press"},
        format="json",
    )
    assert r.status_code == 200, r.content
    listing = r.json()
    chase = listing["chases"][0]
    assert chase["number"] == "督〔2026〕1号"
    stale = sup.post(url + "/chase", {"version": 1, "demand": "再催"}, format="json")
    assert stale.status_code == 409
    handler = api_for(sv["handler"])
    assert (
        handler.post(
            url + "/delist", {"version": listing["version"], "note": "x"}, format="json"
        ).status_code
        == 403
    )
    r = handler.post(
        url + "/report", {"version": listing["version"], "text": "已约谈"}, format="json"
    )
    assert r.status_code == 200 and r.json()["chases"][0]["report"] == "已约谈"
    outsider = api_for(sv["outsider"])
    assert outsider.get(url).status_code == 404
    assert outsider.get(chase["letter"]).status_code == 404
    pdf = sup.get(chase["letter"])
    assert pdf.status_code in (200, 503)
    if pdf.status_code == 200:
        assert pdf["Content-Type"] == "application/pdf"
    board = sup.get("/api/v1/supervision/board?colour=red").json()
    assert [x["number"] for x in board["listings"]] == [listing["number"]]
    assert board["totals"]["red"] == 1
    r = sup.post(url + "/delist", {"version": r.json()["version"], "note": "已解决"}, format="json")
    assert r.status_code == 200 and r.json()["state"] == "delisted"
    assert outsider.get("/api/v1/supervision/board").json()["listings"] == []


def test_the_schema_holds_the_supervision_api(api_for, sv):
    r = api_for(sv["supervisor"]).get("/api/v1/schema/")
    assert r.status_code == 200
    text = r.content.decode()
    for path in (
        "/api/v1/supervision/board",
        "/api/v1/supervision/listings",
        "/api/v1/supervision/listings/{id}/chase",
        "/api/v1/supervision/listings/{id}/delist",
        "/api/v1/supervision/listings/{id}/letters/{chase_pk}.pdf",
    ):
        assert path in text, path
