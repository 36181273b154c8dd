"""Accusations (检举控告) are confidential by default, from every channel
(信访工作条例 Art. 30; issue 9 item 1).

Until the petition office decides where an accusation goes, only the office (and
the clerk who took it down) sees it: not the township where the problem is, not
its village liaison, not the city's leadership above the office. Once the office
sends it (say to the discipline-inspection organ, Art. 22 para 2) that unit
handles it, but the accuser's identity stays with the office unless the office
releases it. The unit it accuses never sees it, in any read path.
"""

import re

import pytest
from django.test import Client
from django.urls import reverse

from xinfang.core.models import SecurityRecord
from xinfang.orgs import services as org_services
from xinfang.orgs.demo import CITY_RECEPTION, PETITION_OFFICE
from xinfang.orgs.models import UnitKind
from xinfang.petitions import selectors, services
from xinfang.petitions.models import Category, Notification, Petition, PetitionEvent

from .fixtures import VALID_ID

TOWNSHIP_A = "410481102"  # 八台镇: the place, and (when named) the accused
VILLAGE_A = "410481102001"
DISCIPLINE = "410481-B03"  # 市纪委监委
ACCUSER = "检举人王五"
PHONE = "13912345678"

CHANNELS = ["portal", "online", "mobile", "wechat", "letter", "visit", "phone", "mailbox"]


@pytest.fixture
def accuse(api_for, demo_tree, people):
    """accuse(channel, accused=True) -> an accusation about a village of 八台镇 that
    came in through that channel, naming 八台镇 as accused or naming no one."""
    category = Category.objects.get(code="1201")
    village = demo_tree[VILLAGE_A]

    def make(channel: str, *, accused: bool) -> Petition:
        accused_unit = demo_tree[TOWNSHIP_A] if accused else None
        summary = f"检举八台镇干部违规发放补贴（{channel}）"
        if channel == "portal":
            form = {
                "submission_token": f"tok-{channel}-{accused}-0123456789",
                "who": "person",
                "people_count": "1",
                "purpose": "accusation",
                "category": str(category.pk),
                "place": str(village.pk),
                "accused_unit": str(accused_unit.pk) if accused_unit else "",
                "accused_name": "某副镇长" if accused else "",
                "summary": summary,
                "content": "八台镇某干部违规发放补贴，请求查处。",
                "consent": "on",
                "p-TOTAL_FORMS": "5",
                "p-INITIAL_FORMS": "0",
                "p-MIN_NUM_FORMS": "0",
                "p-MAX_NUM_FORMS": "5",
                "p-0-name": ACCUSER,
                "p-0-id_number": VALID_ID,
                "p-0-phone": PHONE,
            }
            response = Client().post(reverse("portal:submit"), form)
            assert response.status_code == 200, response.content.decode()[:2000]
            p = Petition.objects.get(summary=summary)
            assert p.number in response.content.decode()  # the receipt
            return p
        if channel in ("online", "mobile", "wechat"):
            body = {
                "channel": channel,
                "purpose": "accusation",
                "category": category.pk,
                "place": village.pk,
                "summary": summary,
                "content": "八台镇某干部违规发放补贴，请求查处。",
                "petitioners": [{"name": ACCUSER, "id_number": VALID_ID, "phone": PHONE}],
                "consent": True,
            }
            if accused:
                body.update(accused_unit=accused_unit.pk, accused_name="某副镇长")
            response = api_for(None).post("/api/v1/public/petitions", body, format="json")
            assert response.status_code == 201, response.content
            return Petition.objects.get(summary=summary)
        return services.petition_register(
            actor=people["clerk"],
            registering_unit=demo_tree[CITY_RECEPTION[0]],
            channel=channel,
            purpose="accusation",
            category=category,
            place=village,
            summary=summary,
            content="八台镇某干部违规发放补贴，请求查处。",
            petitioners=[{"name": ACCUSER, "id_number": VALID_ID, "phone": PHONE}],
            accused_unit=accused_unit,
            accused_name="某副镇长" if accused else "",
        )

    return make


def _html(client, url, method="get", data=None):
    response = getattr(client, method)(url, data or {})
    return response.status_code, response.content.decode("utf-8", "replace")


