"""`make run` on a fresh machine: the seed commands of its recipe, in its order,
succeed on an empty database, and a second run adds nothing."""

import io
import re
from pathlib import Path

from django.core.management import call_command

from xinfang.mediation.models import Dispute, Meeting, ScreeningReport
from xinfang.petitions.models import Petition

MAKEFILE = Path(__file__).resolve().parents[3] / "Makefile"


def seed_commands() -> list[str]:
    recipe = MAKEFILE.read_text().split("\nrun:", 2)[-1].split("\n\n", 1)[0]
    return re.findall(r"manage\.py (seed_\w+)", recipe)


def counts():
    return [m.objects.count() for m in (Petition, Dispute, ScreeningReport, Meeting)]


def test_the_seeds_of_make_run_work_in_order_and_twice(db, settings):
    settings.DEBUG = True
    commands = seed_commands()
    assert commands[0] == "seed_demo" and len(commands) >= 4, commands
    for name in commands:
        call_command(name, stdout=io.StringIO())
    first = counts()
    assert all(first), first
    assert Meeting.objects.get().closed  # the demo meeting decided every item
    for name in commands:
        call_command(name, stdout=io.StringIO())
    assert counts() == first
