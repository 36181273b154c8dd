"""送达: the review window runs from the day the written answer reached the
petitioner ("自收到书面答复之日起", 信访工作条例 Art. 35, 36), not from its issue."""

import datetime as dt

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from xinfang.core.exceptions import Conflict, InvalidInput
from xinfang.petitions import notices, services
from xinfang.petitions.models import NoticeService, PetitionEvent, State

from .fixtures import answer, unit

D = dt.date


def act(actor, p, action, **fields):
    return services.petition_act(
        actor=actor, petition_id=p.pk, action=action, version=p.version, **fields
    )


@pytest.fixture
def answered(register, people, travel):
    """answered(electronic=False): a matter whose opinion was issued on 2026-11-20."""

    def make(electronic: bool = False):
        travel("2026-09-16")
        p = register(electronic_service=electronic)
        p = act(people["dispatcher"], p, "forward", responsible_unit=unit("410481102"))
        p = act(people["handler"], p, "sign")
        p = act(people["handler"], p, "accept")
        travel("2026-11-20")  # a Friday
        return answer(
            people["handler"],
            p,
            "reply",
            outcome="explain",
            text="已作解释说明。",
            facts="经调查核实，情况属实。",
            legal_basis="《保障农民工工资支付条例》第三条",
        )

    return make


def test_the_window_runs_from_receipt_not_from_issue(answered, people, travel, client):
    """Issued on D = 20 Nov, received by post on D+6 = 26 Nov: the petitioner may ask
    until D+6+30 = 26 Dec, a Saturday, moved to Monday 28 Dec; the notice says so."""
    p = answered()
    assert p.window_ends_on is None and p.served_on is None

    # Until service is recorded the window never lapses, however long it takes.
    travel("2027-01-15")
    services.petitions_tick()
    p.refresh_from_db()
    assert p.state == State.OPINION_ISSUED

    travel("2026-11-27")
    p = act(people["handler"], p, "record_service", method="post", served_on=D(2026, 11, 26))
    assert p.served_on == D(2026, 11, 26)
    assert p.window_ends_on == D(2026, 12, 28)
    reply = PetitionEvent.objects.get(petition=p, action="reply")
    assert NoticeService.objects.get(event=reply).method == "post"

    # The notice prints the date (rendered from the law table and the service).
    assert notices.notice_pdf  # the PDF itself is checked in test_notices; here the context
    context = notices._context(reply)
    assert context["window_ends_on"] == "2026年12月28日"

    # The petitioner may still ask on 28 Dec; on 29 Dec the window has lapsed.
    travel("2026-12-29")
    services.petitions_tick()
    p.refresh_from_db()
    assert p.state == State.CONCLUDED and p.concluded_reason == "window_lapsed"


def test_asking_for_review_before_service_is_recorded_is_allowed(answered, travel):
    p = answered()
    travel("2026-12-30")  # past 30 days from issue, but nothing says it arrived
    p = services.petition_request_review(query_code=p.query_code, reasons="不服处理意见。")
    assert p.state == State.UNDER_REVIEW


def test_service_is_recorded_once_and_dated_between_issue_and_today(answered, people, travel):
    p = answered()
    travel("2026-11-25")
    with pytest.raises(InvalidInput) as bad:
        act(people["handler"], p, "record_service", method="direct", served_on=D(2026, 11, 19))
    assert "served_on" in bad.value.field_errors
    with pytest.raises(InvalidInput):
        act(people["handler"], p, "record_service", method="direct", served_on=D(2026, 11, 26))
    with pytest.raises(InvalidInput) as bad:  # the petitioner did not choose it
        act(people["handler"], p, "record_service", method="electronic")
    assert "method" in bad.value.field_errors
    p = act(people["handler"], p, "record_service", method="direct", served_on=D(2026, 11, 24))

    with pytest.raises(Conflict):
        act(people["handler"], p, "record_service", method="post")


