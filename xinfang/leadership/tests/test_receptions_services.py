"""Services of leaders' receptions: schedule and record, hold and cancel, batches,
a matter registered from a batch or linked; the 404 / 409 / 403 order; events and
their labels."""

import datetime as dt

import pytest
from django.utils import translation

from xinfang.core.exceptions import Conflict, InvalidInput, NotFound, PermissionDenied
from xinfang.leadership import services
from xinfang.leadership.models import ReceptionMatter, ReceptionState
from xinfang.leadership.workflow import RECEPTIONS
from xinfang.orgs import services as org_services
from xinfang.petitions.models import Category, Petition, PetitionEvent


def test_it_puts_a_reception_on_the_calendar_with_a_number_and_an_event(rec, reception):
    r = reception(held=False, on="2026-11-16")
    assert r.state == ReceptionState.SCHEDULED
    assert r.number == "JF-410481-2026-0001"
    assert r.leader_unit == rec["units"]["410481"]
    assert [e.action for e in r.events.all()] == ["scheduled"]
    assert r.events.get().actor_unit == rec["centre"]
    assert r.public is True


def test_an_appointment_is_not_public_by_default(rec, reception):
    r = reception(
        held=False, kind="appointment", unit=rec["office"], on="2026-11-10", actor=rec["leader"]
    )
    assert r.public is False


def test_it_refuses_a_visit_down_to_a_reception_centre_and_a_future_held_one(rec, reception):
    with pytest.raises(InvalidInput) as exc:
        reception(kind="visit_down")
    assert "unit" in exc.value.field_errors
    with pytest.raises(InvalidInput) as exc:
        reception(held=True, on="2026-11-20")
    assert "on" in exc.value.field_errors


def test_the_leader_must_hold_the_leaders_role(rec, reception):
    with pytest.raises(InvalidInput) as exc:
        reception(leader=rec["clerk"])
    assert "leader" in exc.value.field_errors


def test_an_outsider_may_not_record_for_a_county_leader(rec, reception):
    # Township B's handler sees neither the city nor the centre: 404 on the place.
    with pytest.raises(NotFound):
        reception(actor=rec["outsider"])
    # Township A's handler sees the village, but does not record receptions.
    with pytest.raises(PermissionDenied):
        reception(actor=rec["handler_a"], kind="visit_down", unit=rec["village_a"])


def test_the_same_key_replays_and_another_request_with_it_conflicts(rec, reception):
    r1 = reception(held=False, on="2026-11-16", idempotency_key="user:1:k1")
    r2 = reception(held=False, on="2026-11-16", idempotency_key="user:1:k1")
    assert r1.pk == r2.pk
    with pytest.raises(Conflict):
        reception(held=False, on="2026-11-17", idempotency_key="user:1:k1")


def test_hold_then_batches_then_cancel_is_a_conflict(rec, reception):
    r = reception(held=False, on="2026-11-02")
    r = services.reception_hold(actor=rec["leader"], reception_id=r.pk, version=r.version)
    assert r.state == ReceptionState.HELD
    b, created = services.reception_add_batch(
        actor=rec["clerk"], reception_id=r.pk, people_count=6, matters="拖欠工资",
        name="王建军", phone="13812345678",
    )  # fmt: skip
    assert created and b.position == 1 and b.people_count == 6
    b.refresh_from_db()
    assert b.phone == "13812345678"  # stored encrypted, read back in clear
    with pytest.raises(Conflict):
        services.reception_cancel(actor=rec["clerk"], reception_id=r.pk, reason="下雨")
    assert [e.action for e in r.events.order_by("id")] == ["scheduled", "hold", "batch"]


def test_a_reception_is_not_held_before_its_day(rec, reception):
    r = reception(held=False, on="2026-11-20")
    with pytest.raises(Conflict):
        services.reception_hold(actor=rec["clerk"], reception_id=r.pk)


def test_batches_wait_for_the_reception_to_be_held(rec, reception):
    r = reception(held=False, on="2026-11-20")
    with pytest.raises(Conflict):
        services.reception_add_batch(actor=rec["clerk"], reception_id=r.pk, people_count=1,
                                     matters="x")  # fmt: skip


def test_the_order_is_404_then_409_then_403(rec, reception):
    r = reception(held=False, on="2026-11-20")
    services.reception_cancel(actor=rec["clerk"], reception_id=r.pk, reason="领导外出")
    # An outsider: 404 whatever the state.
    with pytest.raises(NotFound):
        services.reception_hold(actor=rec["outsider"], reception_id=r.pk)
    # One who sees it but may not record: a conflict first (it is cancelled) ...
    org_services.membership_add(user=rec["handler_a"], unit=rec["units"]["410481"], role="analyst")
    with pytest.raises(Conflict):
        services.reception_hold(actor=rec["handler_a"], reception_id=r.pk)
    # ... and on a scheduled one, a 403.
    r2 = reception(held=False, on="2026-11-02")
    with pytest.raises(PermissionDenied):
        services.reception_hold(actor=rec["handler_a"], reception_id=r2.pk)
    # A stale version is a conflict.
    with pytest.raises(Conflict):
        services.reception_hold(actor=rec["clerk"], reception_id=r2.pk, version=r2.version + 5)


