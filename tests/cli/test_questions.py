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


def tiny_posterior(path: Path) -> Path:
    """Five particles of two world parameters (no provenance: taken as fitted on the base)."""
    pd.DataFrame(
        {"world.war_cost": [3.0, 5.0, 6.0, 8.0, 12.0], "world.precision": [10.0, 20, 25, 40, 60],
         "weight": [1.0, 2, 3, 2, 1]}
    ).to_parquet(path)  # fmt: skip
    return path


@pytest.fixture(scope="module")
def over_posterior(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path, str]:
    folder = tmp_path_factory.mktemp("posterior")
    path = write_question(folder, TINY.replace("chunk_size = 10", "chunk_size = 1000"))
    posterior, out = tiny_posterior(folder / "p.parquet"), folder / "o"
    command = ["question", str(path), "--posterior", str(posterior), "--posterior-runs", "1000",
               "--workers", "1", "--out", str(out)]  # fmt: skip
    result = runner.invoke(app, command)
    assert result.exit_code == 0, result.output
    return path, posterior, out, result.stdout


def test_over_a_posterior_each_draw_runs_both_settings_on_its_own_block_of_runs(over_posterior):
    _, _, out, stdout = over_posterior
    assert "| strategic |" in stdout and "Over the posterior:" in stdout
    assert "Over the priors" not in stdout and "not a forecast" in stdout
    for name in ("answer.md", "answer.json", "rules.csv", "draws.csv"):
        assert (out / name).stat().st_size > 0
    assert not (out / "gsa.csv").exists()
    draws = pd.read_csv(out / "draws.csv")
    # 1,000 runs a setting over 40 draws: 25 each, in blocks 0-24, 25-49, ... (no draw shares
    # a random number with another), each draw's values among the posterior's particles.
    assert len(draws) == 40 and (draws["n"] == 25).all()
    assert draws["first_run"].tolist() == list(range(0, 1000, 25))
    assert set(draws["world.war_cost"]) <= {3.0, 5.0, 6.0, 8.0, 12.0}
    summary = json.loads((out / "answer.json").read_text())["posterior"]
    assert summary["draws"] == 40 and summary["runs"] == 1000
    assert set(summary["spearman"]) == {"world.war_cost", "world.precision"}


def test_a_draws_runs_are_those_of_the_ensemble_over_the_same_posterior(over_posterior, tmp_path):
    """Docking: at the base's own setting (5,000 troops), draw d's runs are the runs of draw d
    of `ensemble --posterior` with the same seed and runs, one for one."""
    path, posterior, out, _ = over_posterior
    ensemble = ["ensemble", str(path.parent / "base.toml"), "--posterior", str(posterior),
                "--runs", "1000", "--seed", "2", "--days", "30", "--workers", "1",
                "--out", str(tmp_path / "e")]  # fmt: skip
    result = runner.invoke(app, ensemble)
    assert result.exit_code == 0, result.output
    runs = pd.read_parquet(tmp_path / "e" / "runs.parquet")
    held = (runs["outcome"] == "ceasefire held").groupby(runs["draw"]).sum()
    draws = pd.read_csv(out / "draws.csv").set_index("row")
    assert draws["hits_to"].tolist() == held.loc[range(40)].tolist()
    assert held.loc[-1] == json.loads((out / "answer.json").read_text())["posterior"]["medians"][
        "p_to"] * 1000  # fmt: skip


def test_over_a_posterior_the_same_command_resumes_and_other_runs_are_refused(over_posterior):
    path, posterior, out, stdout = over_posterior
    command = ["question", str(path), "--posterior", str(posterior), "--workers", "1",
               "--out", str(out)]  # fmt: skip
    again = runner.invoke(app, [*command, "--posterior-runs", "1000"])
    assert again.exit_code == 0 and "are already done (verified)" in again.stdout, again.output
    assert (out / "answer.md").read_text() in stdout
    other = runner.invoke(app, [*command, "--posterior-runs", "2000"])
    assert other.exit_code == 2 and "holds results of something else" in other.output


@pytest.mark.parametrize(
    ("frame", "extra", "message"),
    [
        ({"guarantor.troops": [1.0, 2.0]}, [], "the lever guarantor.troops sets what"),
        # The same field spelled by an actor's name, or for every actor: the lever would
        # overwrite what the posterior set, and its draws would report values that never ran.
        ({"France.troops": [1.0, 2.0]}, [], "sets what the posterior's France.troops sets"),
        ({"actors.troops": [1.0, 2.0]}, [], "sets what the posterior's actors.troops sets"),
        ({"world.days": [10.0, 20.0]}, [], "defines the outcome or the horizon"),
        ({"world.war_cost": [3.0, 5.0]}, ["--trajectories", "3"], "--posterior replaces it"),
        ({"world.war_cost": [3.0, 5.0]}, ["--posterior-runs", "999"], "greater than or equal"),
    ],
)
def test_bad_input_over_a_posterior_gets_one_line_and_nothing_written(
    tmp_path, frame, extra, message
):
    path = write_question(tmp_path)
    posterior = tmp_path / "p.parquet"
    pd.DataFrame({**frame, "weight": [1.0, 1.0]}).to_parquet(posterior)
    out = tmp_path / "out"
    result = runner.invoke(app, ["question", str(path), "--posterior", str(posterior), *extra,
                                 "--out", str(out)])  # fmt: skip
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output
    assert not out.exists()


def test_posterior_runs_without_a_posterior_are_refused(tmp_path):
    path = write_question(tmp_path)
    result = runner.invoke(app, ["question", str(path), "--posterior-runs", "5000",
                                 "--out", str(tmp_path / "o")])  # fmt: skip
    assert result.exit_code == 2 and "--posterior-runs goes with --posterior" in result.output
    assert not (tmp_path / "o").exists()


def test_a_refused_folder_over_a_posterior_prints_one_line_and_no_note(over_posterior, tmp_path):
    """The notes (here: fitted on 365-day runs, these last 30) come after the work, so a
    refusal before it stays one line."""
    path, posterior, out, stdout = over_posterior
    assert "Note: the posterior was fitted" not in stdout  # no provenance in the tiny one
    made = tmp_path / "made.parquet"
    import pyarrow as pa
    import pyarrow.parquet as pq

    from sim.record.calibrate import PROVENANCE_KEY

    arrow = pa.Table.from_pandas(pd.read_parquet(posterior), preserve_index=False)
    meta = {**arrow.schema.metadata, PROVENANCE_KEY: b'{"scenario": "base", "days": 365}'}
    pq.write_table(arrow.replace_schema_metadata(meta), made)
    command = ["question", str(path), "--posterior", str(made), "--posterior-runs", "1000",
               "--workers", "1", "--out", str(out)]  # fmt: skip
    refused = runner.invoke(app, command)
    assert refused.exit_code == 2 and len(refused.output.strip().splitlines()) == 1
    assert "holds results of something else" in refused.output and "posterior" in refused.output