def read_paths(user, p: Petition, api_for) -> dict[str, bool]:
    """What this user learns of the matter through each read path, pages and API
    alike: True where the matter (its number, summary or accuser) shows."""
    page = Client()
    page.force_login(user)
    api = api_for(user)
    # The number itself is not a mark on pages: a search form echoes what was typed.
    marks = (p.summary, ACCUSER, reverse("petitions:detail", args=[p.pk]))

    def shows(body: str) -> bool:
        return any(m in body for m in marks)

    seen = {}
    for name, url in {
        "start": reverse("start"),
        "worklist": reverse("petitions:worklist"),
        "search": reverse("petitions:worklist") + f"?q={p.number}",
        "supervision": reverse("petitions:supervision"),
        "notifications": reverse("petitions:notifications"),
    }.items():
        status, body = _html(page, url)
        if status == 302:
            status, body = _html(page, page.get(url).url)
        seen[name] = status == 200 and shows(body)
    status, body = _html(page, reverse("petitions:detail", args=[p.pk]))
    seen["detail"] = status != 404
    person = p.petitioners.first()
    status, body = _html(page, reverse("petitions:reveal", args=[p.pk, person.pk]), method="post")
    seen["reveal_page"] = status == 200 and PHONE in body
    for e in PetitionEvent.objects.filter(petition=p):
        status, _body = _html(page, reverse("petitions:notice", args=[p.pk, e.pk]))
        seen[f"notice_{e.action}"] = status not in (404,)
    for name, url in {
        "api_worklist": "/api/v1/petitions",
        "api_list": "/api/v1/petitions?scope=all",
        "api_search": f"/api/v1/petitions?scope=all&q={p.number}",
        "api_search_text": f"/api/v1/petitions?scope=all&q={p.summary[:6]}",
    }.items():
        response = api.get(url)
        seen[name] = shows(response.content.decode()) or p.number in str(
            response.json().get("results")
        )
    counts = api.get("/api/v1/petitions?scope=all").json().get("colour_counts", {})
    seen["api_counts"] = sum(counts.values()) > 0
    seen["api_export"] = shows(api.get("/api/v1/petitions/export").content.decode("utf-8-sig"))
    seen["api_detail"] = api.get(f"/api/v1/petitions/{p.pk}").status_code != 404
    seen["api_reveal"] = (
        api.post(
            f"/api/v1/petitions/{p.pk}/reveal",
            {"petitioner": person.pk, "field": "phone"},
            format="json",
        ).status_code
        != 404
    )
    seen["api_action"] = (
        api.post(
            f"/api/v1/petitions/{p.pk}/actions/chase", {"note": "x"}, format="json"
        ).status_code
        != 404
    )
    seen["notified"] = Notification.objects.filter(user=user, petition=p).exists()
    return seen


@pytest.fixture
def township_people(demo_tree, make_person, people):
    """Everyone of the accused township, and the city's people above the office."""
    return {
        "handler": people["handler"],
        "unit_head": people["unit_head"],
        "liaison": make_person("liaison", demo_tree[VILLAGE_A], username="acc-liaison"),
        "centre": make_person("mediator", demo_tree[TOWNSHIP_A + "-TJ"], username="acc-centre"),
        "township_clerk": make_person("clerk", demo_tree[TOWNSHIP_A], username="acc-clerk"),
        "township_leader": make_person("leader", demo_tree[TOWNSHIP_A], username="acc-leader"),
        "city_leader": people["leader"],
        "city_reviewer": people["reviewer"],
        "analyst": make_person("analyst", demo_tree["410481"], username="acc-analyst"),
    }


@pytest.mark.parametrize("accused", [True, False], ids=["named", "unnamed"])
@pytest.mark.parametrize("channel", CHANNELS)
def test_an_accusation_from_any_channel_is_seen_only_by_the_office(
    api_for, channel, accused, accuse, people, township_people, travel
):
    travel("2026-11-02")
    p = accuse(channel, accused=accused)
    assert p.accusation and p.office.code == PETITION_OFFICE[0]
    assert (p.accused_unit is not None) == accused

    for who, user in township_people.items():
        seen = read_paths(user, p, api_for)
        assert not any(seen.values()), (who, {k: v for k, v in seen.items() if v})
        assert not selectors.may_see(user, p)

    for who in ("dispatcher", "supervisor"):
        api = api_for(people[who])
        body = api.get(f"/api/v1/petitions/{p.pk}").json()
        assert body["number"] == p.number and not body["identity_withheld"], who
        assert body["petitioners"][0]["name"] == ACCUSER


