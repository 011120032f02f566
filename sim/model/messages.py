"""One-line messages for bad input: where in a file a problem lies, the first validation error
in words, and a hint at the closest known name. Shared by every reader of input files
(scenarios, experiments, questions, calibrations, reference classes)."""

import difflib
from typing import Any

from pydantic import ValidationError

from sim.safe_io import shown


def location(loc: tuple[Any, ...], data: dict[str, Any]) -> str:
    """Where `loc` points in `data`, as `actors['France'].troops` (list items by their name)."""
    parts: list[str] = []
    node: Any = data
    for item in loc:
        if isinstance(item, int) and isinstance(node, list | tuple) and item < len(node):
            node = node[item]
            label = node.get("name") if isinstance(node, dict) else None
            parts.append(f"[{label!r}]" if label else f"[{item}]")
        else:
            node = node.get(item) if isinstance(node, dict) else None
            parts.append(f".{item}" if parts else str(item))
    return "".join(parts)


def did_you_mean(word: str, choices: list[str]) -> str:
    """A " (did you mean 'x'?)" hint naming the closest choice, or "" when none is close."""
    hint = difflib.get_close_matches(word, choices, n=1)
    return f" (did you mean '{hint[0]}'?)" if hint else ""


def repeated(items: list[str]) -> list[str]:
    """The items that appear more than once, sorted."""
    return sorted({item for item in items if items.count(item) > 1})


def explain(error: ValidationError, where: str, known: list[str]) -> str:
    """The first validation error as one line: `where: problem`; `known` feeds the hint."""
    first = error.errors()[0]
    if first["type"] == "extra_forbidden":
        return f"{where}: unknown key" + did_you_mean(str(first["loc"][-1]), known)
    if first["type"] == "missing":
        return f"{where}: required field is missing"
    message = first["msg"].removeprefix("Value error, ")
    value = first.get("input")
    got = f" (got {shown(value)})" if not isinstance(value, dict | list) else ""
    return f"{where}: {message}{got}"
