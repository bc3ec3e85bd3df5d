"""The layout holds: no import cycle, a core without the web service, and only the kinds' folders
knowing one kind from another. Read from the sources themselves, as a newcomer would."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from signing.kinds import Kind

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("signing", "service")


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = path.relative_to(ROOT).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """The project modules `name` imports when it is loaded (not those a function imports
    later, nor those imported for type checking only), and their parent packages."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.parse(path.read_text("utf-8")).body:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, *([base] if base else [])])
            found.update(
                f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names
            )
    with_parents = {
        ".".join(module.split(".")[:depth])
        for module in found
        for depth in range(1, module.count(".") + 2)
    }
    return {m for m in with_parents if m in MODULES and m != name and not name.startswith(m)}


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _cycle_from(start: str) -> list[str] | None:
    """A chain of imports from `start` back to itself, if there is one."""
    paths = [[start]]
    seen = {start}
    while paths:
        path = paths.pop()
        for module in sorted(GRAPH[path[-1]]):
            if module == start:
                return [*path, start]
            if module not in seen:
                seen.add(module)
                paths.append([*path, module])
    return None


def test_no_module_imports_itself_through_others() -> None:
    cycles = [cycle for name in sorted(GRAPH) if (cycle := _cycle_from(name))]

    assert not cycles, " → ".join(cycles[0])


def test_the_graph_sees_imports() -> None:
    """The check above reads real edges (a parser that saw none would pass it)."""
    assert "service.documents.store" in GRAPH["service.documents.issue"]
    assert "signing.kinds.spec" in GRAPH["signing.kinds"]
    assert "signing.data" in GRAPH["signing.kinds.info"]  # a parent package is loaded first


def test_the_core_needs_neither_the_web_service_nor_a_database() -> None:
    for name, path in MODULES.items():
        if not name.startswith("signing"):
            continue
        tree = ast.parse(path.read_text("utf-8"))
        imported = {
            alias.name.split(".")[0]
            for n in ast.walk(tree)
            if isinstance(n, ast.Import)
            for alias in n.names
        } | {
            (n.module or "").split(".")[0]
            for n in ast.walk(tree)
            if isinstance(n, ast.ImportFrom) and not n.level
        }
        assert not imported & {"service", "flask", "sqlalchemy", "werkzeug"}, name


def test_only_the_kinds_folders_name_a_kind() -> None:
    names = {kind.value for kind in Kind}
    quoted = re.compile("|".join(rf"[\"']{re.escape(n)}[\"']" for n in names))
    for name, path in MODULES.items():
        if name.startswith("signing.kinds."):
            continue
        if name == "signing.kinds":
            continue  # the registry: one line per kind
        literals = {
            node.value
            for node in ast.walk(ast.parse(path.read_text("utf-8")))
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
        }
        assert not literals & names, f"{name} names a kind"
    for template in (ROOT / "service" / "templates").rglob("*.html"):
        assert not quoted.search(template.read_text("utf-8")), f"{template} names a kind"
