"""The layout shows the architecture (docs/architecture.md): subpackages in the order of the
flow, each importing only from those before it, no import circle, no private name imported
across subpackages, each subpackage's public face named in its docstring, and modules of a
few screenfuls."""

import ast
from pathlib import Path

import pytest

SIM = Path(__file__).resolve().parents[1] / "sim"
# The flow: each subpackage may import from those before it, never from those after.
LAYERS = ("model", "experiments", "analysis", "record", "app", "cli")
MAX_LINES = 500
# The compiled day: numba inlines its phases into one loop, so they live in one module.
LONGER = {"sim.model.day"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SIM.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(SIM.rglob("*.py"))}


def imports(name: str) -> list[tuple[str, str]]:
    """(module imported, name imported from it) for every import of sim in the module,
    including those inside functions and under TYPE_CHECKING."""
    found = []
    for node in ast.walk(ast.parse(MODULES[name].read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("sim"):
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                found.append((full, "") if full in MODULES else (node.module, alias.name))
        elif isinstance(node, ast.Import):
            found += [(a.name, "") for a in node.names if a.name.startswith("sim")]
    return found


def layer(name: str) -> int:
    """The subpackage's place in the flow; -1 for the package root and shared leaves."""
    parts = name.split(".")
    return LAYERS.index(parts[1]) if len(parts) > 1 and parts[1] in LAYERS else -1


def subpackage(name: str) -> str:
    return ".".join(name.split(".")[:2])


def test_every_subpackage_of_the_flow_exists_and_names_its_public_face():
    for package in LAYERS:
        init = SIM / package / "__init__.py"
        docstring = ast.get_docstring(ast.parse(init.read_text()))
        assert docstring and len(docstring.split()) >= 15, f"sim/{package}: say what it offers"


def test_no_subpackage_imports_from_one_later_in_the_flow():
    upward = [
        (name, target)
        for name in MODULES
        for target, _ in imports(name)
        if layer(target) > layer(name)
    ]
    assert upward == []


def test_there_is_no_import_circle():
    graph = {name: {t for t, _ in imports(name) if t in MODULES and t != name} for name in MODULES}
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(name: str, path: list[str]) -> None:
        state[name] = 1
        for target in sorted(graph[name]):
            if state.get(target) == 1:
                pytest.fail("import circle: " + " -> ".join([*path, name, target]))
            if target not in state:
                visit(target, [*path, name])
        state[name] = 2

    for name in MODULES:
        if name not in state:
            visit(name, [])


def test_nothing_imports_a_private_name_from_another_subpackage():
    private = [
        (name, f"{target}.{imported}")
        for name in MODULES
        for target, imported in imports(name)
        if subpackage(target) != subpackage(name)
        and (imported.startswith("_") or any(p.startswith("_") for p in target.split(".")))
    ]
    # The worker pool preloads its fork server's module by name, which is not an import.
    assert private == []


@pytest.mark.parametrize("name", sorted(MODULES))
def test_modules_stay_a_few_screenfuls(name):
    lines = len(MODULES[name].read_text().splitlines())
    limit = 800 if name in LONGER else MAX_LINES
    assert lines <= limit, f"{name}: {lines} lines; split it by task"
