"""The `escalation` command: outputs, help, and clean failures on bad input."""

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from sim.cli import app

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args))


def test_run_prints_a_timeline_and_writes_its_outputs(tmp_path: Path):
    result = invoke("run", "reassurance", "--seed", "3", "--out", str(tmp_path / "r"))
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Day   0: Russia warns publicly" in out
    assert "A misstep: an incident kills" in out
    assert "Outcome: limited clashes" in out
    assert "not a forecast" in out
    trajectory = pd.read_parquet(tmp_path / "r" / "trajectory.parquet")
    assert {"day", "actor", "role", "hostility", "perceived", "rung", "events"} <= set(
        trajectory.columns
    )
    assert len(trajectory) == 366 * 4
    assert trajectory["events"].str.contains("misstep").any()
    assert (tmp_path / "r" / "hostility.png").stat().st_size > 10_000
    assert not list((tmp_path / "r").glob(".partial-*"))


def test_run_with_twin_says_whether_missteps_changed_the_outcome(tmp_path: Path):
    result = invoke("run", "reassurance", "--seed", "3", "--twin", "--out", str(tmp_path))
    assert result.exit_code == 0
    assert "Twin without missteps: ceasefire held. The missteps changed the outcome." in (
        result.stdout
    )


def test_days_shortens_the_horizon(tmp_path: Path):
    result = invoke("run", "baseline", "--days", "30", "--out", str(tmp_path))
    assert result.exit_code == 0
    assert pd.read_parquet(tmp_path / "trajectory.parquet")["day"].max() == 30


def test_scenarios_lists_every_shipped_scenario_with_its_description():
    result = invoke("scenarios")
    assert result.exit_code == 0
    for name in ("baseline", "reassurance", "hotline", "hardline"):
        assert name in result.stdout
    assert "No guarantor troops" in result.stdout


@pytest.mark.parametrize("command", [[], ["run"], ["scenarios"], ["parameters"]])
def test_help_says_what_a_command_does_with_an_example(command):
    result = invoke(*command, "--help")
    assert result.exit_code == 0
    if command:
        assert "Example: escalation" in result.stdout


BAD_FILES = {
    "wrong_type.toml": (
        'name = "x"\n[[actors]]\nname = "R"\nrole = "challenger"\nresolve = "high"\n',
        "actors['R'].resolve: Input should be a valid",
    ),
    "out_of_range.toml": (
        'name = "x"\n[[actors]]\nname = "R"\nrole = "challenger"\nresolve = 2.0\n',
        "less than or equal to 1",
    ),
    "nan.toml": (
        'name = "x"\n[[actors]]\nname = "R"\nrole = "challenger"\nresolve = nan\n',
        "finite number",
    ),
    "unknown.toml": (
        'name = "x"\n[world]\nhotline_qualty = 0.5\n',
        "world.hotline_qualty: unknown key (did you mean 'hotline_quality'?)",
    ),
    "missing.toml": ('name = "x"\n', "actors: required field is missing"),
    "dupes.toml": (
        'name = "x"\n[[actors]]\nname = "A"\nrole = "challenger"\n'
        '[[actors]]\nname = "A"\nrole = "protege"\n',
        "duplicate actor names: A",
    ),
    "not_toml.toml": ("this is { not toml", "not valid TOML"),
}


@pytest.mark.parametrize("filename", sorted(BAD_FILES))
def test_bad_input_gets_one_line_exit_2_and_nothing_written(tmp_path: Path, filename):
    text, message = BAD_FILES[filename]
    path = tmp_path / filename
    path.write_text(text)
    out = tmp_path / "out"
    result = invoke("run", str(path), "--out", str(out))
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and filename in lines[0]
    assert "Traceback" not in result.output
    assert not out.exists()


def test_a_missing_file_is_one_line_too(tmp_path: Path):
    result = invoke("run", str(tmp_path / "nowhere.toml"), "--out", str(tmp_path / "o"))
    assert result.exit_code == 2
    assert "no such scenario file" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "o").exists()


def test_a_negative_seed_is_refused(tmp_path: Path):
    result = invoke("run", "baseline", "--seed", "-1", "--out", str(tmp_path / "o"))
    assert result.exit_code == 2
    assert "--seed" in result.stderr
    assert not (tmp_path / "o").exists()
