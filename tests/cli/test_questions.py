"""The `question` command on a tiny question: its files, its planted answers, a resume, bad
input. Sizes are tiny (30 days, 20 runs a point): these check the machinery, not the science."""

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.cli.common import RESULTS
from sim.model.scenario import EXPERIMENTS_DIR

runner = CliRunner()

# Slips off: the slip rate is then read by no rule, so it has no effect by construction.
TINY = """kind = "question"
name = "tiny"
base = "base.toml"
outcome = "ceasefire held"
lever = "guarantor.troops"
settings = [0, 5000]
expect = "rises"
runs = 20
seed = 2
days = 30
chunk_size = 10

[sensitivity]
defaults = false
trajectories = 2
runs = 10

[[sensitivity.priors]]
path = "world.slip_rate"
low = 0.0005
high = 0.002

[[sensitivity.priors]]
path = "challenger.resolve"
low = 0.5
high = 0.9
"""


def write_question(folder: Path, text: str = TINY) -> Path:
    base = (EXPERIMENTS_DIR / "reassurance.toml").read_text(encoding="utf-8")
    (folder / "base.toml").write_text(base + "\n[mechanisms]\nslips = false\n", encoding="utf-8")
    path = folder / "q.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def answered(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    folder = tmp_path_factory.mktemp("question")
    path, out = write_question(folder), folder / "out"
    result = runner.invoke(app, ["question", str(path), "--workers", "1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return path, out, result.stdout


def test_the_answer_names_every_rule_and_writes_its_files(answered):
    _, out, stdout = answered
    for rule in ("strategic", "complete information", "myopic"):
        assert f"| {rule} |" in stdout
    assert "Over the priors:" in stdout and "not a forecast" in stdout
    for name in ("answer.md", "answer.json", "rules.csv", "gsa.csv", "morris.csv"):
        assert (out / name).stat().st_size > 0
    summary = json.loads((out / "answer.json").read_text())
    assert set(summary["rules"]) == {"strategic", "complete information", "myopic"}
    # 2 trajectories × (2 parameters + 1) rows, each paired over the 10 runs of both settings.
    rows = pd.read_csv(out / "gsa.csv")
    assert len(rows) == 6 and (rows["n"] == 10).all()


def test_a_parameter_no_rule_reads_gets_mu_star_exactly_zero(answered):
    _, out, _ = answered
    morris = pd.read_csv(out / "morris.csv").set_index("parameter")
    assert morris.loc["world.slip_rate", "mu_star"] == 0.0
    assert morris.loc["world.slip_rate", "sigma"] == 0.0


def test_the_same_command_again_resumes_without_running_anything(answered):
    path, out, stdout = answered
    before = sorted(p.name for p in (out / "chunks").iterdir())
    again = runner.invoke(app, ["question", str(path), "--workers", "1", "--out", str(out)])
    assert again.exit_code == 0, again.output
    assert "Resuming:" in again.stdout and "are already done (verified)" in again.stdout
    assert sorted(p.name for p in (out / "chunks").iterdir()) == before
    answer = (out / "answer.md").read_text()
    assert answer in stdout and answer in again.stdout  # the same answer, to the digit


def test_other_sizes_are_refused_in_a_folder_made_for_the_first_ones(answered):
    path, out, _ = answered
    other = runner.invoke(app, ["question", str(path), "--runs", "30", "--out", str(out)])
    assert other.exit_code == 2
    assert "holds results of something else" in other.output


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('outcome = "ceasefire held"', 'outcome = "wider wars"'), "unknown outcome 'wider wars'"),
        (('lever = "guarantor.troops"', 'lever = "guarantor.tropps"'), "unknown field 'tropps'"),
        (("settings = [0, 5000]", "settings = [5000, 5000]"), "two different values"),
        (('expect = "rises"', 'expect = "sinks"'), "expect"),
        (("[sensitivity]", '[sensitivity]\nrule = "bayesian"'), "unknown decision rule"),
        (("[sensitivity]", "[sensitivity]\ntrajectorys = 3"), "did you mean 'trajectories'"),
        (
            ("low = 0.5", "low = -0.5"),
            "prior of challenger.resolve (-0.5 to 0.9) leaves its bounds",
        ),
    ],
)
def test_bad_input_gets_one_line_exit_2_and_nothing_written(tmp_path, change, message):
    path = write_question(tmp_path, TINY.replace(*change))
    out = tmp_path / "out"
    result = runner.invoke(app, ["question", str(path), "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output
    assert not out.exists()


def test_a_bad_second_question_stops_the_first_before_anything_is_written(tmp_path):
    good = write_question(tmp_path)
    bad = tmp_path / "bad.toml"
    bad.write_text(TINY.replace('expect = "rises"', 'expect = "sinks"'), encoding="utf-8")
    result = runner.invoke(app, ["question", str(good), str(bad)])
    assert result.exit_code == 2 and "bad.toml" in result.output, result.output
    assert not (RESULTS / "questions" / "tiny").exists()
    both = runner.invoke(app, ["question", str(good), str(good), "--out", str(tmp_path / "o")])
    assert both.exit_code == 2 and "--out takes one question" in both.output
    assert not (tmp_path / "o").exists()


def test_help_gives_an_example():
    result = runner.invoke(app, ["question", "--help"])
    assert result.exit_code == 0
    assert "escalation question troops_war troops_wider_war" in result.stdout
