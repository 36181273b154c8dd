"""The public pages: submit, receipt, track, evaluate, ask for review, the terminal."""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from xinfang.core.documents import FontUnavailable, cjk_font
from xinfang.core.notify import LogSender
from xinfang.petitions import services
from xinfang.petitions.models import Evaluation, Petition, State
from xinfang.petitions.tests.fixtures import answer, unit

from .helpers import form_data

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def english(client):
    """The reader chose English (the language cookie; Chinese is the default)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def anon(client):
    return client


def submit(client, data):
    return client.post(reverse("portal:submit"), data)


def track(client, code):
    return client.post(reverse("portal:track"), {"code": code})


def act(actor, p, action, **fields):
    return services.petition_act(actor=actor, petition_id=p.pk, action=action, **fields)


def test_the_kept_header_and_footer_are_in_the_page_s_own_language(anon, demo_tree):
    """The public pages' header and footer are rendered once per language and kept
    (CACHES["fragments"]): each language gets its own, the same as rendered afresh."""
    zh = anon.get(reverse("portal:start")).content.decode()
    english(anon)
    en = anon.get(reverse("portal:track")).content.decode()
    assert "网上信访" in zh and "Petitions online" not in zh
    assert "Petitions online" in en and "Query terminal" in en and "网上信访" not in en
    assert reverse("portal:kiosk") in en and "/static/js/portal" in en
    caches["fragments"].clear()
    again = anon.get(reverse("portal:track")).content.decode()
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"|name="issued" value="[^"]*"')
    assert strip.sub("", again) == strip.sub("", en)


def test_the_submit_page_offers_the_place_tree_and_a_one_time_token(anon, demo_tree, category):
    page = anon.get(reverse("portal:submit")).content.decode()
    assert 'name="submission_token"' in page
    token = re.search(r'name="submission_token" value="([0-9a-f]{32})"', page)
    assert token, "a fresh token on every form"
    assert "<optgroup" in page and demo_tree["410481102001"].name in page
    assert 'type="file"' in page and "multiple" in page
    assert "10 MB" in page  # the limits are shown before upload


def test_the_kept_blank_form_is_the_form_rendered_afresh_with_its_own_tokens(
    demo_tree, category, village_a
):
    """The blank form's HTML is kept (portal.views._blank_form_html); each visitor
    still gets the page Django would render, with their own CSRF token (which
    the POST passes) and a one-time submission token of their own."""
    from django.template.loader import render_to_string
    from django.test import Client

    from xinfang.portal.forms import PetitionerFormSet, SubmitForm

    client = Client(enforce_csrf_checks=True)
    pages = [client.get(reverse("portal:submit")).content.decode() for _ in range(2)]
    tokens = [re.search(r'name="submission_token" value="([0-9a-f]{32})"', p)[1] for p in pages]
    assert tokens[0] != tokens[1]
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', pages[1])[1]
    afresh = render_to_string(
        "portal/_submit_form.html",
        {
            "form": SubmitForm(initial={"submission_token": tokens[1]}),
            "formset": PetitionerFormSet(prefix="p"),
            "csrf_token": re.search(
                r'<form method="post" enctype.*?name="csrfmiddlewaretoken" value="([^"]+)"',
                pages[1],
                re.S,
            )[1],
        },
    )
    assert afresh in pages[1]
    data = form_data(category, village_a, submission_token=tokens[1], csrfmiddlewaretoken=csrf)
    response = client.post(reverse("portal:submit"), data)
    assert response.status_code == 200 and Petition.objects.count() == 1
    assert Petition.objects.get().number in response.content.decode()  # the receipt


def test_the_kept_place_and_category_lists_follow_a_change_at_once(anon, demo_tree, category):
    """The form's lists are kept between requests (core.memo); a renamed village
    or a retired category shows on the next form, in the language asked for."""
    village = demo_tree["410481102001"]
    assert village.name in anon.get(reverse("portal:submit")).content.decode()
    village.name = "新名村"
    village.save()
    category.is_active = False
    category.save()
    page = anon.get(reverse("portal:submit")).content.decode()
    categories = re.search(r'<select name="category".*?</select>', page, re.S).group(0)
    assert "新名村" in page and f'value="{category.pk}"' not in categories
    english(anon)
    assert "the township itself" in anon.get(reverse("portal:submit")).content.decode()


def test_a_submission_gives_number_and_code_in_large_print_and_an_sms(
    anon, demo_tree, category, village_a, django_capture_on_commit_callbacks
):
    LogSender.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        r = submit(anon, form_data(category, village_a))
    # The receipt is the POST's answer (no redirect: one round trip fewer).
    assert r.status_code == 200 and "Location" not in r
    assert [t.name for t in r.templates][0] == "portal/receipt.html"
    p = Petition.objects.get()
    assert p.channel == "online" and p.petitioners.get().name == "张三"
    code = f"{p.query_code[:4]}-{p.query_code[4:8]}-{p.query_code[8:]}"
    # Kept in the session: the receipt's own address shows the same (print, reload).
    for page in (r.content.decode(), anon.get(reverse("portal:receipt")).content.decode()):
        assert p.number in page and code in re.sub(r"<[^>]+>", "", page)
        assert "big-print code" in page
        # On a phone the code may break at a dash, never inside a group (issue 11).
        assert '<span class="code-group">' + p.query_code[:4] + "</span>" in page
        assert "138****5678" in page  # told where the SMS went, masked
    sms = [m for m in LogSender.outbox if m.channel == "sms"]
    assert len(sms) == 1 and sms[0].to == "13812345678" and code in sms[0].body


def test_a_double_submit_with_one_token_makes_one_matter(anon, demo_tree, category, village_a):
    data = form_data(category, village_a)
    first = submit(anon, data)
    second = submit(anon, data)
    assert first.status_code == second.status_code == 200
    assert Petition.objects.count() == 1
    number = Petition.objects.get().number
    assert number in first.content.decode() and number in second.content.decode()


def _receipt_facts(page: str) -> tuple[str, str]:
    """The number and the query code a receipt page shows."""
    number = re.search(r'<dd class="big-print">([^<]+)</dd>', page)[1]
    code = re.sub(r"<[^>]+>", "", re.search(r'<dd class="big-print code"[^>]*>(.*?)</dd>', page)[1])
    return number, code


def test_a_reload_of_the_receipt_resends_the_post_and_shows_the_same_matter(
    anon, demo_tree, category, village_a
):
    """The receipt is the answer to the POST: a browser's reload of it sends the
    same form again, with the same one-time submission token. That is the same
    matter again, with the same receipt, not a second matter."""
    data = form_data(category, village_a)
    first = submit(anon, data)
    assert first.status_code == 200
    p = Petition.objects.get()
    code = f"{p.query_code[:4]}-{p.query_code[4:8]}-{p.query_code[8:]}"
    assert _receipt_facts(first.content.decode()) == (p.number, code)

    reload = submit(anon, data)

    assert reload.status_code == 200 and "Location" not in reload
    assert [t.name for t in reload.templates][0] == "portal/receipt.html"
    assert _receipt_facts(reload.content.decode()) == (p.number, code)
    assert Petition.objects.count() == 1
    assert _receipt_facts(anon.get(reverse("portal:receipt")).content.decode()) == (p.number, code)


def _own_address_links(page: str) -> tuple[str, list[str]]:
    """Where the language form and the text-size link of a page send the reader
    back to: the hidden `next` of the one, the `next` of the other."""
    form = re.search(r'<form action="/i18n/setlang/".*?</form>', page, re.S)[0]
    hidden = re.search(r'<input name="next" type="hidden" value="([^"]*)">', form)[1]
    sizes = re.findall(r'href="/public/text-size/\?size=\w+&amp;next=([^"]*)"', page)
    return hidden, sizes


def test_the_pages_answered_to_a_post_switch_language_and_text_size_to_their_own_address(
    anon, demo_tree, category, village_a
):
    """The receipt and the matter are answers to POSTs of /public/submit/ and
    /public/track/; their language switch and text-size link lead back to the
    receipt's and the matter's own addresses, not to the form just sent."""
    r = submit(anon, form_data(category, village_a))
    assert r.status_code == 200
    p = Petition.objects.get()
    receipt_url = reverse("portal:receipt")
    receipt_next, receipt_sizes = _own_address_links(r.content.decode())
    assert (receipt_next, receipt_sizes) == (receipt_url, [receipt_url])
    assert "Your matter has been received" not in r.content.decode()  # Chinese so far

    r = track(anon, p.query_code)
    assert r.status_code == 200 and p.summary in r.content.decode()
    assert "My matter" not in r.content.decode()  # Chinese so far
    matter_url = reverse("portal:matter")
    hidden, sizes = _own_address_links(r.content.decode())
    assert (hidden, sizes) == (matter_url, [matter_url])
    assert reverse("portal:track") not in (hidden, *sizes)

    # The text-size link leads back to the matter, in large print.
    big = anon.get(reverse("portal:text_size") + f"?size=large&next={sizes[0]}")
    assert big.status_code == 302 and big["Location"] == matter_url
    page = anon.get(matter_url).content.decode()
    assert 'class="large-text"' in page and p.number in page

    # The language switch leads back to the matter, in English.
    switched = anon.post(reverse("set_language"), {"language": "en", "next": hidden})
    assert switched.status_code == 302 and switched["Location"] == matter_url
    page = anon.get(switched["Location"]).content.decode()
    assert "My matter" in page and p.number in page and p.summary in page

    # And from the receipt's own switch, the receipt, in English (still in the session).
    switched = anon.post(reverse("set_language"), {"language": "en", "next": receipt_next})
    assert switched.status_code == 302 and switched["Location"] == receipt_url
    page = anon.get(switched["Location"]).content.decode()
    assert "Your matter has been received" in page and p.number in page
    code = f"{p.query_code[:4]}-{p.query_code[4:8]}-{p.query_code[8:]}"
    assert _receipt_facts(page) == (p.number, code)


def test_errors_are_shown_next_to_the_field_and_keep_what_was_typed(
    anon, demo_tree, category, village_a
):
    data = form_data(category, village_a, summary="", **{"p-0-id_number": "123456"})
    r = submit(anon, data)
    assert r.status_code == 400
    page = r.content.decode()
    assert Petition.objects.count() == 0
    assert 'id="id_summary_error"' in page
    assert 'aria-invalid="true"' in page
    # What was typed comes back.
    assert "某公司拖欠我们工资三个月" in page and 'value="13812345678"' in page


def test_a_bad_id_number_is_refused_next_to_it(anon, demo_tree, category, village_a):
    r = submit(anon, form_data(category, village_a, **{"p-0-id_number": "110105194912310021"}))
    assert r.status_code == 400 and Petition.objects.count() == 0
    assert 'id="id_p-0-id_number_error"' in r.content.decode()


def test_errors_are_in_chinese_by_default(anon, demo_tree, category, village_a):
    r = submit(anon, form_data(category, village_a, consent=""))
    page = r.content.decode()
    assert r.status_code == 400
    assert "我们需要" in page or "同意" in page


def test_an_attachment_is_checked_by_its_content(anon, demo_tree, category, village_a):
    fake = SimpleUploadedFile("photo.jpg", b"<html><script>alert(1)</script></html>", "image/jpeg")
    r = submit(anon, {**form_data(category, village_a), "attachments": [fake]})
    assert r.status_code == 400 and Petition.objects.count() == 0
    assert 'id="id_attachments_error"' in r.content.decode()
    photo = SimpleUploadedFile("photo.png", PNG, "image/png")
    r = submit(anon, {**form_data(category, village_a), "attachments": [photo]})
    assert r.status_code == 200
    p = Petition.objects.get()
    assert p.attachments.count() == 1 and p.number in r.content.decode()  # the receipt


def test_a_group_names_its_representatives(anon, demo_tree, category, village_a):
    data = form_data(
        category,
        village_a,
        who="group",
        people_count="12",
        **{"p-1-name": "李四", "p-1-phone": "13912345678"},
    )
    r = submit(anon, data)
    assert r.status_code == 200
    p = Petition.objects.get()
    assert p.number in r.content.decode()  # the receipt
    assert p.people_count == 12 and p.collective
    assert [x.name for x in p.petitioners.all()] == ["张三", "李四"]
    assert all(x.is_representative for x in p.petitioners.all())


def test_tracking_tolerates_spaces_case_and_keeps_the_code_out_of_urls(anon, demo_tree, register):
    p = register()
    messy = " ".join(p.query_code.lower()[i : i + 3] for i in range(0, 13, 3))
    r = track(anon, messy)
    # The matter is the POST's answer: no redirect, so no URL to carry the code.
    assert r.status_code == 200 and "Location" not in r
    assert [t.name for t in r.templates][0] == "portal/matter.html"
    page = r.content.decode()
    assert p.number in page and p.summary in page
    assert "timeline" in page
    # No link or form on the page carries the code either.
    urls = re.findall(r'(?:href|action|src)="([^"]*)"', page)
    assert urls and not [u for u in urls if p.query_code.lower() in u.lower().replace("-", "")]
    # Kept in the session: the matter's own address shows it again.
    again = anon.get(reverse("portal:matter"))
    assert again.status_code == 200 and p.number in again.content.decode()


def test_reading_the_tracked_matter_writes_nothing_and_asks_little(anon, demo_tree, register):
    """Each look at the matter was a write transaction (the electronic-service
    check locked the row) and a session write, and read the timeline twice."""
    p = register()
    track(anon, p.query_code)
    anon.get(reverse("portal:matter"))
    with CaptureQueriesContext(connection) as ctx:
        page = anon.get(reverse("portal:matter")).content.decode()
    assert p.number in page
    sql = [q["sql"] for q in ctx.captured_queries]
    assert not [q for q in sql if q.startswith(("INSERT", "UPDATE", "BEGIN", "SAVEPOINT"))], sql
    assert len(sql) <= 6, sql


def test_a_wrong_code_gets_a_clear_message(anon, demo_tree, register):
    register()
    english(anon)
    r = anon.post(reverse("portal:track"), {"code": "ABCD-EFGH-JKMNP"})
    assert r.status_code == 404
    assert "No matter has this query code" in r.content.decode()
    assert anon.get(reverse("portal:matter")).status_code == 302  # nothing remembered


def test_the_public_page_shows_due_dates_but_no_colour_and_no_staff(
    anon, demo_tree, register, people, travel
):
    travel("2026-09-16")
    p = register()
    travel("2026-09-18")
    act(people["dispatcher"], p, "forward", responsible_unit=unit("410481102"), note="内部备注X")
    act(people["handler"], p, "sign")
    act(people["handler"], p, "accept")
    track(anon, p.query_code)
    page = anon.get(reverse("portal:matter")).content.decode()
    assert "2026-11-17" in page  # the answer's due date (60 days from 18 Sept)
    for leak in ("badge-", "内部备注X", people["handler"].username, "红", "黄"):
        assert leak not in page


def test_evaluate_once_then_ask_for_review_inside_the_window(
    anon, demo_tree, register, people, travel
):
    travel("2026-09-16")
    p = register()
    act(people["dispatcher"], p, "forward", responsible_unit=unit("410481102"))
    act(people["handler"], p, "sign")
    act(people["handler"], p, "accept")
    travel("2026-10-20")
    answer(
        people["handler"],
        p,
        "reply",
        outcome="support",
        text="责令公司支付。",
        facts="经调查核实，情况属实。",
        legal_basis="《保障农民工工资支付条例》第三条",
    )
    track(anon, p.query_code)
    page = anon.get(reverse("portal:matter")).content.decode()
    assert 'name="unit_rating"' in page and 'name="reasons"' in page

    r = anon.post(
        reverse("portal:evaluate"),
        {"unit_rating": "basically_satisfied", "office_rating": "satisfied", "comment": "好"},
    )
    assert r.status_code == 302
    ev = Evaluation.objects.get(petition=p)
    assert (ev.unit_rating, ev.office_rating, ev.comment) == (
        "basically_satisfied",
        "satisfied",
        "好",
    )
    page = anon.get(reverse("portal:matter")).content.decode()
    assert 'name="unit_rating"' not in page  # once
    r = anon.post(
        reverse("portal:evaluate"), {"unit_rating": "satisfied", "office_rating": "satisfied"}
    )
    assert Evaluation.objects.filter(petition=p).count() == 1
    # The conflict is said above the timeline, not as an error page.
    assert r.status_code == 302 and r.url == reverse("portal:matter")
    assert "该答复已经评价过" in anon.get(r.url).content.decode()

    r = anon.post(reverse("portal:review"), {"reasons": ""})
    assert r.status_code == 400
    p.refresh_from_db()
    assert p.state == State.OPINION_ISSUED
    r = anon.post(reverse("portal:review"), {"reasons": "公司仍未支付。"})
    assert r.status_code == 302
    p.refresh_from_db()
    assert p.state == State.UNDER_REVIEW


def test_after_the_window_the_page_says_why_not(anon, demo_tree, register, people, travel):
    travel("2026-09-16")
    p = register()
    act(people["dispatcher"], p, "forward", responsible_unit=unit("410481102"))
    act(people["handler"], p, "sign")
    act(people["handler"], p, "accept")
    travel("2026-10-20")
    p = answer(
        people["handler"],
        p,
        "reply",
        outcome="explain",
        text="已解释。",
        facts="经调查核实，情况属实。",
        legal_basis="《保障农民工工资支付条例》第三条",
    )
    p = act(
        people["handler"], p, "record_service", method="direct", served_on=dt.date(2026, 10, 20)
    )
    travel((p.window_ends_on + dt.timedelta(days=1)).isoformat())
    english(anon)
    track(anon, p.query_code)
    page = anon.get(reverse("portal:matter")).content.decode()
    assert 'name="reasons"' not in page
    assert "ended on " + p.window_ends_on.isoformat() in page
    r = anon.post(reverse("portal:review"), {"reasons": "不服"})
    assert r.status_code == 302
    p.refresh_from_db()
    assert p.state == State.OPINION_ISSUED  # nothing changed


@override_settings(
    REST_FRAMEWORK={
        "DEFAULT_THROTTLE_RATES": {"public_lookup": "3/minute", "public_submit": "2/minute"}
    }
)
def test_rate_limits_answer_politely(anon, demo_tree, category, village_a, cache_clear):
    for _ in range(3):
        assert track(anon, "ABCD-EFGH-JKMNP").status_code == 404
    r = track(anon, "ABCD-EFGH-JKMNP")
    assert r.status_code == 429 and int(r["Retry-After"]) >= 1
    assert "error-box" not in r.content.decode()
    for i in range(2):
        submit(anon, form_data(category, village_a, submission_token=f"t{i}" * 10))
    r = submit(anon, form_data(category, village_a, submission_token="t9" * 10))
    assert r.status_code == 429
    assert Petition.objects.count() == 2


@pytest.fixture
def cache_clear():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def test_the_terminal_keeps_nothing(anon, demo_tree, register):
    p = register()
    keypad = anon.get(reverse("portal:kiosk")).content.decode()
    assert 'data-key="A"' in keypad and 'data-key="0"' not in keypad
    assert "data-idle-seconds=" in keypad
    r = anon.post(reverse("portal:kiosk"), {"code": p.query_code.lower()})
    assert r.status_code == 200 and p.number in r.content.decode()
    assert "no-store" in r["Cache-Control"]
    assert "sessionid" not in r.cookies
    assert anon.session.get("portal_track") is None
    r = anon.post(reverse("portal:kiosk"), {"code": "2222-2222-22222"})
    assert r.status_code == 404 and p.number not in r.content.decode()


def test_large_text_is_remembered(anon, demo_tree):
    r = anon.get(reverse("portal:text_size") + "?size=large&next=/public/track/")
    assert r.status_code == 302 and r.url == "/public/track/"
    assert 'class="large-text"' in anon.get("/public/track/").content.decode()
    r = anon.get(reverse("portal:text_size") + "?size=large&next=https://evil.example/")
    assert r.url == reverse("portal:start")


@pytest.fixture
def font():
    try:
        cjk_font()
    except FontUnavailable as exc:
        pytest.skip(str(exc))


def test_the_notices_listed_are_the_notices_served(anon, demo_tree, register, people, font):
    """A matter merged into this one (same petitioner) lends its acceptance notice:
    the page lists it, and the link serves it."""
    first = register()
    second = register(summary="同一公司拖欠工资")
    for p in (first, second):
        act(people["dispatcher"], p, "forward", responsible_unit=unit("410481102"))
        act(people["handler"], p, "sign")
        act(people["handler"], p, "accept")
    act(people["dispatcher"], second, "merge", into=first)
    track(anon, first.query_code)
    page = anon.get(reverse("portal:matter")).content.decode()
    links = re.findall(r'href="(/public/track/matter/notices/(\d+)\.pdf)"', page)
    merged_accept = second.events.get(action="accept").pk
    assert str(merged_accept) in {event_id for _url, event_id in links}
    for url, _event_id in links:
        r = anon.get(url)
        assert r.status_code == 200 and r.content.startswith(b"%PDF")
    other = anon.get(reverse("portal:notice", args=[999999]))
    assert other.status_code == 404


def test_without_a_chinese_font_a_notice_is_503_with_the_reason(
    anon, demo_tree, register, people, monkeypatch
):
    p = register()
    act(people["dispatcher"], p, "forward", responsible_unit=unit("410481102"))
    act(people["handler"], p, "sign")
    act(people["handler"], p, "accept")
    track(anon, p.query_code)
    accepted = p.events.get(action="accept").pk
    monkeypatch.setenv("XINFANG_PDF_FONT", "/nowhere/no-such-font.ttf")

    r = anon.get(reverse("portal:notice", args=[accepted]))

    assert r.status_code == 503
    assert "/nowhere/no-such-font.ttf" in r.content.decode()
