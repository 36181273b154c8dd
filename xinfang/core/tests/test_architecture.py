"""The house's directions, checked over the source (docs/architecture.md).

Imports run one way: core ← orgs ← the business areas ← portal, analytics,
exchange. Between business areas the order is fixed too (mediation builds on
petitions; supervision and leadership on both), and a higher area reaches a
lower one only through its public modules (models, workflow, services,
selectors, permissions), never its pages, API or forms. No import inside a
function may cross areas (that is how circles hide), and there is no circle.
Test modules do not import test modules (shared fixtures live in conftest.py
or in a fixtures module).
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]  # the xinfang package

# The order of the areas: an area may import those of a lower rank only (and
# core, its own). The same rank never imports each other.
RANK = {
    "core": 0,
    "orgs": 1,
    "petitions": 2,
    "mediation": 3,
    "leadership": 4,
    "supervision": 5,
    "search": 6,
    "portal": 7,
    "analytics": 7,
    "exchange": 8,
}
# What a higher business area may use of a lower one (core and orgs are open).
PUBLIC = {
    "models",
    "workflow",
    "services",
    "selectors",
    "permissions",
    "registry",
    "notices",  # the written notices a citizen downloads (portal)
    "timeline",  # the public timeline a citizen reads (portal)
}
OPEN_AREAS = {"core", "orgs"}


def _modules() -> dict[str, Path]:
    out = {}
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _is_package(name: str) -> bool:
    return MODULES.get(name, Path()).name == "__init__.py"


def _resolve(module: str, node: ast.ImportFrom) -> list[str]:
    if node.level == 0:
        base = node.module or ""
    else:
        pkg = module.split(".")
        if not _is_package(module):
            pkg = pkg[:-1]
        pkg = pkg[: len(pkg) - (node.level - 1)]
        base = ".".join(pkg + ([node.module] if node.module else []))
    targets = []
    for alias in node.names:
        sub = f"{base}.{alias.name}"
        targets.append(sub if sub in MODULES else base)
    return targets


def _imports(module: str, path: Path, roots=("xinfang",)):
    """(target module, lineno, local) for every import of `roots` in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    local_nodes = set()
    for fn in ast.walk(tree):
        if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
            for inner in ast.walk(fn):
                if isinstance(inner, ast.Import | ast.ImportFrom):
                    local_nodes.add(id(inner))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = _resolve(module, node)
        else:
            continue
        for name in names:
            if any(name == root or name.startswith(f"{root}.") for root in roots):
                yield name, node.lineno, id(node) in local_nodes


def _area(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else None


def _sub(name: str) -> str:
    parts = name.split(".")
    return parts[2] if len(parts) > 2 else ""


def _is_test(name: str) -> bool:
    return ".tests." in name + "."


def _is_migration(name: str) -> bool:
    return ".migrations." in name


def _violations():
    found = []
    for module, path in sorted(MODULES.items()):
        area = _area(module)
        if area is None:
            continue
        for target, line, local in _imports(module, path):
            other = _area(target)
            if other is None or other == area:
                continue
            where = f"{path.relative_to(ROOT.parent)}:{line} imports {target}"
            # Migrations freeze history: a RunPython function imports what it
            # calls when it runs, by design; AppConfig.ready() is where Django
            # asks an app to import what registers it (after the models load).
            if local and not _is_migration(module) and not module.endswith(".apps"):
                found.append(f"{where} inside a function")
            if _is_test(module):
                continue
            if area not in RANK or other not in RANK:
                found.append(f"{where}: area without a rank in this test")
            elif RANK[other] >= RANK[area] and not _is_migration(module):
                found.append(f"{where}: a lower area imports a higher one (or a peer)")
            elif other not in OPEN_AREAS and _sub(target) not in PUBLIC:
                found.append(f"{where}: not one of {other}'s public modules")
    return sorted(set(found))


def test_it_keeps_imports_running_one_way():
    assert _violations() == []


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for module, path in MODULES.items():
        if _is_migration(module):
            continue
        graph[module] = {
            t for t, _line, local in _imports(module, path) if t in MODULES and t != module
        }
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            # A package importing its own modules to re-export them is not a circle.
            members = [m for m in comp if not _is_package(m)]
            if len(members) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10000))
    for v in list(graph):
        if v not in index:
            visit(v)
    return out


def test_it_has_no_import_circle():
    assert _cycles(_graph()) == []


def test_test_modules_do_not_import_test_modules():
    """Nor do the browser tests (e2e/): what they share is in e2e/conftest.py."""
    found = []
    e2e = {f"e2e.{p.stem}": p for p in (ROOT.parent / "e2e").glob("*.py")}
    for module, path in {**MODULES, **e2e}.items():
        if not (_is_test(module) or module in e2e):
            continue
        for target, line, _local in _imports(module, path, roots=("xinfang", "e2e")):
            if target.rsplit(".", 1)[-1].startswith("test_"):
                found.append(f"{path.relative_to(ROOT.parent)}:{line} imports {target}")
    assert found == []


@pytest.mark.parametrize(
    "source, expected",
    [
        ("def f():\n    from xinfang.petitions import services\n", "inside a function"),
        ("from xinfang.portal import views\n", "a lower area imports a higher one"),
        ("from xinfang.petitions.views import x\n", "public modules"),
    ],
)
def test_the_checker_catches_each_kind(monkeypatch, source, expected):
    fake = ROOT / "mediation" / "_architecture_probe.py"
    monkeypatch.setitem(MODULES, "xinfang.mediation._architecture_probe", fake)
    original = Path.read_text

    def read(self, *args, **kwargs):
        if self == fake:
            return source
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", read)
    hits = [v for v in _violations() if "_architecture_probe" in v]
    assert any(expected in v for v in hits), hits


def test_the_cycle_finder_finds_a_circle():
    assert _cycles({"a.x": {"a.y"}, "a.y": {"a.z"}, "a.z": {"a.x"}}) == [["a.x", "a.y", "a.z"]]
