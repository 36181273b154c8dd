"""The forward step (issue 11): 转送 or 交办 with a report back, the lead unit and its
assisting units (协办), the place's township preselected, a reason to send it
elsewhere; and the review outcomes 维持/撤销/变更."""

import datetime as dt

import pytest
from django.urls import reverse

from xinfang.core.exceptions import InvalidInput, PermissionDenied
from xinfang.petitions import permissions, selectors, services, timeline
from xinfang.petitions.forms.actions import ForwardForm
from xinfang.petitions.models import PetitionEvent, State

from .fixtures import answer, form_data, unit

D = dt.date
TOWNSHIP = "410481102"  # 八台镇, the township of village_a (the place)
OTHER_TOWNSHIP = "410481101"
DEPARTMENT = "410481-B01"


def act(actor, p, action, **fields):
    return services.petition_act(actor=actor, petition_id=p.pk, action=action, **fields)


def forward_event(p):
    return PetitionEvent.objects.filter(petition=p, action="forward").latest("pk")


def test_the_form_preselects_the_township_of_the_place(people, register, travel):
    travel("2026-11-02")
    p = register()
    form = ForwardForm(prefix="forward", petition=p, user=people["dispatcher"])
    assert form.fields["responsible_unit"].initial == unit(TOWNSHIP).pk
    assert services.territorial_unit(p) == unit(TOWNSHIP)
    assert form.fields["kind"].initial == "transfer"


def test_forwarding_away_from_the_place_needs_a_reason_on_the_record(people, register, travel):
    travel("2026-11-02")
    p = register()
    with pytest.raises(InvalidInput) as e:
        act(people["dispatcher"], p, "forward", responsible_unit=unit(DEPARTMENT))
    assert "reason" in e.value.field_errors
    p = act(
        people["dispatcher"],
        p,
        "forward",
        responsible_unit=unit(DEPARTMENT),
        reason="属劳动保障监察职责。",
    )
    data = forward_event(p).data
    assert data["reason"] == "属劳动保障监察职责。" and data["place_unit"] == unit(TOWNSHIP).name
    row = next(r for r in timeline.staff_rows(people["dispatcher"], p) if r["label"])
    rows = [
        r for r in timeline.staff_rows(people["dispatcher"], p) if r["event"].action == "forward"
    ]
    assert "属劳动保障监察职责" in rows[0]["detail"] and row
    # The township itself, or a village inside it, needs none.
    q = register()
    q = act(people["dispatcher"], q, "forward", responsible_unit=unit(TOWNSHIP))
    assert "reason" not in forward_event(q).data


def test_an_assignment_demands_a_requirement_and_a_report_back(people, register, travel):
    travel("2026-11-02")
    p = register()
    with pytest.raises(InvalidInput) as e:
        act(people["dispatcher"], p, "forward", responsible_unit=unit(TOWNSHIP), kind="assign")
    # Every missing field at once.
    assert {"handling_requirement", "report_back_due"} <= set(e.value.field_errors)
    p = act(
        people["dispatcher"],
        p,
        "forward",
        responsible_unit=unit(TOWNSHIP),
        kind="assign",
        handling_requirement="核实欠薪数额，督促企业支付。",
        report_back_due=D(2026, 11, 16),
    )
    assert p.forward_kind == "assign" and p.report_back_due == D(2026, 11, 16)
    assert "2026-11-16" in timeline.describe(forward_event(p))
    handler = people["handler"]
    # Only the responsible unit reports back, once.
    assert "report_back" not in [t.name for t in services.allowed_actions(handler, p)]
    p = act(handler, p, "sign")
    assert "report_back" in [t.name for t in services.allowed_actions(handler, p)]
    assert "report_back" not in [t.name for t in services.allowed_actions(people["dispatcher"], p)]
    travel("2026-11-17")
    p.refresh_from_db()
    assert p.report_back_overdue
    p = act(handler, p, "report_back", report="已核实，企业承诺月底前支付。")
    assert p.reported_back_on == D(2026, 11, 17) and not p.report_back_overdue
    e = PetitionEvent.objects.filter(petition=p, action="report_back").get()
    assert e.data["late"] is True and not e.public
    assert "report_back" not in [t.name for t in services.allowed_actions(handler, p)]


def test_a_transfer_has_no_report_back(people, register, travel):
    travel("2026-11-02")
    p = register()
    p = act(people["dispatcher"], p, "forward", responsible_unit=unit(TOWNSHIP))
    p = act(people["handler"], p, "sign")
    assert p.forward_kind == "transfer" and p.report_back_due is None
    assert "report_back" not in [t.name for t in services.allowed_actions(people["handler"], p)]


