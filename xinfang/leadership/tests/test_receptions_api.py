"""/api/v1/receptions: create with Idempotency-Key, 400 / 403 / 404 / 409 / 428,
batches, a matter registered or linked, masked phones, the OpenAPI schema."""

from xinfang.leadership import services
from xinfang.petitions.models import Category


def _create(api, rec, key="k-1", **over):
    body = {"leader": rec["leader"].pk, "kind": "reception", "on": "2026-11-02",
            "unit": rec["centre"].pk, "held": True, "place": "一楼接待大厅"}  # fmt: skip
    body.update(over)
    return api.post("/api/v1/receptions", body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_it_creates_a_reception_once_per_key(rec, api_for):
    api = api_for(rec["clerk"])
    first = _create(api, rec)
    assert first.status_code == 201, first.json()
    assert first.json()["state"] == "held" and first.json()["kind_label"] == "接访"
    again = _create(api, rec)
    assert again.status_code == 200 and again["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    assert _create(api, rec, on="2026-10-30").status_code == 409


def test_it_answers_400_404_403_409_and_428(rec, api_for, reception):
    api = api_for(rec["clerk"])
    bad = _create(api, rec, kind="picnic")
    assert bad.status_code == 400 and "kind" in bad.json()["errors"]
    r = reception(held=False, on="2026-11-20")
    assert api_for(rec["outsider"]).get(f"/api/v1/receptions/{r.pk}").status_code == 404
    assert api.post(f"/api/v1/receptions/{r.pk}/hold", {}, format="json").status_code == 428
    early = api.post(f"/api/v1/receptions/{r.pk}/hold", {"version": r.version}, format="json")
    assert early.status_code == 409  # not before its day
    cancel = api.post(f"/api/v1/receptions/{r.pk}/cancel",
                      {"version": r.version, "reason": "领导外出"}, format="json")  # fmt: skip
    assert cancel.status_code == 200 and cancel.json()["state"] == "cancelled"
    r2 = reception(held=False, on="2026-11-02")
    denied = api_for(rec["handler_a"]).post(
        f"/api/v1/receptions/{r2.pk}/batches", {"people_count": 1, "matters": "x"}, format="json"
    )
    assert denied.status_code == 404  # township A's handler does not see a city reception
    stale = api.post(f"/api/v1/receptions/{r2.pk}/hold", {"version": 99}, format="json")
    assert stale.status_code == 409
    leader = api_for(rec["leader_a"])
    village = reception(actor=rec["leader_a"], leader=rec["leader_a"], kind="visit_down",
                        unit=rec["village_a"])  # fmt: skip
    ok = leader.post(f"/api/v1/receptions/{village.pk}/batches", {"people_count": 1,
                     "matters": "x"}, format="json")  # fmt: skip
    assert ok.status_code == 201
    # Township A's handler sees the village's reception but does not record it: 403.
    forbidden = api_for(rec["handler_a"]).post(
        f"/api/v1/receptions/{village.pk}/batches", {"people_count": 1, "matters": "x"},
        format="json",
    )  # fmt: skip
    assert forbidden.status_code == 403


def test_batches_raise_and_link_matters_and_phones_are_masked(rec, api_for, reception, register):
    api = api_for(rec["clerk"])
    r = reception()
    one = api.post(f"/api/v1/receptions/{r.pk}/batches",
                   {"people_count": 3, "name": "张桂兰", "phone": "13812345678",
                    "matters": "宅基地确权"}, format="json", HTTP_IDEMPOTENCY_KEY="b1")  # fmt: skip
    assert one.status_code == 201
    assert one.json()["batches"][0]["phone"] == "138****5678"
    again = api.post(f"/api/v1/receptions/{r.pk}/batches",
                     {"people_count": 3, "name": "张桂兰", "phone": "13812345678",
                      "matters": "宅基地确权"}, format="json", HTTP_IDEMPOTENCY_KEY="b1")  # fmt: skip
    assert again.status_code == 200 and len(again.json()["batches"]) == 1
    b = one.json()["batches"][0]["id"]
    made = api.post(f"/api/v1/receptions/{r.pk}/batches/{b}/register",
                    {"category": Category.objects.get(code="0401").pk,
                     "place": rec["village_a"].pk, "summary": "宅基地确权"},
                    format="json", HTTP_IDEMPOTENCY_KEY="m1")  # fmt: skip
    assert made.status_code == 201, made.json()
    existing = register()
    linked = api.post(f"/api/v1/receptions/{r.pk}/batches/{b}/link",
                      {"petition": existing.pk}, format="json")  # fmt: skip
    assert linked.status_code == 201
    twice = api.post(f"/api/v1/receptions/{r.pk}/batches/{b}/link",
                     {"petition": existing.pk}, format="json")  # fmt: skip
    assert twice.status_code == 409
    hidden = api.post(f"/api/v1/receptions/{r.pk}/batches/{b}/link",
                      {"petition": existing.pk + 1000}, format="json")  # fmt: skip
    assert hidden.status_code == 404
    detail = api.get(f"/api/v1/receptions/{r.pk}").json()
    hows = {p["how"] for p in detail["batches"][0]["petitions"]}
    assert hows == {"raised", "linked"}
    labels = [e["action_label"] for e in detail["events"]]
    assert labels == ["登记为已接访", "登记接待批次", "从批次登记信访事项", "批次关联信访事项"]


def test_stats_and_behind_through_the_api(rec, api_for, reception):
    r = reception()
    services.reception_add_batch(actor=rec["clerk"], reception_id=r.pk, people_count=5,
                                 matters="x")  # fmt: skip
    api = api_for(rec["leader"])
    stats = api.get("/api/v1/receptions/stats?year=2026").json()
    assert stats["total"] == {"person_times": 1, "batches": 1, "people": 5}
    assert stats["by_leader"][0]["unit"] == "舞钢市"
    behind = api.get("/api/v1/receptions/behind?month=2026-11").json()
    assert {row["leader"]["id"] for row in behind["behind"]} >= {rec["leader"].pk}
    assert api.get("/api/v1/receptions/behind?month=nope").status_code == 400


def test_the_routes_are_in_the_openapi_schema(rec, api_for):
    schema = api_for(rec["clerk"]).get("/api/v1/schema/")
    assert schema.status_code == 200
    text = schema.content.decode()
    for path in ("/api/v1/receptions", "/api/v1/receptions/stats",
                 "/api/v1/receptions/{id}/batches/{batch}/register"):  # fmt: skip
        assert path in text, path
