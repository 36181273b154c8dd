"""The staff pages of petition matters, through the test client."""

import base64
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from xinfang.core.models import SecurityRecord
from xinfang.core.querycode import format_query_code
from xinfang.orgs.demo import PETITION_OFFICE
from xinfang.petitions import services
from xinfang.petitions.models import Category, Petition, PetitionEvent, State

from .fixtures import TODAY, VALID_ID, form_data, unit


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def forwarded(people, register, travel):
    travel(TODAY)
    p = register()
    return services.petition_act(
        actor=people["dispatcher"],
        petition_id=p.pk,
        action="forward",
        responsible_unit=unit("410481102"),
    )


def text(response) -> str:
    return response.content.decode()


# --- registration -----------------------------------------------------------------


def test_the_clerk_registers_a_matter_and_sees_number_and_query_code(
    people, as_user, travel, category, village_a
):
    travel(TODAY)
    client = as_user(people["clerk"])
    assert client.get(reverse("petitions:register")).status_code == 200

    response = client.post(reverse("petitions:register"), form_data(category, village_a))

    p = Petition.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("petitions:detail", args=[p.pk])
    assert p.registered_by == people["clerk"] and p.petitioners.get().name == "张三"
    page = text(client.get(response["Location"]))
    assert p.number in page
    assert format_query_code(p.query_code) in page
    # The code is handed over once; a reload does not show it again.
    assert format_query_code(p.query_code) not in text(client.get(response["Location"]))


def test_an_invalid_id_number_is_shown_next_to_its_field_and_nothing_is_saved(
    people, as_user, travel, category, village_a
):
    travel(TODAY)
    client = as_user(people["clerk"])
    bad = VALID_ID[:-1] + "1"

    response = client.post(
        reverse("petitions:register"),
        form_data(category, village_a, **{"petitioners-0-id_number": bad}),
    )

    assert response.status_code == 400
    assert Petition.objects.count() == 0
    page = text(response)
    # The error sits with the ID number input of the first row, and what was typed stays.
    assert re.search(r'id="id_petitioners-0-id_number_error"', page)
    assert f'value="{bad}"' in page
    assert 'value="拖欠工资三个月"' in page
    assert "某公司拖欠我们工资三个月" in page


def test_the_same_form_sent_twice_makes_one_matter(people, as_user, travel, category, village_a):
    travel(TODAY)
    client = as_user(people["clerk"])
    data = form_data(category, village_a)

    first = client.post(reverse("petitions:register"), data)
    second = client.post(reverse("petitions:register"), data)

    assert Petition.objects.count() == 1
    assert first["Location"] == second["Location"]


# A 1x1 transparent PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


def test_attachments_are_kept_and_a_wrong_kind_is_refused_next_to_the_field(
    people, as_user, travel, category, village_a, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    travel(TODAY)
    client = as_user(people["clerk"])
    url = reverse("petitions:register")
    fake = SimpleUploadedFile("照片.jpg", b"MZ\x90\x00 not a picture", "image/jpeg")

    refused = client.post(url, {**form_data(category, village_a), "attachments": [fake]})

    assert refused.status_code == 400 and Petition.objects.count() == 0
    assert 'id="id_attachments_error"' in text(refused)

    photo = SimpleUploadedFile("现场照片.png", PNG, "image/png")
    response = client.post(url, {**form_data(category, village_a), "attachments": [photo]})
    p = Petition.objects.get()
    att = p.attachments.get()
    assert att.name == "现场照片.png"
    page = text(client.get(response["Location"]))
    download = reverse("petitions:attachment", args=[p.pk, att.pk])
    assert download in page
    assert b"".join(client.get(download).streaming_content) == PNG
    assert as_user(people["handler_b"]).get(download).status_code == 404


def test_only_a_clerk_gets_the_registration_form(people, as_user):
    assert as_user(people["handler"]).get(reverse("petitions:register")).status_code == 403


# --- worklist and visibility ------------------------------------------------------


def test_the_handler_sees_a_forwarded_matter_and_another_township_does_not(
    people, as_user, forwarded
):
    handler = as_user(people["handler"])
    page = text(handler.get(reverse("petitions:worklist")))
    assert forwarded.number in page
    assert re.search(r'<span class="badge badge-(red|yellow|blue)">', page)

    other = as_user(people["handler_b"])
    assert forwarded.number not in text(other.get(reverse("petitions:worklist")))
    assert other.get(reverse("petitions:detail", args=[forwarded.pk])).status_code == 404


def test_the_worklist_filters_by_colour_and_counts_each_colour(people, as_user, register, travel):
    travel(TODAY)
    blue = register()
    red = register(summary="另一件事")
    services.petition_act(
        actor=people["supervisor"], petition_id=red.pk, action="list", colour="red"
    )
    client = as_user(people["dispatcher"])

    page = text(client.get(reverse("petitions:worklist"), {"colour": "red"}))

    assert red.number in page and blue.number not in page
    assert re.search(r"chip-red active.*?chip-count\">1<", page, re.S)
    assert re.search(r"chip-blue.*?chip-count\">1<", page, re.S)


@pytest.mark.parametrize(
    "url, persona", [("petitions:worklist", "dispatcher"), ("petitions:supervision", "supervisor")]
)
def test_a_list_makes_as_many_queries_for_30_matters_as_for_3(
    people, as_user, register, travel, django_assert_max_num_queries, url, persona
):

    travel(TODAY)
    client = as_user(people[persona])
    for _ in range(3):
        register()
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse(url)).status_code == 200
    for _ in range(27):
        register()

    with django_assert_max_num_queries(len(few)):
        page = text(client.get(reverse(url)))

    assert page.count('class="badge badge-') == 25  # one page of 25 rows


