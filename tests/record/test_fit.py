"""Calibration to a class of the record (issue 20 item 5): the targets are the class's
statistics with their bootstrap intervals, the distance counts record-interval half-widths,
bad [record] tables are refused in one line, and a small fit runs end to end through the
command, writing the check against the record (fitted and out-of-sample rows)."""

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.record.calibrate import load_calibration
from sim.record.fit import RecordFit, predictive_table, record_targets, scaled_distance, verdict
from sim.record.statistics import NAMES

runner = CliRunner()

CALIBRATION = """
kind = "calibration"
name = "record-small"
scenario = "reassurance"
runs = 40
population = 6
generations = 2
days = 90
seed = 5
predictive_draws = 3

[record]
class = "since-1946"
statistics = ["level_3", "level_4", "fatality_0"]
check = ["war_given_force"]
check_classes = ["before-1946"]
resamples = 200

[[parameters]]
path = "world.incident_lethality"
low = 0.0
high = 1.0
"""


def write(folder: Path, text: str) -> Path:
    path = folder / "c.toml"
    path.write_text(text)
    return path


def test_targets_are_the_classes_statistics_with_their_bootstrap_intervals():
    fit = RecordFit.model_validate(
        {"class": "since-1946", "statistics": ["level_4", "fatality_0"], "resamples": 200}
    )
    targets = record_targets(fit)
    assert targets.sizes["since-1946"] == 1524  # tests/record/test_classes.py's count
    fitted = targets.fitted
    assert list(fitted.index) == ["level_4", "fatality_0"]
    assert ((fitted["low"] < fitted["value"]) & (fitted["value"] < fitted["high"])).all()
    assert 0.6 < fitted.loc["level_4", "value"] < 0.8  # issue 20's table: 71.1% since 1946


def test_the_distance_counts_half_widths_of_the_record_interval_in_quadrature():
    targets = pd.DataFrame(
        {"value": [0.5, 20.0], "low": [0.4, 10.0], "high": [0.6, 30.0]}, index=["a", "b"]
    )
    assert scaled_distance({"a": 0.5, "b": 20.0}, targets) == 0.0
    assert scaled_distance({"a": 0.6, "b": 20.0}, targets) == pytest.approx(1.0)
    assert scaled_distance({"a": 0.3, "b": 40.0}, targets) == pytest.approx(math.sqrt(4 + 4))
    assert scaled_distance({"a": math.nan, "b": 20.0}, targets) == math.inf


@pytest.mark.parametrize(
    ("pp", "says"),
    [((0.45, 0.55), "inside"), ((0.57, 0.7), "overlaps"), ((0.61, 0.7), "too high"),
     ((0.1, 0.39), "too low"), ((math.nan, math.nan), "no data")],
)  # fmt: skip
def test_the_verdict_asks_whether_the_predictive_interval_holds_the_record(pp, says):
    assert verdict(0.5, 0.4, 0.6, *pp) == says


def test_the_predictive_table_marks_fitted_and_out_of_sample_rows():
    fit = RecordFit.model_validate(
        {"class": "since-1946", "statistics": ["level_4"], "check": ["war_given_force"],
         "check_classes": ["before-1946"], "resamples": 200}
    )  # fmt: skip
    targets = record_targets(fit)
    rng = np.random.default_rng(0)
    per_draw = pd.DataFrame({n: rng.uniform(0, 1, 50) for n in NAMES})
    table = predictive_table(targets, per_draw)
    assert len(table) == 4
    roles = table.set_index(["class", "statistic"])["role"]
    assert roles[("since-1946", "level_4")] == "fitted"
    assert roles[("before-1946", "level_4")] == "out of sample"
    assert roles[("since-1946", "war_given_force")] == "out of sample"
    assert (table["model_low"] < table["model_high"]).all()


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (('statistics = ["level_3"', 'statistics = ["level_9"'), "level_9"),
        (('class = "since-1946"', 'class = "since-1066"'), "since-1066"),
        (('check = ["war_given_force"]', 'check = ["level_3"]'), "fitted and checked"),
        (("[record]", 'fit = ["x"]\n[record]'), "not both"),
        (("resamples = 200", "resamples = 5"), "resamples"),
    ],
)
def test_bad_record_tables_are_refused_in_one_line_writing_nothing(tmp_path, change, says):
    path = write(tmp_path, CALIBRATION.replace(*change))
    out = tmp_path / "out"
    result = runner.invoke(app, ["calibrate", str(path), "--out", str(out), "--workers", "1"])
    assert result.exit_code == 2, result.output
    assert says in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not out.exists()


def test_the_fingerprint_changes_with_the_class_fitted(tmp_path):
    one = load_calibration(write(tmp_path, CALIBRATION))
    other = load_calibration(write(tmp_path, CALIBRATION.replace('"since-1946"', '"all"')))
    assert one.fingerprint != other.fingerprint


def test_a_fit_to_a_class_runs_end_to_end_and_checks_the_record(tmp_path):
    out = tmp_path / "out"
    path = write(tmp_path, CALIBRATION)
    result = runner.invoke(app, ["calibrate", str(path), "--out", str(out), "--workers", "1"])
    assert result.exit_code == 0, result.output
    check = pd.read_csv(out / "predictive.csv")
    assert set(check["class"]) == {"since-1946", "before-1946"}
    assert set(check["statistic"]) == {"level_3", "level_4", "fatality_0", "war_given_force"}
    assert (check["role"] == "fitted").sum() == 3
    assert check["verdict"].isin(["inside", "overlaps", "too high", "too low"]).all()
    draws = pd.read_csv(out / "predictive_draws.csv")
    assert len(draws) == 3 and "world.incident_lethality" in draws
    assert "since-1946" in (out / "report.md").read_text()
    posterior = pd.read_parquet(out / "posterior.parquet")
    assert posterior["world.incident_lethality"].between(0, 1).all()
