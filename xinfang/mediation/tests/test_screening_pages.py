"""The pages: the liaison's phone form, the ledger with its export, the meeting."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from xinfang.mediation import meetings, screening
from xinfang.mediation.models import Dispute, DisputeEvent, Meeting, ScreeningReport
from xinfang.orgs.demo import TOWNSHIP_A, TOWNSHIP_B

from .screening_fixtures import VILLAGE_A1, VILLAGE_A2, VILLAGE_B1, passed_up_input

pytestmark = pytest.mark.django_db

TOKEN = "6f1c7a52-3c0e-4a57-9d1e-6a4d7b1f0c11"


def form_data(village, **over):
    data = {
        "village": village.pk,
        "token": TOKEN,
        "report_date": "2026-03-10",
        "status": "found",
        "note": "",
        "disputes-TOTAL_FORMS": "5",
        "disputes-INITIAL_FORMS": "0",
        "disputes-MIN_NUM_FORMS": "0",
        "disputes-MAX_NUM_FORMS": "5",
    }
    for i in range(5):
        data.update({f"disputes-{i}-place": village.pk, f"disputes-{i}-risk": "low"})
    data.update(
        {
            "disputes-0-summary": "宅基地边界争执",
            "disputes-0-type": "neighbour",
            "disputes-0-applicants": "王大山",
            "disputes-0-respondents": "李小河",
            "disputes-0-outcome": "resolved",
            "disputes-0-how_resolved": "现场丈量，双方认可",
            "disputes-1-summary": "工地拖欠三名村民工资",
            "disputes-1-type": "labor",
            "disputes-1-applicants": "赵铁柱、孙二",
            "disputes-1-respondents": "钱老板",
            "disputes-1-risk": "medium",
            "disputes-1-outcome": "passed_up",
        }
    )
    data.update(over)
    return data


@pytest.fixture
def liaison(client, med):
    client.force_login(med["liaison_a"])
    return client


def test_the_liaison_opens_the_form_with_a_fresh_token(liaison, travel):
    travel("2026-03-10")

    r = liaison.get(reverse("mediation:screening_report"))

    assert r.status_code == 200
    html = r.content.decode()
    assert 'name="token"' in html and 'type="date"' in html
    assert r.context["village"].code == VILLAGE_A1


def test_a_report_with_two_disputes_is_stored_and_confirmed(liaison, demo_tree, travel):
    travel("2026-03-10")

    r = liaison.post(reverse("mediation:screening_report"), form_data(demo_tree[VILLAGE_A1]))

    report = ScreeningReport.objects.get()
    assert r.status_code == 302
    assert r["Location"] == reverse("mediation:screening_report_detail", args=[report.pk])
    assert report.disputes.count() == 2
    passed = report.disputes.get(resolved_on_spot=False)
    assert [p.name for p in passed.parties.all()] == ["赵铁柱", "孙二", "钱老板"]
    page = liaison.get(r["Location"])
    assert page.context["just_submitted"]
    assert "data-clear-draft" in page.content.decode()


def test_the_same_form_sent_twice_is_stored_once(liaison, demo_tree, travel):
    travel("2026-03-10")
    data = form_data(demo_tree[VILLAGE_A1])

    first = liaison.post(reverse("mediation:screening_report"), data)
    second = liaison.post(reverse("mediation:screening_report"), data)

    assert first["Location"] == second["Location"]
    assert ScreeningReport.objects.count() == 1
    assert Dispute.objects.count() == 2
    assert DisputeEvent.objects.filter(action="pass_up").count() == 1


def test_a_kept_token_with_other_disputes_is_refused_with_a_new_token(liaison, demo_tree, travel):
    # A draft kept on the phone sends the first report's token with other disputes:
    # not a resend, so it is not answered with the first report (core.idempotency).
    travel("2026-03-10")
    data = form_data(demo_tree[VILLAGE_A1])
    liaison.post(reverse("mediation:screening_report"), data)
    other = {**data, "disputes-1-summary": "", "disputes-1-applicants": ""}

    r = liaison.post(reverse("mediation:screening_report"), other)

    page = r.content.decode()
    assert r.status_code == 400 and "此表单已用不同内容提交过" in page
    assert TOKEN not in page and Dispute.objects.count() == 2


def test_a_nil_return_from_the_page(liaison, demo_tree, travel):
    travel("2026-03-10")
    data = form_data(demo_tree[VILLAGE_A1], status="nil")

    r = liaison.post(reverse("mediation:screening_report"), data)

    assert r.status_code == 302
    report = ScreeningReport.objects.get()
    assert report.nil and not Dispute.objects.exists()


def test_an_error_keeps_what_was_typed_next_to_the_field(liaison, demo_tree, travel):
    travel("2026-03-10")
    data = form_data(demo_tree[VILLAGE_A1], **{"disputes-1-summary": ""})

    r = liaison.post(reverse("mediation:screening_report"), data)

    assert r.status_code == 400
    assert not ScreeningReport.objects.exists()
    row = r.context["formset"].forms[1]
    assert row.errors["summary"]
    html = r.content.decode()
    assert "赵铁柱、孙二" in html and "现场丈量，双方认可" in html and TOKEN in html
    assert 'data-bound="1"' in html


def test_another_village_is_404_and_a_township_clerk_is_403(client, med, demo_tree, travel):
    travel("2026-03-10")
    client.force_login(med["liaison_a"])
    url = reverse("mediation:screening_report")

    assert client.get(url, {"village": demo_tree[VILLAGE_A2].pk}).status_code == 404
    assert client.post(url, form_data(demo_tree[VILLAGE_B1])).status_code == 404
    client.force_login(med["handler_a"])
    assert client.get(url).status_code == 403
    assert client.post(url, form_data(demo_tree[VILLAGE_A1])).status_code == 403
    assert not ScreeningReport.objects.exists() and not Dispute.objects.exists()


@pytest.fixture
def ledger_data(med, demo_tree, travel):
    travel("2026-03-09")
    screening.screening_report_submit(
        actor=med["liaison_a"],
        village=demo_tree[VILLAGE_A1],
        disputes=[passed_up_input(summary="八台的纠纷")],
    )
    screening.screening_report_submit(
        actor=med["liaison_b1"],
        village=demo_tree[VILLAGE_B1],
        disputes=[passed_up_input(summary="枣林的纠纷")],
    )
    Dispute.objects.filter(summary="八台的纠纷").update(deadline=dt.date(2026, 3, 9))
    travel("2026-03-10")


def test_the_ledger_page_shows_the_townships_disputes_and_missing_villages(
    client, med, demo_tree, ledger_data
):
    client.force_login(med["handler_a"])

    r = client.get(reverse("mediation:ledger"))

    html = r.content.decode()
    assert r.status_code == 200
    assert "八台的纠纷" in html and "枣林的纠纷" not in html
    assert "⚠" in html  # overdue: an icon and words, not colour alone
    assert [v.code for v in r.context["missing"]] == [TOWNSHIP_A + f"{i:03d}" for i in (1, 2, 3, 4)]


def test_the_ledger_of_another_township_is_404_and_the_liaison_gets_403(
    client, med, demo_tree, ledger_data
):
    client.force_login(med["handler_b"])
    a = demo_tree[TOWNSHIP_A].pk

    assert client.get(reverse("mediation:ledger"), {"township": a}).status_code == 404
    assert client.get(reverse("mediation:ledger_export"), {"township": a}).status_code == 404
    client.force_login(med["liaison_a"])
    assert client.get(reverse("mediation:ledger")).status_code == 403


def test_a_bad_filter_is_a_400_with_the_field_marked(client, med, ledger_data):
    client.force_login(med["handler_a"])

    r = client.get(reverse("mediation:ledger"), {"date_from": "yesterday"})

    assert r.status_code == 400
    assert r.context["filter_form"].errors["date_from"]


def test_the_export_is_an_xlsx_of_the_users_ledger(client, med, ledger_data):
    client.force_login(med["handler_b"])

    r = client.get(reverse("mediation:ledger_export"))

    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in r["Content-Disposition"]
    ws = load_workbook(io.BytesIO(r.content)).active
    assert [row[7].value for row in ws.iter_rows(min_row=4)] == ["枣林的纠纷"]


def test_the_city_filters_the_ledger_by_township(client, med, demo_tree, ledger_data):
    client.force_login(med["city_leader"])

    r = client.get(reverse("mediation:ledger"), {"township": demo_tree[TOWNSHIP_B].pk})

    assert [row["summary"] for row in r.context["page"].rows] == ["枣林的纠纷"]
    assert r.context["township"] == demo_tree[TOWNSHIP_B]


def test_a_meeting_through_its_pages(client, med, demo_tree, ledger_data):
    client.force_login(med["handler_a"])

    r = client.post(
        reverse("mediation:meetings"),
        {"township": demo_tree[TOWNSHIP_A].pk, "held_on": "2026-03-10", "chair": "陈志强"},
    )
    meeting = Meeting.objects.get()
    assert r["Location"] == reverse("mediation:meeting", args=[meeting.pk])
    page = client.get(r["Location"])
    assert page.status_code == 200 and "八台的纠纷" in page.content.decode()
    item = meeting.items.get()
    prefix = f"item-{item.pk}"

    bad = client.post(
        reverse("mediation:meeting_decide", args=[meeting.pk, item.pk]),
        {f"{prefix}-classified_type": "labor", f"{prefix}-body": meetings.KEEP_WITH_TOWNSHIP},
    )
    good = client.post(
        reverse("mediation:meeting_decide", args=[meeting.pk, item.pk]),
        {
            f"{prefix}-classified_type": "labor",
            f"{prefix}-body": meetings.KEEP_WITH_TOWNSHIP,
            f"{prefix}-responsible_leader": med["leader_a"].pk,
            f"{prefix}-responsible_person": "张伟",
            f"{prefix}-deadline": "2026-03-20",
        },
    )
    closed = client.post(
        reverse("mediation:meeting_minutes", args=[meeting.pk]),
        {
            "held_on": "2026-03-10",
            "chair": "陈志强",
            "attendees": "陈志强、张伟",
            "minutes": "研究了台账。",
            "close": "1",
        },
    )

    assert bad.status_code == 400
    assert good.status_code == 302 and closed.status_code == 302
    meeting.refresh_from_db()
    assert meeting.closed
    assert Dispute.objects.get(summary="八台的纠纷").responsible_person == "张伟"
    printed = client.get(reverse("mediation:meeting_print", args=[meeting.pk]))
    assert "张伟" in printed.content.decode()
    again = client.post(
        reverse("mediation:meeting_minutes", args=[meeting.pk]),
        {"held_on": "2026-03-10", "chair": "x", "attendees": "y", "minutes": "z"},
    )
    assert again.status_code == 409
    client.force_login(med["handler_b"])
    assert client.get(reverse("mediation:meeting", args=[meeting.pk])).status_code == 404
    assert client.get(reverse("mediation:meeting_print", args=[meeting.pk])).status_code == 404


def test_start_pages_show_the_screening_panels(client, med, ledger_data):
    client.force_login(med["liaison_a2"])
    liaison_page = client.get(reverse("start_role", args=["liaison"])).content.decode()
    client.force_login(med["handler_a"])
    handler_page = client.get(reverse("start_role", args=["handler"])).content.decode()

    assert reverse("mediation:screening_report") in liaison_page
    assert reverse("mediation:ledger") in handler_page
    assert reverse("mediation:meetings") in handler_page
