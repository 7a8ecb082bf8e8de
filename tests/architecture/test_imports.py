"""Dependencies point one way: ``api`` -> ``amhp`` -> ``solver``, and inside ``amhp``
each room imports only the rooms below it. Code outside ``solver/`` uses only the
names ``solver/__init__.py`` exports. Read from the source with ``ast``, so an
import inside a function counts as much as one at the top."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import solver
from tests.support.paths import ROOT

# Each room of amhp and what it may import of amhp (besides itself).
AMHP_ROOMS: dict[str, set[str]] = {
    "core": set(),
    "service": {"core"},
    "rota": {"core", "service"},
    "whatif": {"core", "service", "rota"},
    "store": {"core", "service", "rota"},
    "publish": {"core", "service", "rota", "store"},
    "notify": {"core", "service", "rota", "store"},
    "staff": {"core", "service", "rota", "store", "notify"},
    "runs": {"core", "service", "rota", "store", "whatif", "notify"},
    "cli": {"core", "service", "rota", "store", "whatif", "publish", "runs", "notify", "staff"},
}
PRODUCT = ("amhp", "api", "solver", "benchmarks")


def imports_of(path: Path) -> list[tuple[int, str, list[str]]]:
    """(line, module, names) for every import in a file, relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.extend((node.lineno, alias.name, []) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, module] if module else base)
            out.append((node.lineno, module, [a.name for a in node.names]))
    return out


def violations(path: Path) -> list[str]:
    rel = path.relative_to(ROOT)
    top = rel.parts[0]
    room = rel.parts[1] if top == "amhp" and len(rel.parts) > 2 else None
    found = []
    for line, module, names in imports_of(path):
        parts = module.split(".")
        where = f"{rel}:{line}: imports {module}"
        if top == "solver" and parts[0] in ("amhp", "api"):
            found.append(f"{where} (solver imports nothing of the project)")
        if top == "amhp" and parts[0] == "api":
            found.append(f"{where} (amhp never imports api)")
        if top != "solver" and parts[0] == "solver":
            private = [n for n in names if n not in solver.__all__]
            if len(parts) > 1 or private:
                found.append(f"{where} {private or ''} (only solver's public names)")
        if room and parts[0] == "amhp":
            if len(parts) < 2 or parts[1] not in AMHP_ROOMS:
                found.append(f"{where} (not a room of amhp)")
            elif parts[1] != room and parts[1] not in AMHP_ROOMS[room]:
                found.append(f"{where} ({room} may import {sorted(AMHP_ROOMS[room])})")
        if top == "benchmarks" and parts[0] == "api":
            found.append(f"{where} (benchmarks measure amhp and solver, not api)")
    return found


def product_files() -> list[Path]:
    return sorted(p for top in PRODUCT for p in (ROOT / top).rglob("*.py"))


def test_every_import_points_down():
    problems = [v for path in product_files() for v in violations(path)]
    assert problems == []


def test_the_peer_model_shares_no_code_with_the_product():
    """benchmarks/peer_model.py is the independent model the product is compared
    with: it imports nothing of the project (it reads the instance as data)."""
    path = ROOT / "benchmarks" / "peer_model.py"
    project = {"solver", "amhp", "api", "benchmarks", "fixtures", "tests"}
    found = [m for _line, m, _names in imports_of(path) if m.split(".")[0] in project]
    assert found == []


def test_amhp_has_only_rooms_at_the_top():
    top = {p.name for p in (ROOT / "amhp").iterdir() if p.suffix == ".py"}
    assert top <= {"__init__.py", "__main__.py"}
    rooms = {p.name for p in (ROOT / "amhp").iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert rooms == set(AMHP_ROOMS)


@pytest.mark.parametrize(
    ("where", "source", "expected"),
    [
        ("solver/x.py", "from amhp.service import model\n", "solver imports nothing"),
        ("amhp/rota/x.py", "import api.app\n", "amhp never imports api"),
        ("amhp/rota/x.py", "from amhp.store import db\n", "rota may import"),
        ("amhp/service/x.py", "from ..rota import build\n", "service may import"),
        ("api/x.py", "from solver.rules.hard import HARD_RULES\n", "only solver's public"),
        ("api/x.py", "from solver import context\n", "only solver's public"),
        ("amhp/rota/x.py", "def f():\n    from amhp.runs import jobs\n", "rota may import"),
    ],
)
def test_a_bad_import_is_caught(tmp_path, monkeypatch, where, source, expected):
    """The checker itself fails on each kind of wrong import (a file written under
    a stand-in root shaped like the project)."""
    import tests.architecture.test_imports as me

    path = tmp_path / where
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source)
    monkeypatch.setattr(me, "ROOT", tmp_path)
    found = violations(path)
    assert len(found) == 1 and expected in found[0]


def test_the_project_files_are_checked():
    names = {p.relative_to(ROOT).as_posix() for p in product_files()}
    assert {"api/app.py", "amhp/rota/build.py", "solver/solve.py"} <= names
