"""Every transition and event of every aggregate has a translated label.

The staff timeline, the API and the public page print `Table.labels()`
(core.transitions); a raw key such as `meeting_decision` or `pass_up` on a
Chinese page is the bug this walks for. The areas' own tests check their pages;
this one walks every table the installed areas declare, so a new aggregate is
covered without being named here.

The tables are found as the site finds them: each installed app's `workflow`
module (or package) is imported, and every `core.transitions.Table` registers
itself in TABLES. A workflow module that still keeps its moves as a
module-level TRANSITIONS dict of rows with `name` and `label` (the petition
area's shape before the kernel) is walked too.
"""

from __future__ import annotations

import importlib
import importlib.util
import re

from django.apps import apps
from django.utils import translation

from xinfang.core import transitions

RAW_KEY = re.compile(r"^[a-z][a-z0-9_]*$")  # snake_case, or a bare lowercase key
CJK = re.compile(r"[\u4e00-\u9fff]")


def _workflow_modules() -> list:
    found = []
    for config in apps.get_app_configs():
        name = f"{config.name}.workflow"
        if importlib.util.find_spec(name) is not None:
            found.append(importlib.import_module(name))
    return found


def _labelled() -> dict[str, dict[str, object]]:
    """aggregate -> {action: label}, for every table and every legacy table."""
    modules = _workflow_modules()  # first: importing them fills TABLES
    out = {aggregate: table.labels() for aggregate, table in transitions.TABLES.items()}
    for module in modules:
        legacy = getattr(module, "TRANSITIONS", None)
        has_table = any(isinstance(v, transitions.Table) for v in vars(module).values())
        if isinstance(legacy, dict) and not has_table:
            out[module.__name__] = {name: row.label for name, row in legacy.items()}
    return out


def _unlabelled(action: str, label) -> bool:
    """No label, the key itself, a bare lowercase key, or words not in Chinese."""
    text = "" if label is None else str(label)
    return not text or text == action or bool(RAW_KEY.match(text)) or not CJK.search(text)


def test_the_walk_finds_the_tables():
    tables = _labelled()
    assert tables, "no workflow table found in any installed app"
    # Each table holds its moves: an empty one would make the walk vacuous.
    assert all(tables.values()), list(tables)


def test_every_action_has_a_translated_label_that_is_not_its_key():
    with translation.override("zh-hans"):
        bad = [
            f"{aggregate}.{action}: {label!s}"
            for aggregate, labels in _labelled().items()
            for action, label in labels.items()
            if _unlabelled(action, label)
        ]
    assert bad == []


def test_the_check_catches_a_raw_key():
    assert _unlabelled("pass_up", "pass_up")
    assert _unlabelled("meeting_decision", "meeting_decision")
    assert _unlabelled("forward", "Forward")  # English left on a Chinese page
    assert _unlabelled("lapse", None)
    assert not _unlabelled("forward", "转送")


def test_the_walk_reads_the_kernel_tables(monkeypatch):
    monkeypatch.setattr(transitions, "TABLES", {})
    transitions.Table(
        "probe",
        [transitions.row("pass_up", "pass_up", ["open"], "up", None, "unit")],
        events={"opened": "已登记"},
    )
    labels = _labelled()["probe"]
    assert labels == {"pass_up": "pass_up", "opened": "已登记"}
    assert _unlabelled("pass_up", labels["pass_up"]) and not _unlabelled("opened", "已登记")
