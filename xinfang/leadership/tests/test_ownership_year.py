import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

User = get_user_model()

pytestmark = pytest.mark.django_db


def test_the_wugang_year_shows_294_owned_and_260_resolved(demo_tree, client, api_for):
    call_command("load_wugang_leadership", year=2016, allow_production=True, verbosity=0)
    leader = User.objects.get(username="leader")
    client.force_login(leader)
    html = client.get(reverse("leadership:ownership_stats") + "?year=2016").content.decode()
    assert "data-owned>294<" in html and "data-resolved>260<" in html
    stats = api_for(leader, password=settings.DEMO_PASSWORD).get(
        "/api/v1/ownership/stats?year=2016"
    )
    assert stats.json()["owned"] == 294 and stats.json()["resolved"] == 260
    assert stats.json()["by_leader"][0]["name"] == "孙国庆"
