"""The review chain (信访工作条例 Art. 35, 36), hearings (Art. 36(2)) and returns
(退回, Art. 23(3)): issue 10, acceptance items 3 and 5."""

import datetime as dt
import importlib
import io
import zipfile

import pytest
from django.apps import apps
from django.urls import reverse
from rest_framework.test import APIClient

from xinfang.core.documents import FontUnavailable, cjk_font
from xinfang.core.exceptions import Conflict, InvalidInput, PermissionDenied
from xinfang.core.models import SecurityRecord
from xinfang.orgs import services as org_services
from xinfang.petitions import chain, notices, selectors, services
from xinfang.petitions.api import public_json
from xinfang.petitions.models import Petition, PetitionEvent, State

from .fixtures import VALID_ID, answer, unit

D = dt.date
CITY = "410481"
TOWNSHIP = "410481102"
LABOUR_BUREAU = "410481-B16"  # 市人力资源和社会保障局


def act(actor, p, action, **fields):
    return services.petition_act(actor=actor, petition_id=p.pk, action=action, **fields)


def actions(p):
    return list(PetitionEvent.objects.filter(petition=p).values_list("action", flat=True))


@pytest.fixture
def answered_by(people, register, travel):
    """answered_by(unit, handler) -> a matter that unit answered, served, open for review."""

    def go(responsible, handler):
        travel("2026-11-02")
        p = register()
        act(people["dispatcher"], p, "forward", responsible_unit=responsible, reason="属其职责。")
        act(handler, p, "sign")
        act(handler, p, "accept")
        travel("2026-11-20")
        answer(
            handler,
            p,
            "reply",
            outcome="reject",
            text="经调查，诉求缺乏依据。",
            facts="经调查核实，情况属实。",
            legal_basis="《保障农民工工资支付条例》第三条",
        )
        return act(handler, p, "record_service", method="direct", served_on=D(2026, 11, 20))

    return go


# --- acceptance item 3: the chain -------------------------------------------------------


def test_a_matter_the_top_unit_answered_goes_to_the_organ_outside_for_review(
    people, answered_by, travel
):
    p = answered_by(unit(CITY), people["reviewer"])
    data = public_json(p)
    assert data["next_organ"] == {"name": "平顶山市人民政府", "outside": True}

    travel("2026-11-25")
    p = services.petition_request_review(query_code=p.query_code, reasons="不服处理意见。")

    # Never the city again: the outside organ by name, and the matter leaves the system.
    assert p.review_unit is None and p.review_outside == "平顶山市人民政府"
    assert p.state == State.CONCLUDED and p.concluded_reason == "review_outside"
    assert p.due_date is None and p.clock == ""
    event = PetitionEvent.objects.get(petition=p, action="review_outside")
    assert event.public and event.data["organ"] == "平顶山市人民政府"
    assert event.data["window"] == "2026-12-21"  # 30 days from service, 20 Dec is a Sunday
    line = public_json(p)["timeline"][-1]["text"]
    assert "平顶山市人民政府" in line and "2026-12-21" in line
    assert public_json(p)["outside_organ"] == "平顶山市人民政府"
    assert not selectors.worklist(user=people["reviewer"]).filter(pk=p.pk).exists()


def test_township_then_city_then_the_organ_outside_never_the_same_organ_twice(
    people, answered_by, travel
):
    p = answered_by(unit(TOWNSHIP), people["handler"])
    travel("2026-11-25")
    p = services.petition_request_review(query_code=p.query_code, reasons="不服。")
    assert p.state == State.UNDER_REVIEW and p.review_unit == unit(CITY)
    travel("2026-12-10")
    p = answer(
        people["reviewer"],
        p,
        "review_reply",
        outcome="uphold",
        text="维持原意见。",
        facts="经调查核实，情况属实。",
        legal_basis="《保障农民工工资支付条例》第三条",
    )
    p = act(people["reviewer"], p, "record_service", method="direct", served_on=D(2026, 12, 10))
    assert public_json(p)["next_organ"] == {"name": "平顶山市人民政府", "outside": True}

    travel("2026-12-15")
    p = services.petition_request_re_review(query_code=p.query_code, reasons="不服复查。")

    # The city's reviewer never sees the re-review land on the city.
    assert p.re_review_unit is None and p.re_review_outside == "平顶山市人民政府"
    assert p.state == State.CONCLUDED and p.concluded_reason == "re_review_outside"
    chain_units = [p.responsible_unit, p.review_unit]
    assert len(set(chain_units)) == 2 and p.re_review_outside not in {
        u.organ_name for u in chain_units
    }
    assert not selectors.worklist(user=people["reviewer"]).filter(pk=p.pk).exists()
    # The review opinion's notice told the petitioner where to go.
    review = PetitionEvent.objects.get(petition=p, action="review_reply")
    assert notices._context(review)["next_unit"] == "平顶山市人民政府"


