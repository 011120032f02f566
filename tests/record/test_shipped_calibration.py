"""The shipped calibration (docs/calibration/) is one run of the shipped calibration file: the
calibrated scenario names the posterior sample it came from, sits at its medians, and the
file frees every parameter the write-up reads, ℓ_f (bloodless uses of force) among them."""

import hashlib
from pathlib import Path

import pandas as pd
import pytest

from sim.model.scenario import load_scenario
from sim.record.calibrate import load_calibration

SHIPPED = Path("docs/calibration")


def test_the_calibrated_scenario_names_the_shipped_posterior_by_its_digest():
    digest = hashlib.sha256((SHIPPED / "posterior.parquet").read_bytes()).hexdigest()
    assert f"SHA-256 {digest}" in (SHIPPED / "calibrated.toml").read_text()


def test_the_calibrated_scenario_sits_at_the_shipped_posterior_medians():
    setup = load_calibration("reassurance")
    summary = pd.read_csv(SHIPPED / "posterior_summary.csv").set_index("parameter")
    assert sorted(summary.index) == sorted(p.path for p in setup.priors)
    assert "world.force_lethality" in summary.index
    world = load_scenario(SHIPPED / "calibrated.toml").world
    for path, row in summary.iterrows():
        assert getattr(world, path.removeprefix("world.")) == pytest.approx(row["median"])


def test_the_shipped_thresholds_are_the_calibration_files_generations():
    setup = load_calibration("reassurance")
    steps = pd.read_csv(SHIPPED / "thresholds.csv")
    assert len(steps) == setup.calibration.generations
    assert (steps["threshold"].diff().dropna() < 0).all()  # each generation tightened
