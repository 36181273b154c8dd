"""签发: a written opinion goes out only after the answering unit's head approved it
(draft → submitted → approved or sent back → issued); the clock runs on meanwhile."""

import datetime as dt

import pytest

from xinfang.core.exceptions import Conflict, InvalidInput, NotFound, PermissionDenied
from xinfang.orgs import services as org_services
from xinfang.petitions import selectors, services
from xinfang.petitions.models import DraftState, OpinionDraft, PetitionEvent, State

from .fixtures import answer, unit

CONTENT = {
    "outcome": "support",
    "facts": "经调查核实，情况属实。",
    "text": "责令公司在30日内支付。",
    "legal_basis": "《保障农民工工资支付条例》第三条",
}


def act(actor, p, action, **fields):
    return services.petition_act(
        actor=actor, petition_id=p.pk, action=action, version=p.version, **fields
    )


def step(actor, d, action, **fields):
    return services.opinion_draft_act(
        actor=actor, draft_id=d.pk, action=action, version=d.version, **fields
    )


@pytest.fixture
def accepted(register, people, travel):
    travel("2026-09-16")
    p = register()
    p = act(people["dispatcher"], p, "forward", responsible_unit=unit("410481102"))
    p = act(people["handler"], p, "sign")
    return act(people["handler"], p, "accept")


def test_no_page_or_api_action_issues_an_opinion_without_approval(accepted, people):
    for name in ("reply", "review_reply", "re_review_reply"):
        assert name not in services.STAFF_ACTIONS
    assert "reply" not in [t.name for t in services.allowed_actions(people["handler"], accepted)]
    with pytest.raises(NotFound):
        act(people["handler"], accepted, "reply", **CONTENT)
    accepted.refresh_from_db()
    assert accepted.state == State.ACCEPTED


def test_draft_send_back_revise_approve_issue(accepted, people, travel):
    handler, head = people["handler"], people["unit_head"]
    due = accepted.due_date
    d = services.opinion_draft_create(actor=handler, petition_id=accepted.pk, facts="初稿")
    assert d.state == DraftState.DRAFT and d.round == "opinion" and d.unit == unit("410481102")
    assert d.request == accepted.request or accepted.summary

    # Incomplete: submitting names everything missing at once (Art. 32).
    with pytest.raises(InvalidInput) as e:
        step(handler, d, "submit", outcome="", text="")
    assert set(e.value.field_errors) == {"outcome", "text", "legal_basis"}

    d.refresh_from_db()
    d = step(handler, d, "submit", **CONTENT)
    assert d.state == DraftState.SUBMITTED and d.submitted_at
    assert list(selectors.drafts_awaiting_approval(head)) == [d]
    assert not selectors.drafts_awaiting_approval(handler).exists()
    assert not selectors.drafts_awaiting_approval(people["handler_b"]).exists()

    # The handler cannot approve; the head must say why when sending back.
    with pytest.raises(PermissionDenied):
        step(handler, d, "approve")
    with pytest.raises(InvalidInput):
        step(head, d, "send_back", comment=" ")
    d = step(head, d, "send_back", comment="事实部分请补充调查笔录。")
    assert d.state == DraftState.SENT_BACK and d.decided_by == head
    assert list(selectors.drafts_sent_back(handler)) == [d]
    assert not selectors.drafts_sent_back(head).exists()
    assert not selectors.drafts_awaiting_approval(head).exists()

    # The clock runs on: the matter is still accepted, its due date unchanged.
    travel("2026-11-25")  # past the 60 days
    accepted.refresh_from_db()
    assert accepted.state == State.ACCEPTED and accepted.due_date == due
    assert selectors.colour_of(accepted) == "red"

    d = step(handler, d, "revise", facts="经调查核实（附调查笔录），情况属实。")
    assert d.state == DraftState.DRAFT and d.revision == 2
    d = step(handler, d, "submit")
    with pytest.raises(Conflict):
        step(handler, d, "issue")  # not approved yet
    d = step(head, d, "approve")
    assert d.state == DraftState.APPROVED
    assert list(selectors.drafts_to_issue(handler)) == [d]

    d = step(handler, d, "issue")
    p = d.petition
    p.refresh_from_db()
    assert d.state == DraftState.ISSUED and p.state == State.OPINION_ISSUED
    reply = PetitionEvent.objects.get(petition=p, action="reply")
    assert d.issued_event == reply and reply.public_text == CONTENT["text"]
    assert reply.data["facts"] == "经调查核实（附调查笔录），情况属实。"
    assert reply.data["approved_by"] == head.pk and reply.data["revision"] == 2
    steps = list(
        PetitionEvent.objects.filter(petition=p, action__startswith="opinion_").values_list(
            "action", "public"
        )
    )
    assert steps == [
        ("opinion_drafted", False),
        ("opinion_submitted", False),
        ("opinion_sent_back", False),
        ("opinion_revised", False),
        ("opinion_submitted", False),
        ("opinion_approved", False),
    ]
    assert not selectors.drafts_to_issue(handler).exists()