@pytest.fixture
def sent(accuse, people, demo_tree, travel, make_person):
    """An online accusation naming 八台镇, sent by the office to 市纪委监委, signed
    for and accepted there (so it has a written notice)."""
    travel("2026-11-02")
    p = accuse("portal", accused=True)
    inspector = people["discipline"] = make_person(
        "handler", demo_tree[DISCIPLINE], username=f"acc-handler-{DISCIPLINE}"
    )
    services.petition_act(
        actor=people["dispatcher"],
        petition_id=p.pk,
        action="forward",
        responsible_unit=demo_tree[DISCIPLINE],
    )
    services.petition_act(actor=inspector, petition_id=p.pk, action="sign")
    services.petition_act(actor=inspector, petition_id=p.pk, action="accept")
    return Petition.objects.get(pk=p.pk)


def test_the_unit_it_is_sent_to_handles_it_without_the_accusers_identity(
    api_for, sent, people, township_people
):
    inspector = people["discipline"]
    page = Client()
    page.force_login(inspector)
    status, body = _html(page, reverse("petitions:detail", args=[sent.pk]))
    assert status == 200 and sent.summary in body
    assert ACCUSER not in body and "data-identity-withheld" in body
    person = sent.petitioners.first()
    assert page.post(reverse("petitions:reveal", args=[sent.pk, person.pk])).status_code == 403

    api = api_for(inspector)
    body = api.get(f"/api/v1/petitions/{sent.pk}").json()
    assert body["identity_withheld"] and body["petitioners"] == []
    assert ACCUSER not in str(body)
    r = api.post(
        f"/api/v1/petitions/{sent.pk}/reveal",
        {"petitioner": person.pk, "field": "phone"},
        format="json",
    )
    assert r.status_code == 403 and PHONE not in r.content.decode()

    # The written notice the unit downloads names no accuser.
    notice = PetitionEvent.objects.get(petition=sent, action="accept")
    pdfium = pytest.importorskip("pypdfium2")
    response = page.get(reverse("petitions:notice", args=[sent.pk, notice.pk]))
    if response.status_code == 503:
        pytest.skip("no Chinese font for the PDF: " + response.content.decode()[:200])
    assert response.status_code == 200
    pdf = pdfium.PdfDocument(response.content)
    text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    assert ACCUSER not in text.replace("\r", "").replace("\n", "")
    # Nobody in the accused township sees it, even now that it is being handled.
    for who, user in township_people.items():
        if who in ("city_leader", "city_reviewer", "analyst"):
            continue  # the city, above the unit handling it: it oversees that unit
        seen = read_paths(user, sent, api_for)
        assert not any(seen.values()), (who, {k: v for k, v in seen.items() if v})


def test_only_the_office_releases_the_identity_and_each_reveal_is_recorded(api_for, sent, people):
    inspector = people["discipline"]
    api = api_for(inspector)
    person = sent.petitioners.first()
    # The unit cannot release it to itself.
    r = api.post(
        f"/api/v1/petitions/{sent.pk}/actions/share_identity",
        {"share": True, "note": "需要联系检举人", "version": sent.version},
        format="json",
    )
    assert r.status_code == 403

    office = api_for(people["dispatcher"])
    r = office.post(
        f"/api/v1/petitions/{sent.pk}/actions/share_identity",
        {"share": True, "note": "承办单位需核实线索", "version": sent.version},
        format="json",
    )
    assert r.status_code == 200, r.content
    assert r.json()["accused"]["identity_shared_with"]["name"] == "市纪委监委"

    body = api.get(f"/api/v1/petitions/{sent.pk}").json()
    assert not body["identity_withheld"] and body["petitioners"][0]["name"] == ACCUSER
    before = SecurityRecord.objects.filter(kind=SecurityRecord.Kind.PII_READ).count()
    r = api.post(
        f"/api/v1/petitions/{sent.pk}/reveal",
        {"petitioner": person.pk, "field": "phone"},
        format="json",
    )
    assert r.status_code == 200 and r.json()["value"] == PHONE
    assert SecurityRecord.objects.filter(kind=SecurityRecord.Kind.PII_READ).count() == before + 1
    event = PetitionEvent.objects.filter(petition=sent, action="share_identity").get()
    assert event.actor == people["dispatcher"] and event.note == "承办单位需核实线索"

    # Withdrawn: the identity is the office's again.
    version = Petition.objects.get(pk=sent.pk).version
    r = office.post(
        f"/api/v1/petitions/{sent.pk}/actions/share_identity",
        {"share": False, "note": "核实完毕", "version": version},
        format="json",
    )
    assert r.status_code == 200
    assert api.get(f"/api/v1/petitions/{sent.pk}").json()["identity_withheld"]