def test_opening_the_answer_online_serves_it_where_the_petitioner_chose_so(
    answered, people, travel
):
    chose = answered(electronic=True)
    travel("2026-11-23")
    public = APIClient()
    body = public.get("/api/v1/public/matter", HTTP_X_QUERY_CODE=chose.query_code)
    assert body.status_code == 200
    chose.refresh_from_db()
    assert chose.served_on == D(2026, 11, 23)
    assert chose.window_ends_on == D(2026, 12, 23)
    assert NoticeService.objects.get(petition=chose).method == "electronic"


def test_the_staff_page_shows_the_answer_awaiting_service_and_the_worklist_holds_it(
    answered, people, client
):
    p = answered()
    client.force_login(people["handler"])
    page = client.get(reverse("petitions:detail", args=[p.pk])).content.decode()
    assert "data-awaiting-service" in page and 'name="record_service-method"' in page
    worklist = client.get(reverse("petitions:worklist")).content.decode()
    assert reverse("petitions:detail", args=[p.pk]) in worklist


def test_a_written_opinion_states_request_facts_opinion_and_legal_basis(register, people, travel):
    """信访工作条例 Art. 32: every part is required, and all that is missing is said
    at once; nothing changes."""
    travel("2026-09-16")
    p = register()
    p = act(people["dispatcher"], p, "forward", responsible_unit=unit("410481102"))
    p = act(people["handler"], p, "sign")
    p = act(people["handler"], p, "accept")
    with pytest.raises(InvalidInput) as bad:
        answer(people["handler"], p, "reply", outcome="", text="", facts=" ", legal_basis="")
    assert set(bad.value.field_errors) == {"outcome", "text", "facts", "legal_basis"}
    p.refresh_from_db()
    assert p.state == State.ACCEPTED
    p = answer(
        people["handler"],
        p,
        "reply",
        outcome="support",
        request="请求支付拖欠的三个月工资",
        facts="经查，公司拖欠三个月工资属实。",
        text="责令公司十日内支付。",
        legal_basis="《保障农民工工资支付条例》第三条",
    )
    data = PetitionEvent.objects.get(petition=p, action="reply").data
    assert data["request"] == "请求支付拖欠的三个月工资"
    assert data["facts"] and data["legal_basis"].startswith("《保障农民工工资支付条例》")


@pytest.mark.parametrize("purpose", ["suggestion", "accusation"])
def test_only_an_appeal_runs_the_60_days_and_the_review_chain(
    purpose, register, people, travel, client
):
    """信访工作条例 Art. 31(6), 34-36 are for 申诉求决 matters: a suggestion (Art. 29)
    or an accusation (Art. 30) is answered once, with no 60-day period to extend
    and no window for review."""
    travel("2026-09-16")
    p = register(purpose=purpose)
    p = act(people["dispatcher"], p, "forward", responsible_unit=unit("410481102"))
    p = act(people["handler"], p, "sign")
    p = act(people["handler"], p, "accept")
    assert p.due_date is None and p.clock == ""

    with pytest.raises(Conflict):
        act(people["unit_head"], p, "extend", days=10, reason="情况复杂")
    p = answer(
        people["handler"],
        p,
        "reply",
        outcome="explain",
        text="感谢您的意见，已转有关部门研究。",
        facts="经研究，所提意见有参考价值。",
        legal_basis="《信访工作条例》第二十九条",
    )
    p = act(people["handler"], p, "record_service", method="direct", served_on=D(2026, 9, 16))
    assert p.window_ends_on is None
    with pytest.raises(Conflict):
        services.petition_request_review(query_code=p.query_code, reasons="不服")
    body = APIClient().get("/api/v1/public/matter", HTTP_X_QUERY_CODE=p.query_code).json()
    assert body["may_ask_review"] is False
    context = notices._context(PetitionEvent.objects.get(petition=p, action="reply"))
    assert context["purpose_code"] == purpose
    p = act(people["dispatcher"], p, "conclude")
    assert p.state == State.CONCLUDED
