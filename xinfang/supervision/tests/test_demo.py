"""`make run`'s demo: seed_demo_supervision lists two demo matters, once."""

from django.core.management import call_command

from xinfang.supervision.models import Listing


def test_the_demo_lists_a_matter_and_a_dispute_once(demo_tree, travel):
    travel("2026-11-02")
    for name in ("seed_demo_petitions", "seed_demo_screening", "seed_demo_supervision"):
        call_command(name, allow_production=True, verbosity=0)
    kinds = sorted(x.kind for x in Listing.objects.all())
    assert kinds == ["dispute", "petition"]
    petition_listing = Listing.objects.get(petition__isnull=False)
    assert petition_listing.colour == "red" and petition_listing.chases.count() == 1
    call_command("seed_demo_supervision", allow_production=True, verbosity=0)
    assert Listing.objects.count() == 2