# --- actions ----------------------------------------------------------------------


def post_action(client, p, action, **fields):
    data = {f"{action}-version": p.version}
    data.update({f"{action}-{k}": v for k, v in fields.items()})
    return client.post(reverse("petitions:act", args=[p.pk, action]), data)


OPINION = {
    "outcome": "support",
    "request": "请求公司支付拖欠的工资",
    "text": "责令公司在30日内支付。",
    "facts": "经调查核实，公司拖欠工资三个月属实。",
    "legal_basis": "《保障农民工工资支付条例》第三条",
}


def post_draft(client, p, d, action, **fields):
    """One step of the sign-off through the matter page's forms."""
    prefix = {"revise": "draft", "submit": "draft", "approve": "decide", "send_back": "decide"}
    prefix = f"{prefix.get(action, action)}-{d.pk}"
    data = {f"{prefix}-version": d.version}
    data.update({f"{prefix}-{k}": v for k, v in fields.items()})
    return client.post(reverse("petitions:draft_act", args=[p.pk, d.pk, action]), data)


def test_the_handler_signs_accepts_and_replies_through_the_forms(people, as_user, forwarded):
    client = as_user(people["handler"])
    page = text(client.get(reverse("petitions:detail", args=[forwarded.pk])))
    assert reverse("petitions:act", args=[forwarded.pk, "sign"]) in page
    assert reverse("petitions:act", args=[forwarded.pk, "forward"]) not in page

    p = forwarded
    for action, fields in [("sign", {}), ("accept", {"confirm": "on"})]:
        response = post_action(client, p, action, **fields)
        assert response.status_code == 302, text(response)
        p.refresh_from_db()

    # 签发: the handler drafts and submits, the unit head approves, the handler issues.
    page = text(client.get(reverse("petitions:detail", args=[p.pk])))
    assert reverse("petitions:act", args=[p.pk, "reply"]) not in page
    response = client.post(
        reverse("petitions:draft_create", args=[p.pk]),
        {f"draft-{k}": v for k, v in OPINION.items()},
    )
    assert response.status_code == 302, text(response)
    d = p.opinion_drafts.get()
    assert post_draft(client, p, d, "submit", **OPINION).status_code == 302
    d.refresh_from_db()
    head = as_user(people["unit_head"])
    assert post_draft(head, p, d, "approve").status_code == 302
    client = as_user(people["handler"])
    d.refresh_from_db()
    assert post_draft(client, p, d, "issue").status_code == 302
    p.refresh_from_db()

    assert p.state == State.OPINION_ISSUED and p.opinion_outcome == "support"
    page = text(client.get(reverse("petitions:detail", args=[p.pk])))
    assert str(State.OPINION_ISSUED.label) in page
    assert "责令公司在30日内支付。" in page  # on the timeline


def test_acceptance_asks_for_a_confirmation(people, as_user, forwarded):
    client = as_user(people["handler"])
    post_action(client, forwarded, "sign")
    forwarded.refresh_from_db()
    page = text(client.get(reverse("petitions:detail", args=[forwarded.pk])))
    assert 'name="accept-confirm"' in page

    response = post_action(client, forwarded, "accept")
    assert response.status_code == 400
    assert 'id="id_accept-confirm_error"' in text(response)
    forwarded.refresh_from_db()
    assert forwarded.state == State.PENDING_ACCEPTANCE
    assert post_action(client, forwarded, "accept", confirm="on").status_code == 302
    forwarded.refresh_from_db()
    assert forwarded.state == State.ACCEPTED


def test_a_missing_opinion_text_is_shown_next_to_the_field(people, as_user, forwarded):
    client = as_user(people["handler"])
    post_action(client, forwarded, "sign")
    forwarded.refresh_from_db()
    post_action(client, forwarded, "accept", confirm="on")
    forwarded.refresh_from_db()
    d = services.opinion_draft_create(actor=people["handler"], petition_id=forwarded.pk)

    response = post_draft(
        client,
        forwarded,
        d,
        "submit",
        outcome="support",
        text="  ",
        facts="经调查核实，情况属实。",
        legal_basis="《保障农民工工资支付条例》第三条",
    )

    assert response.status_code == 400
    assert f'id="id_draft-{d.pk}-text_error"' in text(response)
    d.refresh_from_db()
    assert d.state == "draft"
    forwarded.refresh_from_db()
    assert forwarded.state == State.ACCEPTED


