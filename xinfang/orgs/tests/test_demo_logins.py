"""What `make run` prints: the addresses, the demo logins and a matter to track."""

import io

from django.core.management import call_command
from django.test import override_settings

from xinfang.core.querycode import format_query_code
from xinfang.orgs.registry import DEMO_LOGIN_LINES
from xinfang.petitions import services


@override_settings(DEBUG=True)
def test_it_prints_the_addresses_the_logins_and_a_query_code(demo_tree, register, people):
    p = register()
    for actor, action, extra in (
        ("dispatcher", "forward", {"responsible_unit": demo_tree["410481102"]}),
        ("handler", "sign", {}),
        ("handler", "accept", {}),
    ):
        services.petition_act(actor=people[actor], petition_id=p.pk, action=action, **extra)
    out = io.StringIO()
    call_command("demo_logins", url="http://127.0.0.1:8000/", stdout=out)
    text = out.getvalue()
    assert "http://127.0.0.1:8000/accounts/login/" in text
    assert "http://127.0.0.1:8000/public/" in text and "http://127.0.0.1:8000/kiosk/" in text
    assert "clerk" in text and "mediator" in text
    p.refresh_from_db()
    assert format_query_code(p.query_code) in text


@override_settings(DEBUG=False)
def test_without_debug_no_logins_are_printed(demo_tree):
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    assert "Staff login" in out.getvalue() and "password" not in out.getvalue()


@override_settings(DEBUG=True)
def test_the_lines_other_areas_register_come_after_the_logins(demo_tree, monkeypatch):
    # orgs knows nothing of the areas above it: they add lines (orgs.registry).
    monkeypatch.setattr(DEMO_LOGIN_LINES, "_items", {})
    DEMO_LOGIN_LINES.register(lambda url: f"  Try {url}somewhere/", key="probe")
    DEMO_LOGIN_LINES.register(lambda url: None, key="nothing to say")
    out = io.StringIO()
    call_command("demo_logins", url="http://h/", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[-2:] == ["  Try http://h/somewhere/", ""]
    assert lines[-3] == "    admin       superuser (also /admin/)"
