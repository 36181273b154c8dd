"""Every action a matter's timeline can hold has a translated label, and every
timeline (staff page, API, public page, file export) prints that one label."""

import datetime as dt
import re

import pytest
from django.utils import translation

from xinfang.core.transitions import TABLES
from xinfang.petitions import services, timeline, workflow
from xinfang.petitions.api import petition_detail, public_json
from xinfang.petitions.models import PetitionEvent, State

from .fixtures import answer

CJK = re.compile(r"[\u4e00-\u9fff]")


def _zh(label) -> str:
    with translation.override("zh-hans"):
        return str(label)


def test_every_row_and_event_of_the_table_has_a_chinese_label():
    assert TABLES["petition"] is workflow.TABLE
    labels = workflow.TABLE.labels()
    assert set(workflow.TABLE.rows) <= set(labels) and set(workflow.TABLE.events) <= set(labels)
    for action, label in labels.items():
        text = _zh(label)
        assert text and text != action, action
        assert CJK.search(text), f"{action}: {text!r} is not translated"


def test_an_action_without_a_label_cannot_be_recorded(register):
    p = register()
    with pytest.raises(ValueError):
        PetitionEvent.record(p, action="no_such_step")


def test_every_action_of_a_walk_has_its_label_on_every_timeline(
    people, register, travel, village_a, api_for
):
    def act(actor, p, action, **fields):
        return services.petition_act(actor=actor, petition_id=p.pk, action=action, **fields)

    opinion = {"outcome": "support", "text": "支付。", "facts": "属实。", "legal_basis": "条例"}
    travel("2026-09-16")
    p = register()
    other = register(summary="同一公司拖欠工资")
    p = act(people["dispatcher"], p, "forward", responsible_unit=village_a)
    p = act(people["handler"], p, "return", reason="不属本单位职责。")
    p = act(people["dispatcher"], p, "return_refuse", reason="属于本单位。")
    p = act(people["handler"], p, "sign")
    p = act(people["handler"], p, "accept")
    p = act(people["supervisor"], p, "list", colour="red")
    p = act(people["supervisor"], p, "chase", note="请加快办理。")
    p = act(people["leader"], p, "own", plan="一案一策。")
    act(people["dispatcher"], other, "merge", into=p)
    travel("2026-10-20")
    p = answer(people["handler"], p, "reply", **opinion)
    p = act(
        people["handler"], p, "record_service", method="direct", served_on=dt.date(2026, 10, 20)
    )
    services.petition_evaluate(
        query_code=p.query_code, unit_rating="satisfied", office_rating="satisfied"
    )
    p = services.petition_request_review(query_code=p.query_code, reasons="不服。")
    services.petitions_tick(today=dt.date(2027, 3, 1))  # overdue: turned red

    # 优先调解, the petition's side (the mediation area drives it).
    diverted = register(summary="劳务纠纷")
    services.petition_divert_to_mediation(
        actor=people["dispatcher"], petition_id=diverted.pk, data={"number": "T-1"}
    )
    services.petition_resume_after_mediation(actor=people["dispatcher"], petition_id=diverted.pk)
    event = services.petition_conclude_by_agreement(
        actor=people["dispatcher"], petition_id=diverted.pk
    )
    diverted.refresh_from_db()
    assert event.action == "concluded_by_mediation" and diverted.state == State.CONCLUDED

    actions = set(PetitionEvent.objects.values_list("action", flat=True))
    assert {"register", "merged_in", "turned_red", "divert_to_mediation"} <= actions
    for action in actions:
        label = _zh(workflow.TABLE.label(action))
        assert label != action and CJK.search(label), action

    # The staff page's rows, the API and the public page print the event's label.
    p.refresh_from_db()
    with translation.override("zh-hans"):
        rows = timeline.staff_rows(people["dispatcher"], p)
        assert rows and all(r["label"] == r["event"].label for r in rows)
        api_events = petition_detail(people["dispatcher"], p, dt.date(2026, 10, 21))["events"]
        assert all(e["label"] == str(workflow.TABLE.label(e["action"])) for e in api_events)
        public = public_json(p)["timeline"]
        assert public and all(e["label"] == str(workflow.TABLE.label(e["step"])) for e in public)
        assert all(CJK.search(e["label"]) for e in public)
    page = api_for(people["dispatcher"]).get(f"/api/v1/petitions/{p.pk}")
    assert page.status_code == 200