def test_a_batch_raises_a_new_matter_in_one_step(rec, reception):
    r = reception()
    b, _ = services.reception_add_batch(
        actor=rec["clerk"], reception_id=r.pk, people_count=3, name="张桂兰",
        phone="13812345678", matters="宅基地确权纠纷",
    )  # fmt: skip
    p, created = services.reception_register_matter(
        actor=rec["clerk"], reception_id=r.pk, batch_id=b.pk,
        category=Category.objects.get(code="0401"), place=rec["village_a"],
        summary="宅基地确权纠纷", idempotency_key="user:9:reg",
    )  # fmt: skip
    assert created
    assert p.channel == "visit" and p.people_count == 3
    assert p.petitioners.get().name == "张桂兰"
    assert PetitionEvent.objects.get(petition=p, action="register").data["reception"] == r.number
    link = ReceptionMatter.objects.get(batch=b)
    assert link.petition == p and link.how == "raised"
    assert r.events.filter(action="batch_register").get().data["number"] == p.number
    # The same key again: the same matter, no second one.
    again, created = services.reception_register_matter(
        actor=rec["clerk"], reception_id=r.pk, batch_id=b.pk,
        category=Category.objects.get(code="0401"), place=rec["village_a"],
        summary="宅基地确权纠纷", idempotency_key="user:9:reg",
    )  # fmt: skip
    assert again.pk == p.pk and not created
    assert Petition.objects.count() == 1


def test_a_leader_records_but_only_a_clerk_registers_a_matter(rec, reception):
    r = reception()
    b, _ = services.reception_add_batch(
        actor=rec["leader"], reception_id=r.pk, people_count=1, matters="欠薪"
    )
    with pytest.raises(PermissionDenied):
        services.reception_register_matter(
            actor=rec["leader"], reception_id=r.pk, batch_id=b.pk,
            category=Category.objects.get(code="0401"), place=rec["village_a"], summary="欠薪",
        )  # fmt: skip


def test_a_batch_links_a_matter_the_user_sees_and_only_once(rec, reception, register):
    r = reception()
    b, _ = services.reception_add_batch(
        actor=rec["clerk"], reception_id=r.pk, people_count=2, matters="欠薪"
    )
    p = register()
    services.reception_link_matter(
        actor=rec["clerk"], reception_id=r.pk, batch_id=b.pk, petition_id=p.pk
    )
    assert ReceptionMatter.objects.get(batch=b).how == "linked"
    with pytest.raises(Conflict):
        services.reception_link_matter(
            actor=rec["clerk"], reception_id=r.pk, batch_id=b.pk, petition_id=p.pk
        )
    with pytest.raises(NotFound):
        services.reception_link_matter(
            actor=rec["clerk"], reception_id=r.pk, batch_id=b.pk, petition_id=p.pk + 999
        )


def test_a_matter_the_user_may_not_see_is_not_found(rec, reception, register, demo_tree):
    # Township A's leader visits down to a village of A; a matter about a village of
    # township B (registered at the city's centre) is not theirs to see.
    r = reception(
        actor=rec["leader_a"], leader=rec["leader_a"], kind="visit_down", unit=rec["village_a"]
    )
    b, _ = services.reception_add_batch(
        actor=rec["leader_a"], reception_id=r.pk, people_count=2, matters="欠薪"
    )
    other = register(place=demo_tree["410481101001"])
    with pytest.raises(NotFound):
        services.reception_link_matter(
            actor=rec["leader_a"], reception_id=r.pk, batch_id=b.pk, petition_id=other.pk
        )
    assert not ReceptionMatter.objects.exists()


def test_every_reception_action_has_a_chinese_label():
    with translation.override("zh-hans"):
        labels = {k: str(v) for k, v in RECEPTIONS.labels().items()}
    assert labels["hold"] == "已接访"
    assert labels["batch_register"] == "从批次登记信访事项"
    assert set(labels) == {"hold", "cancel", "batch", "batch_register", "batch_link",
                           "scheduled", "recorded"}  # fmt: skip


def test_a_held_day_is_the_one_counted(rec, reception):
    reception(on="2026-11-02")
    reception(held=False, on="2026-11-20")
    assert rec["leader"].receptions.filter(state="held").count() == 1
    assert dt.date(2026, 11, 2) in set(rec["leader"].receptions.values_list("on", flat=True))
