"""How a higher area plugs into a matter's pages (petitions.registry): panels on
the matter page and a source a registration is raised from. The mediation area
registers the real ones; these stand-ins hold petitions to the contract."""

import pytest
from django.urls import reverse

from xinfang.core.exceptions import NotFound
from xinfang.core.models import SecurityRecord
from xinfang.orgs.demo import CITY_RECEPTION
from xinfang.petitions import services
from xinfang.petitions.models import PetitionEvent
from xinfang.petitions.registry import MATTER_PANELS, REGISTRATION_SOURCES

from .fixtures import VALID_ID, unit


@pytest.fixture
def empty_registries(monkeypatch):
    monkeypatch.setattr(MATTER_PANELS, "_items", {})
    monkeypatch.setattr(REGISTRATION_SOURCES, "_items", {})


class StandIn:
    """A source of registrations as the mediation area provides one."""

    def __init__(self, category, place):
        self.category, self.place = category, place

    def describe(self, request, source_id):
        if not source_id:
            return None
        if source_id != "7":
            raise NotFound()
        return {
            "object": self.category,
            "number": "TJ-STAND-IN-7",
            "url": "/somewhere/7/",
            "raisable": True,
            "label": "调解不成",
            "initial": {"summary": "调解不成的纠纷", "from_dispute": 7, "place": self.place.pk},
            "petitioners": [
                {
                    "name": "李四",
                    "id_number": VALID_ID,
                    "phone": "13812345678",
                    "address": "",
                }
            ],
            "reveal_targets": ["stand-in:7:party:1"],
        }

    def raise_petition(self, *, actor, source_id, registration):
        return services.petition_register(
            actor=actor, **registration, event_data={"from_dispute": "TJ-STAND-IN-7"}
        )


def test_a_registered_panel_is_shown_on_the_matter_page_and_none_without(
    client, people, register, empty_registries
):
    p = register()
    client.force_login(people["dispatcher"])
    url = reverse("petitions:detail", args=[p.pk])
    assert "4242" not in client.get(url).content.decode()

    def panel(request, petition):
        assert petition.pk == p.pk and request.user == people["dispatcher"]
        return {"template": "petitions/_badge.html", "colour": "red", "label": "4242"}

    MATTER_PANELS.register(panel)
    MATTER_PANELS.register(lambda request, petition: None, key="silent")
    assert "4242" in client.get(url).content.decode()


def test_a_registration_is_raised_from_a_registered_source(
    client, people, category, village_a, travel, empty_registries
):
    travel("2026-11-02")
    client.force_login(people["clerk"])
    url = reverse("petitions:register")
    assert client.get(url, {"from_dispute": "7"}).status_code == 404  # nobody provides it

    REGISTRATION_SOURCES.register(StandIn(category, village_a), key="dispute")
    assert client.get(url, {"from_dispute": "8"}).status_code == 404
    page = client.get(url, {"from_dispute": "7"})
    html = page.content.decode()
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    assert "TJ-STAND-IN-7" in html and "/somewhere/7/" in html and "调解不成的纠纷" in html
    assert VALID_ID in html  # copied in full, and on the record
    assert SecurityRecord.objects.filter(target="stand-in:7:party:1").count() == 2

    data = {
        "registering_unit": unit(CITY_RECEPTION[0]).pk,
        "channel": "visit",
        "purpose": "appeal",
        "category": category.pk,
        "place": village_a.pk,
        "received_on": "2026-11-02",
        "people_count": "1",
        "summary": "调解不成的纠纷",
        "content": "调解不成，申请信访。",
        "idempotency_key": "8f0c2f0e-3d5a-4f59-9a43-6f1f2a1b0c12",
        "from_dispute": "7",
        "petitioners-TOTAL_FORMS": "1",
        "petitioners-INITIAL_FORMS": "0",
        "petitioners-MIN_NUM_FORMS": "0",
        "petitioners-MAX_NUM_FORMS": "5",
        "petitioners-0-name": "李四",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    event = PetitionEvent.objects.get(action="register")
    assert event.data["from_dispute"] == "TJ-STAND-IN-7"
