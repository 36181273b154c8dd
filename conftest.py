"""Shared fixtures: the demo tree and personas (one user per role, at a unit)."""

import pytest
from django.core.management import call_command

from xinfang.orgs import services
from xinfang.orgs.demo import TOWNSHIP_A, TOWNSHIP_B
from xinfang.orgs.models import Unit

PASSWORD = "Test-Passw0rd-2026"

# Personas and helpers for petition matters, shared by every area's tests.
pytest_plugins = ["xinfang.petitions.tests.fixtures"]


@pytest.fixture
def demo_tree(db):
    """The Wugang-shaped demo tree and demo users."""
    call_command("seed_demo", allow_production=True, verbosity=0)
    return {u.code: u for u in Unit.objects.all()}


@pytest.fixture
def township_a(demo_tree):
    return demo_tree[TOWNSHIP_A]


@pytest.fixture
def township_b(demo_tree):
    return demo_tree[TOWNSHIP_B]


@pytest.fixture
def city(demo_tree):
    return demo_tree["410481"]


@pytest.fixture
def make_person(db):
    """make_person("handler", unit, ...) -> a user holding that role in that unit."""
    counter = {"n": 0}

    def make(role, *units, username=None):
        counter["n"] += 1
        user = services.user_create(
            username=username or f"{role}-{counter['n']}", password=PASSWORD, full_name=role
        )
        for i, unit in enumerate(units):
            services.membership_add(user=user, unit=unit, role=role, is_primary=(i == 0))
        return user

    return make
