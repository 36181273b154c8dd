"""seed_demo_mediation: rosters of about 1,500, demo cases, idempotent."""

from django.core.management import call_command

from xinfang.mediation.models import CaseState, Dispute, MediationCase, Mediator


def test_it_seeds_rosters_and_cases_once(demo_tree, travel):
    travel("2026-11-16")
    call_command("seed_demo_petitions", "--allow-production", verbosity=0)
    call_command("seed_demo_mediation", "--allow-production", verbosity=0)
    total = Mediator.objects.count()
    assert 1400 <= total <= 1600
    assert Mediator.objects.filter(full_time=True).count() > 100
    assert not Mediator.objects.filter(body__kind="territorial").exists()
    mine = Mediator.objects.filter(user__username="mediator")
    assert {m.body.code for m in mine} == {"410481-TJ", "410481-TJ04"}
    states = set(MediationCase.objects.values_list("state", flat=True))
    assert {CaseState.SUCCESS, CaseState.FAILURE, CaseState.IN_PROGRESS} <= states
    assert {CaseState.AWAITING_CONSENT, CaseState.ESCALATED} <= states
    assert Dispute.objects.filter(petition__isnull=False).exists()
    assert Dispute.objects.filter(cases__agreement__judicial_confirmation__isnull=False).exists()
    disputes = Dispute.objects.count()
    call_command("seed_demo_mediation", "--allow-production", verbosity=0)
    assert Mediator.objects.count() == total and Dispute.objects.count() == disputes
