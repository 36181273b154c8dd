from django.core.management import call_command

from xinfang.petitions import selectors
from xinfang.petitions.models import Petition


def test_the_demo_register_has_every_colour_and_runs_once(demo_tree, travel):
    travel("2026-11-16")
    call_command("seed_demo_petitions", allow_production=True)
    states = set(Petition.objects.values_list("state", flat=True))
    assert {
        "registered",
        "forwarded",
        "pending_acceptance",
        "accepted",
        "opinion_issued",
        "not_accepted",
    } <= states
    # A township's objection waits for the petition office (退回, issue 10).
    assert Petition.objects.filter(state="forwarded", return_requested_on__isnull=False).exists()
    counts = selectors.colour_counts(Petition.objects.all())
    assert all(counts[c] > 0 for c in ("red", "yellow", "blue", "green")), counts
    before = Petition.objects.count()
    call_command("seed_demo_petitions", allow_production=True)
    assert Petition.objects.count() == before
