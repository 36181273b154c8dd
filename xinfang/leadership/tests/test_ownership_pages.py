import datetime as dt

import pytest
from django.urls import reverse

from xinfang.core import calendar
from xinfang.leadership import services
from xinfang.leadership.models import OwnershipPlan

pytestmark = pytest.mark.django_db


def test_the_leaders_page_puts_overdue_plans_first_and_shows_the_weeks_moves(
    client, make_plan, register, leader, travel
):
    travel("2026-11-02")
    late = make_plan(register(summary="逾期事项"), target_date=dt.date(2026, 11, 10))
    make_plan(register(summary="按期事项"), target_date=dt.date(2026, 11, 5))
    services.plan_progress(actor=leader, plan_id=late.pk, note="已约见信访人")
    travel("2026-11-08")
    client.force_login(leader)
    html = client.get(reverse("leadership:my_plans")).content.decode()
    assert html.index("按期事项") < html.index("逾期事项")  # 5 Nov is past: first
    assert "已约见信访人" in html and "data-overdue>1<" in html


def test_the_start_page_shows_the_leaders_panel(client, make_plan, matter, leader):
    make_plan(matter)
    client.force_login(leader)
    html = client.get("/start/leader/").content.decode()
    assert "我包案的事项" in html and reverse("leadership:my_plans") in html


def test_the_matter_page_shows_the_plan_and_an_outsider_gets_404(
    client, make_plan, matter, leader, outsider
):
    plan = make_plan(matter)
    client.force_login(leader)
    html = client.get(reverse("petitions:detail", args=[matter.pk])).content.decode()
    assert reverse("leadership:plan", args=[plan.pk]) in html and "王主任" in html
    client.force_login(outsider)
    assert client.get(reverse("leadership:plan", args=[plan.pk])).status_code == 404
    url = reverse("leadership:plan_act", args=[plan.pk, "progress"])
    assert client.post(url, {"progress-note": "x"}).status_code == 404


def test_a_leader_owns_a_matter_through_the_form_and_resolves_it(client, matter, leader, demo_tree):
    client.force_login(leader)
    url = reverse("leadership:plan_new", args=[matter.pk])
    assert client.get(url).status_code == 200
    r = client.post(
        url,
        {
            "owner": leader.pk,
            "unit": demo_tree["410481102"].pk,
            "person": "王主任",
            "measures": "协调分期支付",
            "standard": "全部支付",
            "target_date": (calendar.today() + dt.timedelta(days=20)).isoformat(),
        },
    )
    plan = OwnershipPlan.objects.get(petition=matter)
    assert r.status_code == 302 and r.url == reverse("leadership:plan", args=[plan.pk])
    r = client.post(
        reverse("leadership:plan_act", args=[plan.pk, "resolve"]),
        {"version": plan.version, "resolve-resolution": "agreement", "resolve-note": "签订协议"},
    )
    assert r.status_code == 302
    plan.refresh_from_db()
    assert plan.state == "resolved" and plan.resolution == "agreement"
    r = client.post(
        reverse("leadership:plan_act", args=[plan.pk, "resolve"]),
        {"version": plan.version, "resolve-resolution": "agreement"},
    )
    assert r.status_code == 409


def test_the_stats_page_counts_owned_and_resolved(client, make_plan, register, leader):
    plans = [make_plan(register()) for _ in range(3)]
    services.plan_resolve(actor=leader, plan_id=plans[0].pk, resolution="stopped")
    client.force_login(leader)
    html = client.get(reverse("leadership:ownership_stats")).content.decode()
    assert "data-owned>3<" in html and "data-resolved>1<" in html
    # The per-unit counts alone (the analytics' leaders' figures) are the same.
    import datetime as dt

    from xinfang.leadership import selectors

    span = {"user": leader, "date_from": dt.date(2000, 1, 1), "date_to": dt.date(2100, 1, 1)}
    counts = selectors.ownership_counts(**span)
    by_unit = selectors.ownership_by_unit(**span)
    assert by_unit == {
        r["id"]: {"owned": r["owned"], "resolved": r["resolved"]} for r in counts["by_unit"]
    }
    assert sum(r["owned"] for r in by_unit.values()) == 3
    r = client.get(reverse("leadership:ownership_stats") + "?from=bad")
    assert r.status_code == 400


def test_the_demo_seed_owns_a_matter_for_the_demo_leader(demo_tree):
    from django.core.management import call_command

    from xinfang.leadership.models import OwnershipPlan

    call_command("seed_demo_ownership", allow_production=True, verbosity=0)
    call_command("seed_demo_ownership", allow_production=True, verbosity=0)  # idempotent
    plan = OwnershipPlan.objects.get()
    assert plan.owner.username == "leader" and plan.events.count() == 2
