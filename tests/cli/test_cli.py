"""The `escalation` command: outputs, help, and clean failures on bad input."""

import os
import signal
import threading
import time
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from sim.cli import app

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args))


def test_run_prints_a_timeline_and_writes_its_outputs(tmp_path: Path):
    result = invoke("run", "reassurance", "--seed", "89", "--out", str(tmp_path / "r"))
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Day   0: Russia warns publicly" in out
    assert "Russia reads it as a deliberate attack by United Kingdom" in out  # a misread misstep
    assert "Russia strikes United Kingdom's troops: it answers harm done, in anger" in out
    assert "Outcome: crisis contained (highest rung 4: strikes and combat)" in out
    assert "not a forecast" in out
    trajectory = pd.read_parquet(tmp_path / "r" / "trajectory.parquet")
    assert {"day", "actor", "role", "hostility", "belief", "troops", "action", "target"} <= set(
        trajectory.columns
    )
    assert len(trajectory) == 366 * 4
    assert (trajectory["action"] == "limited strike").any()
    dyads = pd.read_parquet(tmp_path / "r" / "dyads.parquet")
    assert set(dyads["dyad"]) == {"Russia-Ukraine", "Russia-France", "Russia-United Kingdom"}
    assert dyads.groupby("dyad")["rung"].max()["Russia-United Kingdom"] == 4
    for figure in ("hostility.png", "dyads.png"):
        assert (tmp_path / "r" / figure).stat().st_size > 10_000
    assert not list((tmp_path / "r").glob(".partial-*"))


def test_run_with_twin_says_which_road_changed_the_outcome(tmp_path: Path):
    result = invoke("run", "reassurance", "--seed", "112", "--twin", "--out", str(tmp_path))
    assert result.exit_code == 0
    out = result.stdout
    assert "suppressing missteps changed the outcome from limited war to crisis contained" in out
    assert "The run escalated because of missteps." in out


def test_days_shortens_the_horizon(tmp_path: Path):
    result = invoke("run", "baseline", "--days", "30", "--out", str(tmp_path))
    assert result.exit_code == 0
    assert pd.read_parquet(tmp_path / "trajectory.parquet")["day"].max() == 30


def test_scenarios_lists_every_shipped_scenario_with_its_description():
    result = invoke("scenarios")
    assert result.exit_code == 0
    for name in ("baseline", "reassurance", "hotline", "hardline", "korea"):
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


def test_ensemble_prints_attribution_and_writes_its_outputs(tmp_path: Path):
    result = invoke(
        "ensemble",
        "reassurance",
        "--runs",
        "3000",
        "--seed",
        "2",
        "--workers",
        "1",
        "--chunk-size",
        "1000",
        "--out",
        str(tmp_path),
    )
    assert result.exit_code == 0, result.output
    for line in (
        "P(escalation)",
        "P(escalation | misstep)",
        "Roads to war",
        "warnings",
        "face",
        "slips",
        "wider war",
        "ceasefire held",
        "not a forecast",
    ):
        assert line in result.stdout
    runs = pd.read_parquet(tmp_path / "runs.parquet")
    assert len(runs) == 3000 and runs["run"].tolist() == list(range(3000))
    assert {"Russia-France_max_rung", "Russia-Ukraine_war_day", "caused_by_attacks"} <= set(
        runs.columns
    )
    attribution = pd.read_csv(tmp_path / "attribution.csv").set_index("quantity")
    assert attribution.loc["P(escalation)", "count"] == runs["escalated"].sum()
    roads = pd.read_csv(tmp_path / "roads.csv").set_index("road")
    for road in ("missteps", "misreading", "attacks", "warnings", "face", "slips"):
        assert roads.loc[road, "caused"] == runs[f"caused_by_{road}"].sum()
    for name in ("outcomes.png", "roads.png", "escalation_days.png", "outcomes.csv"):
        assert (tmp_path / name).exists()


def ctrl_c_once_listening(done: threading.Event) -> tuple[threading.Thread, list[bool]]:
    """A thread that presses Ctrl-C once the command has put its own handler in place (the
    test holds Python's default one before: the `ctrl_c` fixture).

    It presses after 30 s in any case, and again (a second Ctrl-C stops at once) if the
    command has not ended 30 s after the first, so the test cannot run on; the list it
    returns says whether the command was listening when it pressed.
    """
    listened: list[bool] = []

    def press() -> None:
        deadline = time.monotonic() + 30
        while signal.getsignal(signal.SIGINT) is signal.default_int_handler:
            if time.monotonic() > deadline:
                break
            time.sleep(0.01)
        listened.append(signal.getsignal(signal.SIGINT) is not signal.default_int_handler)
        time.sleep(0.5)
        os.kill(os.getpid(), signal.SIGINT)
        if not done.wait(30):
            os.kill(os.getpid(), signal.SIGINT)

    thread = threading.Thread(target=press, daemon=True)
    thread.start()
    return thread, listened


@pytest.mark.parametrize("workers", ["1", "2"])
def test_ctrl_c_stops_an_ensemble_at_a_chunk_boundary_and_writes_nothing(tmp_path, workers, ctrl_c):
    done = threading.Event()
    presser, listened = ctrl_c_once_listening(done)
    out = tmp_path / "out"
    started = time.monotonic()
    result = invoke(
        "ensemble",
        "reassurance",
        "--runs",
        "100000000",
        "--workers",
        workers,
        "--chunk-size",
        "500",
        "--out",
        str(out),
    )
    done.set()
    presser.join()
    assert listened == [True]  # Ctrl-C only asked the command to stop
    assert result.exit_code == 130, result.output
    assert "Interrupted" in result.stderr
    assert time.monotonic() - started < 60  # 100 million runs would take over an hour
    assert not out.exists()  # the folder it created is removed again: nothing written
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_ensemble_on_the_agent_engine_gives_the_same_runs(tmp_path: Path):
    for engine in ("agent", "ensemble"):
        result = invoke(
            "ensemble",
            "hardline",
            "--runs",
            "20",
            "--engine",
            engine,
            "--days",
            "60",
            "--workers",
            "1",
            "--out",
            str(tmp_path / engine),
        )
        assert result.exit_code == 0, result.output
    pd.testing.assert_frame_equal(
        pd.read_parquet(tmp_path / "agent" / "runs.parquet"),
        pd.read_parquet(tmp_path / "ensemble" / "runs.parquet"),
    )


def test_ensemble_refuses_an_unknown_engine_in_one_line(tmp_path: Path):
    result = invoke("ensemble", "baseline", "--engine", "quantum", "--out", str(tmp_path / "o"))
    assert result.exit_code == 2
    assert result.stderr.strip() == "error: --engine must be one of ensemble, agent, got 'quantum'"
    assert not (tmp_path / "o").exists()
