"""`escalation discover` and the toolkit's report sections on a tiny Latin-hypercube sweep."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.analysis.sweep_stats import summarise_sweep
from sim.cli import app
from sim.experiments.experiment import load_experiment
from sim.experiments.sweep import run_sweep

runner = CliRunner()

LHS = """
kind = "experiment"
name = "lhs_small"
base = "reassurance"
design = "lhs"
samples = 12
replicates = 15
chunk_size = 15
days = 90
seed = 3
outcomes = ["escalated", "wider war"]

[[parameters]]
path = "guarantor.troops"
low = 0
high = 10000

[[parameters]]
path = "challenger.threat_perception"
low = 0.1
high = 0.9
"""


@pytest.fixture(scope="module")
def swept(tmp_path_factory) -> Path:
    """A finished 180-run sweep (serial: a few seconds)."""
    folder = tmp_path_factory.mktemp("discover")
    path = folder / "lhs.toml"
    path.write_text(LHS)
    experiment, base, text = load_experiment(path)
    out = folder / "out"
    run_sweep(experiment, base, text, out)
    summarise_sweep(out, base)
    return out


def test_discover_writes_its_section_and_figures(swept):
    result = runner.invoke(app, ["discover", str(swept), "--outcome", "escalated"])
    assert result.exit_code == 0, result.output
    text = (swept / "discovery_escalated.md").read_text()
    assert "not a forecast" in text
    assert "## Scenario discovery: which inputs lead to escalated" in text
    assert "### PRIM" in text and "### CART" in text
    for name in ("prim_escalated.png", "cart_escalated.png"):
        assert (swept / "figures" / name).stat().st_size > 5000


def test_discover_with_one_method_draws_only_its_figure(swept):
    result = runner.invoke(
        app, ["discover", str(swept), "--outcome", "limited war", "--method", "cart"]
    )
    assert result.exit_code == 0, result.output
    text = (swept / "discovery_limited_war.md").read_text()
    assert "### CART" in text and "### PRIM" not in text
    assert not (swept / "figures" / "prim_limited_war.png").exists()


def test_discover_asks_for_more_boxes_and_says_how_many_it_found(swept):
    result = runner.invoke(
        app, ["discover", str(swept), "--outcome", "escalated", "--boxes", "3", "--method", "prim"]
    )
    assert result.exit_code == 0, result.output
    text = (swept / "discovery_escalated.md").read_text()
    found = text.count("### PRIM")
    assert 1 <= found <= 3
    assert (found == 3) or f"PRIM found {found} box(es) of the 3 asked for" in text
    assert (swept / "figures" / "prim_escalated.png").exists()


def test_an_outcome_no_run_has_is_said_in_words(swept):
    # Seed 3, 90 days: no escalation of this sweep needed missteps (seeded, so certain).
    result = runner.invoke(app, ["discover", str(swept), "--outcome", "caused_by_missteps"])
    assert result.exit_code == 0, result.output
    text = (swept / "discovery_caused_by_missteps.md").read_text()
    assert "**Nothing to discover:** none of the runs" in text


def test_the_report_includes_feature_scores_and_discovery(swept):
    result = runner.invoke(app, ["report", str(swept)])
    assert result.exit_code == 0, result.output
    text = (swept / "report.md").read_text()
    assert "## Feature scores" in text and "| guarantor.troops |" in text
    assert "## Scenario discovery: which inputs lead to escalated" in text
    assert (swept / "figures" / "feature_scores.png").exists()
    assert "## Time to escalation: Cox proportional hazards" in text
    assert "| guarantor.troops | per SD" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--outcome", "wider wars"], "unknown outcome 'wider wars' (did you mean 'wider war'?)"),
        (["--outcome", "escalated", "--method", "svm"], "--method must be prim, cart or both"),
    ],
)
def test_bad_discover_input_is_one_line_exit_2_and_nothing_written(swept, args, message):
    before = sorted(p.name for p in swept.rglob("*"))
    result = runner.invoke(app, ["discover", str(swept), *args])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], lines
    assert sorted(p.name for p in swept.rglob("*")) == before


def test_discover_needs_a_finished_sweep(tmp_path):
    result = runner.invoke(app, ["discover", str(tmp_path), "--outcome", "escalated"])
    assert result.exit_code == 2
    assert "not a finished sweep" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_discover_help_says_what_it_does_with_an_example():
    result = runner.invoke(app, ["discover", "--help"])
    assert result.exit_code == 0
    assert "PRIM" in result.stdout and "Example: escalation discover" in result.stdout