def test_no_one_approves_their_own_draft(accepted, people, make_person):
    # A head who also drafts: someone else approves.
    both = make_person("unit_head", unit("410481102"))
    make_person("handler", unit("410481102"))
    org_services.membership_add(user=both, unit=unit("410481102"), role="handler")
    d = services.opinion_draft_create(actor=both, petition_id=accepted.pk)
    d = step(both, d, "submit", **CONTENT)
    assert not selectors.drafts_awaiting_approval(both).exists()
    with pytest.raises(PermissionDenied):
        step(both, d, "approve")
    assert step(people["unit_head"], d, "approve").state == DraftState.APPROVED


def test_one_open_draft_per_round_and_outsiders_get_404(accepted, people):
    d = services.opinion_draft_create(actor=people["handler"], petition_id=accepted.pk)
    with pytest.raises(Conflict):
        services.opinion_draft_create(actor=people["handler"], petition_id=accepted.pk)
    with pytest.raises(NotFound):
        step(people["handler_b"], d, "submit", **CONTENT)
    with pytest.raises(PermissionDenied):
        services.opinion_draft_create(actor=people["unit_head"], petition_id=accepted.pk)
    d = step(people["handler"], d, "withdraw")
    assert d.state == DraftState.WITHDRAWN
    assert services.opinion_draft_create(actor=people["handler"], petition_id=accepted.pk)


def test_a_stale_draft_page_is_a_conflict(accepted, people):
    d = services.opinion_draft_create(actor=people["handler"], petition_id=accepted.pk)
    step(people["handler"], d, "revise", text="改")
    with pytest.raises(Conflict):
        step(people["handler"], d, "revise", text="再改")  # the version it saw is old


def test_the_review_round_is_approved_by_the_review_units_head(
    accepted, people, travel, make_person
):
    p = answer(people["handler"], accepted, "reply", **CONTENT)
    p = act(people["handler"], p, "record_service", method="direct", served_on=dt.date(2026, 9, 16))
    p = services.petition_request_review(query_code=p.query_code, reasons="不服。")
    assert p.review_unit == unit("410481")  # one level up
    city_head = make_person("unit_head", unit("410481"))
    with pytest.raises(PermissionDenied):  # the township's handler does not draft the review
        services.opinion_draft_create(actor=people["handler"], petition_id=p.pk)
    d = services.opinion_draft_create(
        actor=people["reviewer"], petition_id=p.pk, **{**CONTENT, "outcome": "uphold"}
    )
    assert d.round == "review" and d.unit == unit("410481")
    d = step(people["reviewer"], d, "submit")
    with pytest.raises(PermissionDenied):  # the township's head approves no city answer
        step(people["unit_head"], d, "approve")
    assert list(selectors.drafts_awaiting_approval(city_head)) == [d]
    assert not selectors.drafts_awaiting_approval(people["unit_head"]).exists()
    step(city_head, d, "approve")
    d.refresh_from_db()
    d = step(people["reviewer"], d, "issue")
    p.refresh_from_db()
    assert p.state == State.REVIEW_ISSUED and p.review_outcome == "uphold"
    assert OpinionDraft.objects.filter(petition=p, state=DraftState.ISSUED).count() == 2


