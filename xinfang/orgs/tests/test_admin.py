"""The Django admin manages units, users and memberships, through the services."""

from django.contrib.auth import get_user_model

from xinfang.orgs.models import Membership, Unit, UnitLink


def test_an_admin_adds_a_unit_and_its_links_follow(client, demo_tree, township_a):
    client.force_login(get_user_model().objects.get(username="admin"))
    assert client.get("/admin/orgs/unit/").status_code == 200
    response = client.post(
        "/admin/orgs/unit/add/",
        {
            "code": "410481102099",
            "name": "新建村",
            "short_name": "",
            "parent": township_a.pk,
            "level": "village",
            "kind": "territorial",
            "mediation_type": "",
            "sort_order": 0,
            "on_system": "on",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    unit = Unit.objects.get(code="410481102099")
    assert UnitLink.objects.filter(ancestor=township_a, descendant=unit, distance=1).exists()
    assert UnitLink.objects.filter(ancestor__code="410481", descendant=unit, distance=2).exists()


def test_an_admin_refuses_a_committee_without_type(client, demo_tree, city):
    client.force_login(get_user_model().objects.get(username="admin"))
    response = client.post(
        "/admin/orgs/unit/add/",
        {
            "code": "X1",
            "name": "委员会",
            "parent": city.pk,
            "level": "city",
            "kind": "mediation_committee",
            "mediation_type": "",
            "sort_order": 0,
        },
    )
    assert response.status_code == 200  # the form again, with the error
    assert not Unit.objects.filter(code="X1").exists()


def test_an_admin_gives_a_user_a_membership(client, demo_tree, township_b):
    client.force_login(get_user_model().objects.get(username="admin"))
    user = get_user_model().objects.get(username="handler")
    assert client.get(f"/admin/auth/user/{user.pk}/change/").status_code == 200
    assert client.get("/admin/orgs/membership/").status_code == 200
    response = client.post(
        "/admin/orgs/membership/add/", {"user": user.pk, "unit": township_b.pk, "role": "handler"}
    )
    assert response.status_code == 302
    assert Membership.objects.filter(user=user, unit=township_b, role="handler").exists()
