"""The reference tables of docs/model.md, generated from the code.

Parameters come from the one defaults object (`sim.model.scenario`), the ladder and the action menu
from `sim.model.ladder`, the rules from the docstrings of the modules of `sim.model.rules`.
docs/model.md carries these tables between `<!-- NAME:start -->` and `<!-- NAME:end -->` markers; a
test keeps them equal, so the docs cannot drift from the code. `escalation parameters` prints the
parameter tables too.
"""

import importlib
from collections.abc import Callable, Iterator
from types import ModuleType

from pydantic import BaseModel

from sim.model.ladder import ACTION_LEVEL, LADDER, TARGETED, Action
from sim.model.scenario import ActorParams, Mechanisms, World, field_bounds


def _range(field) -> str:
    low, high = field_bounds(field)
    if low is None or high is None:
        return ""
    # a bound the value may not take (gt, lt) is marked, e.g. D > 0
    excluded = {kind for m in field.metadata for kind in ("gt", "lt") if hasattr(m, kind)}
    shown_low = f"{low:g}" + (" (excluded)" if "gt" in excluded else "")
    shown_high = f"{high:g}" + (" (excluded)" if "lt" in excluded else "")
    return f"{shown_low} to {shown_high}"


def _table(model: type[BaseModel], skip: tuple[str, ...] = ()) -> list[str]:
    lines = [
        "| parameter | symbol | meaning | default | range | source |",
        "|---|---|---|---|---|---|",
    ]
    for name, field in model.model_fields.items():
        if name in skip:
            continue
        extra = field.json_schema_extra or {}
        default = field.default
        shown = ", ".join(f"{x:g}" for x in default) if isinstance(default, list) else default
        lines.append(
            f"| `{name}` | {extra.get('symbol', '')} | {field.description} | {shown} "
            f"| {_range(field)} | {extra.get('source', '')} |"
        )
    return lines


def _switches() -> list[str]:
    lines = ["| switch | mechanism | default |", "|---|---|---|"]
    for name, field in Mechanisms.model_fields.items():
        lines.append(f"| `{name}` | {field.description} | {'on' if field.default else 'off'} |")
    return lines


def parameter_tables() -> str:
    """Markdown tables of every actor and world parameter and every switch."""
    parts = [
        "**Per-actor parameters** (`[[actors]]` in a scenario file; `name` and `role` are "
        "required):",
        "",
        *_table(ActorParams, skip=("name", "role")),
        "",
        "**World parameters** (`[world]`):",
        "",
        *_table(World),
        "",
        "**Mechanism switches** (`[mechanisms]`), for ablation:",
        "",
        *_switches(),
    ]
    return "\n".join(parts)


def ladder_table() -> str:
    """The ladder with its MID hostility levels and Kahn's rungs."""
    lines = ["| rung | name | MID hostility level | Kahn's rungs |", "|---|---|---|---|"]
    lines += [f"| {i} | {r.name} | {r.mid_level} | {r.kahn} |" for i, r in enumerate(LADDER)]
    return "\n".join(lines)


def actions_table() -> str:
    """The action menu: each action, its label, the rung it stands for and what it aims at."""
    lines = ["| action | label | rung level | aimed at |", "|---|---|---|---|"]
    for action in Action:
        aim = "one opponent" if action in TARGETED else "no one (a posture)"
        lines.append(
            f"| `{action.name.lower()}` | {action.label} | {ACTION_LEVEL[action.value]} | {aim} |"
        )
    return "\n".join(lines)


def rule_functions() -> Iterator[tuple[ModuleType, str, Callable]]:
    """(module, name, function) for every rule written in the modules of `sim.model.rules`:
    module by module in the order of `sim.model.rules.MODULES`, each module's rules in the
    order written."""
    from sim.model.rules import MODULES

    for module_name in MODULES:
        module = importlib.import_module(f"sim.model.rules.{module_name}")
        for name, function in vars(module).items():
            # compiled rules written in this module, not ones it imports from another
            if getattr(getattr(function, "py_func", None), "__module__", "") == module.__name__:
                yield module, name, function


def _one_line(text: str) -> str:
    """Text as one table cell: whitespace collapsed, pipes escaped."""
    return " ".join(text.split()).replace("|", "\\|")


def rules_table() -> str:
    """Every rule function of `sim.model.rules`, by module, with the rule its docstring states."""
    lines: list[str] = []
    current = None
    for module, name, function in rule_functions():
        if module is not current:
            path = module.__name__.replace(".", "/") + ".py"
            summary = _one_line((module.__doc__ or "").split("\n\n")[0]).rstrip(".")
            lines += [
                *([""] if current is not None else []),
                f"**`{path}`**: {summary}.",
                "",
                "| function | rule (and source) |",
                "|---|---|",
            ]
            current = module
        lines.append(f"| `{name}` | {_one_line(function.py_func.__doc__ or '')} |")
    return "\n".join(lines)


GENERATED = {
    "ladder": ladder_table,
    "actions": actions_table,
    "parameters": parameter_tables,
    "rules": rules_table,
}


def markers(name: str) -> tuple[str, str]:
    """The comments that frame a generated block in the docs."""
    return f"<!-- {name}:start -->", f"<!-- {name}:end -->"


def refresh(text: str) -> str:
    """The docs text with every generated block replaced by its current content."""
    for name, make in GENERATED.items():
        start, end = markers(name)
        if start not in text or end not in text:
            raise ValueError(f"no {name} block: the text lacks {start} or {end}")
        head, _, rest = text.partition(start)
        _, _, tail = rest.partition(end)
        text = f"{head}{start}\n{make()}\n{end}{tail}"
    return text


if __name__ == "__main__":  # python -m sim.model.reference docs/model.md: rewrite the blocks
    import sys
    from pathlib import Path

    path = Path(sys.argv[1])
    path.write_text(refresh(path.read_text()))
