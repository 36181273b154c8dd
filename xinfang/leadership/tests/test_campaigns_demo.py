"""`manage.py seed_demo_campaigns` (make run): a running campaign with listed
matters and one issued bulletin, once."""

from django.core.management import call_command

from xinfang.leadership.models import Bulletin, Campaign, CampaignMatter


def test_the_demo_campaign_runs_with_an_issued_bulletin(demo_tree, travel):
    travel("2026-11-18")
    call_command("seed_demo_petitions", allow_production=True, verbosity=0)
    call_command("seed_demo_campaigns", allow_production=True, verbosity=0)
    call_command("seed_demo_campaigns", allow_production=True, verbosity=0)  # once
    c = Campaign.objects.get()
    assert c.state == "running"
    assert CampaignMatter.objects.filter(campaign=c, status="kept").count() == 5
    assert CampaignMatter.objects.filter(campaign=c, status="dropped").count() == 1
    b = Bulletin.objects.get(campaign=c)
    assert (b.year, b.week) == (2026, 46) and b.number == "舞信督〔2026〕1号"
    assert b.figures["totals"]["listed"] == 5 and b.figures["totals"]["resolved_total"] == 2
    assert len(b.figures["progress"]) == 3
