"""A user sees their units and everything below them, and nothing else (404)."""

import pytest
from django.urls import reverse

from xinfang.orgs import permissions
from xinfang.orgs.models import Role, Unit

ALL_ROLES = Role.values


def villages_of(township):
    return list(Unit.objects.filter(parent=township, kind="territorial"))


@pytest.mark.parametrize("role", ALL_ROLES)
def test_a_township_user_sees_nothing_of_another_township(
    client, make_person, role, township_a, township_b
):
    user = make_person(role, township_a)
    client.force_login(user)
    for unit in [township_b, *villages_of(township_b), *township_b.children.all()]:
        assert client.get(reverse("unit_detail", args=[unit.pk])).status_code == 404
    assert client.get(reverse("unit_detail", args=[township_a.pk])).status_code == 200
    for village in villages_of(township_a):
        assert client.get(reverse("unit_detail", args=[village.pk])).status_code == 200
    listing = client.get(reverse("unit_index")).content.decode()
    assert township_a.name in listing
    assert township_b.name not in listing


@pytest.mark.parametrize("role", ALL_ROLES)
def test_a_city_user_sees_both_townships(client, make_person, role, city, township_a, township_b):
    user = make_person(role, city)
    client.force_login(user)
    for unit in [township_a, township_b, *villages_of(township_a), *villages_of(township_b)]:
        assert client.get(reverse("unit_detail", args=[unit.pk])).status_code == 200
    listing = client.get(reverse("unit_index")).content.decode()
    assert township_a.name in listing and township_b.name in listing


@pytest.mark.parametrize("role", ALL_ROLES)
def test_two_memberships_see_the_union(
    client, make_person, role, demo_tree, township_a, township_b
):
    village_b = villages_of(township_b)[0]
    user = make_person(role, township_a, village_b)
    client.force_login(user)
    assert client.get(reverse("unit_detail", args=[township_a.pk])).status_code == 200
    assert client.get(reverse("unit_detail", args=[village_b.pk])).status_code == 200
    # ...but not the rest of township B: the membership reaches down, not up or sideways.
    assert client.get(reverse("unit_detail", args=[township_b.pk])).status_code == 404
    assert (
        client.get(reverse("unit_detail", args=[villages_of(township_b)[1].pk])).status_code == 404
    )
    visible = set(permissions.visible_units(user).values_list("pk", flat=True))
    expected = set(
        Unit.objects.filter(ancestor_links__ancestor__in=[township_a, village_b]).values_list(
            "pk", flat=True
        )
    )
    assert visible == expected


def test_an_outsider_without_membership_sees_no_unit(client, make_person, township_a):
    user = make_person("clerk")  # no unit at all
    client.force_login(user)
    assert client.get(reverse("unit_detail", args=[township_a.pk])).status_code == 404
    assert permissions.visible_units(user).count() == 0


def test_an_anonymous_visitor_is_sent_to_login(client, township_a):
    response = client.get(reverse("unit_detail", args=[township_a.pk]))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_may_answers_by_role_and_subtree(make_person, township_a, township_b):
    handler = make_person("handler", township_a)
    village_a = villages_of(township_a)[0]
    assert permissions.may(handler, "handle_petition", village_a)
    assert not permissions.may(handler, "handle_petition", township_b)
    assert not permissions.may(handler, "register_petition", village_a)  # a clerk's action
    assert permissions.may(handler, "view", township_a)


def test_may_works_for_objects_naming_their_units(make_person, township_a, township_b):
    class Matter:
        def __init__(self, *ids):
            self.ids = ids

        def scope_unit_ids(self):
            return self.ids

    handler = make_person("handler", township_a)
    assert permissions.may(handler, "view", Matter(township_b.pk, township_a.pk))
    assert not permissions.may(handler, "view", Matter(township_b.pk))


def test_a_superuser_sees_everything(make_person, demo_tree):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.get(username="admin")
    assert permissions.visible_units(admin).count() == Unit.objects.count()


def test_the_visible_units_are_one_query(
    make_person, township_a, township_b, django_assert_num_queries
):
    user = make_person("analyst", township_a, township_b)
    permissions.member_unit_ids(user)  # memberships are loaded once per request
    with django_assert_num_queries(1):
        units = list(permissions.visible_units(user))
    assert len(units) == (
        Unit.objects.filter(ancestor_links__ancestor__in=[township_a, township_b]).count()
    )
