"""Bad input found by the review of the leadership pages: a 400 page, never a 500."""

import pytest
from django.urls import reverse

from xinfang.leadership import services
from xinfang.leadership.models import Campaign

from .campaigns_helpers import office

pytestmark = pytest.mark.django_db


def test_it_answers_400_to_a_version_that_is_not_a_number(client, make_plan, matter, leader):
    plan = make_plan(matter)
    client.force_login(leader)
    url = reverse("leadership:plan_act", args=[plan.pk, "progress"])
    r = client.post(url, {"version": "abc", "progress-note": "已约见信访人"})
    assert r.status_code == 400
    plan.refresh_from_db()
    assert plan.events.count() == 1  # only the creation: nothing recorded


def test_it_answers_400_to_a_reception_move_with_a_bad_version(client, rec, reception):
    r = reception(held=False, on="2026-11-20")
    client.force_login(rec["clerk"])
    url = reverse("leadership:reception_act", args=[r.pk, "cancel"])
    assert client.post(url, {"version": "x1", "cancel-reason": "领导出差"}).status_code == 400
    r.refresh_from_db()
    assert r.state == "scheduled"


def test_it_refuses_a_campaign_rule_of_more_days_than_it_can_store(client, people, demo_tree):
    client.force_login(people["supervisor"])
    fields = {
        "idempotency_key": "k-1",
        "name": "积案攻坚",
        "office": office().pk,
        "starts_on": "2026-10-26",
        "ends_on": "2026-12-31",
        "open_days": "99999999999999999999",
    }
    r = client.post("/leadership/campaigns/new/", fields)
    assert r.status_code == 400
    assert "open_days" in r.context["form"].errors
    assert not Campaign.objects.exists()


def test_a_step_taken_meanwhile_is_said_not_lost(client, leader, matter, make_plan):
    """Two tabs: the plan was resolved in one; recording progress in the other is a
    409 whose reason the page says, though the form is no longer offered."""
    plan = make_plan(matter)
    stale = plan.version
    services.plan_resolve(actor=leader, plan_id=plan.pk, version=stale, resolution="stopped")
    client.force_login(leader)
    r = client.post(
        f"/leadership/plans/{plan.pk}/progress/",
        {"version": stale, "progress-note": "约见信访人"},
    )
    assert r.status_code == 409
    said = [str(m) for m in r.context["messages"]]
    assert said and "progress-note" not in r.content.decode()
