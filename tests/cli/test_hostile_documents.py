"""Generated hostile scenario and experiment documents through the command line (issue 11).

Each document is a valid one with a few values replaced by wrong types, non-finite or huge
numbers, deep nesting, odd unicode or paths in names. Whatever comes in: exit 0 or 2, never
a traceback, nothing written outside the output folder, nothing written at all on exit 2.
"""

import contextlib
import json
import math
import os
import tempfile
import tomllib
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from sim.cli import app
from sim.experiments.experiment import load_experiment, points
from sim.model.scenario import EXPERIMENTS_DIR, ScenarioError

runner = CliRunner()
# HOSTILE_EXAMPLES=500 HOSTILE_LOG=file gives a longer, random hostile run with a tally.
SETTINGS = settings(
    max_examples=int(os.environ.get("HOSTILE_EXAMPLES", "30")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize="HOSTILE_EXAMPLES" not in os.environ,
)
OUTSIDE = "OUTSIDE"  # stands for a folder beside the working folder, filled in per example

BASE_SCENARIO = tomllib.loads((EXPERIMENTS_DIR / "baseline.toml").read_text())
BASE_EXPERIMENT = {
    "kind": "experiment",
    "name": "e",
    "base": "baseline",
    "replicates": 10,
    "chunk_size": 5,
    "days": 20,
    "seed": 2,
    "parameters": [{"path": "guarantor.troops", "low": 0, "high": 5000, "steps": 2}],
}

NAMES = st.sampled_from(
    [
        "..",
        ".",
        "",
        "/",
        "../outside/escaped",  # relative to the working folder: the same folder
        "OUTSIDE/escaped",
        "a/b/../../..",
        "\x1b[31mred\x1b[0m",
        "\u202eevil",
        "x" * 101,
        "名前",
        "-rf",
        "~",
        "$HOME",
        "nul\x00byte",
    ]
)
SCALARS = st.one_of(
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    NAMES,
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=8,
)
DEEP = st.integers(1, 3000).map(lambda depth: _nest(depth))
DELETE = object()  # a marker: remove the key instead
HOSTILE = st.one_of(VALUES, VALUES, NAMES, NAMES, DEEP, st.just(DELETE))


def _nest(depth: int) -> list:
    value: list = []
    for _ in range(depth):
        value = [value]
    return value


def toml_value(value: Any) -> str:
    """A value as TOML (inline tables and arrays, so that any nesting fits on one line)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        # Built without recursion: the deepest documents nest thousands of levels.
        depth = 0
        while isinstance(value, list) and len(value) == 1 and isinstance(value[0], list):
            value, depth = value[0], depth + 1
        inner = "[" + ", ".join(toml_value(v) for v in value) + "]"
        return "[" * depth + inner + "]" * depth
    return "{" + ", ".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items()) + "}"


def toml_document(data: dict) -> str:
    return "".join(f"{json.dumps(k)} = {toml_value(v)}\n" for k, v in data.items())


@st.composite
def mutated(draw, base: dict, paths: list[tuple]) -> dict:
    """`base` with one to three of its paths set to hostile values or removed."""
    data = json.loads(json.dumps(base))
    for _ in range(draw(st.integers(1, 2))):
        path = draw(st.sampled_from(paths))
        node: Any = data
        for key in path[:-1]:  # an earlier change may have replaced a table on the way
            found = isinstance(node, dict) and key in node
            found = found or (isinstance(node, list) and isinstance(key, int) and key < len(node))
            node = node[key] if found else None
        value = draw(HOSTILE)
        if isinstance(node, dict) and value is DELETE:
            node.pop(path[-1], None)
        elif isinstance(node, dict):
            node[path[-1]] = value
    return data


SCENARIO_PATHS = [
    ("name",),
    ("name",),
    ("description",),
    ("kind",),
    ("world",),
    ("world", "hotline_quality"),
    ("world", "days"),
    ("world", "thresholds"),
    ("mechanisms",),
    ("actors",),
    ("actors", 0, "name"),
    ("actors", 1, "name"),
    ("actors", 0, "role"),
    ("actors", 0, "resolve"),
    ("actors", 2, "troops"),
    ("actors", 1, "casualty_tolerance"),
    ("unknown",),
]
EXPERIMENT_PATHS = [
    ("name",),
    ("name",),
    ("base",),
    ("kind",),
    ("design",),
    ("samples",),
    ("replicates",),
    ("chunk_size",),
    ("days",),
    ("seed",),
    ("outcomes",),
    ("parameters",),
    ("parameters", 0, "path"),
    ("parameters", 0, "low"),
    ("parameters", 0, "high"),
    ("parameters", 0, "steps"),
    ("parameters", 0, "values"),
]


def files_under(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file() or p.is_symlink()}


def check_command(data: dict, command: list[str], use_out: bool, small_enough=None) -> None:
    """Run `escalation COMMAND FILE` on the document in a fresh working folder; check it."""
    with tempfile.TemporaryDirectory() as root:
        work, outside = Path(root, "work"), Path(root, "outside")
        work.mkdir()
        source = work / "doc.toml"
        # Names that mention OUTSIDE point at a real folder beside the working folder.
        text = toml_document(data).replace(OUTSIDE, str(outside))
        source.write_text(text, encoding="utf-8", errors="surrogatepass")
        if small_enough is not None:
            assume(small_enough(source))  # big valid sweeps are fine, only slow
        out = ["--out", str(work / "out")] if use_out else []
        with contextlib.chdir(work):
            result = runner.invoke(app, [command[0], str(source), *command[1:], *out])
        if os.environ.get("HOSTILE_LOG"):
            with open(os.environ["HOSTILE_LOG"], "a") as log:
                log.write(f"{command[0]} {result.exit_code} {result.stderr.strip()[:160]!r}\n")
        assert result.exit_code in (0, 2), result.output
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            result.exception
        )
        assert "Traceback" not in result.output
        assert not outside.exists()
        written = files_under(work) - {source}
        if result.exit_code == 2:
            assert written == set(), written
            assert len(result.stderr.strip().splitlines()) == 1, result.stderr
            assert sorted(p.name for p in work.iterdir()) == ["doc.toml"]
        else:
            folder = work / ("out" if use_out else "results")
            assert written and all(p.is_relative_to(folder) for p in written), written
        assert not any(c in result.output for c in "\x1b\x00\u202e")


@SETTINGS
@given(data=mutated(BASE_SCENARIO, SCENARIO_PATHS), use_out=st.booleans())
def test_hostile_scenarios_through_run(data, use_out):
    check_command(data, ["run", "--days", "3"], use_out)


def _small_sweep(source: Path) -> bool:
    """Whether the document is invalid, or valid and small enough to run in a test."""
    try:
        experiment, _, _ = load_experiment(source)
    except ScenarioError:
        return True
    return len(points(experiment)) * experiment.replicates * (experiment.days or 365) <= 2e6


@SETTINGS
@given(data=mutated(BASE_EXPERIMENT, EXPERIMENT_PATHS), use_out=st.booleans())
def test_hostile_experiments_through_sweep(data, use_out):
    check_command(data, ["sweep", "--workers", "1"], use_out, small_enough=_small_sweep)
