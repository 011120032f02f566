"""Hostile input and failing machines (issue 11): nothing escapes its folder, nothing is
overwritten, nothing corrupt is trusted, and bad input gets one line and exit code 2."""

import contextlib
import errno
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.experiments.folders import MARKER, claim
from sim.model.scenario import EXPERIMENTS_DIR

ESCALATION = str(Path(sys.executable).parent / "escalation")
runner = CliRunner()
BASELINE = (EXPERIMENTS_DIR / "baseline.toml").read_text()

EXPERIMENT = """
kind = "experiment"
name = {name}
base = "baseline"
replicates = 10
chunk_size = 5
days = 20
seed = 2

[[parameters]]
path = "guarantor.troops"
low = 0
high = 5000
steps = 2
"""


def invoke(*args: str):
    return runner.invoke(app, list(args))


def scenario_named(folder: Path, name: str, file: str = "s.toml") -> Path:
    """The baseline scenario under another name (json.dumps writes a valid TOML string)."""
    path = folder / file
    path.write_text(BASELINE.replace('name = "baseline"', f"name = {json.dumps(name)}", 1))
    return path


def experiment_named(folder: Path, name: str, file: str = "e.toml") -> Path:
    path = folder / file
    path.write_text(EXPERIMENT.format(name=json.dumps(name)))
    return path


def files_under(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


def refused(result, *words: str) -> None:
    """Exit 2, one line on stderr naming the problem, nothing on stdout, no traceback."""
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("error: ")
    for word in words:
        assert word in lines[0], lines[0]
    assert result.stdout == ""
    assert result.exception is None or isinstance(result.exception, SystemExit)


# 1. Names are labels: nothing is written outside the folder given or results/.


@pytest.mark.parametrize("kind", ["absolute", "dotdot", "..", "."])
def test_a_scenario_name_never_becomes_a_path(tmp_path, monkeypatch, kind):
    work, outside = tmp_path / "work", tmp_path / "outside"
    work.mkdir()
    name = {
        "absolute": str(outside / "evil"),
        "dotdot": "../outside/evil",
        "..": "..",
        ".": ".",
    }[kind]
    source = scenario_named(tmp_path, name)
    monkeypatch.chdir(work)
    result = invoke("run", str(source), "--days", "5")
    assert result.exit_code == 0, result.output
    assert not outside.exists()
    written = files_under(work)
    assert written and all(p.is_relative_to(work / "results") for p in written)
    (folder,) = {p.parent for p in written if p.name == "result.json"}
    assert folder.parent.parent == work / "results" and folder.name == "seed-0"


@pytest.mark.parametrize("name", ["..", "."])
def test_an_experiment_named_dot_or_dotdot_writes_under_results(tmp_path, monkeypatch, name):
    source = experiment_named(tmp_path, name)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    result = invoke("sweep", str(source), "--workers", "1")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in work.iterdir()) == ["results"]
    (folder,) = (work / "results").iterdir()
    assert folder.name.strip("_") == "" and (folder / "summary.csv").exists()


def test_the_root_of_the_file_system_is_refused():
    refused(invoke("run", "baseline", "--days", "5", "--out", "/"), "root of the file system")
    refused(invoke("run", "baseline", "--days", "5", "--out", "/", "--force"), "root")


# 2. A command writes only into a folder that is new, empty, or its own.


@pytest.mark.parametrize("own", ["timeline.txt", "result.json"])
def test_a_users_files_are_not_overwritten_without_force(tmp_path, own):
    out = tmp_path / "mine"
    out.mkdir()
    (out / own).write_text("my own notes")
    refused(invoke("run", "baseline", "--days", "5", "--out", str(out)), str(out), "--force")
    assert sorted(p.name for p in out.iterdir()) == [own]
    assert (out / own).read_text() == "my own notes"
    result = invoke("run", "baseline", "--days", "5", "--out", str(out), "--force")
    assert result.exit_code == 0, result.output
    assert (out / MARKER).exists() and (out / own).read_text() != "my own notes"


def test_a_command_may_write_again_into_a_folder_it_wrote(tmp_path):
    out = tmp_path / "r"
    for _ in range(2):
        assert invoke("run", "baseline", "--days", "5", "--out", str(out)).exit_code == 0
    result = invoke("ensemble", "baseline", "--runs", "50", "--workers", "1", "--out", str(out))
    assert result.exit_code == 0, result.output


def test_an_ensemble_refuses_a_foreign_folder_too(tmp_path):
    (tmp_path / "runs.parquet").write_text("not mine to replace")
    result = invoke("ensemble", "baseline", "--runs", "50", "--out", str(tmp_path))
    refused(result, "did not write", "--force")
    assert (tmp_path / "runs.parquet").read_text() == "not mine to replace"


