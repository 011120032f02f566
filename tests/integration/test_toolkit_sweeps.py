"""Richer sweeps: Morris designs, mechanism switches, thresholds, the number of guarantors."""

from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from sim.cli import app
from sim.experiment import load_experiment
from sim.sweep import finish, run_sweep

runner = CliRunner()
HEAD = 'kind = "experiment"\nname = "t"\nbase = "reassurance"\nseed = 5\ndays = 60\n'


def swept(tmp_path: Path, body: str, name: str = "e") -> Path:
    """Run a small experiment serially into tmp_path/name and return the folder."""
    path = tmp_path / f"{name}.toml"
    path.write_text(HEAD + body)
    experiment, base, text = load_experiment(path)
    out = tmp_path / name
    run_sweep(experiment, base, text, out)
    finish(out, base)
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
