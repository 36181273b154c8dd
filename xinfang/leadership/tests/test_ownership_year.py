import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from xinfang.leadership.demo_year_ownership import load_ownership

User = get_user_model()

pytestmark = pytest.mark.django_db


def test_the_wugang_year_shows_294_owned_and_260_resolved(demo_tree, client, api_for):
    # The mediation area's command of the same name wins until the merge joins
    # them (the command calls this function).
    assert load_ownership(2016) == {"owned": 294, "resolved": 260}
    leader = User.objects.get(username="leader")
    client.force_login(leader)
    html = client.get(reverse("leadership:ownership_stats") + "?year=2016").content.decode()
    assert "data-owned>294<" in html and "data-resolved>260<" in html
    stats = api_for(leader, password=settings.DEMO_PASSWORD).get(
        "/api/v1/ownership/stats?year=2016"
    )
    assert stats.json()["owned"] == 294 and stats.json()["resolved"] == 260
    assert stats.json()["by_leader"][0]["name"] == "孙国庆"
