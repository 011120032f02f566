"""Hostile numbers and terminal text (issue 22, items 3 to 5): every number read has a range
with its reason, refused in one line before any work; a run that leaves the finite range
stops and says which parameters drove it there; names and paths print inert; resources stay
bounded."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from sim.cli.common import worker_count
from sim.model.finite import RUNAWAY, drivers
from sim.model.scenario import ActorParams, Scenario, ScenarioError, World, load_scenario
from sim.record.calibrate import PROVENANCE_KEY
from tests.cli.test_hardening import BASELINE, invoke, refused, scenario_named
from tests.cli.test_hostile_folders import CALIBRATION

# A valid scenario whose hostility grows about ×2.5 a day once anything stirs it: every actor
# reacts with κ = 1 and has no restraint, over ten years.
RUNAWAY_TEXT = BASELINE.replace("[world]", "[world]\ndays = 3650", 1)


def runaway_scenario(folder: Path, name: str = "runaway") -> Path:
    path = folder / "runaway.toml"
    text = RUNAWAY_TEXT.replace('name = "baseline"', f"name = {json.dumps(name)}", 1)
    text = text.replace("[[actors]]", "[[actors]]\nreactivity = 1.0\nrestraint = 0.0")
    # No nuclear arms: a run that reaches nuclear use ends there, before its hostility can
    # leave the finite range (3 of validate's 100 runs did under the attrition rule).
    text = text.replace("nuclear_armed = true", "nuclear_armed = false")
    path.write_text(text)
    return path


# 3. Bounds, and runs that leave the finite range.


def test_every_scenario_number_has_both_bounds_and_their_reason():
    for model in (ActorParams, World):
        for name, field in model.model_fields.items():
            if field.annotation not in (int, float):  # names, roles, switches, the rule
                continue
            kinds = {type(m).__name__ for m in field.metadata}
            assert kinds & {"Ge", "Gt"} and kinds & {"Le", "Lt"}, f"{model.__name__}.{name}"
            assert field.json_schema_extra["bounds"], f"{model.__name__}.{name}"
    schema = Scenario.model_json_schema()
    assert "0 to 1 by definition" in json.dumps(schema["$defs"]["ActorParams"])


def test_a_run_that_leaves_the_finite_range_stops_naming_what_drove_it(tmp_path):
    source = runaway_scenario(tmp_path)
    out = tmp_path / "out"
    result = invoke("run", str(source), "--out", str(out))
    refused(result, "stopped on day", "finite range", "reactivity κ = 1", "restraint m = 0")
    assert "H = 3,650 days" in result.stderr
    assert not out.exists()


@pytest.mark.parametrize(
    ("command", "runs", "extra"),
    [
        ("ensemble", "20", []),
        ("validate", "100", []),
        ("validate", "100", ["--class", "all", "--resamples", "100"]),
    ],
)
def test_many_runs_that_all_left_the_finite_range_are_refused_writing_nothing(
    tmp_path, command, runs, extra
):
    source = runaway_scenario(tmp_path)
    out = tmp_path / "out"
    result = invoke(command, str(source), "--runs", runs, "--workers", "1", "--out", str(out),
                    *extra)  # fmt: skip
    refused(result, "every run stopped", "reactivity κ = 1", "there is nothing to")
    assert not out.exists()


def test_ensembles_count_runs_that_left_the_finite_range_and_leave_them_out():
    """Hostility starts at 0 with nothing to stir it but missteps (no decisions, no noise, no
    grievances), and then grows ×2 to ×3 a day (κ = 1, no restraint): a run whose first misstep
    comes early enough in its 400 days runs away, the others stay calm."""
    from sim.analysis.summaries import STOPPED_ROW, Tally
    from sim.experiments.runs import run_many

    scenario = load_scenario("baseline").with_changes(
        world={"days": 400, "misstep_rate": 0.0003},
        mechanisms={"decisions": False, "noise": False},
    )
    calm = {"initial_hostility": 0.0, "framing": 0.0, "hardening": 0.0, "grievance": 0.0}
    for role in ("challenger", "protege", "guarantor"):
        scenario = scenario.with_actor_changes(role, reactivity=1.0, restraint=0.0, **calm)
    table = run_many(scenario, 200, seed=1, chunk_size=200)
    stopped = (table["terminated"] == RUNAWAY).to_numpy()
    assert 0 < stopped.sum() < len(table)  # some runs ran away, some did not (36 of 200)
    assert (table.loc[stopped, "first_misstep_day"] >= 0).all()  # each after a misstep
    tally = Tally(400, 5)
    tally.add(table)
    assert tally.stopped == stopped.sum() and tally.runs == len(table) - stopped.sum()
    row = tally.attribution().set_index("quantity").loc[STOPPED_ROW]
    assert (row["count"], row["of"]) == (stopped.sum(), len(table))


def test_drivers_name_the_actor_whose_reaction_outweighs_its_restraint():
    scenario = load_scenario("baseline").with_actor_changes(
        "challenger", reactivity=1.0, restraint=0.0
    )
    words = drivers(scenario)
    assert words.startswith("Russia's reactivity κ = 1") and "restraint m = 0:" in words
    assert "×" in words and "H = 365 days" in words
    assert "grievances and shocks" in drivers(load_scenario("baseline"))


@pytest.mark.parametrize(("a", "b"), [(1e-300, 1e-300), (1e308, 1e308), (0.05, 2.0)])
def test_extreme_beta_priors_are_refused_in_one_line_before_any_work(tmp_path, a, b):
    text = CALIBRATION.replace("low = 2.0", f'prior = "beta"\na = {a!r}\nb = {b!r}\nlow = 2.0')
    (tmp_path / "c.toml").write_text(text)
    out = tmp_path / "out"
    refused(invoke("calibrate", str(tmp_path / "c.toml"), "--out", str(out)), "parameters.0.a")
    assert not out.exists()


@pytest.mark.parametrize(
    ("target", "words"),
    [
        ("{ events = 0, trials = 1" + "0" * 400 + " }", "trials"),
        ("{ events = 0, trials = 10000000000 }", "trials"),
        ("{ low = -1e308, high = 1e308 }", "low"),
        ("{ value = 0.5, uncertainty = 1e300 }", "uncertainty"),
    ],
)
def test_extreme_pattern_targets_are_refused_in_one_line(tmp_path, target, words):
    patterns = tmp_path / "p.toml"
    patterns.write_text(
        'kind = "patterns"\n[[patterns]]\nname = "x"\ndescription = "d"\n'
        f'quantity = "nuclear_use"\ntarget = {target}\nsource = "a source"\n'
        'confidence = "low"\n'
    )
    out = tmp_path / "out"
    result = invoke("validate", "baseline", "--patterns", str(patterns), "--out", str(out))
    refused(result, words)
    assert not out.exists()


def posterior_file(path: Path, table: pd.DataFrame, made: object = None) -> Path:
    arrow = pa.Table.from_pandas(table, preserve_index=False)
    if made is not None:
        metadata = {**(arrow.schema.metadata or {}), PROVENANCE_KEY: json.dumps(made).encode()}
        arrow = arrow.replace_schema_metadata(metadata)
    pq.write_table(arrow, path)
    return path


def test_huge_posterior_weights_are_normalised_without_overflow(tmp_path):
    from sim.record.calibrated import read_posterior

    table = pd.DataFrame({"world.war_cost": [3.0, 4.0, 5.0], "weight": [1e308, 1e308, 0.0]})
    read = read_posterior(posterior_file(tmp_path / "p.parquet", table), load_scenario("baseline"))
    assert read["weight"].tolist() == [0.5, 0.5, 0.0]


@pytest.mark.parametrize(
    ("scenario", "days"),
    [(3, 5), (None, 5), (["baseline"], 5), ("baseline", True), ("baseline", -5),
     ("baseline", 10**60), ("b" * 101, 5)],
)  # fmt: skip
def test_a_posterior_whose_provenance_is_garbled_is_refused_in_one_line(tmp_path, scenario, days):
    table = pd.DataFrame({"world.war_cost": [3.0], "weight": [1.0]})
    path = posterior_file(tmp_path / "p.parquet", table, {"scenario": scenario, "days": days})
    out = tmp_path / "out"
    result = invoke("ensemble", "baseline", "--posterior", str(path), "--runs", "1000",
                    "--out", str(out))  # fmt: skip
    refused(result, "provenance")
    assert not out.exists()


def test_a_large_posterior_is_checked_column_by_column_not_row_by_row(tmp_path, monkeypatch):
    import sim.record.calibrated as calibrated

    rows = 200_000
    rng = np.random.default_rng(1)
    table = pd.DataFrame({
        "world.war_cost": rng.uniform(2, 30, rows),
        "challenger.resolve": rng.uniform(0, 1, rows),
        "weight": rng.uniform(0, 1, rows),
    })  # fmt: skip
    calls, real = [], calibrated.scenario_with

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(calibrated, "scenario_with", counted)
    read = calibrated.read_posterior(posterior_file(tmp_path / "p.parquet", table),
                                     load_scenario("baseline"))  # fmt: skip
    assert len(read) == rows and len(calls) == 4  # each column's least and greatest value
    table.loc[rows - 1, "challenger.resolve"] = 1.5
    posterior_file(tmp_path / "p.parquet", table)
    with pytest.raises(ScenarioError, match="resolve"):
        calibrated.read_posterior(tmp_path / "p.parquet", load_scenario("baseline"))


def test_a_posterior_over_its_limits_is_refused_before_it_is_read(tmp_path, monkeypatch):
    import sim.record.calibrated as calibrated

    table = pd.DataFrame({"world.war_cost": [3.0] * 100, "weight": [1.0] * 100})
    path = posterior_file(tmp_path / "p.parquet", table)
    monkeypatch.setattr(calibrated, "MAX_POSTERIOR_ROWS", 99)
    with pytest.raises(ScenarioError, match="100 rows, more than the limit of 99"):
        calibrated.read_posterior(path, load_scenario("baseline"))
    monkeypatch.setattr(calibrated, "MAX_POSTERIOR_BYTES", 10)
    with pytest.raises(ScenarioError, match="larger than the limit of 10 bytes"):
        calibrated.read_posterior(path, load_scenario("baseline"))


# 4. Text from files is inert.

HOSTILE_NAME = "[/]\x1b[2J[bold red]x\x07\u202e"


def inert(text: str) -> None:
    assert not any(c in text for c in "\x1b\x07\u202e") and "Traceback" not in text


def test_markup_and_escapes_in_a_scenario_name_print_as_text_in_every_table(tmp_path, recwarn):
    source = scenario_named(tmp_path, HOSTILE_NAME)
    for args in (
        ["validate", str(source), "--runs", "100", "--workers", "1"],
        ["validate", str(source), "--runs", "100", "--workers", "1", "--class", "all",
         "--resamples", "100"],
        ["ensemble", str(source), "--runs", "50", "--workers", "1", "--days", "20"],
    ):  # fmt: skip
        result = invoke(*args, "--out", str(tmp_path / f"{args[0]}-{len(args)}"))
        assert result.exit_code == 0, result.output
        inert(result.output)
        assert "[/]?[2J[bold red]x??" in result.stdout
    # Nor in a figure's title: matplotlib warns, on stderr, of each glyph it cannot draw.
    assert not [w for w in recwarn if "Glyph" in str(w.message)]


def test_markup_and_escapes_in_a_reference_class_title_print_as_text(tmp_path):
    shipped = (Path(__file__).parents[2] / "sim" / "record" / "classes.toml").read_text()
    title = '"All disputes, 1816-2010"'
    assert title in shipped
    classes = tmp_path / "k.toml"
    classes.write_text(shipped.replace(title, json.dumps(HOSTILE_NAME), 1))
    result = invoke("record", "--class", "all", "--classes", str(classes), "--resamples", "100")
    assert result.exit_code == 0, result.output
    inert(result.output)
    assert "[/]?[2J[bold red]x??" in result.stdout


def test_markup_in_a_posterior_path_prints_as_text(tmp_path):
    folder = tmp_path / "[" / "]\x1b[31m"  # the path reads [/]...
    folder.mkdir(parents=True)
    table = pd.DataFrame({"world.war_cost": [3.0, 5.0], "weight": [1.0, 1.0]})
    path = posterior_file(folder / "p.parquet", table)
    result = invoke("ensemble", "baseline", "--posterior", str(path), "--runs", "1000",
                    "--days", "5", "--workers", "1", "--out", str(tmp_path / "o"))  # fmt: skip
    assert result.exit_code == 0, result.output
    inert(result.output)
    assert "[/]?[31m" in result.stdout.replace("\n", "")  # however the table wraps the path


def test_markup_and_escapes_in_a_calibration_name_print_as_text(tmp_path):
    (tmp_path / "c.toml").write_text(
        CALIBRATION.replace('name = "tiny"', f"name = {json.dumps(HOSTILE_NAME)}")
    )
    out = tmp_path / "out"
    result = invoke("calibrate", str(tmp_path / "c.toml"), "--out", str(out), "--workers", "1")
    assert result.exit_code == 0, result.output
    inert(result.output)
    assert "Posterior of [/]?[2J[bold red]x??" in result.stdout


# 5. Bounded resources.


def test_workers_are_capped_by_cores_and_memory_saying_so(monkeypatch, capsys):
    import sim.cli.common as common

    monkeypatch.setattr(common.os, "sched_getaffinity", lambda pid: {0, 1})
    monkeypatch.setattr(common, "available_memory", lambda: 10 * common.WORKER_BYTES)
    assert worker_count(0) == 2 and worker_count(1) == 2 - 1
    assert capsys.readouterr().err == ""
    assert worker_count(1024) == 2
    assert "--workers 1,024 is more than this machine can run (2 cores" in capsys.readouterr().err
    monkeypatch.setattr(common, "available_memory", lambda: common.WORKER_BYTES // 2)
    assert worker_count(0) == 1 and worker_count(2) == 1
    assert "using 1" in capsys.readouterr().err