def test_a_department_answer_is_reviewed_by_its_government(
    people, answered_by, make_person, travel
):
    bureau = unit(LABOUR_BUREAU)
    assert bureau.name == "市人力资源和社会保障局"
    p = answered_by(bureau, make_person("handler", bureau))
    reply = PetitionEvent.objects.get(petition=p, action="reply")
    assert notices._context(reply)["next_unit"] == "舞钢市人民政府"
    travel("2026-11-25")
    p = services.petition_request_review(query_code=p.query_code, reasons="不服。")
    assert p.state == State.UNDER_REVIEW and p.review_unit == unit(CITY)
    assert chain.organ_above(unit(CITY)) is None


def test_the_organ_above_the_top_defaults_to_a_plain_name_and_only_the_top_names_it(
    people, answered_by, travel, demo_tree
):
    city = unit(CITY)
    org_services.unit_update(unit=city, superior_organ_name="")
    p = answered_by(city, people["reviewer"])
    reply = PetitionEvent.objects.get(petition=p, action="reply")
    assert notices._context(reply)["next_unit"] == "上一级人民政府"
    with pytest.raises(InvalidInput) as caught:
        org_services.unit_update(unit=unit(TOWNSHIP), superior_organ_name="平顶山市人民政府")
    assert "superior_organ_name" in caught.value.field_errors
    assert unit(TOWNSHIP).superior_organ_name == ""


def test_the_portal_names_the_organ_outside_before_and_after_asking(
    people, answered_by, travel, client
):
    p = answered_by(unit(CITY), people["reviewer"])
    looked_up = client.post(reverse("portal:track"), {"code": p.query_code})
    assert looked_up.status_code == 200 and "平顶山市人民政府" in looked_up.content.decode()
    page = client.get(reverse("portal:matter")).content.decode()
    assert "平顶山市人民政府" in page
    travel("2026-11-25")
    looked_up = client.post(reverse("portal:track"), {"code": p.query_code})  # a new visit
    assert looked_up.status_code == 200 and p.number in looked_up.content.decode()
    response = client.post(reverse("portal:review"), {"reasons": "不服。"})
    assert response.status_code == 302
    page = client.get(reverse("portal:matter")).content.decode()
    assert "平顶山市人民政府" in page and reverse("portal:review") not in page
    assert Petition.objects.get(pk=p.pk).review_outside == "平顶山市人民政府"


@pytest.fixture
def font():
    try:
        return cjk_font()
    except FontUnavailable as exc:
        pytest.skip(str(exc))


def test_the_file_is_exported_for_the_organ_outside_masked_unless_revealed(
    font, people, answered_by, travel, client, make_person, township_b
):
    p = answered_by(unit(CITY), people["reviewer"])
    url = reverse("petitions:dossier", args=[p.pk])
    client.force_login(people["dispatcher"])
    assert client.get(url).status_code == 404  # nothing goes outside yet
    travel("2026-11-25")
    services.petition_request_review(query_code=p.query_code, reasons="不服。")

    client.force_login(people["dispatcher"])  # a new session on the new day
    page = client.get(reverse("petitions:detail", args=[p.pk])).content.decode()
    assert "data-outside-organ" in page and url in page and "平顶山市人民政府" in page
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    files = zipfile.ZipFile(io.BytesIO(response.content))
    names = files.namelist()
    assert any(n.endswith(".pdf") and not n.startswith("notices/") for n in names)
    assert len([n for n in names if n.startswith("notices/")]) == 2  # acceptance, opinion
    assert all(VALID_ID.encode() not in files.read(n) for n in names)
    pdfium = pytest.importorskip("pypdfium2")
    main = next(n for n in names if "/" not in n)
    pdf = pdfium.PdfDocument(files.read(main))
    text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    text = "".join(text.split())
    assert p.number in text and "平顶山市人民政府" in text and "110***********002X" in text
    assert "dossier_exported" in actions(p)

    before = SecurityRecord.objects.filter(kind=SecurityRecord.Kind.PII_READ).count()
    full = client.post(url, {"reveal": "1"})
    assert full.status_code == 200
    after = SecurityRecord.objects.filter(kind=SecurityRecord.Kind.PII_READ).count()
    assert after - before == 2  # the ID number and the phone, each on the record

    client.force_login(make_person("handler", township_b))
    assert client.get(url).status_code == 404  # an outsider
    client.force_login(people["leader"])
    assert client.get(url).status_code == 403  # sees it, does not send it
    assert url not in client.get(reverse("petitions:detail", args=[p.pk])).content.decode()


# --- hearings: the re-review period only (Art. 36(2)) -------------------------------------


def test_a_hearing_is_not_offered_during_review_and_the_review_clock_runs(
    people, answered_by, travel
):
    p = answered_by(unit(TOWNSHIP), people["handler"])
    travel("2026-11-25")
    p = services.petition_request_review(query_code=p.query_code, reasons="不服。")
    due = p.due_date
    with pytest.raises(Conflict):
        act(people["reviewer"], p, "hearing_start")
    p.refresh_from_db()
    assert p.due_date == due and p.hearing_started_on is None and p.paused_days == 0


