"""One permission policy: who is an administrator is answered in one place.

orgs.permissions.is_administrator() is the base policy, and each area's
permissions.py builds on it; no view, service, selector, context processor,
API, admin or template reads Django's superuser flag itself (issue 12: "no role
or superuser check elsewhere"). Tests may: they make and inspect users.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.contrib.auth.models import AnonymousUser

from xinfang.orgs.permissions import is_administrator

CHECKOUT = Path(__file__).resolve().parents[3]
FLAG = re.compile(r"\bis_superuser\b")


def _production_files() -> list[Path]:
    files = [*(CHECKOUT / "xinfang").rglob("*.py"), *(CHECKOUT / "config").rglob("*.py")]
    files += (CHECKOUT / "templates").rglob("*.html")
    files += (CHECKOUT / "static").rglob("*.js")
    return sorted(
        p
        for p in files
        if "tests" not in p.relative_to(CHECKOUT).parts
        and "migrations" not in p.relative_to(CHECKOUT).parts
    )


def _is_policy(path: Path) -> bool:
    """An area's permission policy: its permissions.py (or a permissions/ package)."""
    rel = path.relative_to(CHECKOUT).parts
    return rel[0] == "xinfang" and len(rel) >= 3 and Path(rel[2]).stem == "permissions"


def _flag_outside_the_policies() -> list[str]:
    found = []
    for path in _production_files():
        if _is_policy(path):
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if FLAG.search(line):
                found.append(f"{path.relative_to(CHECKOUT)}:{n}: {line.strip()}")
    return found


def test_only_the_permission_policies_read_the_superuser_flag():
    assert _flag_outside_the_policies() == []


def test_the_policies_are_the_areas_permissions_modules():
    policies = {str(p.relative_to(CHECKOUT)) for p in _production_files() if _is_policy(p)}
    assert "xinfang/orgs/permissions.py" in policies
    assert all(p.endswith("permissions.py") or "/permissions/" in p for p in policies)
    assert not _is_policy(CHECKOUT / "xinfang" / "orgs" / "views.py")


def test_an_administrator_is_an_active_superuser(db, django_user_model):
    admin = django_user_model.objects.create_user("root", password="x", is_superuser=True)
    clerk = django_user_model.objects.create_user("clerk-1", password="x")
    assert is_administrator(admin) and not is_administrator(clerk)
    admin.is_active = False
    assert not is_administrator(admin)


def test_the_anonymous_user_is_no_administrator():
    assert not is_administrator(AnonymousUser())
