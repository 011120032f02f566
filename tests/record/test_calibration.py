"""Validation against the record and calibration by ABC-SMC (issue 9): verdicts on known
values, recovery of known parameters, a resumed calibration equal to an uninterrupted one,
the posterior carried into an ensemble, and bad files refused in one line."""

import contextlib
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.model.scenario import load_scenario
from sim.record.calibrate import load_calibration, run_calibration, scenario_with
from sim.record.calibrated import posterior, summary
from sim.record.validate import pattern_table, validation_runs

ESCALATION = str(Path(sys.executable).parent / "escalation")
MISSTEP_PRIOR = 'path = "world.misstep_casualties"\nlow = 0.0\nhigh = 8.0'
runner = CliRunner()

CALIBRATION = """
kind = "calibration"
name = "small"
scenario = "reassurance"
runs = 60
population = 8
generations = 3
days = 120
seed = 3
predictive_draws = 3
{extra}
[[parameters]]
path = "world.war_cost"
prior = "log-uniform"
low = 2.0
high = 30.0

[[parameters]]
path = "world.misstep_casualties"
low = 0.0
high = 8.0
"""

PATTERNS = """
kind = "patterns"
[[patterns]]
name = "no-war"
description = "With decisions off no one fights."
quantity = "war_share_of_disputes"
target = {{ low = 0.0, high = 0.01 }}
source = "the model's construction (decisions off)"
confidence = "high"

[[patterns]]
name = "half-war"
description = "A target the model cannot meet."
quantity = "war_share_of_disputes"
target = {{ low = 0.5, high = 1.0 }}
source = "a made-up target for this test"
confidence = "low"
{extra}
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text)
    return path


def test_validate_gives_consistent_on_a_known_value_and_too_low_on_an_unreachable_one(tmp_path):
    # Decisions off: no strikes, no attacks, so no battle deaths and no war, by construction.
    scenario = write(
        tmp_path,
        "calm.toml",
        (Path("experiments/reassurance.toml").read_text()
         .replace('name = "reassurance"', 'name = "calm"')
         + "\n[mechanisms]\ndecisions = false\n"),
    )  # fmt: skip
    patterns = write(tmp_path, "p.toml", PATTERNS.format(extra=""))
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        ["validate", str(scenario), "--patterns", str(patterns), "--runs", "300",
         "--seed", "2", "--workers", "1", "--out", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out / "validation.csv")
    assert table.set_index("pattern")["verdict"].to_dict() == {
        "no-war": "consistent",
        "half-war": "too low",
    }
    assert table.loc[0, "model"] == 0.0
    assert "not a forecast" in (out / "validation.md").read_text()


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        ('[[patterns]]\nname = "x"\ndescription = "d"\nquantity = "nuclear_use"\n'
         'target = { low = 0.0, high = 0.1 }\nconfidence = "high"\n', "source"),
        ('[[patterns]]\nname = "no-war"\ndescription = "d"\nquantity = "nuclear_use"\n'
         'target = { low = 0.0, high = 0.1 }\nsource = "s (1)"\nconfidence = "high"\n',
         "repeated"),
        ("[[patterns]\n", "TOML"),
    ],
)  # fmt: skip
def test_validate_refuses_bad_pattern_files_in_one_line_writing_nothing(tmp_path, extra, says):
    patterns = write(tmp_path, "p.toml", PATTERNS.format(extra=extra))
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["validate", "baseline", "--patterns", str(patterns), "--runs", "100",
              "--out", str(out)]
    )  # fmt: skip
    assert result.exit_code == 2
    assert says.lower() in result.output.lower() and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not out.exists()


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (("world.war_cost", "world.war_costs"), "war_costs"),
        (("low = 2.0", "low = 40.0"), "below high"),
        (("low = 2.0", "low = 0.0"), "log-uniform"),
        (("population = 8", 'population = 8\nfit = ["nope"]'), "nope"),
        (('kind = "calibration"', 'kind = "experiment"'), "not a calibration file"),
        (("runs = 60", "runs = -1"), "runs"),
        (('scenario = "reassurance"', 'scenario = "nowhere"'), "nowhere"),
    ],
)
def test_calibrate_refuses_bad_files_in_one_line_writing_nothing(tmp_path, change, says):
    text = CALIBRATION.format(extra="").replace(*change)
    path = write(tmp_path, "c.toml", text)
    out = tmp_path / "out"
    result = runner.invoke(app, ["calibrate", str(path), "--out", str(out), "--workers", "1"])
    assert result.exit_code == 2, result.output
    assert says in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not out.exists()


def populations(folder: Path) -> int:
    """Finished generations in a calibration's history (0 while the database is absent)."""
    database = folder / "history.db"
    if not database.exists():
        return 0
    try:
        # read-only: a plain connect would create an empty database the command then finds
        with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
            row = db.execute("select count(*) from populations where t >= 0").fetchone()
        return int(row[0])
    except sqlite3.Error:
        return 0


