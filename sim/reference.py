"""The parameter reference, generated from the one defaults object (`sim.scenario`).

docs/model.md carries these tables between `<!-- NAME:start -->` and `<!-- NAME:end -->`
markers; a test keeps them equal, so the docs cannot drift from the code.
`escalation parameters` prints them too.
"""

from pydantic import BaseModel

from sim.ladder import LADDER
from sim.scenario import ActorParams, Mechanisms, World, field_bounds


def _range(field) -> str:
    low, high = field_bounds(field)
    return f"{low:g} to {high:g}" if low is not None and high is not None else ""


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


def rules_table() -> str:
    """Every rule function of `sim.rules` with the rule its docstring states."""
    from sim import rules

    lines = ["| function | rule (and source) |", "|---|---|"]
    for name, function in vars(rules).items():
        if hasattr(function, "py_func"):
            lines.append(f"| `{name}` | {function.py_func.__doc__.strip()} |")
    return "\n".join(lines)


GENERATED = {"ladder": ladder_table, "parameters": parameter_tables, "rules": rules_table}


def markers(name: str) -> tuple[str, str]:
    """The comments that frame a generated block in the docs."""
    return f"<!-- {name}:start -->", f"<!-- {name}:end -->"


def refresh(text: str) -> str:
    """The docs text with every generated block replaced by its current content."""
    for name, make in GENERATED.items():
        start, end = markers(name)
        head, _, rest = text.partition(start)
        _, _, tail = rest.partition(end)
        text = f"{head}{start}\n{make()}\n{end}{tail}"
    return text


if __name__ == "__main__":  # python -m sim.reference docs/model.md: rewrite the blocks
    import sys
    from pathlib import Path

    path = Path(sys.argv[1])
    path.write_text(refresh(path.read_text()))