# --- the pages ------------------------------------------------------------------------


def test_the_worklists_and_start_pages_show_each_step_to_the_one_who_acts(accepted, people, client):
    handler, head = people["handler"], people["unit_head"]
    d = services.opinion_draft_create(actor=handler, petition_id=accepted.pk, **CONTENT)
    d = step(handler, d, "submit")

    def worklist(user):
        client.force_login(user)
        return client.get("/petitions/").content.decode()

    assert 'data-drafts="awaiting"' in worklist(head)
    assert 'data-drafts="awaiting"' not in worklist(handler)
    assert 'data-drafts="awaiting"' not in worklist(people["handler_b"])
    client.force_login(head)
    assert "等待您批准的书面答复" in client.get("/start/unit_head/").content.decode()
    client.force_login(handler)
    assert "等待您批准的书面答复" not in client.get("/start/handler/").content.decode()

    step(head, d, "send_back", comment="请补充法律依据。")
    page = worklist(handler)
    assert 'data-drafts="sent_back"' in page and "请补充法律依据。" in page
    assert 'data-drafts="sent_back"' not in worklist(head)
    assert 'data-drafts="awaiting"' not in worklist(head)


def test_the_preview_is_the_notice_marked_as_a_draft(accepted, people, client):
    pdfium = pytest.importorskip("pypdfium2")
    d = services.opinion_draft_create(actor=people["handler"], petition_id=accepted.pk, **CONTENT)
    url = f"/petitions/{accepted.pk}/drafts/{d.pk}/preview.pdf"
    client.force_login(people["handler_b"])
    assert client.get(url).status_code == 404
    client.force_login(people["unit_head"])
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = pdfium.PdfDocument(response.content)
    words = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    assert "草稿" in words and "责令公司在30日内支付" in words
    assert "《信访工作条例》" in words  # the law citations stay in the opinion
    assert accepted.opinion_drafts.get().state == DraftState.DRAFT


# --- the API ----------------------------------------------------------------------------


def test_the_api_takes_the_same_steps_with_the_same_checks(accepted, people, api_for):
    handler, head = api_for(people["handler"]), api_for(people["unit_head"])
    base = f"/api/v1/petitions/{accepted.pk}/drafts"
    assert api_for(people["handler_b"]).get(base).status_code == 404
    assert handler.get(base).json() == {"results": [], "may_draft": True}

    r = handler.post(base, CONTENT, format="json")
    assert r.status_code == 201 and r.json()["state"] == "draft"
    d = r.json()
    assert set(d["actions"]) == {"revise", "submit", "withdraw"}
    steps = f"{base}/{d['id']}/actions"
    assert handler.post(f"{steps}/submit", {}, format="json").status_code == 428  # no version
    d = handler.post(f"{steps}/submit", {"version": d["version"]}, format="json").json()
    assert d["state"] == "submitted"
    assert handler.post(f"{steps}/approve", {"version": d["version"]}).status_code == 403
    r = head.post(f"{steps}/send_back", {"version": d["version"], "comment": ""}, format="json")
    assert r.status_code == 400 and "comment" in r.json()["errors"]
    r = head.post(
        f"{steps}/send_back", {"version": d["version"], "comment": "补充依据。"}, format="json"
    )
    assert r.status_code == 200 and r.json()["state"] == "sent_back"
    assert r.json()["comment"] == "补充依据。" and r.json()["actions"] == []
    assert handler.post(f"{steps}/nonsense", {"version": 1}).status_code == 404