def test_routing_never_sends_an_accusation_to_the_unit_it_accuses(
    api_for, accuse, people, demo_tree, travel
):
    travel("2026-11-02")
    p = accuse("online", accused=True)
    api = api_for(people["dispatcher"])
    for code in (TOWNSHIP_A, VILLAGE_A):
        r = api.post(
            f"/api/v1/petitions/{p.pk}/actions/forward",
            {"responsible_unit": demo_tree[code].pk, "version": p.version},
            format="json",
        )
        assert r.status_code == 400 and "responsible_unit" in r.json()["errors"], code
    assert Petition.objects.get(pk=p.pk).state == "registered"


def test_an_accusation_is_received_by_an_office_outside_the_accused_unit(demo_tree, people, travel):
    """A township with a petition office of its own: an accusation against the
    township goes to the city's office, not to the township's."""
    travel("2026-11-02")
    township = demo_tree[TOWNSHIP_A]
    own_office = org_services.unit_create(
        code=TOWNSHIP_A + "-XF",
        name="八台镇信访办",
        parent=township,
        level=township.level,
        kind=UnitKind.PETITION_OFFICE,
    )
    category = Category.objects.get(code="1201")
    fields = dict(
        actor=None,
        registering_unit=None,
        channel="online",
        category=category,
        place=demo_tree[VILLAGE_A],
        summary="检举",
        content="检举内容",
        petitioners=[{"name": ACCUSER, "phone": PHONE}],
    )
    ordinary = services.petition_register(purpose="appeal", **fields)
    assert ordinary.office == own_office
    accusation = services.petition_register(purpose="accusation", accused_unit=township, **fields)
    assert accusation.office.code == PETITION_OFFICE[0]
    assert not accusation.office_accused


def test_the_office_names_and_corrects_the_accused(
    api_for, accuse, people, demo_tree, travel, make_person
):
    """A citizen who named no one: the office names the township and its official
    afterwards; from then on the official is kept out as the unit is."""
    travel("2026-11-02")
    p = accuse("online", accused=False)
    # works where it would go
    official = make_person("handler", demo_tree[DISCIPLINE], username="acc-official")
    office = api_for(people["dispatcher"])
    r = office.post(
        f"/api/v1/petitions/{p.pk}/actions/set_accused",
        {
            "accusation": True,
            "accused_unit": demo_tree[TOWNSHIP_A].pk,
            "accused_user": official.pk,
            "accused_name": "某副镇长",
            "version": p.version,
        },
        format="json",
    )
    assert r.status_code == 200, r.content
    assert r.json()["accused"]["unit"]["name"] == "八台镇"
    event = PetitionEvent.objects.get(petition=p, action="set_accused")
    assert event.data["previous"]["accused_unit"] == "" and not event.public

    # Forwarding where the accused person decides is refused.
    p.refresh_from_db()
    r = office.post(
        f"/api/v1/petitions/{p.pk}/actions/forward",
        {"responsible_unit": demo_tree[DISCIPLINE].pk, "version": p.version},
        format="json",
    )
    assert r.status_code == 400 and "responsible_unit" in r.json()["errors"]
    # Only the office sets it: the township's handler cannot (and cannot see it).
    township = api_for(people["handler"])
    r = township.post(
        f"/api/v1/petitions/{p.pk}/actions/set_accused",
        {"accused_unit": None, "version": p.version},
        format="json",
    )
    assert r.status_code == 404


