"""Generated hostile documents through every command that takes a file (issues 11, 22).

Each document is a valid one (a scenario, an experiment, a patterns file, a calibration, a
posterior sample, a finished sweep's manifest, a reference-classes file) with a few values
replaced by wrong types, non-finite or huge numbers, deep nesting, odd unicode, markup or paths
in names, saved under a hostile file name. Whatever comes in: exit 0 or 2, never a traceback,
nothing written outside the output folder, nothing written at all on exit 2, no escape code
printed.
"""

import contextlib
import json
import math
import os
import shutil
import tempfile
import tomllib
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from sim.cli import app
from sim.experiments.experiment import load_experiment, points
from sim.model.scenario import EXPERIMENTS_DIR, ScenarioError, load_scenario
from sim.record.classes import CLASSES
from sim.record.patterns import PATTERNS_DIR

runner = CliRunner()
# HOSTILE_EXAMPLES=500 HOSTILE_LOG=file gives a longer, random hostile run with a tally.
EXAMPLES = int(os.environ.get("HOSTILE_EXAMPLES", "30"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize="HOSTILE_EXAMPLES" not in os.environ,
)
# Commands whose valid documents cost more (a calibration, an ensemble over a posterior) draw
# fewer examples; each must end within a minute even on a loaded 2-core machine.
FEWER = settings(SETTINGS, max_examples=max(EXAMPLES // 3, 5), deadline=timedelta(seconds=60))
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
        "[/]",
        "[bold red]x[/]",
        ":skull:",
    ]
)
# File names a user could give (no '/': markup that closes a tag is in NAMES, and in the
# path tests of test_hostile_numbers.py): markup, escapes, dashes, dots, unicode, length.
FILE_NAMES = st.sampled_from(
    ["doc", "[red]x", "[bold]x[", ":skull:", "\x1b[31mred", "\u202eevil", "-rf", "..x", " lead",
     "名前", "x" * 200, "a b", "$HOME", "~"]
)  # fmt: skip
NUMBERS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, -1, 1e-300, 1e300, 1e308, -1e308, 2**63, 10**400, 10**10]),
    st.integers(),
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
HOSTILE = st.one_of(VALUES, VALUES, NAMES, NAMES, NUMBERS, DEEP, st.just(DELETE))


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


def check_command(
    document,
    command: list[str],
    use_out: bool = True,
    small_enough=None,
    file_name: str = "doc",
    suffix: str = ".toml",
    folder=None,
) -> None:
    """Run `escalation COMMAND` in a fresh working folder, FILE in `command` standing for the
    document saved there as `file_name` + `suffix` (a dict is written as TOML; a callable
    writes it); with `folder` (a finished sweep), FILE is a copy of it, its manifest replaced
    by the document. Check what the command did."""
    with tempfile.TemporaryDirectory() as root:
        work, outside = Path(root, "work"), Path(root, "outside")
        work.mkdir()
        source = work / f"{file_name}{suffix}"
        if folder is not None:
            source = work / "sweep"
            shutil.copytree(folder, source)
            (source / "manifest.json").write_text(json.dumps(document, allow_nan=True))
        elif callable(document):
            assume(document(source))
        else:
            # Names that mention OUTSIDE point at a real folder beside the working folder.
            text = toml_document(document).replace(OUTSIDE, str(outside))
            source.write_text(text, encoding="utf-8", errors="surrogatepass")
        if small_enough is not None:
            assume(small_enough(source))  # big valid documents are fine, only slow
        before = snapshot(work)
        out = ["--out", str(work / "out")] if use_out else []
        args = [str(source) if a == "FILE" else a for a in command]
        with contextlib.chdir(work):
            result = runner.invoke(app, [*args, *out])
        if os.environ.get("HOSTILE_LOG"):
            with open(os.environ["HOSTILE_LOG"], "a") as log:
                log.write(f"{command[0]} {result.exit_code} {result.stderr.strip()[:160]!r}\n")
        assert result.exit_code in (0, 2), result.output
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            result.exception
        )
        assert "Traceback" not in result.output
        assert not outside.exists()
        if result.exit_code == 2:
            assert snapshot(work) == before  # nothing written, nothing removed
            # One line; a problem found only by the work (a calibration with nothing to fit)
            # follows the progress bar's last line.
            lines = result.stderr.strip().splitlines()
            assert lines[-1].startswith("error: ") and len(lines) <= 2, result.stderr
        else:
            written = set(snapshot(work)) - set(before)
            home = work / ("out" if use_out else "results") if folder is None else source
            assert all(Path(work, p).is_relative_to(home) for p in written), written
        assert not any(c in result.output for c in "\x1b\x00\x07\u202e")


