"""A failed mediation raises a petition: the clerk's registration form filled in from
the dispute on the server, and the two linked once it is registered."""

import pytest

from xinfang.core.exceptions import Conflict
from xinfang.core.models import SecurityRecord
from xinfang.mediation import services
from xinfang.mediation.models import DisputeState, Source
from xinfang.petitions.models import Category, Petition, PetitionEvent

from .case_fixtures import PARTIES, VILLAGE_A

HALL = "410481-JD"  # the city's reception centre, where the clerk sits


@pytest.fixture
def failed(med):
    """A land dispute received at the reception hall; the village room's mediation failed."""
    d = services.dispute_create(
        actor=med["clerk"],
        source=Source.APPLICATION,
        type="land",
        place=med["units"][VILLAGE_A],
        received_by=med["units"][HALL],
        summary="承包地边界纠纷",
        details="两户对承包地地界各执一词。",
        parties=[
            {"role": "respondent", "name": "李小河", "phone": "13987654321"},
            {**PARTIES[0], "role": "applicant", "address": "八台镇张庄村3号"},
        ],
    )
    case = services.case_open(actor=med["handler_a"], dispute_id=d.pk)
    services.case_fail(
        actor=med["room_a"], case_id=case.pk, reason="no_agreement", routes_told=True
    )
    d.refresh_from_db()
    assert d.state == DisputeState.FAILED
    return d


def _post_data(response) -> dict:
    """What the browser would send back: the form as it was filled in."""
    form, formset = response.context["form"], response.context["formset"]
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        value = value() if callable(value) else value
        if value not in (None, "") and name != "attachments":
            data[name] = str(value)
    data["channel"] = "visit"
    for key, value in formset.management_form.initial.items():
        data[f"petitioners-{key}"] = value
    for i, row in enumerate(formset.initial or []):
        for key, value in row.items():
            data[f"petitioners-{i}-{key}"] = value
    return data


def test_the_dispute_page_offers_the_clerk_a_prefilled_form(med, failed, client):
    client.force_login(med["clerk"])
    html = client.get(f"/mediation/disputes/{failed.pk}/").content.decode()
    assert f"/petitions/register/?from_dispute={failed.pk}" in html
    # A mediator cannot register: the page says who can instead.
    client.force_login(med["room_a"])
    html = client.get(f"/mediation/disputes/{failed.pk}/").content.decode()
    assert "from_dispute" not in html and "data-raise-who" in html


def test_the_form_is_filled_in_from_the_dispute_and_the_two_are_linked(med, failed, client):
    client.force_login(med["clerk"])
    before = SecurityRecord.objects.count()
    r = client.get("/petitions/register/", {"from_dispute": failed.pk})
    assert r.status_code == 200 and r["Cache-Control"] == "no-store"
    form = r.context["form"]
    assert form.initial["summary"] == "承包地边界纠纷"
    assert form.initial["content"].startswith("两户对承包地地界各执一词。")
    assert failed.number in form.initial["content"]
    assert form.initial["place"] == med["units"][VILLAGE_A].pk
    # land → the first category whose mediation type is land (土地承包)
    assert form.initial["category"] is not None
    assert Category.objects.get(pk=form.initial["category"]).mediation_type == "land"
    rows = r.context["formset"].initial
    assert [x["name"] for x in rows] == ["张大山", "李小河"]  # applicants first
    assert rows[0]["id_number"] == PARTIES[0]["id_number"]
    assert rows[0]["address"] == "八台镇张庄村3号"
    # Three full values copied into the form: three reads on the security record.
    assert SecurityRecord.objects.count() - before == 3

    data = _post_data(r)
    r = client.post("/petitions/register/", data)
    assert r.status_code == 302, r.context["form"].errors if r.context else r
    p = Petition.objects.get()
    register = PetitionEvent.objects.get(petition=p, action="register")
    assert register.data["from_dispute"] == failed.number
    failed.refresh_from_db()
    raised = failed.events.get(action="petition_raised")
    assert raised.data == {"petition": p.pk, "number": p.number}
    assert [x.name for x in p.petitioners.all()] == ["张大山", "李小河"]

    # Both pages show the link.
    html = client.get(f"/petitions/{p.pk}/").content.decode()
    assert f"/mediation/disputes/{failed.pk}/" in html and failed.number in html
    html = client.get(f"/mediation/disputes/{failed.pk}/").content.decode()
    assert f"/petitions/{p.pk}/" in html and p.number in html
    assert "from_dispute" not in html  # raised once

    # The same form sent again answers the same matter; a new form is refused.
    assert client.post("/petitions/register/", data).status_code == 302
    assert Petition.objects.count() == 1
    r = client.get("/petitions/register/", {"from_dispute": failed.pk})
    assert r.status_code == 302 and Petition.objects.count() == 1


def test_a_dispute_the_clerk_cannot_see_is_404_and_others_are_refused(
    med, failed, new_dispute, client
):
    unseen = new_dispute()  # screening in village A: not the hall's
    client.force_login(med["clerk"])
    assert client.get("/petitions/register/", {"from_dispute": unseen.pk}).status_code == 404
    assert client.get("/petitions/register/", {"from_dispute": "x"}).status_code == 404
    # A mediator who sees the dispute is not a clerk.
    client.force_login(med["room_a"])
    assert client.get("/petitions/register/", {"from_dispute": failed.pk}).status_code == 403


def test_the_service_refuses_a_dispute_that_did_not_fail(med, new_dispute):
    d = new_dispute()
    with pytest.raises(Conflict):
        services.petition_raise(actor=med["handler_a"], dispute_id=d.pk, registration={})
