"""Hearing pages: schedule from the matter, the hearing page (masked phones, the
reveal on the record, recording the hearing), the minutes PDF read back, and who
sees what (another township's user gets 404)."""

import datetime as dt

import pypdfium2 as pdfium
import pytest
from django.urls import reverse

from xinfang.core import calendar
from xinfang.core.documents import FontUnavailable, cjk_font
from xinfang.core.models import SecurityRecord
from xinfang.leadership import services
from xinfang.leadership.models import Hearing, HearingState

from .hearings_fixtures import PARTICIPANTS, attendance, walk_to_re_review

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    pdf = pdfium.PdfDocument(content)
    return "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))


def flat(text: str) -> str:
    return "".join(text.split())


@pytest.fixture
def font():
    try:
        return cjk_font()
    except FontUnavailable as exc:
        pytest.skip(str(exc))


@pytest.fixture
def hearing(matter, leader):
    return services.hearing_schedule(
        actor=leader,
        petition=matter,
        date=calendar.today() + dt.timedelta(days=2),
        place="八台镇政府三楼会议室",
        host="王副镇长",
        participants=PARTICIPANTS,
    )


def _formset(rows, extra=6):
    data = {
        "people-TOTAL_FORMS": str(extra),
        "people-INITIAL_FORMS": "0",
        "people-MIN_NUM_FORMS": "0",
        "people-MAX_NUM_FORMS": "60",
    }
    for i, row in enumerate(rows):
        for k, v in row.items():
            data[f"people-{i}-{k}"] = v
    return data


def test_the_matter_page_offers_a_hearing_and_the_form_schedules_one(client, matter, leader):
    client.force_login(leader)
    html = client.get(reverse("petitions:detail", args=[matter.pk])).content.decode()
    url = reverse("leadership:hearing_new", args=[matter.pk])
    assert url in html and "群众评议" in html
    page = client.get(url).content.decode()
    assert "不停止计算" in page or "不暂停" in page or "不中止" in page or "不影响" in page
    data = {"date": calendar.today().isoformat(), "place": "村委会", "host": "王书记",
            **_formset(PARTICIPANTS[:2])}  # fmt: skip
    r = client.post(url, data)
    assert r.status_code == 302, r.content.decode()[:2000]
    h = Hearing.objects.get(petition=matter)
    assert r["Location"] == reverse("leadership:hearing", args=[h.pk])
    assert [p.name for p in h.participants.all()] == ["赵人大", "钱政协"]


def test_a_bad_phone_is_said_beside_its_row(client, matter, leader):
    client.force_login(leader)
    url = reverse("leadership:hearing_new", args=[matter.pk])
    data = {"date": calendar.today().isoformat(), "place": "村委会", "host": "王书记",
            **_formset([{"name": "甲", "role": "expert", "phone": "12"}])}  # fmt: skip
    r = client.post(url, data)
    assert r.status_code == 400 and not Hearing.objects.exists()
    assert "aria-invalid" in r.content.decode()


def test_the_hearing_page_masks_phones_and_reveals_one_on_the_record(client, hearing, leader):
    client.force_login(leader)
    html = client.get(reverse("leadership:hearing", args=[hearing.pk])).content.decode()
    assert "138****1111" in html and "13800001111" not in html
    assert "人大代表" in html and "不停止计算" in html
    person = hearing.participants.get(name="赵人大")
    r = client.post(reverse("leadership:hearing_reveal", args=[hearing.pk, person.pk]))
    assert r.status_code == 200 and "13800001111" in r.content.decode()
    assert SecurityRecord.objects.filter(target__contains=hearing.number).exists()


def test_an_outsider_gets_404_everywhere(client, hearing, outsider, matter):
    client.force_login(outsider)
    for url in (
        reverse("leadership:hearing", args=[hearing.pk]),
        reverse("leadership:hearing_minutes", args=[hearing.pk]),
        reverse("leadership:hearing_new", args=[matter.pk]),
    ):
        assert client.get(url).status_code == 404, url
    r = client.post(
        reverse("leadership:hearing_act", args=[hearing.pk, "cancel"]), {"cancel-reason": "x"}
    )
    assert r.status_code == 404


def test_recording_the_hearing_through_the_page_then_the_minutes_pdf(client, hearing, leader, font):
    client.force_login(leader)
    url = reverse("leadership:hearing_act", args=[hearing.pk, "hold"])
    data = {"version": hearing.version, "hold-held_on": calendar.today().isoformat(),
            "hold-conclusion": "与会人员一致认为原处理意见适当。"}  # fmt: skip
    for row in attendance(hearing, absent={"李村民"}):
        if row["attended"]:
            data[f"hold-attended_{row['id']}"] = "on"
        data[f"hold-view_{row['id']}"] = row["view"]
    assert client.get(reverse("leadership:hearing_minutes", args=[hearing.pk])).status_code == 409
    r = client.post(url, data)
    assert r.status_code == 302, r.content.decode()[:3000]
    hearing.refresh_from_db()
    assert hearing.state == HearingState.HELD
    r = client.get(reverse("leadership:hearing_minutes", args=[hearing.pk]))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    text = flat(pdf_text(r.content))
    for words in ("群众评议会记录", hearing.number, hearing.petition.number, "拖欠工资三个月",
                  "八台镇政府三楼会议室", "王副镇长", "赵人大", "人大代表", "出席", "缺席",
                  "孙律师认为应依法依规处理", "与会人员一致认为原处理意见适当", "主持人"):  # fmt: skip
        assert words in text, words
    assert "13800001111" not in text  # no phone in the minutes


def test_the_minutes_of_a_re_review_hearing_are_a_hearing_record(
    client, people, register, travel, make_person, demo_tree, font
):
    p = walk_to_re_review(people=people, register=register, travel=travel,
                          make_person=make_person, demo_tree=demo_tree)  # fmt: skip
    reviewer = people["reviewer"]
    h = services.hearing_schedule(actor=reviewer, petition=p, date=calendar.today(),
                                  place="市信访局听证室", host="刘局长",
                                  participants=PARTICIPANTS[:3])  # fmt: skip
    client.force_login(reviewer)
    html = client.get(reverse("leadership:hearing", args=[h.pk])).content.decode()
    assert "暂停" in html or "不计算" in html
    services.hearing_hold(actor=reviewer, hearing_id=h.pk, version=1, conclusion="维持复查意见。",
                          attendance=attendance(h))  # fmt: skip
    text = flat(pdf_text(client.get(reverse("leadership:hearing_minutes", args=[h.pk])).content))
    assert "听证会记录" in text and "不计算在复核期限内" in text and "第三十六条" in text
