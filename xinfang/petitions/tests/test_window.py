"""The reception window: receipts, the SMS the petitioner agreed to, finding a
person's matters, the query code issued again, warnings about ID numbers."""

import pypdfium2
import pytest
from django.urls import reverse

from xinfang.core import notify
from xinfang.core.documents import FontUnavailable, cjk_font
from xinfang.core.models import SecurityRecord
from xinfang.core.querycode import format_query_code
from xinfang.petitions import notices, permissions, selectors, services
from xinfang.petitions.models import Petition, PetitionEvent

from .fixtures import TODAY, VALID_ID, form_data

ELDER_ID = "410481195503150027"  # born 1955 in 410481, a code created in 1990
UNKNOWN_AREA_ID = "999999195510100011"  # valid check digit, area code in no table


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def font():
    try:
        cjk_font()
    except FontUnavailable as exc:
        pytest.skip(str(exc))


def pdf_text(content: bytes) -> str:
    doc = pypdfium2.PdfDocument(content)
    text = "".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    return text.replace("\r", "").replace("\n", "")


class DeliveringSender:
    delivers = True
    sent: list = []

    def send(self, message):
        DeliveringSender.sent.append((message.channel, message.to, message.body))


# --- the receipt ----------------------------------------------------------------------


def test_the_receipt_pdf_holds_number_code_date_and_what_happens_next(
    people, as_user, travel, category, village_a, font
):
    travel(TODAY)
    client = as_user(people["clerk"])
    response = client.post(reverse("petitions:register"), form_data(category, village_a))
    p = Petition.objects.get()
    page = client.get(response["Location"]).content.decode()
    url = reverse("petitions:receipt", args=[p.pk])
    assert f"{url}?page=A4" in page and f"{url}?page=A5" in page

    a5 = client.get(url, {"page": "A5"})
    a4 = client.get(url, {"page": "A4"})

    assert a5.status_code == 200 and a5["Content-Type"] == "application/pdf"
    assert "no-store" in a5["Cache-Control"]
    small, large = pdf_text(a5.content), pdf_text(a4.content)
    code = format_query_code(p.query_code)
    for text in (small, large):
        assert p.number in text and code in text
        assert "2026年11月2日" in text and "15日内" in text and "查询终端" in text
    assert len(pypdfium2.PdfDocument(a5.content)[0].get_size()) == 2
    width, height = pypdfium2.PdfDocument(a5.content)[0].get_size()
    assert round(width / 72 * 25.4) == 148 and round(height / 72 * 25.4) == 210
    # A4 holds the stub the window keeps too: it never carries the code.
    assert "存根" in large and large.count(code) == 1 and "存根" not in small


def test_the_receipt_with_the_code_is_printable_only_in_the_session_that_registered(
    people, as_user, travel, category, village_a, client, django_user_model
):
    travel(TODAY)
    as_user(people["clerk"]).post(reverse("petitions:register"), form_data(category, village_a))
    p = Petition.objects.get()
    client.logout()
    client.force_login(people["clerk"])  # a new session: no allowance

    response = client.get(reverse("petitions:receipt", args=[p.pk]), {"page": "A4"})

    assert response.status_code == 403
    assert format_query_code(p.query_code) not in response.content.decode()


# --- SMS with the petitioner's consent ----------------------------------------------------


def test_no_sms_without_consent_and_an_honest_word_when_nothing_left(
    people, as_user, travel, category, village_a
):
    travel(TODAY)
    client = as_user(people["clerk"])
    before = len(notify.LogSender.outbox)
    client.post(reverse("petitions:register"), form_data(category, village_a))
    assert len(notify.LogSender.outbox) == before  # no consent, no SMS

    response = client.post(
        reverse("petitions:register"),
        form_data(
            category,
            village_a,
            sms_receipt="on",
            idempotency_key="8f0c2f0e-3d5a-4f59-9a43-6f1f2a1b0c12",
            summary="另一件事",
        ),
        follow=True,
    )

    p = Petition.objects.get(summary="另一件事")
    event = p.events.get(action="register")
    assert event.data["sms_receipt"] == ["138****5678"]
    page = response.content.decode()
    # The development sender only logs: the page says no SMS left.
    assert "未发送短信" in page or "No SMS has been sent" in page
    assert "已通过短信发送" not in page