def test_the_accused_unit_cannot_be_set_while_it_holds_the_matter(
    api_for, register, people, demo_tree, travel
):
    travel("2026-11-02")
    p = register(purpose="appeal")
    services.petition_act(
        actor=people["dispatcher"],
        petition_id=p.pk,
        action="forward",
        responsible_unit=demo_tree[TOWNSHIP_A],
    )
    p.refresh_from_db()
    office = api_for(people["dispatcher"])
    r = office.post(
        f"/api/v1/petitions/{p.pk}/actions/set_accused",
        {"accusation": True, "accused_unit": demo_tree[TOWNSHIP_A].pk, "version": p.version},
        format="json",
    )
    assert r.status_code == 409
    assert not Petition.objects.get(pk=p.pk).accusation


def test_notifications_never_reach_those_kept_out(sent, people, township_people, travel):
    """A chase or a red escalation tells the handling unit, never the accused."""
    services.petition_act(
        actor=people["supervisor"], petition_id=sent.pk, action="chase", note="请加快办理"
    )
    notified = set(Notification.objects.filter(petition=sent).values_list("user_id", flat=True))
    assert people["discipline"].pk in notified
    assert not notified & {u.pk for u in township_people.values()}


def test_the_portal_lets_the_accuser_name_the_accused(client, demo_tree, travel):
    travel("2026-11-02")
    page = client.get(reverse("portal:submit")).content.decode()
    assert 'name="accused_unit"' in page and 'name="accused_name"' in page
    assert re.search(rf"<option value=\"{demo_tree[TOWNSHIP_A].pk}\">[^<]*八台镇", page)


def test_a_clerk_of_the_accused_unit_registers_it_and_sees_it_no_more(
    demo_tree, make_person, travel
):
    """A township clerk takes down an accusation against the township: the
    receipt is shown once; the matter then belongs to the petition office."""
    travel("2026-11-02")
    clerk = make_person("clerk", demo_tree[TOWNSHIP_A], username="acc-window")
    page = Client()
    page.force_login(clerk)
    form = page.get(reverse("petitions:register")).content.decode()
    key = re.search(r'name="idempotency_key" value="([0-9a-f-]+)"', form).group(1)
    data = {
        "registering_unit": demo_tree[TOWNSHIP_A].pk,
        "channel": "visit",
        "purpose": "accusation",
        "category": Category.objects.get(code="1201").pk,
        "place": demo_tree[VILLAGE_A].pk,
        "received_on": "2026-11-02",
        "people_count": 1,
        "summary": "检举本镇干部",
        "content": "检举内容",
        "accused_unit": demo_tree[TOWNSHIP_A].pk,
        "idempotency_key": key,
        "petitioners-TOTAL_FORMS": "1",
        "petitioners-INITIAL_FORMS": "0",
        "petitioners-MIN_NUM_FORMS": "1",
        "petitioners-MAX_NUM_FORMS": "5",
        "petitioners-0-name": ACCUSER,
        "petitioners-0-phone": PHONE,
    }
    first = page.post(reverse("petitions:register"), data)
    assert first.status_code == 200, first.content.decode()[:3000]
    body = first.content.decode()
    p = Petition.objects.get(summary="检举本镇干部")
    assert p.number in body and "data-query-code" in body
    assert first["Cache-Control"] == "no-store"
    again = page.post(reverse("petitions:register"), data)  # resent: the same matter
    assert again.status_code == 200 and Petition.objects.filter(summary="检举本镇干部").count() == 1
    assert page.get(reverse("petitions:detail", args=[p.pk])).status_code == 404


def test_the_public_api_lists_the_units_an_accusation_may_name(api_for, demo_tree):
    api = api_for(None)
    places = str(api.get("/api/v1/public/units").json())
    organs = str(api.get("/api/v1/public/units?purpose=accusation").json())
    assert "市纪委监委" not in places and "市纪委监委" in organs
    assert "八台镇" in organs and "调解" not in organs


def test_the_forward_form_does_not_offer_the_accused_unit(accuse, people, travel):
    travel("2026-11-02")
    p = accuse("online", accused=True)
    page = Client()
    page.force_login(people["dispatcher"])
    html = page.get(reverse("petitions:detail", args=[p.pk])).content.decode()
    form = html[html.index('name="forward-responsible_unit"') :]
    form = form[: form.index("</select>")]
    assert "八台镇" not in form and "枣林镇" in form