def test_a_review_paused_for_a_hearing_before_the_change_gets_its_clock_back(
    people, answered_by, travel
):
    p = answered_by(unit(TOWNSHIP), people["handler"])
    travel("2026-11-25")
    p = services.petition_request_review(query_code=p.query_code, reasons="不服。")
    due = p.due_date
    Petition.objects.filter(pk=p.pk).update(
        hearing_started_on=D(2026, 11, 26), paused_days=5, due_date=None, yellow_from=None
    )
    migration = importlib.import_module(
        "xinfang.petitions.migrations.0008_review_chain_and_returns"
    )
    migration.review_clock_without_hearings(apps, None)
    p.refresh_from_db()
    assert p.hearing_started_on is None and p.paused_days == 0 and p.due_date == due
    assert PetitionEvent.objects.filter(petition=p, action="deadline_recomputed").exists()


# --- acceptance item 5: returns --------------------------------------------------------


@pytest.fixture
def forwarded(people, register, travel):
    travel("2026-11-02")
    p = register()
    return act(people["dispatcher"], p, "forward", responsible_unit=unit(TOWNSHIP))


def test_a_return_needs_the_forwarding_offices_agreement_and_both_are_on_the_timeline(
    people, forwarded, travel
):
    travel("2026-11-05")
    with pytest.raises(InvalidInput):
        act(people["handler"], forwarded, "return", reason="  ")
    p = act(people["handler"], forwarded, "return", reason="该事项属市人社局职责，非本镇职权范围。")

    # Only an objection: the matter stays with the unit, its clock running.
    assert p.state == State.FORWARDED and p.responsible_unit == unit(TOWNSHIP)
    assert p.return_requested_on == D(2026, 11, 5) and p.clock == "sign"
    assert selectors.worklist(user=people["dispatcher"]).filter(pk=p.pk).exists()
    with pytest.raises(Conflict):
        act(people["handler"], p, "return", reason="再次退回")
    with pytest.raises(PermissionDenied):
        act(people["handler"], p, "return_agree")

    p = act(people["dispatcher"], p, "return_agree", note="经核实，属实。")
    assert p.state == State.REGISTERED and p.responsible_unit is None
    assert p.return_requested_on is None
    assert p.clock_started_on == D(2026, 11, 2) and p.due_date == D(2026, 11, 17)
    assert actions(p)[-2:] == ["return", "return_agree"]
    agreed = PetitionEvent.objects.get(petition=p, action="return_agree")
    assert agreed.data["asked_on"] == "2026-11-05" and agreed.data["unit"] == "八台镇"


def test_the_office_may_refuse_a_return_with_a_reason_and_the_unit_keeps_it(
    people, forwarded, travel
):
    travel("2026-11-05")
    p = act(people["handler"], forwarded, "return", reason="非本镇职权范围。")
    with pytest.raises(InvalidInput):
        act(people["dispatcher"], p, "return_refuse", reason="")
    p = act(people["dispatcher"], p, "return_refuse", reason="问题发生在本镇，属本镇职责。")
    assert p.state == State.FORWARDED and p.responsible_unit == unit(TOWNSHIP)
    assert p.return_requested_on is None and p.return_reason == ""
    assert actions(p)[-2:] == ["return", "return_refuse"]
    with pytest.raises(Conflict):
        act(people["dispatcher"], p, "return_agree")  # nothing pending any more
    # The 15 days to accept ran from receipt all along (Art. 23(3)).
    p = act(people["handler"], p, "sign")
    assert p.state == State.PENDING_ACCEPTANCE and p.due_date == D(2026, 11, 17)


def test_signing_withdraws_the_units_own_objection(people, forwarded, travel):
    travel("2026-11-04")
    p = act(people["handler"], forwarded, "return", reason="非本镇职权范围。")
    p = act(people["handler"], p, "sign")
    assert p.return_requested_on is None
    assert PetitionEvent.objects.get(petition=p, action="sign").data["return_withdrawn"]
    assert not selectors.worklist(user=people["dispatcher"]).filter(pk=p.pk).exists()


def test_returns_through_the_api_and_the_pages(people, forwarded, travel, client):
    travel("2026-11-05")
    api = APIClient()
    api.force_authenticate(people["handler"])
    url = f"/api/v1/petitions/{forwarded.pk}/actions/"
    r = api.post(
        url + "return",
        {"reason": "非本镇职权范围。", "version": forwarded.version},
        format="json",
    )
    assert r.status_code == 200 and r.json()["state"] == "forwarded"
    assert "return_agree" not in r.json()["actions"]

    client.force_login(people["handler"])
    page = client.get(reverse("petitions:detail", args=[forwarded.pk])).content.decode()
    assert "data-return-pending" in page and "非本镇职权范围。" in page

    client.force_login(people["dispatcher"])
    page = client.get(reverse("petitions:detail", args=[forwarded.pk])).content.decode()
    assert reverse("petitions:act", args=[forwarded.pk, "return_refuse"]) in page
    forwarded.refresh_from_db()
    response = client.post(
        reverse("petitions:act", args=[forwarded.pk, "return_refuse"]),
        {"return_refuse-version": forwarded.version, "return_refuse-reason": "属本镇职责。"},
    )
    assert response.status_code == 302
    events = [e["action"] for e in api.get(f"/api/v1/petitions/{forwarded.pk}").json()["events"]]
    assert events[-2:] == ["return", "return_refuse"]
