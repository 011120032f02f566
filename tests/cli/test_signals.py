"""Signals, whatever the start (issue 22, item 6).

A program started with SIGINT ignored (under a script's `cmd &`, or `make test &`) keeps it
ignored; one started normally stops on Ctrl-C, and a Ctrl-C while it is still starting (its
modules importing, before its own handler is in place) ends in one line, not a traceback.
Every test here sets the disposition it needs (tests/signals.py) and ends within its time.
"""

import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.cli.test_hardening import ESCALATION
from tests.signals import ctrl_c_reaches_the_child

# Imports sim.cli with a Ctrl-C landing in the middle of it: when the command-line package
# imports typer, which it does before any command's handler exists.
CTRL_C_WHILE_IMPORTING = """
import builtins, os, signal, sys
signal.signal(signal.SIGINT, signal.default_int_handler)
real = builtins.__import__
def pressed(name, *args, **kwargs):
    if name == "typer":
        builtins.__import__ = real
        os.kill(os.getpid(), signal.SIGINT)
    return real(name, *args, **kwargs)
builtins.__import__ = pressed
sys.argv = ["escalation", "scenarios"]
from sim.cli import app
app()
"""


def long_ensemble(out, **options) -> subprocess.Popen:
    command = [ESCALATION, "ensemble", "baseline", "--runs", "100000000", "--workers", "1"]
    return subprocess.Popen(
        [*command, "--chunk-size", "500", "--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **options,
    )


def ended(process: subprocess.Popen, within: float) -> tuple[int | None, str]:
    """The process's exit code and stderr once it ended within `within` s; else it is killed
    and the code is None."""
    try:
        _, err = process.communicate(timeout=within)
    except subprocess.TimeoutExpired:
        process.kill()
        _, err = process.communicate(timeout=30)
        return None, err
    return process.returncode, err


def test_a_ctrl_c_while_the_command_imports_ends_in_one_line():
    result = subprocess.run(
        [sys.executable, "-c", CTRL_C_WHILE_IMPORTING],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 130, result.stderr
    assert result.stderr == "Interrupted.\n"


def loaded(pid: int, library: str) -> bool:
    """Whether process `pid` has mapped a shared library (Linux's /proc/PID/maps)."""
    try:
        return library in Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return False


def test_a_ctrl_c_while_the_real_command_starts_ends_in_one_line(tmp_path):
    """Pressed once the command's imports are under way (pydantic's compiled core is mapped:
    sim.cli imports it, before any command runs); whether it lands in the imports or just
    after, in the command, one line and exit code 130. (A Ctrl-C in the first tenth of a
    second, while Python itself starts, before any of the program runs, gets Python's own
    report: no program can change that.)"""
    process = long_ensemble(tmp_path / "o", preexec_fn=ctrl_c_reaches_the_child)
    deadline = time.monotonic() + 60
    while not loaded(process.pid, "pydantic_core"):
        assert process.poll() is None and time.monotonic() < deadline
        time.sleep(0.005)
    process.send_signal(signal.SIGINT)
    code, err = ended(process, within=60)
    assert code == 130, (code, err)
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert not (tmp_path / "o").exists()


def test_a_command_started_with_ctrl_c_ignored_keeps_it_ignored(tmp_path):
    def ignored() -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)

    process = long_ensemble(tmp_path / "o", preexec_fn=ignored)
    try:
        deadline = time.monotonic() + 60
        while not list((tmp_path / "o").glob(".partial-*/runs.parquet")):
            assert process.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        process.send_signal(signal.SIGINT)
        time.sleep(1.0)
        assert process.poll() is None  # as nohup and a script's `cmd &` mean it
    finally:
        process.kill()
        process.wait(timeout=30)


def test_a_command_started_normally_stops_on_ctrl_c_even_when_the_suite_ignores_it(tmp_path):
    process = long_ensemble(tmp_path / "o", preexec_fn=ctrl_c_reaches_the_child)
    deadline = time.monotonic() + 60
    while not list((tmp_path / "o").glob(".partial-*/runs.parquet")):
        assert process.poll() is None and time.monotonic() < deadline, process.stderr
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    code, err = ended(process, within=60)
    assert code == 130, err
    assert err.strip().splitlines()[-1].startswith("Interrupted: nothing was written")
    assert not (tmp_path / "o").exists()


def test_a_ctrl_c_while_typer_builds_the_commands_ends_in_one_line(monkeypatch, capsys):
    """The `escalation` script runs `sim.cli.main`: a Ctrl-C after the imports but before a
    command's own handler (typer reading the commands' signatures, the window a hostile run
    found at 0.4-0.8 s under load) ends in one line with exit code 130, not a traceback."""
    import pytest

    import sim.cli

    def interrupted() -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(sim.cli, "app", interrupted)
    with pytest.raises(SystemExit) as stop:
        sim.cli.main()
    assert stop.value.code == 130
    assert capsys.readouterr().err == "Interrupted.\n"
    scripts = Path(sim.cli.__file__).parents[2] / "pyproject.toml"
    assert 'escalation = "sim.cli:main"' in scripts.read_text()