def snapshot(root: Path) -> dict[str, object]:
    """Every file under root (links not followed), with its size and modification time (for
    the marker, only that it is there: it names the lock's holder, whoever holds it)."""
    return {
        str(p.relative_to(root)): (p.lstat().st_size, p.lstat().st_mtime_ns)
        if p.name != ".escalation"
        else "marker"
        for p in root.rglob("*")
        if p.is_file() or p.is_symlink()
    }


SCENARIO_COMMANDS = st.sampled_from(
    [
        ["run", "FILE", "--days", "3"],
        ["ensemble", "FILE", "--runs", "20", "--days", "3", "--workers", "1"],
        ["validate", "FILE", "--runs", "100", "--workers", "1"],
    ]
)


def _short_scenario(source: Path) -> bool:
    """Whether the document is invalid, or valid with a horizon short enough for a test."""
    try:
        return load_scenario(source).world.days <= 400
    except ScenarioError:
        return True


@SETTINGS
@given(
    data=mutated(BASE_SCENARIO, SCENARIO_PATHS),
    use_out=st.booleans(),
    command=SCENARIO_COMMANDS,
    name=FILE_NAMES,
)
def test_hostile_scenarios_through_run_ensemble_and_validate(data, use_out, command, name):
    check_command(data, command, use_out, _short_scenario, file_name=name)


def _small_sweep(source: Path) -> bool:
    """Whether the document is invalid, or valid and small enough to run in a test."""
    try:
        experiment, _, _ = load_experiment(source)
    except ScenarioError:
        return True
    return len(points(experiment)) * experiment.replicates * (experiment.days or 365) <= 2e6


@SETTINGS
@given(data=mutated(BASE_EXPERIMENT, EXPERIMENT_PATHS), use_out=st.booleans(), name=FILE_NAMES)
def test_hostile_experiments_through_sweep(data, use_out, name):
    check_command(data, ["sweep", "FILE", "--workers", "1"], use_out, _small_sweep, name)


BASE_PATTERNS = tomllib.loads((PATTERNS_DIR / "record.toml").read_text())
PATTERN_PATHS = [
    ("kind",),
    ("description",),
    ("patterns",),
    ("patterns", 0, "name"),
    ("patterns", 0, "quantity"),
    ("patterns", 0, "applies_to"),
    ("patterns", 0, "target"),
    ("patterns", 0, "target", "events"),
    ("patterns", 0, "target", "trials"),
    ("patterns", 1, "target", "low"),
    ("patterns", 1, "target", "high"),
    ("patterns", 1, "source"),
    ("patterns", 2, "confidence"),
    ("patterns", 2, "note"),
    ("unknown",),
]


@SETTINGS
@given(data=mutated(BASE_PATTERNS, PATTERN_PATHS), name=FILE_NAMES)
def test_hostile_patterns_through_validate(data, name):
    command = ["validate", "baseline", "--patterns", "FILE", "--runs", "100", "--workers", "1"]
    check_command(data, command, file_name=name)


BASE_CALIBRATION = {
    "kind": "calibration",
    "name": "tiny",
    "scenario": "baseline",
    "runs": 10,
    "population": 5,
    "generations": 1,
    "days": 30,
    "seed": 3,
    "predictive_draws": 1,
    "fit": ["no-nuclear-use"],
    "parameters": [{"path": "world.war_cost", "prior": "uniform", "low": 2.0, "high": 30.0}],
}
CALIBRATION_PATHS = [
    ("kind",),
    ("name",),
    ("name",),
    ("scenario",),
    ("patterns",),
    ("fit",),
    ("runs",),
    ("population",),
    ("generations",),
    ("tolerance",),
    ("days",),
    ("seed",),
    ("predictive_draws",),
    ("parameters",),
    ("parameters", 0, "path"),
    ("parameters", 0, "prior"),
    ("parameters", 0, "low"),
    ("parameters", 0, "high"),
    ("parameters", 0, "a"),
    ("parameters", 0, "b"),
    ("unknown",),
]


def _small_calibration(source: Path) -> bool:
    """Whether the document is invalid, or valid and cheap enough to run in a test."""
    from sim.record.calibrate import load_calibration

    try:
        c = load_calibration(source).calibration
    except ScenarioError:
        return True
    days = c.days or 365
    return (c.runs * c.population * c.generations + c.runs * c.predictive_draws) * days <= 2e5