# 3. Corrupt results are never trusted.


def test_a_resume_recomputes_corrupt_and_swapped_chunks_and_says_so(tmp_path):
    source = experiment_named(tmp_path, "small")
    out = tmp_path / "out"
    args = ["sweep", str(source), "--workers", "1", "--out", str(out)]
    assert invoke(*args).exit_code == 0
    expected = pd.read_parquet(out / "summary.parquet")
    chunks = sorted((out / "chunks").glob("p*.parquet"))
    assert len(chunks) == 4
    chunks[0].write_bytes(b"")  # zero bytes
    chunks[1].write_bytes(chunks[1].read_bytes()[:100])  # truncated
    shutil.copy(chunks[3], chunks[2])  # a valid chunk copied over another's file
    (out / "chunks" / "p00007-r000000000.parquet").write_bytes(chunks[3].read_bytes())
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    assert "Recomputing 4 chunk file(s) that failed verification" in result.stderr
    assert "Resuming: 5 of 20 runs are already done (verified)." in result.stdout
    pd.testing.assert_frame_equal(pd.read_parquet(out / "summary.parquet"), expected)
    assert not (out / "chunks" / "p00007-r000000000.parquet").exists()


def test_chunks_of_another_experiment_are_not_trusted_after_the_manifest_is_lost(tmp_path):
    out = tmp_path / "out"
    first = experiment_named(tmp_path, "small")
    assert invoke("sweep", str(first), "--workers", "1", "--out", str(out)).exit_code == 0
    (out / "manifest.json").unlink()  # lost, then another experiment with the same chunks
    second = tmp_path / "other.toml"
    second.write_text(first.read_text().replace("seed = 2", "seed = 3"))
    result = invoke("sweep", str(second), "--workers", "1", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "Recomputing 4 chunk file(s)" in result.stderr and "different chunk" in result.stderr
    fresh = tmp_path / "fresh"
    assert invoke("sweep", str(second), "--workers", "1", "--out", str(fresh)).exit_code == 0
    pd.testing.assert_frame_equal(
        pd.read_parquet(out / "summary.parquet"), pd.read_parquet(fresh / "summary.parquet")
    )


def test_plot_and_report_refuse_results_they_cannot_verify(tmp_path):
    source = experiment_named(tmp_path, "small")
    out = tmp_path / "out"
    assert invoke("sweep", str(source), "--workers", "1", "--out", str(out)).exit_code == 0
    first = sorted((out / "chunks").glob("p*.parquet"))
    shutil.copy(first[1], first[0])
    refused(invoke("plot", str(out)), "p00000-r000000000.parquet", "recompute")
    assert not (out / "figures").exists()
    manifest = out / "manifest.json"
    for garbled in ("{not json", "[]", '{"fingerprint": 3}', ""):
        manifest.write_text(garbled)
        refused(invoke("report", str(out)), "manifest")
        refused(invoke("plot", str(out)), "manifest")
    assert not (out / "report.md").exists()


# 4. Two commands never write into one folder at once.


def test_a_second_command_into_a_busy_folder_is_refused_naming_the_first(tmp_path):
    out = tmp_path / "busy"
    source = experiment_named(tmp_path, "small")
    with claim(out):
        result = invoke("sweep", str(source), "--workers", "1", "--out", str(out))
        refused(result, "in use by process", str(os.getpid()), "--wait")
        refused(invoke("run", "baseline", "--days", "5", "--out", str(out)), "in use")
    assert sorted(p.name for p in out.iterdir()) == [MARKER]


def test_with_wait_a_second_command_waits_for_the_first(tmp_path):
    out = tmp_path / "busy"
    held, release = threading.Event(), threading.Event()

    def first() -> None:
        with claim(out):
            held.set()
            release.wait(10)

    thread = threading.Thread(target=first)
    thread.start()
    held.wait(10)
    threading.Timer(1.0, release.set).start()
    started = time.monotonic()
    result = invoke("run", "baseline", "--days", "5", "--out", str(out), "--wait")
    thread.join()
    assert result.exit_code == 0, result.output
    assert "Waiting for process" in result.stderr
    assert time.monotonic() - started >= 0.9
    assert (out / "result.json").exists()


def test_two_identical_sweeps_into_one_folder_do_not_corrupt_it(tmp_path):
    from sim.experiments.experiment import load_experiment
    from sim.experiments.sweep import tasks_of, verify_chunks

    source = tmp_path / "e.toml"
    source.write_text(
        EXPERIMENT.format(name='"two"').replace("replicates = 10", "replicates = 200")
    )
    out = tmp_path / "out"
    command = [ESCALATION, "sweep", str(source), "--workers", "1", "--out", str(out)]
    both = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    results = [(p.pid, p.wait(timeout=120), p.communicate()[1]) for p in both]
    assert sorted(code for _, code, _ in results)[0] == 0, results  # one of them finished
    for pid, code, err in results:
        assert code in (0, 2), err
        if code == 2:  # refused, naming the other: never crashed by it
            (other,) = [p for p, _, _ in results if p != pid]
            assert err.strip() == err.strip().splitlines()[0]
            assert f"in use by process {other}" in err
    experiment, base, _ = load_experiment(source)
    assert verify_chunks(out, tasks_of(experiment, base), remove=False) == ([], [])
    assert pd.read_parquet(out / "summary.parquet")["runs"].tolist() == [200, 200]


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""


# 5. The app does not outlive its command.


def free_port() -> int:
    with contextlib.closing(socket.socket()) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_app_stops_on_sigterm_and_nothing_answers_after(tmp_path):
    pytest.importorskip("solara")
    port = free_port()
    log = open(tmp_path / "app.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [ESCALATION, "app", "--port", str(port)], stdout=log, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    assert response.status == 200
                    break
            except OSError:
                assert process.poll() is None, (tmp_path / "app.log").read_text()
                assert time.monotonic() < deadline
                time.sleep(0.3)
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        with pytest.raises(OSError), urllib.request.urlopen(url, timeout=2):
            pass
    finally:
        if process.poll() is None:
            process.kill()
        log.close()


# 6. A re-run cleans what a killed run left.


def test_a_rerun_removes_what_a_killed_ensemble_left(tmp_path):
    out = tmp_path / "out"
    command = [ESCALATION, "ensemble", "baseline", "--runs", "50000000", "--workers", "1"]
    command += ["--chunk-size", "100"]  # the first chunk lands in a second or two
    process = subprocess.Popen(
        [*command, "--out", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 60
    try:
        while not list(out.glob(".partial-*/runs.parquet")):
            assert process.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
    finally:  # kill -9 in any case: a failed wait must not leave the command running
        process.kill()
        process.wait(timeout=30)
    assert list(out.glob(".partial-*"))  # what kill -9 leaves
    result = invoke("ensemble", "baseline", "--runs", "50", "--workers", "1", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert not list(out.glob(".partial-*")) and (out / "runs.parquet").exists()


# 7. Tracebacks become one line, exit 2, nothing written.

SCENARIO_CASES = {
    "deep nesting": ('name = "x"\nx = ' + "[" * 5000 + "]" * 5000 + "\n", "nested too deeply"),
    "nesting within the parser's limit": (
        'name = "x"\nx = ' + "[" * 40 + "]" * 40 + "\n",
        "nested too deeply",
    ),
    "kind banana": ('kind = "banana"\n' + BASELINE.replace('kind = "scenario"\n', ""), "banana"),
    "an experiment": (EXPERIMENT.format(name='"e"'), "escalation sweep"),
    "a 1 MB actor name": (
        BASELINE.replace('name = "Russia"', 'name = "' + "R" * 990_000 + '"'),
        "at most 100 characters",
    ),
    "over 1 MB": (BASELINE + "#" * 1_000_001, "larger than the limit"),
    "not UTF-8": (b"name = '\xff'", "cannot read"),
}


@pytest.mark.parametrize("case", sorted(SCENARIO_CASES))
def test_bad_scenarios_get_one_line(tmp_path, case):
    text, message = SCENARIO_CASES[case]
    source = tmp_path / "bad.toml"
    if isinstance(text, bytes):
        source.write_bytes(text)
    else:
        source.write_text(text)
    out = tmp_path / "out"
    started = time.monotonic()
    refused(invoke("run", str(source), "--out", str(out)), message)
    assert time.monotonic() - started < 10
    assert not out.exists()


def test_a_fifo_as_scenario_is_refused_without_hanging(tmp_path):
    os.mkfifo(tmp_path / "pipe.toml")
    out = tmp_path / "out"
    result = subprocess.run(  # a subprocess: were it to hang, the timeout ends it
        [ESCALATION, "run", str(tmp_path / "pipe.toml"), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert "not a regular file" in result.stderr and "Traceback" not in result.stderr
    assert not out.exists()


@pytest.mark.parametrize("special", ["/dev/zero", "/dev/urandom", "folder"])
def test_only_regular_files_are_read(tmp_path, special):
    source = tmp_path if special == "folder" else special
    out = tmp_path / "out"
    refused(invoke("run", str(source), "--out", str(out)), "not a regular file")
    assert not out.exists()


EXPERIMENT_CASES = {
    "grid without steps": (EXPERIMENT.replace("steps = 2\n", ""), "a grid needs steps"),
    "too many points": (
        EXPERIMENT.replace("steps = 2", "steps = 10000")
        + '[[parameters]]\npath = "challenger.resolve"\nlow = 0\nhigh = 1\nsteps = 10000\n',
        "more than the limit of 20,000",
    ),
    "too many chunks": (
        EXPERIMENT.replace("replicates = 10", "replicates = 10000000").replace(
            "chunk_size = 5", "chunk_size = 1"
        ),
        "more than the limit of 1,000,000",
    ),
}


@pytest.mark.parametrize("case", sorted(EXPERIMENT_CASES))
def test_bad_experiments_get_one_line_before_any_allocation(tmp_path, case):
    text, message = EXPERIMENT_CASES[case]
    source = tmp_path / "e.toml"
    source.write_text(text.format(name='"e"'))
    out = tmp_path / "out"
    started = time.monotonic()
    refused(invoke("sweep", str(source), "--out", str(out)), message)
    assert time.monotonic() - started < 10
    assert not out.exists()


def test_too_many_ensemble_chunks_are_refused_before_allocating(tmp_path):
    result = invoke(
        "ensemble", "baseline", "--runs", "100000000", "--chunk-size", "1", "--out", str(tmp_path)
    )
    refused(result, "--chunk-size")


def test_bad_output_folders_get_one_line(tmp_path):
    a_file = tmp_path / "file"
    a_file.write_text("x")
    refused(invoke("run", "baseline", "--days", "5", "--out", str(a_file)), "is a file")
    under = a_file / "sub"
    refused(invoke("run", "baseline", "--days", "5", "--out", str(under)), "is a file")
    assert a_file.read_text() == "x"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_folder_gets_one_line(tmp_path):
    tmp_path.chmod(0o500)
    try:
        refused(invoke("run", "baseline", "--days", "5", "--out", str(tmp_path / "o")))
    finally:
        tmp_path.chmod(0o700)


def test_a_full_disk_gets_one_line_and_leaves_nothing(tmp_path, monkeypatch):
    def no_space(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(tmp_path / "o" / "x"))

    monkeypatch.setattr(pd.DataFrame, "to_parquet", no_space)
    refused(
        invoke("run", "baseline", "--days", "5", "--out", str(tmp_path / "o")),
        "No space left on device",
    )
    assert not (tmp_path / "o").exists()


def test_an_unreachable_dask_scheduler_is_one_line_at_once(tmp_path):
    source = experiment_named(tmp_path, "small")
    out = tmp_path / "out"
    started = time.monotonic()
    for address in (f"tcp://127.0.0.1:{free_port()}", "nonsense"):
        result = invoke(
            "sweep", str(source), "--executor", "dask", "--scheduler", address, "--out", str(out)
        )
        refused(result, "scheduler")
        assert not out.exists()
    assert time.monotonic() - started < 20


def test_escape_codes_in_names_never_reach_the_terminal(tmp_path):
    source = scenario_named(tmp_path, "\x1b[2J\x1b]0;owned\x07red\u202e")
    out = tmp_path / "o"
    result = invoke("run", str(source), "--days", "5", "--out", str(out))
    assert result.exit_code == 0, result.output
    for text in (result.stdout, (out / "timeline.txt").read_text()):
        assert "?[2J?]0;owned?red?" in text
        assert not any(c in text for c in "\x1b\x07\u202e")
    bad = tmp_path / "bad.toml"
    bad.write_text(BASELINE.replace("resolve = 0.7", 'resolve = "\\u001b[31m"', 1))
    result = invoke("run", str(bad), "--out", str(out))
    refused(result, "resolve")
    assert "\x1b" not in result.stderr


@pytest.mark.parametrize(
    ("args", "word"),
    [
        (["run", "baseline", "--seed", "-1"], "--seed"),
        (["run", "baseline", "--bogus"], "--bogus"),
        (["banana"], "banana"),
        (["--bogus"], "--bogus"),
        (["sweep", "x", "--workers", "-3"], "--workers"),
    ],
)
def test_bad_options_get_one_line_too(args, word):
    refused(invoke(*args), word, "--help")


def test_plot_and_report_write_nothing_into_a_folder_with_a_garbled_manifest(tmp_path):
    for garbled in ("[]", "{", '{"fingerprint": "x"}'):
        (tmp_path / "manifest.json").write_text(garbled)
        (tmp_path / "summary.parquet").write_text("x")
        for command in ("plot", "report"):
            refused(invoke(command, str(tmp_path)), "manifest")
        assert sorted(p.name for p in tmp_path.iterdir()) == ["manifest.json", "summary.parquet"]