def test_the_sms_goes_out_through_a_real_gateway_and_the_page_says_so(
    people, as_user, travel, category, village_a, settings, django_capture_on_commit_callbacks
):
    settings.XINFANG_SMS_SENDER = f"{__name__}.DeliveringSender"
    DeliveringSender.sent = []
    travel(TODAY)
    client = as_user(people["clerk"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("petitions:register"),
            form_data(category, village_a, sms_receipt="on"),
            follow=True,
        )
    p = Petition.objects.get()
    assert [(c, to) for c, to, _b in DeliveringSender.sent] == [("sms", "13812345678")]
    assert format_query_code(p.query_code) in DeliveringSender.sent[0][2]
    page = response.content.decode()
    assert "138****5678" in page and "未发送短信" not in page


def test_consent_without_a_phone_is_refused_beside_the_box(
    people, as_user, travel, category, village_a
):
    travel(TODAY)
    response = as_user(people["clerk"]).post(
        reverse("petitions:register"),
        form_data(category, village_a, sms_receipt="on", **{"petitioners-0-phone": ""}),
    )
    assert response.status_code == 400 and not Petition.objects.exists()
    assert 'id="id_sms_receipt"' in response.content.decode()


# --- the window: finding a person's matters -------------------------------------------------


def test_the_window_finds_a_persons_matters_masked_and_records_id_searches(
    people, as_user, register, travel
):
    travel(TODAY)
    mine = register()
    # Submitted online: the office received it; the window answers for it too.
    online, _created = services.petition_submit_public(
        idempotency_key=None,
        purpose="appeal",
        category=mine.category,
        place=mine.place,
        summary="网上反映的事",
        content="网上反映的内容",
        petitioners=[{"name": "张三", "id_number": VALID_ID}],
    )
    other = register(petitioners=[{"name": "李四"}], summary="别人的事")
    client = as_user(people["clerk"])
    url = reverse("petitions:window")
    assert client.get(url).status_code == 200

    by_name = client.post(url, {"name": "张三"})
    page = by_name.content.decode()
    assert mine.number in page and online.number in page and other.number not in page
    assert VALID_ID not in page and "110***********002X" in page
    assert "no-store" in by_name["Cache-Control"]
    assert not SecurityRecord.objects.filter(kind=SecurityRecord.Kind.PII_SEARCH).exists()

    by_id = client.post(url, {"id_number": VALID_ID})
    assert mine.number in by_id.content.decode()
    record = SecurityRecord.objects.get(kind=SecurityRecord.Kind.PII_SEARCH)
    assert record.user == people["clerk"] and record.detail["fields"] == ["id_number"]
    assert set(record.detail["matters"]) == {mine.pk, online.pk}
    # The matter received online opens for the window clerk.
    assert client.get(reverse("petitions:detail", args=[online.pk])).status_code == 200


def test_only_a_window_clerk_searches_and_a_bad_id_is_said_beside_its_field(
    people, as_user, travel
):
    travel(TODAY)
    assert as_user(people["handler"]).get(reverse("petitions:window")).status_code == 403
    response = as_user(people["clerk"]).post(
        reverse("petitions:window"), {"id_number": VALID_ID[:-1] + "1"}
    )
    assert response.status_code == 400
    assert 'id="id_id_number_error"' in response.content.decode()


def test_an_accusation_stays_hidden_from_the_window(people, as_user, register, travel, demo_tree):
    travel(TODAY)
    accusation, _created = services.petition_submit_public(
        idempotency_key=None,
        purpose="accusation",
        category=register().category,
        place=demo_tree["410481102001"],
        summary="检举",
        content="检举内容",
        petitioners=[{"name": "王五", "id_number": VALID_ID}],
    )
    page = as_user(people["clerk"]).post(reverse("petitions:window"), {"name": "王五"})
    assert accusation.number not in page.content.decode()


# --- the query code issued again ----------------------------------------------------------


def test_the_code_is_issued_again_after_the_id_is_checked_and_the_old_one_stops(
    people, as_user, register, travel, font
):
    travel(TODAY)
    p = register()
    old = p.query_code
    client = as_user(people["clerk"])
    url = reverse("petitions:reissue", args=[p.pk])
    person = p.petitioners.get()
    form = {"petitioner": person.pk, "document": "id_card", "identity_checked": "on"}

    wrong = client.post(url, {**form, "id_number": "410481199505050298"})
    unchecked = client.post(url, {**form, "identity_checked": "", "id_number": VALID_ID})

    assert wrong.status_code == 400 and unchecked.status_code == 400
    assert Petition.objects.get().query_code == old

    done = client.post(url, {**form, "id_number": VALID_ID})

    p.refresh_from_db()
    assert done.status_code == 200 and p.query_code != old
    assert format_query_code(p.query_code) in done.content.decode()
    assert "no-store" in done["Cache-Control"]
    assert selectors.public_view(old) is None and selectors.public_view(p.query_code) == p
    event = p.events.get(action="query_code_reissued")
    assert event.public and event.actor == people["clerk"]
    assert event.data == {"petitioner": 0, "document": "id_card", "id_number_matched": True}
    assert old not in str(event.data) and p.query_code not in str(event.data)
    record = SecurityRecord.objects.get(kind=SecurityRecord.Kind.CODE_REISSUED)
    assert record.target == f"petition:{p.pk}:petitioner:{person.pk}"
    # The new receipt prints the new code and says the old one no longer works.
    text = pdf_text(client.get(reverse("petitions:receipt", args=[p.pk]), {"page": "A5"}).content)
    assert format_query_code(p.query_code) in text and format_query_code(old) not in text
    assert "原查询码" in text or "no longer works" in text
    # The petitioner's timeline says it in words (with the new code).
    looked_up = client.post(reverse("portal:track"), {"code": p.query_code})
    assert looked_up.status_code == 200 and "原查询码已作废" in looked_up.content.decode()
    assert "原查询码已作废" in client.get(reverse("portal:matter")).content.decode()
    # The public pages refuse the old code.
    tracked = client.post(reverse("portal:track"), {"code": old})
    assert tracked.status_code == 404


def test_a_handler_cannot_issue_codes(people, as_user, register, travel):
    travel(TODAY)
    p = register()
    p = services.petition_act(
        actor=people["dispatcher"],
        petition_id=p.pk,
        action="forward",
        responsible_unit=p.place.parent,
    )
    response = as_user(people["handler"]).get(reverse("petitions:reissue", args=[p.pk]))
    assert response.status_code == 403
    assert not PetitionEvent.objects.filter(action="query_code_reissued").exists()


# --- ID numbers: warnings never refuse -------------------------------------------------------


def test_an_elderly_residents_id_registers_and_an_unknown_area_code_only_warns(
    people, as_user, travel, category, village_a
):
    travel(TODAY)
    client = as_user(people["clerk"])
    elder = client.post(
        reverse("petitions:register"),
        form_data(category, village_a, **{"petitioners-0-id_number": ELDER_ID}),
        follow=True,
    )
    assert elder.status_code == 200 and Petition.objects.count() == 1
    assert "data-id-warning" not in elder.content.decode()

    response = client.post(
        reverse("petitions:register"),
        form_data(
            category,
            village_a,
            idempotency_key="8f0c2f0e-3d5a-4f59-9a43-6f1f2a1b0c13",
            **{"petitioners-0-id_number": UNKNOWN_AREA_ID},
        ),
        follow=True,
    )
    assert Petition.objects.count() == 2
    assert "999999" in response.content.decode()

    shown = client.post(
        reverse("petitions:register"),
        form_data(
            category,
            village_a,
            summary="",
            **{"petitioners-0-id_number": UNKNOWN_AREA_ID},
        ),
    )
    assert shown.status_code == 400 and "data-id-warning" in shown.content.decode()


# --- a letter's code in the notice of acceptance -------------------------------------------


@pytest.mark.parametrize("channel", ["letter", "visit"])
def test_the_acceptance_notice_of_a_letter_carries_the_query_code(
    channel, people, register, travel, make_person, village_a, font
):
    village = make_person("handler", village_a, username="t-village-handler")
    travel(TODAY)
    p = register(channel=channel)
    for actor, action, fields in (
        (people["dispatcher"], "forward", {"responsible_unit": village_a}),
        (village, "sign", {}),
        (village, "accept", {}),
    ):
        p = services.petition_act(actor=actor, petition_id=p.pk, action=action, **fields)
    accept = p.events.get(action="accept")

    text = pdf_text(notices.notice_pdf(p, accept.pk, public=False)).replace(" ", "")

    assert (format_query_code(p.query_code) in text) is (channel == "letter")


def test_a_township_clerk_keeps_no_window_for_the_citys_office(
    people, register, travel, make_person, demo_tree
):
    travel(TODAY)
    p = register()
    township_clerk = make_person("clerk", demo_tree["410481101"], username="t-township-clerk")
    assert permissions.may_see(people["clerk"], p)  # the city's reception centre
    assert not permissions.may_see(township_clerk, p)
    assert services.window_search(actor=township_clerk, name="张三") == []