def test_a_stale_page_gets_the_conflict_message_and_changes_nothing(people, as_user, forwarded):
    client = as_user(people["handler"])
    stale = forwarded.version
    post_action(client, forwarded, "sign")
    events = PetitionEvent.objects.filter(petition=forwarded).count()

    response = client.post(
        reverse("petitions:act", args=[forwarded.pk, "return"]),
        {"return-version": stale, "return-reason": "不属于本单位职责"},
    )

    assert response.status_code == 409
    assert "reload" in text(response) or "刷新" in text(response) or "重新" in text(response)
    forwarded.refresh_from_db()
    assert forwarded.state == State.PENDING_ACCEPTANCE
    assert PetitionEvent.objects.filter(petition=forwarded).count() == events


def test_an_action_the_user_may_not_take_is_refused(people, as_user, forwarded):
    response = post_action(as_user(people["handler"]), forwarded, "list", colour="red")
    assert response.status_code == 403
    forwarded.refresh_from_db()
    assert forwarded.listing == ""


# --- personal data ----------------------------------------------------------------


def test_personal_data_is_masked_and_showing_it_is_recorded(people, as_user, forwarded):
    client = as_user(people["handler"])
    person = forwarded.petitioners.get()
    page = text(client.get(reverse("petitions:detail", args=[forwarded.pk])))
    assert VALID_ID not in page and "13812345678" not in page
    assert "110***********002X" in page and "138****5678" in page

    response = client.post(reverse("petitions:reveal", args=[forwarded.pk, person.pk]))

    assert response.status_code == 200
    assert VALID_ID in text(response) and "13812345678" in text(response)
    records = SecurityRecord.objects.filter(
        kind=SecurityRecord.Kind.PII_READ,
        user=people["handler"],
        target=f"petition:{forwarded.pk}:petitioner:{person.pk}",
    )
    assert sorted(r.detail["field"] for r in records) == ["id_number", "phone"]


def test_a_supervisor_may_not_see_personal_data_in_full(people, as_user, forwarded):
    client = as_user(people["supervisor"])
    person = forwarded.petitioners.get()
    response = client.post(reverse("petitions:reveal", args=[forwarded.pk, person.pk]))
    assert response.status_code == 403
    assert not SecurityRecord.objects.filter(kind=SecurityRecord.Kind.PII_READ).exists()


# --- confidentiality of accusations -----------------------------------------------


def test_an_accusation_is_hidden_from_the_accused_unit(people, as_user, register, travel):
    """信访工作条例 Art. 30: the petition office itself is accused; its own dispatcher and
    supervisor, who would otherwise have the matter on their lists, never see it."""
    travel(TODAY)
    p = register(
        purpose="accusation",
        category=Category.objects.get(code="1201"),
        accused_unit=unit(PETITION_OFFICE[0]),
        summary="检举信访局某干部",
    )
    control = register(summary="对照事项")
    link = f'href="{reverse("petitions:detail", args=[p.pk])}"'

    mine = reverse("petitions:worklist")
    for insider in (people["dispatcher"], people["supervisor"]):
        member = as_user(insider)
        for url in (mine, f"{mine}?scope=all", reverse("petitions:supervision")):
            page = member.get(url)
            if page.status_code == 403:
                continue  # the dispatcher has no supervision page
            # The supervisor's own 待办 holds only red and listed matters.
            if not (url == mine and insider == people["supervisor"]):
                assert control.number in text(page)
            assert link not in text(page)
        assert member.get(reverse("petitions:detail", args=[p.pk])).status_code == 404

    assert (
        as_user(people["leader"]).get(reverse("petitions:detail", args=[p.pk])).status_code == 200
    )


# --- supervision ------------------------------------------------------------------


def test_the_supervisor_lists_and_chases_from_the_supervision_page(people, as_user, forwarded):
    client = as_user(people["supervisor"])
    url = reverse("petitions:supervision")
    page = text(client.get(url))
    assert forwarded.number in page
    # The page (and the matter's page) leads to the listing in the supervision area.
    go = reverse("supervision:for_matter", args=[forwarded.pk])
    assert go in client.get(url).content.decode()
    assert go in client.get(reverse("petitions:detail", args=[forwarded.pk])).content.decode()
    new = client.get(go)
    assert new.status_code == 302 and f"matter={forwarded.number}" in new["Location"]
    response = client.post(
        reverse("supervision:new"),
        {
            "matter": forwarded.number,
            "colour": "red",
            "reason": "群众反映强烈",
            "idempotency_key": "k",
        },
    )
    assert response.status_code == 302
    listing = client.get(go)
    assert listing.status_code == 302 and listing["Location"] == response["Location"]
    forwarded.refresh_from_db()
    assert forwarded.listing == "red"
    assert '<span class="badge badge-red">' in text(client.get(url))


def test_the_supervision_page_is_for_supervisors(people, as_user):
    assert as_user(people["handler"]).get(reverse("petitions:supervision")).status_code == 403
