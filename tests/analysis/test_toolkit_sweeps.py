"""Richer sweeps: Morris designs, mechanism switches, thresholds, the number of guarantors."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from sim.analysis.sweep_stats import summarise_sweep
from sim.cli import app
from sim.experiments.experiment import load_experiment
from sim.experiments.runs import Chunk, simulate_chunk
from sim.experiments.sweep import load_results, run_sweep
from sim.model.scenario import Scenario, World, load_scenario, parse_scenario

runner = CliRunner()
HEAD = 'kind = "experiment"\nname = "t"\nbase = "reassurance"\nseed = 5\ndays = 60\n'


def swept(tmp_path: Path, body: str, name: str = "e") -> Path:
    """Run a small experiment serially into tmp_path/name and return the folder."""
    path = tmp_path / f"{name}.toml"
    path.write_text(HEAD + body)
    experiment, base, text = load_experiment(path)
    out = tmp_path / name
    run_sweep(experiment, base, text, out)
    summarise_sweep(out, base)
    return out


def test_a_morris_sweep_reports_its_screening(tmp_path):
    out = swept(
        tmp_path,
        'design = "morris"\nsamples = 3\nreplicates = 10\nchunk_size = 10\n'
        '[[parameters]]\npath = "guarantor.troops"\nlow = 0\nhigh = 10000\n'
        '[[parameters]]\npath = "challenger.threat_perception"\nlow = 0.1\nhigh = 0.9\n',
    )
    assert len(pd.read_parquet(out / "points.parquet")) == 3 * 3
    result = runner.invoke(app, ["report", str(out)])
    assert result.exit_code == 0, result.output
    assert "## Morris screening" in (out / "report.md").read_text()
    indices = pd.read_csv(out / "figures" / "morris.csv")
    assert indices["parameter"].tolist() == ["guarantor.troops", "challenger.threat_perception"]
    assert (out / "figures" / "morris.png").exists()


def by_hand(**world_and_switches) -> Scenario:
    """The reassurance scenario over 60 days with the given world fields and switches."""
    base = load_scenario("reassurance")
    world = {k: v for k, v in world_and_switches.items() if k in World.model_fields}
    switches = {k: v for k, v in world_and_switches.items() if k not in world}
    return base.with_changes(world={"days": 60, **world}, mechanisms=switches)


def runs_of(scenario: Scenario, replicates: int) -> pd.DataFrame:
    return simulate_chunk(Chunk(scenario, 5, 0, replicates))


def test_swept_switches_and_thresholds_give_the_runs_of_the_scenario_with_them(tmp_path):
    out = swept(
        tmp_path,
        'design = "grid"\nreplicates = 12\nchunk_size = 12\n'
        '[[parameters]]\npath = "mechanisms.missteps"\nvalues = [true, false]\n'
        '[[parameters]]\npath = "world.war_deaths"\nvalues = [300, 1000]\n',
    )
    design = pd.read_parquet(out / "points.parquet")
    assert design["mechanisms.missteps"].tolist() == [True, True, False, False]
    results = load_results(out)
    for point, row in design.iterrows():
        expected = runs_of(
            by_hand(missteps=bool(row["mechanisms.missteps"]), war_deaths=row["world.war_deaths"]),
            12,
        )
        got = results[results["point"] == point][expected.columns].reset_index(drop=True)
        pd.testing.assert_frame_equal(got, expected)
    # Without missteps there is no incident at all: by construction, whatever the seed.
    off = results[results["mechanisms.missteps"] == False]  # noqa: E712
    assert (off["n_misstep"] == 0).all()
    result = runner.invoke(app, ["report", str(out)])  # a switch on a figure's axis
    assert result.exit_code == 0, result.output
    assert (out / "figures" / "heatmap_p_wider_war.png").exists()


def test_the_number_of_guarantors_is_swept_by_copying_the_last_one(tmp_path):
    out = swept(
        tmp_path,
        'design = "grid"\nreplicates = 8\nchunk_size = 8\n'
        '[[parameters]]\npath = "guarantors.count"\nvalues = [0, 1, 3]\n'
        '[[parameters]]\npath = "guarantor.troops"\nvalues = [2000]\n',
    )
    results = load_results(out)
    base = by_hand()
    data = base.model_dump(mode="json")
    russia, ukraine, france, britain = data["actors"]
    expected_actors = {
        0: [russia, ukraine],
        1: [russia, ukraine, france | {"troops": 2000}],
        2: [russia, ukraine, france | {"troops": 2000}, britain | {"troops": 2000},
            britain | {"troops": 2000, "name": "United Kingdom #2"}],
    }  # fmt: skip
    for point, actors in expected_actors.items():
        expected = runs_of(parse_scenario({**data, "actors": actors}), 8)
        got = results[results["point"] == point][expected.columns].reset_index(drop=True)
        # Points differ in their dyads, so in the whole table a dyad's column is float
        # (missing where that dyad does not exist); the values are the same.
        pd.testing.assert_frame_equal(got, expected, check_dtype=False)
    assert "Russia-United Kingdom #2_max_rung" in results.columns


def test_a_swept_escalation_rung_is_each_points_own(tmp_path):
    out = swept(
        tmp_path,
        'design = "grid"\nreplicates = 30\nchunk_size = 30\n'
        '[[parameters]]\npath = "world.escalation_rung"\nvalues = [3, 5]\n',
    )
    summary = pd.read_parquet(out / "summary.parquet").set_index("world.escalation_rung")
    results = load_results(out)
    for rung in (3, 5):
        runs = results[results["world.escalation_rung"] == rung]
        assert summary.loc[rung, "p_escalated"] == (runs["max_rung"] >= rung).mean()
        days = runs[f"first_rung_{rung}_day"]
        assert summary.loc[rung, "escalation_day_mean"] == pytest.approx(
            days[days >= 0].mean(), nan_ok=True
        )
    # Rung 3 is reached more often than rung 5 (seeded: 30 runs each, the same numbers).
    assert summary.loc[3, "p_escalated"] > summary.loc[5, "p_escalated"]
    result = runner.invoke(app, ["report", str(out)])
    assert result.exit_code == 0, result.output
    assert "its point's `world.escalation_rung`" in (out / "report.md").read_text()


BAD = {
    "switch in lhs": (
        'design = "lhs"\n[[parameters]]\npath = "mechanisms.missteps"\nvalues = [true, false]\n'
        '[[parameters]]\npath = "world.war_deaths"\nlow = 100\nhigh = 2000\n',
        "switches (mechanisms.missteps) are categorical: sweep them in a grid design",
    ),
    "switch as numbers": (
        '[[parameters]]\npath = "mechanisms.missteps"\nvalues = [0.5]\n',
        "'mechanisms.missteps' is a switch: give values = [true, false]",
    ),
    "number as switch": (
        '[[parameters]]\npath = "world.war_deaths"\nvalues = [true]\n',
        "'world.war_deaths' takes numbers, not true or false",
    ),
    "unknown switch": (
        '[[parameters]]\npath = "mechanisms.missteeps"\nvalues = [true]\n',
        "unknown field 'missteeps' (did you mean 'missteps'?)",
    ),
    "too many guarantors": (
        '[[parameters]]\npath = "guarantors.count"\nvalues = [7]\n',
        "guarantors.count = 7 makes more than 8 actors in all",
    ),
    "morris levels": (
        'design = "morris"\nlevels = 1\n[[parameters]]\npath = "world.war_deaths"\n'
        "low = 100\nhigh = 2000\n",
        "levels: Input should be greater than or equal to 2 (got 1)",
    ),
    "series over replicates": (
        'replicates = 3\nseries = 5\n[[parameters]]\npath = "world.war_deaths"\nvalues = [100]\n',
        "series (5) cannot exceed replicates (3)",
    ),
    "robustness typo": (
        '[robustness]\nthreshhold = 0.1\n[[parameters]]\npath = "world.war_deaths"\n'
        "values = [100]\n",
        "robustness.threshhold: unknown key (did you mean 'threshold'?)",
    ),
    "xlrm typo": (
        'design = "xlrm"\n[[parameters]]\npath = "world.war_deaths"\nxlrm = "levr"\n'
        "values = [100]\n",
        "parameters.0.xlrm: Input should be 'lever' or 'uncertainty' (got 'levr')",
    ),
    "half a guarantor": (
        '[[parameters]]\npath = "guarantors.count"\nvalues = [1.5]\n',
        "guarantors.count must be a whole number ≥ 0, got 1.5",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_sweeps_get_one_line_exit_2_and_nothing_written(tmp_path, case):
    body, message = BAD[case]
    path = tmp_path / "bad.toml"
    path.write_text(HEAD + body)
    out = tmp_path / "out"
    result = runner.invoke(app, ["sweep", str(path), "--out", str(out)])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], lines
    assert not out.exists()


XLRM = """design = "xlrm"
samples = 4
replicates = 10
chunk_size = 10
outcomes = ["escalated"]
[robustness]
outcome = "escalated"
threshold = 0.2
[[parameters]]
path = "guarantor.troops"
xlrm = "lever"
values = [0, 8000]
[[parameters]]
path = "mechanisms.warning"
xlrm = "lever"
values = [true, false]
[[parameters]]
path = "challenger.threat_perception"
xlrm = "uncertainty"
low = 0.2
high = 0.9
"""


def test_an_xlrm_sweep_reports_robustness(tmp_path):
    out = swept(tmp_path, XLRM)
    result = runner.invoke(app, ["report", str(out)])
    assert result.exit_code == 0, result.output
    text = (out / "report.md").read_text()
    assert "## Levers against uncertainties: which choice is robust" in text
    assert "| policy (levers) | mean | worst case | mean regret | max regret |" in text
    assert "guarantor.troops = 8000, mechanisms.warning = off" in text
    assert (out / "figures" / "robustness.png").stat().st_size > 5000


def test_a_bad_robustness_outcome_is_one_line(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text(HEAD + XLRM.replace('outcome = "escalated"', 'outcome = "escalation"'))
    result = runner.invoke(app, ["sweep", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "unknown robustness outcome 'escalation'" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_daily_series_are_the_sweeps_own_runs_as_quantile_bands(tmp_path):
    from sim.experiments.series import daily_paths, read_series

    out = swept(
        tmp_path,
        'design = "grid"\nreplicates = 6\nchunk_size = 6\nseries = 4\n'
        '[[parameters]]\npath = "guarantor.troops"\nvalues = [0, 8000]\n',
    )
    experiment, base, _ = load_experiment(tmp_path / "e.toml")
    from sim.experiments.series import record_series

    record_series(out, experiment, base)
    series = read_series(out)
    assert series is not None and set(series["point"]) == {0, 1}
    assert len(series) == 2 * 3 * 61  # points × dyads × days 0..60
    results = load_results(out)
    scenario = by_hand(days=60).with_actor_changes("guarantor", troops=8000)
    rungs, _ = daily_paths(scenario, 5, range(4))
    # Each recorded run's highest rung is the sweep's record of that run, dyad by dyad.
    runs = results[results["point"] == 1].set_index("run")
    for k, other in enumerate(["Ukraine", "France", "United Kingdom"]):
        assert (
            rungs[:, :, k].max(axis=1).tolist()
            == runs.loc[0:3, f"Russia-{other}_max_rung"].tolist()
        )
    # The stored median is the median of those paths.
    ukraine = series[(series["point"] == 1) & (series["dyad"] == "Russia-Ukraine")]
    assert np.allclose(ukraine["rung_q50"], np.quantile(rungs[:, :, 0], 0.5, axis=0))
    result = runner.invoke(app, ["report", str(out)])
    assert result.exit_code == 0, result.output
    assert "## The daily course of many runs" in (out / "report.md").read_text()
    assert (out / "figures" / "series.png").stat().st_size > 5000
    (out / "series.parquet").write_bytes(b"tampered")
    result = runner.invoke(app, ["report", str(out)])
    assert result.exit_code == 2 and "series.parquet: missing, or not the one" in result.stderr


def test_the_shipped_exploration_is_a_valid_lhs_experiment():
    experiment, base, _ = load_experiment("reassurance_lhs")
    assert experiment.design.value == "lhs" and base.name == "reassurance"
    assert experiment.design_size() * experiment.replicates == 12_800  # the gallery's runs


def test_the_sweep_command_records_the_series_with_its_workers(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(
        HEAD + 'design = "grid"\nreplicates = 4\nchunk_size = 4\nseries = 2\n'
        '[[parameters]]\npath = "world.hotline_quality"\nvalues = [0.1, 0.9]\n'
    )
    out = tmp_path / "out"
    result = runner.invoke(app, ["sweep", str(path), "--out", str(out), "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "Recording 2 runs per point day by day" in result.output
    from sim.experiments.series import read_series

    series = read_series(out)
    assert series is not None and set(series["point"]) == {0, 1}