def uninterrupted(shared) -> Path:
    """The small calibration run whole by the command on one worker, once in the session
    (the resumed calibration and the thresholds' rule are checked against it)."""

    def make(out: Path) -> None:
        path = write(out.parent, f"{out.name}.toml", CALIBRATION.format(extra=""))
        done = subprocess.run(
            [ESCALATION, "calibrate", str(path), "--out", str(out), "--workers", "1"],
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr

    return shared.folder("calibration-small", make)


def test_a_killed_calibration_resumes_to_the_posterior_of_an_uninterrupted_one(tmp_path, shared):
    """kill -9 after the first generation, then the same command (on 2 workers instead of
    1): the posterior is identical, number for number, and a changed file is refused."""
    path = write(tmp_path, "c.toml", CALIBRATION.format(extra=""))
    whole, resumed = uninterrupted(shared), tmp_path / "resumed"
    process = subprocess.Popen(
        [ESCALATION, "calibrate", str(path), "--out", str(resumed), "--workers", "1"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while populations(resumed) < 1 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert 1 <= populations(resumed) < 3, "the kill must land between generations 1 and 3"
    assert not (resumed / "posterior.parquet").exists()
    again = subprocess.run(
        [ESCALATION, "calibrate", str(path), "--out", str(resumed), "--workers", "2"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert again.returncode == 0, again.stderr
    first = pd.read_parquet(whole / "posterior.parquet")
    second = pd.read_parquet(resumed / "posterior.parquet")
    pd.testing.assert_frame_equal(first, second, check_exact=True)
    assert pd.read_csv(whole / "thresholds.csv").equals(pd.read_csv(resumed / "thresholds.csv"))

    changed = write(
        tmp_path, "c.toml", CALIBRATION.format(extra="").replace("seed = 3", "seed = 4")
    )
    refused = runner.invoke(app, ["calibrate", str(changed), "--out", str(resumed)])
    assert refused.exit_code == 2 and "another calibration file" in refused.output

    # The calibrated scenario loads, at the posterior medians.
    calibrated = load_scenario(resumed / "calibrated.toml")
    medians = pd.read_csv(resumed / "posterior_summary.csv").set_index("parameter")["median"]
    assert calibrated.name == "reassurance-calibrated"
    assert calibrated.world.war_cost == pytest.approx(medians["world.war_cost"])
    assert calibrated.world.days == 120

    # The posterior carried through an ensemble: same seed, same numbers.
    out = tmp_path / "posterior-ensemble"
    args = ["ensemble", "reassurance", "--posterior", str(resumed / "posterior.parquet"),
            "--runs", "2000", "--days", "120", "--seed", "5", "--workers", "1"]  # fmt: skip
    result = runner.invoke(app, [*args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(out / "posterior_outcomes.csv").set_index("quantity")
    assert frame.loc["escalated", "draws"] == 40 and frame.loc["escalated", "runs"] == 2000
    row = frame.loc["escalated"]
    assert row.posterior_low < row.posterior < row.posterior_high  # 40 draws: not collapsed
    shares = frame.loc[["ceasefire held", "crisis contained", "limited war", "wider war",
                        "nuclear use"], "posterior"]  # fmt: skip
    assert shares.sum() == pytest.approx(1.0)
    runs = pd.read_parquet(out / "runs.parquet")
    assert sorted(runs["draw"].unique()) == list(range(-1, 40))
    drawn = runs[runs["draw"] >= 0]
    assert sorted(drawn["run"]) == list(range(2000))  # each draw its own block of runs
    assert sorted(runs.loc[runs["draw"] == -1, "run"]) == list(range(2000))

    # More generations only move where the fit stops: the same folder goes on from its last
    # generation (seeded by its number alone), the earlier ones kept to the last bit.
    longer = CALIBRATION.format(extra="").replace("generations = 3", "generations = 4")
    result = runner.invoke(
        app, ["calibrate", str(write(tmp_path, "c.toml", longer)), "--out", str(resumed)]
    )
    assert result.exit_code == 0, result.output
    assert populations(resumed) == 4
    steps = pd.read_csv(resumed / "thresholds.csv")
    assert len(steps) == 4 and steps.iloc[:3].equals(pd.read_csv(whole / "thresholds.csv"))

    # Fewer generations than the folder holds: its posterior would not be the file's.
    def written() -> dict[str, int]:  # the results, not the folder's lock (.escalation)
        return {f.name: f.stat().st_mtime_ns for f in resumed.iterdir() if f.name[0] != "."}

    before = written()
    result = runner.invoke(app, ["calibrate", str(write(tmp_path, "c.toml", CALIBRATION.format(
        extra=""))), "--out", str(resumed)])  # fmt: skip
    assert result.exit_code == 2 and "holds 4 generations, more than the file's 3" in result.output
    assert written() == before


def test_each_threshold_is_the_weighted_median_of_the_last_generations_distances(tmp_path, shared):
    """The rule of docs/model.md §3.12, read back from the history: a threshold frozen at
    generation 1's (a bug once) or computed from the wrong generation fails here."""
    import pyabc

    setup = load_calibration(write(tmp_path, "c.toml", CALIBRATION.format(extra="")))
    history = run_calibration(setup, uninterrupted(shared))  # finished: read, not run
    assert history.max_t == 2
    for t in (1, 2):
        previous = history.get_weighted_distances(t=t - 1)
        median = pyabc.weighted_statistics.weighted_median(
            previous["distance"].to_numpy(), previous["w"].to_numpy()
        )
        threshold = history.get_all_populations().set_index("t").loc[t, "epsilon"]
        assert threshold == pytest.approx(median)
        assert (history.get_weighted_distances(t=t)["distance"] <= threshold).all()


def test_a_bad_posterior_file_is_refused_in_one_line(tmp_path):
    bad = tmp_path / "posterior.parquet"
    pd.DataFrame({"world.war_costs": [1.0], "weight": [1.0]}).to_parquet(bad)
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["ensemble", "reassurance", "--posterior", str(bad), "--runs", "100",
              "--out", str(out)]
    )  # fmt: skip
    assert result.exit_code == 2 and "war_costs" in result.output
    assert not out.exists()
    bad.write_text("not parquet")
    result = runner.invoke(app, ["ensemble", "reassurance", "--posterior", str(bad)])
    assert result.exit_code == 2 and "not a Parquet file" in result.output


def test_calibration_recovers_known_parameters(tmp_path):
    """Recovery: targets simulated at known values (C_w = 8, ℓ = 0.4) on reassurance over 120
    days, then 2 parameters fitted with 150 runs a simulation, 40 particles, 4 generations.
    Both known values lie inside their 90% posterior intervals (seed fixed; the targets are the
    model's values at the truth, from 4,000 runs, ±2 standard errors of one simulation)."""
    truth = {"world.war_cost": 8.0, "world.incident_lethality": 0.4}
    base = load_scenario("reassurance")
    at_truth = scenario_with(base, truth, 120)
    from sim.record.patterns import load_patterns

    record = {p.name: p for p in load_patterns()}
    chosen = [record["few-disputes-reach-war"], record["most-disputes-without-deaths"]]
    table = pattern_table(chosen, validation_runs(at_truth, chosen, 4000, seed=11))
    lines = ['kind = "patterns"']
    for pattern, row in zip(chosen, table.itertuples(), strict=True):
        # ±2 standard errors of one simulation's 150 runs: the truth's own simulations land
        # inside about 95% of the time.
        half = max(2 * np.sqrt(row.model * (1 - row.model) / 150), 0.01)
        lines += [
            "[[patterns]]", f'name = "{pattern.name}"', 'description = "simulated"',
            f'quantity = "{pattern.quantity}"',
            f"target = {{ value = {float(row.model)!r}, uncertainty = {float(half)!r} }}",
            'source = "simulated by the model at known parameters"', 'confidence = "high"',
        ]  # fmt: skip
    write(tmp_path, "simulated.toml", "\n".join(lines) + "\n")
    text = (
        CALIBRATION.format(extra='patterns = "simulated.toml"')
        .replace("runs = 60", "runs = 150")
        .replace("population = 8", "population = 40")
        .replace("generations = 3", "generations = 4")
        .replace(MISSTEP_PRIOR, 'path = "world.incident_lethality"\nlow = 0.0\nhigh = 1.0')
    )
    setup = load_calibration(write(tmp_path, "c.toml", text))
    (tmp_path / "out").mkdir()
    history = run_calibration(setup, tmp_path / "out")
    stats = summary(posterior(history, setup), setup).set_index("parameter")
    for path, value in truth.items():
        assert stats.loc[path, "q05"] <= value <= stats.loc[path, "q95"], stats
    # and the deathless share narrowed the share of incidents that can kill (measured: 64% of
    # the prior's range; a fit that returned its prior would give about 90%, its 90% interval).
    # The cost of war is not narrowed (95%) and is not asked to be: under the per-side nuclear
    # risk the war share of 120-day runs no longer tells it apart (81% under the earlier rule,
    # 67% under Model 2's); whether a war starts and lasts turns on the resolves more than on it
    assert stats.loc["world.incident_lethality", "width_of_prior"] < 0.8


def test_the_posterior_is_the_same_on_a_dask_cluster_as_in_one_process(tmp_path):
    """Slots are seeded by (seed, generation, slot): the executor cannot change a number."""
    from sim.experiments.sweep import executor_for

    text = CALIBRATION.format(extra="").replace("generations = 3", "generations = 2")
    setup = load_calibration(write(tmp_path, "c.toml", text))
    here, there = tmp_path / "here", tmp_path / "there"
    here.mkdir()
    there.mkdir()
    alone = posterior(run_calibration(setup, here), setup)
    with executor_for("dask", 2, None) as executor:
        spread = posterior(run_calibration(setup, there, executor), setup)
    pd.testing.assert_frame_equal(alone, spread, check_exact=True)