def test_overdue_report_back_shows_on_the_dispatchers_list(people, register, travel, client):
    travel("2026-11-02")
    p = register()
    act(
        people["dispatcher"],
        p,
        "forward",
        responsible_unit=unit(TOWNSHIP),
        kind="assign",
        handling_requirement="核实。",
        report_back_due=D(2026, 11, 4),
    )
    travel("2026-11-05")
    client.force_login(people["dispatcher"])
    page = client.get(reverse("petitions:worklist")).content.decode()
    assert "data-report-back-overdue" in page
    detail = client.get(reverse("petitions:detail", args=[p.pk])).content.decode()
    assert "data-report-back-overdue" in detail


def test_assisting_units_see_the_matter_and_contribute_but_do_not_answer(people, register, travel):
    travel("2026-11-02")
    helper = people["handler_b"]  # 枣林镇
    p = register()
    assert not permissions.may_see(helper, p)
    p = act(
        people["dispatcher"],
        p,
        "forward",
        responsible_unit=unit(TOWNSHIP),
        assisting_units=[unit(OTHER_TOWNSHIP)],
    )
    assert list(p.assisting_units.all()) == [unit(OTHER_TOWNSHIP)]
    assert permissions.may_see(helper, p)
    assert selectors.visible_petitions(helper).filter(pk=p.pk).count() == 1
    assert "枣林镇" in timeline.describe(forward_event(p))
    names = [t.name for t in services.allowed_actions(helper, p)]
    assert "contribute" in names and "sign" not in names
    with pytest.raises(PermissionDenied):
        act(helper, p, "sign")
    p = act(helper, p, "contribute", note="该企业在我镇另有厂区，已协助核查。")
    e = PetitionEvent.objects.filter(petition=p, action="contribute").get()
    assert e.actor_unit == unit(OTHER_TOWNSHIP) and not e.public
    # The lead unit does not "contribute" (it answers).
    assert "contribute" not in [t.name for t in services.allowed_actions(people["handler"], p)]


def test_the_forward_form_on_the_page(people, register, travel, client):
    travel("2026-11-02")
    p = register()
    client.force_login(people["dispatcher"])
    page = client.get(reverse("petitions:detail", args=[p.pk])).content.decode()
    assert 'name="forward-kind"' in page and 'name="forward-assisting_units"' in page
    response = client.post(
        reverse("petitions:act", args=[p.pk, "forward"]),
        {
            "forward-version": p.version,
            "forward-kind": "assign",
            "forward-responsible_unit": unit(DEPARTMENT).pk,
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    # All errors at once: the reason, the requirement and the date.
    assert body.count("has-error") >= 3
    p.refresh_from_db()
    assert p.state == State.REGISTERED


def test_review_outcomes_are_uphold_revoke_change(people, register, travel):
    travel("2026-11-02")
    p = register()
    p = act(people["dispatcher"], p, "forward", responsible_unit=unit(TOWNSHIP))
    p = act(people["handler"], p, "sign")
    p = act(people["handler"], p, "accept")
    opinion = {"text": "支付。", "facts": "属实。", "legal_basis": "《劳动法》第五十条"}
    p = answer(people["handler"], p, "reply", outcome="reject", **opinion)
    p = act(people["handler"], p, "record_service", method="direct", served_on=D(2026, 11, 2))
    services.petition_request_review(query_code=p.query_code, reasons="不服")
    p.refresh_from_db()
    with pytest.raises(InvalidInput) as e:
        answer(people["reviewer"], p, "review_reply", outcome="support", **opinion)
    assert "outcome" in e.value.field_errors
    p = answer(people["reviewer"], p, "review_reply", outcome="revoke", **opinion)
    assert p.get_review_outcome_display() == "撤销"
    summary = timeline.public_matter(p)
    assert "撤销" in str(summary)


def test_the_registration_form_shows_every_error_in_one_submit(
    client, people, category, village_a, travel
):
    travel("2026-11-02")
    client.force_login(people["clerk"])
    data = form_data(
        category,
        village_a,
        summary="",
        **{"petitioners-0-id_number": "11010519491231002Y", "petitioners-0-phone": "12"},
    )
    r = client.post(reverse("petitions:register"), data)
    assert r.status_code == 400
    body = r.content.decode()
    # The summary, the ID number and the phone: all at once.
    assert body.count("has-error") >= 3, body.count("has-error")