@FEWER
@given(data=mutated(BASE_CALIBRATION, CALIBRATION_PATHS), name=FILE_NAMES)
def test_hostile_calibrations_through_calibrate(data, name):
    check_command(data, ["calibrate", "FILE", "--workers", "1"], True, _small_calibration, name)


COLUMNS = st.sampled_from(
    ["world.war_cost", "challenger.resolve", "guarantor.troops", "mechanisms.missteps",
     "world.days", "nobody.x", "[/]", "weight", "weight", "weight"]
)  # fmt: skip


@st.composite
def posteriors(draw) -> tuple[dict, object]:
    """A posterior table (column name to values) and what its provenance says."""
    rows = draw(st.integers(1, 5))
    names = draw(st.lists(COLUMNS, min_size=1, max_size=4, unique=True))
    numbers = st.one_of(NUMBERS, st.floats(0, 1), st.floats(2, 30))
    table = {n: draw(st.lists(numbers, min_size=rows, max_size=rows)) for n in names}
    made = draw(st.one_of(st.none(), VALUES, st.fixed_dictionaries({"scenario": HOSTILE})))
    return table, made


@FEWER
@given(posterior=posteriors(), name=FILE_NAMES)
def test_hostile_posteriors_through_ensemble(posterior, name):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from sim.record.calibrate import PROVENANCE_KEY

    table, made = posterior

    def write(path: Path) -> bool:
        try:
            arrow = pa.table(table)
        except (pa.ArrowException, OverflowError, TypeError, ValueError):
            return False  # not a table pyarrow can write: nothing to test
        if made is not None:
            meta = json.dumps(made, allow_nan=True, default=str).encode()
            arrow = arrow.replace_schema_metadata({PROVENANCE_KEY: meta})
        pq.write_table(arrow, path)
        return True

    command = ["ensemble", "baseline", "--posterior", "FILE", "--runs", "1000", "--days", "3",
               "--workers", "1"]  # fmt: skip
    check_command(write, command, file_name=name, suffix=".parquet")


@pytest.fixture(scope="module")
def finished_sweep(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sweep") / "out"
    source = out.parent / "e.toml"
    source.write_text(toml_document(BASE_EXPERIMENT))
    result = runner.invoke(app, ["sweep", str(source), "--workers", "1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


MANIFEST_PATHS = [
    ("fingerprint",),
    ("experiment_file",),
    ("base_scenario",),
    ("base_scenario", "world"),
    ("base_scenario", "actors"),
    ("replicates",),
    ("summary_sha256",),
    ("points_sha256",),
    ("checksum",),
    ("finished",),
]
SWEEP_COMMANDS = st.sampled_from(
    [["report", "FILE"], ["plot", "FILE"], ["export-ema", "FILE"],
     ["discover", "FILE", "--outcome", "escalated"]]
)  # fmt: skip


@settings(SETTINGS, suppress_health_check=list(HealthCheck))
@given(data=st.data(), command=SWEEP_COMMANDS)
def test_hostile_manifests_through_every_command_that_reads_a_sweep(finished_sweep, data, command):
    manifest = json.loads((finished_sweep / "manifest.json").read_text())
    document = data.draw(mutated(manifest, MANIFEST_PATHS))
    check_command(document, command, use_out=False, folder=finished_sweep)


BASE_CLASSES = tomllib.loads(CLASSES.read_text())
CLASSES_PATHS = [
    ("kind",),
    ("description",),
    ("nuclear_armed",),
    ("nuclear_armed", 0, "ccode"),
    ("nuclear_armed", 0, "since"),
    ("nuclear_armed", 1, "until"),
    ("nuclear_armed", 2, "state"),
    ("classes",),
    ("classes", 0, "name"),
    ("classes", 0, "title"),
    ("classes", 0, "title"),
    ("classes", 0, "defence"),
    ("classes", 0, "from_year"),
    ("classes", 0, "to_year"),
    ("classes", 0, "nuclear_armed"),
    ("classes", 0, "major_power"),
    ("classes", 0, "involving"),
    ("unknown",),
]
CLASS_COMMANDS = st.sampled_from(
    [["record", "--classes", "FILE", "--class", "all", "--resamples", "100"],
     ["validate", "baseline", "--class", "all", "--classes", "FILE", "--runs", "100",
      "--resamples", "100", "--workers", "1"]]
)  # fmt: skip


@FEWER
@given(data=mutated(BASE_CLASSES, CLASSES_PATHS), command=CLASS_COMMANDS, name=FILE_NAMES)
def test_hostile_classes_files_through_record_and_validate_class(data, command, name):
    check_command(data, command, file_name=name)
