import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import override_settings

from xinfang.orgs.demo import DEMO_USERS
from xinfang.orgs.models import MediationType, Membership, Role, Unit, UnitKind, UnitLink


def counts():
    return (
        Unit.objects.count(),
        UnitLink.objects.count(),
        get_user_model().objects.count(),
        Membership.objects.count(),
    )


def test_running_it_twice_changes_nothing(demo_tree):
    before = counts()
    call_command("seed_demo", allow_production=True, verbosity=0)
    assert counts() == before


def test_the_tree_has_the_shape_of_wugang(demo_tree):
    assert Unit.objects.filter(on_system=True, is_active=True).count() >= 78
    committees = Unit.objects.filter(kind=UnitKind.MEDIATION_COMMITTEE)
    assert sorted(committees.values_list("mediation_type", flat=True)) == sorted(
        MediationType.values
    )
    townships = Unit.objects.filter(level="township", kind=UnitKind.TERRITORIAL)
    assert townships.count() == 13
    assert {"垭口街道", "八台镇", "铁山乡"} <= set(townships.values_list("name", flat=True))
    assert Unit.objects.filter(kind=UnitKind.DEPARTMENT).count() >= 30
    assert Unit.objects.filter(kind=UnitKind.PETITION_OFFICE, name__contains="群工部").exists()
    # three levels of mediation centres
    levels = set(
        Unit.objects.filter(kind=UnitKind.MEDIATION_CENTRE).values_list("level", flat=True)
    )
    assert levels == {"city", "township", "village"}
    for township in townships:
        assert Unit.objects.filter(parent=township, kind=UnitKind.TERRITORIAL).count() >= 3


def test_there_is_a_demo_user_for_every_role(demo_tree):
    usernames = {u for u, *_rest in DEMO_USERS}
    for role in Role.values:
        assert role in usernames
        assert Membership.objects.filter(user__username=role, role=role).exists()
    assert {"handler2", "liaison2"} <= usernames
    handler_unit = Membership.objects.get(user__username="handler").unit
    handler2_unit = Membership.objects.get(user__username="handler2").unit
    assert handler_unit != handler2_unit
    assert get_user_model().objects.get(username="admin").is_superuser


@override_settings(DEBUG=False)
def test_it_refuses_to_run_with_debug_off(db):
    with pytest.raises(CommandError):
        call_command("seed_demo", verbosity=0)
    assert Unit.objects.count() == 0


@override_settings(DEMO_PASSWORD="Another-Demo-Pass-1")
def test_the_demo_password_comes_from_the_environment(client, db):
    call_command("seed_demo", allow_production=True, verbosity=0)
    response = client.post(
        "/accounts/login/", {"username": "clerk", "password": "Another-Demo-Pass-1"}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"]
