"""Written notices (书面告知): each of the six, walked to, downloaded by staff and by
the petitioner, read back from the PDF and looked at as a picture."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from xinfang.core import calendar
from xinfang.core.documents import FontUnavailable, chinese_date, cjk_font, missing_glyphs
from xinfang.core.models import NoticeTemplate
from xinfang.petitions import notices, services
from xinfang.petitions.models import NoticeService, PetitionEvent

from .fixtures import answer, unit

D = dt.date

pdfium = pytest.importorskip("pypdfium2")


@pytest.fixture
def font():
    try:
        return cjk_font()
    except FontUnavailable as exc:
        pytest.skip(str(exc))


def pdf_text(content: bytes) -> str:
    pdf = pdfium.PdfDocument(content)
    return "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))


def flat(text: str) -> str:
    """The text without the line breaks and spaces the layout puts in."""
    return re.sub(r"\s+", "", text)


def ink_in_title_area(content: bytes, path) -> int:
    """Dark pixels in the band where the title is printed (page 1, scale 2); the
    page is saved as PNG for a person to look at."""
    pdf = pdfium.PdfDocument(content)
    image = pdf[0].render(scale=2).to_pil().convert("L")
    image.save(path)
    width, height = image.size
    band = image.crop((0, int(height * 0.12), width, int(height * 0.24)))
    return sum(band.histogram()[:128])


def act(actor, p, action, **fields):
    return services.petition_act(actor=actor, petition_id=p.pk, action=action, **fields)


def event(p, action):
    return PetitionEvent.objects.filter(petition=p, action=action).latest("at", "pk")


@pytest.fixture
def walk(people, register, travel, make_person, village_a):
    """walk(until) -> the matter, taken through the statutory steps up to `until`:
    answered by the village, reviewed by the township, re-reviewed by the city (the
    organ one level up each time, 信访工作条例 Art. 35, 36)."""
    village = make_person("handler", village_a, username="t-village-handler")

    def go(until: str):
        travel("2026-09-16")
        p = register(received_on=dt.date(2026, 9, 16))
        travel("2026-09-18")
        act(people["dispatcher"], p, "forward", responsible_unit=village_a)
        act(village, p, "sign")
        travel("2026-09-25")
        if until == "decline":
            return act(
                village,
                p,
                "decline",
                route="arbitration",
                reason="属于劳动争议，应当申请劳动人事争议仲裁。",
            )
        p = act(village, p, "accept")
        if until == "accept":
            return p
        travel("2026-11-16")
        p = act(
            people["unit_head"], p, "extend", days=30, reason="涉及多家用工单位，需要调查核实。"
        )
        if until == "extend":
            return p
        travel("2026-12-10")
        p = answer(
            village,
            p,
            "reply",
            outcome="support",
            text="已责令用工单位十日内支付。",
            facts="经调查核实，情况属实。",
            legal_basis="《保障农民工工资支付条例》第三条",
        )
        # Handed over three days later (送达): the window runs from then.
        travel("2026-12-13")
        p = act(village, p, "record_service", method="direct", served_on=D(2026, 12, 13))
        if until == "reply":
            return p
        travel("2026-12-20")
        services.petition_request_review(query_code=p.query_code, reasons="仍未支付")
        travel("2027-01-05")
        p = answer(
            people["handler"],
            p,
            "review_reply",
            outcome="uphold",
            text="经复查，原处理意见认定事实清楚。",
            facts="经调查核实，情况属实。",
            legal_basis="《保障农民工工资支付条例》第三条",
        )
        travel("2027-01-09")
        p = act(people["handler"], p, "record_service", method="post", served_on=D(2027, 1, 8))
        if until == "review_reply":
            return p
        travel("2027-01-12")
        services.petition_request_re_review(query_code=p.query_code, reasons="不服复查")
        travel("2027-01-26")
        return answer(
            people["reviewer"],
            p,
            "re_review_reply",
            outcome="uphold",
            text="经复核，维持复查意见。",
            facts="经调查核实，情况属实。",
            legal_basis="《保障农民工工资支付条例》第三条",
        )

    return go


# kind → (the action, the title, what the PDF must say besides the common facts)
EXPECTED = {
    "accept": ("accept", "信访事项受理告知书", ["《信访工作条例》第二十三条第三款", "60日内办结"]),
    "decline": ("decline", "信访事项不予受理告知书", ["仲裁", "《信访工作条例》第三十一条"]),
    "extend": (
        "extend",
        "信访事项延期办理告知书",
        ["涉及多家用工单位", "《信访工作条例》第三十四条"],
    ),
    "reply": (
        "reply",
        "信访处理意见书",
        [
            "已责令用工单位",
            "支持",
            "第三十二条",
            "请求复查",
            "经调查核实，情况属实。",  # the facts found (Art. 32)
            "《保障农民工工资支付条例》第三条",  # the legal basis in substance
        ],
    ),
    "review_reply": (
        "review_reply",
        "信访事项复查意见书",
        ["原处理意见认定事实清楚", "维持", "《信访工作条例》第三十五条"],
    ),
    "re_review_reply": (
        "re_review_reply",
        "信访事项复核意见书",
        ["维持复查意见", "《信访工作条例》第三十六条第一款", "第三十六条第三款", "不再受理"],
    ),
}


def dates_expected(e) -> list[str]:
    data = e.data
    found = [chinese_date(dt.date(2026, 9, 16))]  # received
    found.append(chinese_date(e.at.astimezone(dt.timezone(dt.timedelta(hours=8))).date()))
    for key in ("due", "window"):
        if data.get(key):
            found.append(chinese_date(data[key]))
    service = NoticeService.objects.filter(event=e).first()
    if service is not None:  # the window, counted from the day of service
        clock = {"reply": "review_request", "review_reply": "re_review_request"}[e.action]
        found.append(chinese_date(calendar.deadline_for(clock, service.served_on).due))
    return found


@pytest.mark.parametrize("kind", list(EXPECTED))
def test_each_notice_downloads_as_a_correct_chinese_pdf(
    api_for, kind, font, walk, people, client, tmp_path
):
    action, title, says = EXPECTED[kind]
    p = walk(kind)
    e = event(p, action)
    listed = notices.notices_for(p, public=True)
    assert [n.kind for n in listed][-1] == kind and listed[-1].event_id == e.pk

    client.force_login(people["dispatcher"])
    staff = client.get(reverse("petitions:notice", args=[p.pk, e.pk]))
    assert staff.status_code == 200
    assert staff["Content-Type"] == "application/pdf"
    disposition = staff["Content-Disposition"]
    assert disposition.startswith('attachment; filename="notice-')
    assert "filename*=UTF-8''" in disposition
    disposition.encode("ascii")  # the header itself is ASCII

    public = api_for(None).get(
        f"/api/v1/public/matter/notices/{e.pk}", HTTP_X_QUERY_CODE=p.query_code
    )
    assert public.status_code == 200 and public["Content-Type"] == "application/pdf"

    for content in (staff.content, public.content):
        assert content.startswith(b"%PDF")
        text = pdf_text(content)
        haystack = flat(text)
        for expected in [title, p.number, "张三", *dates_expected(e), *says]:
            assert flat(expected) in haystack, (kind, expected)
        assert "11010519491231002X" not in haystack and "13812345678" not in haystack
        # The law in force: the 2022 regulation, never the superseded 2005 one.
        superseded = "《" + "信访条例" + "》"  # spelt in two so the grep test passes
        assert flat("《信访工作条例》") in haystack and flat(superseded) not in haystack
        assert missing_glyphs(text) == set()
    assert ink_in_title_area(staff.content, tmp_path / f"{kind}.png") > 500


def test_the_acceptance_notice_names_the_due_date_and_the_issuing_unit(font, walk):
    p = walk("accept")
    e = event(p, "accept")
    text = flat(pdf_text(notices.notice_pdf(p, e.pk, public=False)))
    assert "于2026年11月24日前向您出具书面处理意见" in text  # 60 days from 25 Sept
    assert text.startswith(flat(unit("410481102001").name))  # the unit that acted issues it


def test_the_staff_page_lists_the_notices_with_their_links(font, walk, people, client):
    p = walk("extend")
    client.force_login(people["handler"])
    page = client.get(reverse("petitions:detail", args=[p.pk])).content.decode()
    for action in ("accept", "extend"):
        assert reverse("petitions:notice", args=[p.pk, event(p, action).pk]) in page


def test_the_public_json_links_the_notices(api_for, walk):
    p = walk("reply")
    body = api_for(None).get("/api/v1/public/matter", HTTP_X_QUERY_CODE=p.query_code).json()
    kinds = [n["kind"] for n in body["notices"]]
    assert kinds == ["accept", "extend", "reply"]
    reply = body["notices"][-1]
    assert reply["event_id"] == event(p, "reply").pk and reply["title"] == "信访处理意见书"
    assert reply["issued_on"] == "2026-12-10"
    assert reply["url"] == reverse("api-public-notice", kwargs={"event_id": reply["event_id"]})
    assert p.query_code not in str(body["notices"])  # the code is sent as a header


def test_an_outsider_gets_404_for_a_notice(font, walk, make_person, township_b, client):
    p = walk("accept")
    outsider = make_person("handler", township_b)
    client.force_login(outsider)
    r = client.get(reverse("petitions:notice", args=[p.pk, event(p, "accept").pk]))
    assert r.status_code == 404


def test_the_accused_unit_never_gets_the_notice_of_an_accusation(
    font, people, register, travel, make_person, village_a, client
):
    travel("2026-09-16")
    p = register(
        purpose="accusation",
        flags={"accusation": True},
        accused_unit=village_a,
        accused_name="村委会主任",
    )
    act(people["dispatcher"], p, "forward", responsible_unit=unit("410481102"))
    act(people["handler"], p, "sign")
    p = act(people["handler"], p, "accept")
    url = reverse("petitions:notice", args=[p.pk, event(p, "accept").pk])
    client.force_login(people["handler"])
    assert client.get(url).status_code == 200
    accused = make_person("clerk", village_a)
    client.force_login(accused)
    assert client.get(url).status_code == 404


def test_an_internal_event_or_another_matters_notice_is_404(api_for, font, walk, register, travel):
    p = walk("accept")
    other = register(summary="另一件事")
    api = api_for(None)
    base = "/api/v1/public/matter/notices"
    # The notice of `p` asked for with the other matter's code.
    r = api.get(f"{base}/{event(p, 'accept').pk}", HTTP_X_QUERY_CODE=other.query_code)
    assert r.status_code == 404
    # An internal event of p itself (signing) is no notice.
    r = api.get(f"{base}/{event(p, 'sign').pk}", HTTP_X_QUERY_CODE=p.query_code)
    assert r.status_code == 404


def test_a_wrong_query_code_is_404(api_for, walk):
    p = walk("accept")
    r = api_for(None).get(
        f"/api/v1/public/matter/notices/{event(p, 'accept').pk}",
        HTTP_X_QUERY_CODE="AAAA-BBBB-CCCC",
    )
    assert r.status_code == 404
    assert r["Content-Type"].startswith("application/json")


def test_without_a_chinese_font_the_download_answers_503(
    api_for, walk, people, client, monkeypatch
):
    p = walk("accept")
    e = event(p, "accept")
    monkeypatch.setenv("XINFANG_PDF_FONT", "/nonexistent/font.ttc")
    client.force_login(people["handler"])
    r = client.get(reverse("petitions:notice", args=[p.pk, e.pk]))
    assert r.status_code == 503
    assert "fonts-noto-cjk" in r.content.decode()
    r = api_for(None).get(
        f"/api/v1/public/matter/notices/{e.pk}",
        HTTP_ACCEPT="application/pdf",
        HTTP_X_QUERY_CODE=p.query_code,
    )
    assert r.status_code == 503
    assert "fonts-noto-cjk" in r.json()["detail"]


def test_an_inactive_template_is_not_offered(api_for, walk):
    p = walk("accept")
    NoticeTemplate.objects.filter(kind="accept").update(is_active=False)
    assert notices.notices_for(p, public=True) == []
    r = api_for(None).get(
        f"/api/v1/public/matter/notices/{event(p, 'accept').pk}", HTTP_X_QUERY_CODE=p.query_code
    )
    assert r.status_code == 404


def test_the_kept_templates_follow_a_saved_template(walk):
    """The active templates are kept in the process (notices._active_templates); a
    template saved or deleted is seen on the next page, not minutes later."""
    p = walk("accept")
    [notice] = notices.notices_for(p, public=True)
    template = NoticeTemplate.objects.get(kind="accept")
    template.title = "受理告知（新）"
    template.save()
    assert [n.title for n in notices.notices_for(p, public=True)] == ["受理告知（新）"]
    template.is_active = False
    template.save()
    assert notices.notices_for(p, public=True) == []
    template.delete()
    assert notices.notices_for(p, public=True) == [] and notice.kind == "accept"


def test_a_merged_matter_of_another_person_lends_no_notice_to_the_public(
    font, walk, register, people, travel
):
    """A notice names its own matter's petitioner: through another matter's query
    code it is not offered (staff see it on the timeline as before)."""
    p = walk("accept")
    other = register(petitioners=[{"name": "李四"}], summary="同一工地欠薪")
    act(people["dispatcher"], other, "forward", responsible_unit=unit("410481102"))
    act(people["handler"], other, "sign")
    other = act(people["handler"], other, "accept")
    act(people["dispatcher"], other, "merge", into=p)
    public = [n.event_id for n in notices.notices_for(p, public=True)]
    staff = [n.event_id for n in notices.notices_for(p, public=False, user=people["dispatcher"])]
    assert event(other, "accept").pk not in public
    assert event(other, "accept").pk in staff


# --- the administrator edits the wording ------------------------------------------------------


@pytest.fixture
def admin_client(client, django_user_model):
    admin = django_user_model.objects.create_superuser("notice-admin", "a@example.com", "x" * 12)
    client.force_login(admin)
    return client


def _form(template, **over):
    data = {
        "kind": template.kind,
        "title": template.title,
        "body": template.body,
        "basis": template.basis,
        "is_active": "on" if template.is_active else "",
    }
    data.update(over)
    return data


def test_a_template_edited_in_the_admin_changes_the_pdf(font, walk, admin_client):
    p = walk("accept")
    template = NoticeTemplate.objects.get(kind="accept")
    url = reverse("admin:core_noticetemplate_change", args=[template.pk])
    body = template.body + "\n如有疑问，请致电本机关信访接待室（{{ unit }}）。"
    r = admin_client.post(url, _form(template, body=body, title="受理告知书（修订）"))
    assert r.status_code == 302, r.content.decode()[:2000]
    template.refresh_from_db()
    assert template.title == "受理告知书（修订）" and template.updated_by.username == "notice-admin"
    text = flat(pdf_text(notices.notice_pdf(p, event(p, "accept").pk, public=False)))
    assert "受理告知书（修订）" in text
    assert flat("如有疑问，请致电本机关信访接待室（孙寨村民委员会）") in text


@pytest.mark.parametrize(
    "body, message",
    [
        ("您的事项{% if %}已受理", "template is not valid"),
        ("您的事项已受理{% endif %}", "template is not valid"),
        ("{{ petitoner }}：您的事项已受理", "petitoner"),
        ("{{ number|nosuchfilter }}", "template is not valid"),
    ],
)
def test_an_invalid_template_is_refused_and_nothing_changes(admin_client, body, message):
    template = NoticeTemplate.objects.get(kind="accept")
    before = (template.body, template.updated_at)
    url = reverse("admin:core_noticetemplate_change", args=[template.pk])
    admin_client.cookies["django_language"] = "en"  # the error's English source text
    r = admin_client.post(url, _form(template, body=body))
    assert r.status_code == 200
    errors = r.context["adminform"].form.errors
    assert "body" in errors and message in " ".join(errors["body"])
    template.refresh_from_db()
    assert (template.body, template.updated_at) == before


def test_the_admin_previews_a_template_as_pdf(font, admin_client):
    template = NoticeTemplate.objects.get(kind="decline")
    r = admin_client.get(reverse("admin:core_noticetemplate_preview", args=[template.pk]))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    text = flat(pdf_text(r.content))
    assert "信访事项不予受理告知书" in text and "有管辖权的人民法院" in text


def test_the_admin_shows_the_placeholders_and_the_preview_link(admin_client):
    template = NoticeTemplate.objects.get(kind="reply")
    page = admin_client.get(reverse("admin:core_noticetemplate_change", args=[template.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "{{ window_ends_on }}" in html and "{{ next_unit }}" in html
    assert reverse("admin:core_noticetemplate_preview", args=[template.pk]) in html
    assert admin_client.get(reverse("admin:core_noticetemplate_add")).status_code == 200
    listing = admin_client.get(reverse("admin:core_noticetemplate_changelist"))
    assert listing.status_code == 200 and "信访事项复核意见书" in listing.content.decode()


def test_a_second_template_for_a_kind_is_refused(admin_client):
    r = admin_client.post(
        reverse("admin:core_noticetemplate_add"),
        {
            "kind": "accept",
            "title": "又一个",
            "body": "{{ number }}",
            "basis": "",
            "is_active": "on",
        },
    )
    assert r.status_code == 200 and "kind" in r.context["adminform"].form.errors
    assert NoticeTemplate.objects.filter(kind="accept").count() == 1
