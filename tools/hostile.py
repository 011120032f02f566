"""A hostile run (issue 11): bad inputs and machine faults against the real `escalation`.

Not a test (the suite has tests/cli/test_hardening.py and tests/cli/test_hostile_documents.py): a
tally for people, kept in tools/. Every input must be refused cleanly (exit 2, one line on stderr,
no traceback, nothing written) or, for names that spell paths, accepted with everything written
inside results/. Every fault must be survived with no result lost or falsified. The disk faults need
root (a tmpfs mount); without it they are skipped and said so.

    .venv/bin/python tools/hostile.py
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

ESCALATION = str(Path(sys.executable).parent / "escalation")
ROOT = Path(__file__).resolve().parent.parent
BASELINE = (ROOT / "experiments" / "baseline.toml").read_text()
EXPERIMENT = """kind = "experiment"
name = {name}
base = "baseline"
replicates = {replicates}
chunk_size = 25
days = 60
seed = 2

[[parameters]]
path = "guarantor.troops"
low = 0
high = 5000
steps = 3
"""
tally = {"inputs": 0, "refused": 0, "contained": 0, "broke": [], "faults": 0, "survived": 0}
lost: list[str] = []


def escalation(*args: str, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [ESCALATION, *args], cwd=cwd, capture_output=True, text=True, timeout=timeout
    )


def files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file() or p.is_symlink()}


def bad_input(label: str, args: list[str], setup: Callable[[Path], None] | None = None) -> None:
    """Refused cleanly: exit 2, one line, no traceback, nothing written anywhere."""
    tally["inputs"] += 1
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if setup:
            setup(work)
        before = files(work)
        try:
            result = escalation(*[a.replace("WORK", str(work)) for a in args], cwd=work, timeout=60)
        except subprocess.TimeoutExpired:
            tally["broke"].append(f"{label}: hung")
            return
        lines = result.stderr.strip().splitlines()
        ok = (
            result.returncode == 2
            and len(lines) == 1
            and lines[0].startswith("error: ")
            and "Traceback" not in result.stderr
            and files(work) == before
        )
        if ok:
            tally["refused"] += 1
        else:
            tally["broke"].append(f"{label}: exit {result.returncode}: {result.stderr[-300:]!r}")


def contained(label: str, name: str, command: str) -> None:
    """A name spelling a path: accepted, but everything is written under results/."""
    tally["inputs"] += 1
    with tempfile.TemporaryDirectory() as tmp:
        work, outside = Path(tmp, "work"), Path(tmp, "outside")
        work.mkdir()
        name = name.replace("OUTSIDE", str(outside))
        source = work / "doc.toml"
        if command == "run":
            source.write_text(
                BASELINE.replace('name = "baseline"', f"name = {json.dumps(name)}", 1)
            )
            result = escalation("run", str(source), "--days", "5", cwd=work)
        else:
            source.write_text(EXPERIMENT.format(name=json.dumps(name), replicates=10))
            result = escalation("sweep", str(source), "--workers", "1", cwd=work)
        written = files(work) - {source}
        if (
            result.returncode in (0, 2)
            and not outside.exists()
            and all(p.is_relative_to(work / "results") for p in written)
            and "Traceback" not in result.stderr
        ):
            tally["contained" if result.returncode == 0 else "refused"] += 1
        else:
            tally["broke"].append(f"{label}: {result.returncode} {result.stderr[-300:]!r}")


def write(name: str, text: str | bytes) -> Callable[[Path], None]:
    def setup(work: Path) -> None:
        path = work / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text)

    return setup


def scenario_with(old: str, new: str) -> str:
    assert old in BASELINE, old
    return BASELINE.replace(old, new, 1)


def inputs() -> None:
    """The bad inputs of issue 11's classes 1, 2 and 7, and more of the same kind."""
    scenario_cases = {
        "wrong type": scenario_with("resolve = 0.7", 'resolve = "high"'),
        "out of range": scenario_with("resolve = 0.7", "resolve = 2.0"),
        "nan": scenario_with("resolve = 0.7", "resolve = nan"),
        "inf": scenario_with("resolve = 0.7", "resolve = inf"),
        "huge int": scenario_with("[world]", "[world]\ndays = 99999999999999999"),
        "int too large for TOML": scenario_with("[world]", "[world]\ndays = 1" + "0" * 30),
        "negative troops": BASELINE + "\n",
        "unknown key": scenario_with("[world]", "[world]\nhotline = 1"),
        "missing actors": 'name = "x"\n',
        "duplicate actors": scenario_with('name = "Ukraine"', 'name = "Russia"'),
        "not TOML": "this is { not toml",
        "empty file": "",
        "binary": "\x00\x01\x02garbage",
        "deep nesting": 'name = "x"\nx = ' + "[" * 50_000 + "]" * 50_000,
        "nesting 40": 'name = "x"\nx = ' + "[" * 40 + "]" * 40,
        "deep tables": 'name = "x"\n[' + ".".join(["a"] * 100) + "]\n",
        "kind banana": scenario_with('kind = "scenario"', 'kind = "banana"'),
        "kind number": scenario_with('kind = "scenario"', "kind = 3"),
        "an experiment file": EXPERIMENT.format(name='"e"', replicates=10),
        "1 MB actor name": scenario_with('name = "Russia"', 'name = "' + "R" * 990_000 + '"'),
        "101-character name": scenario_with('name = "baseline"', 'name = "' + "n" * 101 + '"'),
        "over 1 MB": BASELINE + "#" * 1_100_000,
        "empty name": scenario_with('name = "baseline"', 'name = ""'),
        "thresholds not increasing": scenario_with(
            "[world]", "[world]\nthresholds = [1, 1, 1, 1, 1, 1]"
        ),
        "escape codes in a value": scenario_with("resolve = 0.7", 'resolve = "\\u001b[2J"'),
    }
    scenario_cases["negative troops"] = scenario_with("exposure = 1.0", "troops = -5")
    for label, text in scenario_cases.items():
        bad_input(
            f"scenario: {label}", ["run", "WORK/s.toml", "--out", "WORK/o"], write("s.toml", text)
        )
    bad_input("scenario: not UTF-8", ["run", "WORK/s.toml"], write("s.toml", b"name = '\xff'"))

    def fifo(work: Path) -> None:
        os.mkfifo(work / "pipe.toml")

    bad_input("scenario: a FIFO", ["run", "WORK/pipe.toml", "--out", "WORK/o"], fifo)
    for device in ("/dev/zero", "/dev/urandom", "/dev/null", "/proc/self/environ"):
        bad_input(f"scenario: {device}", ["run", device, "--out", "WORK/o"])
    bad_input("scenario: a folder", ["run", "WORK", "--out", "WORK/o"])
    bad_input("scenario: missing", ["run", "WORK/none.toml", "--out", "WORK/o"])
    bad_input("scenario: name too long for a path", ["run", "x" * 5000, "--out", "WORK/o"])

    grid = EXPERIMENT.format(name='"e"', replicates=10)
    experiment_cases = {
        "grid without steps": grid.replace("steps = 3\n", ""),
        "too many points": grid.replace("steps = 3", "steps = 10000")
        + '[[parameters]]\npath = "challenger.resolve"\nlow = 0\nhigh = 1\nsteps = 10000\n',
        "too many chunks": grid.replace("replicates = 10", "replicates = 10000000").replace(
            "chunk_size = 25", "chunk_size = 1"
        ),
        "sobol too large": grid.replace(
            'base = "baseline"', 'base = "baseline"\ndesign = "sobol"\nsamples = 524288'
        ).replace("steps = 3\n", ""),
        "lhs with values": grid.replace(
            'base = "baseline"', 'base = "baseline"\ndesign = "lhs"'
        ).replace("low = 0\nhigh = 5000\nsteps = 3", "values = [1, 2]"),
        "unknown outcome": grid.replace("seed = 2", 'seed = 2\noutcomes = ["wars"]'),
        "bad path": grid.replace("guarantor.troops", "nobody.troops"),
        "high below low": grid.replace("high = 5000", "high = -1"),
        "infinite low": grid.replace("low = 0", "low = -inf"),
        "kind scenario": BASELINE,
        "base is a FIFO": grid.replace('base = "baseline"', 'base = "pipe.toml"'),
        "base is /dev/zero": grid.replace('base = "baseline"', 'base = "/dev/zero"'),
        "base missing": grid.replace('base = "baseline"', 'base = "nowhere"'),
        "name with a slash": grid.replace('name = "e"', 'name = "../../x"'),
        "replicates zero": grid.replace("replicates = 10", "replicates = 0"),
        "seed negative": grid.replace("seed = 2", "seed = -1"),
        "days huge": grid.replace("days = 60", "days = 1000000"),
    }
    for label, text in experiment_cases.items():

        def setup(work: Path, text: str = text) -> None:
            (work / "e.toml").write_text(text)
            os.mkfifo(work / "pipe.toml")

        bad_input(f"experiment: {label}", ["sweep", "WORK/e.toml", "--out", "WORK/o"], setup)

    small = write("e.toml", EXPERIMENT.format(name='"e"', replicates=10))
    bad_input("--out a file", ["run", "baseline", "--out", "WORK/e.toml"], small)
    bad_input("--out under a file", ["run", "baseline", "--out", "WORK/e.toml/x"], small)
    bad_input("--out /", ["run", "baseline", "--days", "5", "--out", "/"])
    bad_input("--out / --force", ["run", "baseline", "--days", "5", "--out", "/", "--force"])
    bad_input("sweep --out /", ["sweep", "WORK/e.toml", "--out", "/"], small)
    for own in ("timeline.txt", "result.json", "runs.parquet", "manifest.json"):
        command = (
            ["ensemble", "baseline", "--runs", "50"]
            if own == "runs.parquet"
            else (["sweep", "WORK/e.toml"] if own == "manifest.json" else ["run", "baseline"])
        )

        def setup(work: Path, own: str = own) -> None:
            small(work)
            (work / "mine").mkdir()
            (work / "mine" / own).write_text("the user's own file")

        bad_input(f"--out a folder with the user's {own}", [*command, "--out", "WORK/mine"], setup)
    bad_input(
        "--executor ray", ["sweep", "WORK/e.toml", "--executor", "ray", "--out", "WORK/o"], small
    )
    bad_input(
        "unreachable Dask scheduler",
        [
            "sweep",
            "WORK/e.toml",
            "--executor",
            "dask",
            "--scheduler",
            f"tcp://127.0.0.1:{free_port()}",
            "--out",
            "WORK/o",
        ],
        small,
    )
    bad_input(
        "malformed Dask scheduler",
        [
            "sweep",
            "WORK/e.toml",
            "--executor",
            "dask",
            "--scheduler",
            "tcp://:x",
            "--out",
            "WORK/o",
        ],
        small,
    )
    bad_input(
        "--engine quantum", ["ensemble", "baseline", "--engine", "quantum", "--out", "WORK/o"]
    )
    bad_input(
        "--runs 1e8 in chunks of 1",
        ["ensemble", "baseline", "--runs", "100000000", "--chunk-size", "1", "--out", "WORK/o"],
    )
    bad_input("--seed -1", ["run", "baseline", "--seed", "-1", "--out", "WORK/o"])
    bad_input("--seed too large", ["run", "baseline", "--seed", "9" * 40, "--out", "WORK/o"])
    bad_input("unknown option", ["run", "baseline", "--bogus", "--out", "WORK/o"])
    bad_input("unknown command", ["banana"])
    bad_input("--workers -3", ["sweep", "WORK/e.toml", "--workers", "-3", "--out", "WORK/o"], small)
    bad_input("--port 80", ["app", "--port", "80"])
    bad_input("--days 0", ["run", "baseline", "--days", "0", "--out", "WORK/o"])
    for garbled in ("{not json", "[]", "null", '{"fingerprint": 3}', "", "\x00" * 10):

        def setup(work: Path, garbled: str = garbled) -> None:
            (work / "r").mkdir()
            (work / "r" / "manifest.json").write_text(garbled)
            (work / "r" / "summary.parquet").write_text("x")

        bad_input(f"plot, manifest {garbled[:10]!r}", ["plot", "WORK/r"], setup)
        bad_input(f"report, manifest {garbled[:10]!r}", ["report", "WORK/r"], setup)
    bad_input("report on an empty folder", ["report", "WORK"])
    bad_input("plot on a file", ["plot", "WORK/e.toml"], small)

    for name in ("OUTSIDE/evil", "../outside/evil", "..", ".", "/", "a/../../b", "\x1b[2Jx"):
        contained(f"scenario named {name!r}", name, "run")
    for name in ("..", "."):
        contained(f"experiment named {name!r}", name, "sweep")


def free_port() -> int:
    with contextlib.closing(socket.socket()) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fault(label: str, check: Callable[[Path], bool]) -> None:
    tally["faults"] += 1
    with tempfile.TemporaryDirectory() as tmp:
        try:
            ok = check(Path(tmp))
        except Exception as error:  # a broken check is a failed fault, not a crash
            ok = False
            print(f"  {label}: {type(error).__name__}: {error}")
    if ok:
        tally["survived"] += 1
    else:
        tally["broke"].append(f"fault: {label}")
    print(f"fault {'survived' if ok else 'NOT survived'}: {label}")


def summary_of(folder: Path):
    import pandas as pd

    return pd.read_parquet(folder / "summary.parquet")


def reference(work: Path, replicates: int = 400) -> tuple[Path, object]:
    source = work / "e.toml"
    source.write_text(EXPERIMENT.format(name='"e"', replicates=replicates))
    result = escalation(
        "sweep", str(source), "--workers", "1", "--out", str(work / "ref"), cwd=work
    )
    assert result.returncode == 0, result.stderr
    return source, summary_of(work / "ref")


def same(a, b) -> bool:
    import pandas as pd

    try:
        pd.testing.assert_frame_equal(a, b, check_exact=True)
    except AssertionError:
        return False
    return True


def interrupted(how: int, executor: str = "local", group: bool = False, at: int = 20):
    def check(work: Path) -> bool:
        source, expected = reference(work, replicates=3000)
        out = work / "out"
        command = [ESCALATION, "sweep", str(source), "--workers", "2", "--out", str(out)]
        command += ["--executor", executor]
        process = subprocess.Popen(
            command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=group,
        )
        while len(list((out / "chunks").glob("p*.parquet"))) < at:
            if process.poll() is not None:
                return False
            if at == 0 and (out / ".escalation").exists():
                break
            time.sleep(0.02)
        if group:  # Ctrl-C in a terminal reaches every process of the group
            os.killpg(process.pid, how)
        else:
            process.send_signal(how)
        process.wait(60)
        again = escalation("sweep", str(source), "--workers", "2", "--out", str(out), cwd=work)
        ok = again.returncode == 0 and same(summary_of(out), expected)
        if not ok:
            lost.append(f"sweep after signal {how}")
        return ok and not list(out.rglob(".*partial*"))

    return check


def damaged(how: str) -> Callable[[Path], bool]:
    def check(work: Path) -> bool:
        source, expected = reference(work)
        out = work / "ref"
        chunks = sorted((out / "chunks").glob("p*.parquet"))
        if how == "zero bytes":
            chunks[0].write_bytes(b"")
        elif how == "truncated":
            chunks[0].write_bytes(chunks[0].read_bytes()[:500])
        elif how == "swapped":
            shutil.copy(chunks[5], chunks[0])
        elif how == "bit flip":
            data = bytearray(chunks[0].read_bytes())
            data[len(data) // 2] ^= 1
            chunks[0].write_bytes(bytes(data))
        elif how == "stray":
            shutil.copy(chunks[0], out / "chunks" / "p00000-r000000007.parquet")
        elif how == "deleted":
            chunks[3].unlink()
        elif how == "torn ledger":
            with open(out / "chunks.jsonl", "a") as ledger:
                ledger.write('{"file": "p0000')
        elif how == "no ledger":
            (out / "chunks.jsonl").unlink()
        again = escalation("sweep", str(source), "--workers", "1", "--out", str(out), cwd=work)
        ok = again.returncode == 0 and same(summary_of(out), expected)
        if how not in ("torn ledger", "deleted"):
            ok = ok and "failed verification" in again.stderr
        if not ok:
            lost.append(f"chunk {how}: {again.stderr[-200:]}")
        return ok

    return check


def report_refuses_altered_summary(work: Path) -> bool:
    reference(work)
    out = work / "ref"
    summary = summary_of(out)
    summary.loc[0, summary.columns[-1]] = 0.5
    summary.to_parquet(out / "summary.parquet")
    result = escalation("report", str(out), cwd=work)
    return (
        result.returncode == 2 and "checksum" in result.stderr and not (out / "report.md").exists()
    )


def marker_text(out: Path) -> str:
    try:
        return (out / ".escalation").read_text()
    except OSError:
        return ""


def two_sweeps(wait: bool) -> Callable[[Path], bool]:
    def check(work: Path) -> bool:
        source, expected = reference(work, replicates=1500)
        out = work / "out"
        command = [ESCALATION, "sweep", str(source), "--workers", "1", "--out", str(out)]
        command += ["--wait"] if wait else []
        first = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        while f'"pid": {first.pid}' not in marker_text(out):  # the first holds the lock
            time.sleep(0.02)
        second = subprocess.run(command, capture_output=True, text=True, timeout=300)
        first.wait(300)
        if wait:
            return (
                first.returncode == 0 and second.returncode == 0 and same(summary_of(out), expected)
            )
        return (
            first.returncode == 0
            and second.returncode == 2
            and f"in use by process {first.pid}" in second.stderr
            and same(summary_of(out), expected)
        )

    return check


def app_sigterm(work: Path) -> bool:
    port = free_port()
    process = subprocess.Popen(
        [ESCALATION, "app", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                break
        except OSError:
            time.sleep(0.3)
    process.terminate()
    process.wait(30)
    try:
        with urllib.request.urlopen(url, timeout=2):
            return False
    except OSError:
        return True


def _big_ensemble(out: Path, workers: str) -> subprocess.Popen:
    """An ensemble far too long to finish, once its first chunk (of 100 runs) has landed."""
    process = subprocess.Popen(
        [ESCALATION, "ensemble", "baseline", "--runs", "50000000", "--workers", workers,
         "--chunk-size", "100", "--out", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    while not list(out.glob(".partial-*/runs.parquet")):
        time.sleep(0.05)
    return process


def ensemble_killed(work: Path) -> bool:
    out = work / "out"
    process = _big_ensemble(out, "1")
    process.kill()
    process.wait(30)
    again = escalation(
        "ensemble", "baseline", "--runs", "50", "--workers", "1", "--out", str(out), cwd=work
    )
    return again.returncode == 0 and not list(out.glob(".partial-*"))


def ensemble_ctrl_c(work: Path) -> bool:
    out = work / "out"
    process = _big_ensemble(out, "2")
    process.send_signal(signal.SIGINT)
    process.wait(60)
    return process.returncode == 130 and not out.exists()


@contextlib.contextmanager
def tmpfs(path: Path, size: str):
    path.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], check=True)
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def full_disk_run(work: Path) -> bool:
    with tmpfs(work / "disk", "100k") as disk:
        result = escalation("run", "reassurance", "--out", str(disk / "o"), cwd=work)
        lines = result.stderr.strip().splitlines()
        return (
            result.returncode == 2
            and len(lines) == 1
            and "No space left" in lines[0]
            and not (disk / "o").exists()
        )


def full_disk_sweep_then_resume(work: Path) -> bool:
    source, expected = reference(work)
    with tmpfs(work / "disk", "900k") as disk:
        out = disk / "o"
        result = escalation("sweep", str(source), "--workers", "1", "--out", str(out), cwd=work)
        last = result.stderr.strip().splitlines()[-1]  # after the progress bar
        refused = result.returncode == 2 and last.startswith("error: ") and "No space" in last
        subprocess.run(["mount", "-o", "remount,size=50m", str(disk)], check=True)
        again = escalation("sweep", str(source), "--workers", "1", "--out", str(out), cwd=work)
        ok = refused and again.returncode == 0 and same(summary_of(out), expected)
        if not ok:
            lost.append(f"full disk sweep: {result.stderr[-200:]} / {again.stderr[-200:]}")
        return ok


def read_only(work: Path) -> bool:
    with tmpfs(work / "disk", "10m") as disk:
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        result = escalation("run", "baseline", "--days", "5", "--out", str(disk / "o"), cwd=work)
        lines = result.stderr.strip().splitlines()
        return result.returncode == 2 and len(lines) == 1 and "Read-only" in lines[0]


def stale_marker(work: Path) -> bool:
    out = work / "o"
    out.mkdir()
    (out / ".escalation").write_text('{"pid": 999999, "command": "escalation run", "since": "x"}')
    result = escalation("run", "baseline", "--days", "5", "--out", str(out), cwd=work)
    return result.returncode == 0


def lost_manifest_other_experiment(work: Path) -> bool:
    source, _ = reference(work)
    out = work / "ref"
    (out / "manifest.json").unlink()
    other = work / "other.toml"
    other.write_text(source.read_text().replace("seed = 2", "seed = 3"))
    result = escalation("sweep", str(other), "--workers", "1", "--out", str(out), cwd=work)
    fresh = escalation("sweep", str(other), "--workers", "1", "--out", str(work / "f"), cwd=work)
    ok = result.returncode == 0 == fresh.returncode and same(
        summary_of(out), summary_of(work / "f")
    )
    if not ok:
        lost.append("chunks of another experiment trusted")
    return ok


def marker_symlink(work: Path) -> bool:
    out, target = work / "o", work / "elsewhere"
    out.mkdir()
    target.write_text("not yours")
    (out / ".escalation").symlink_to(target)
    result = escalation("run", "baseline", "--days", "5", "--out", str(out), cwd=work)
    return result.returncode == 2 and target.read_text() == "not yours"


def killed_report(work: Path) -> bool:
    reference(work)
    out = work / "ref"
    process = subprocess.Popen([ESCALATION, "report", str(out)], stdout=subprocess.DEVNULL)
    time.sleep(2.5)  # mid-figures
    process.kill()
    process.wait(30)
    again = escalation("report", str(out), cwd=work)
    return (
        again.returncode == 0
        and (out / "report.md").exists()
        and not [p for p in out.rglob(".*") if p.name != ".escalation"]
    )


def dead_runs_leftovers(work: Path) -> bool:
    out = work / "o"
    assert escalation("run", "baseline", "--days", "5", "--out", str(out), cwd=work).returncode == 0
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (out / f".partial-{dead.pid}-x").mkdir()
    (out / f".partial-{dead.pid}-x" / "trajectory.parquet").write_text("half")
    again = escalation("run", "baseline", "--days", "5", "--out", str(out), cwd=work)
    return again.returncode == 0 and not list(out.glob(".partial-*"))


def faults() -> None:
    fault("kill -9 of a sweep, then resume", interrupted(signal.SIGKILL))
    fault("kill -9 of a sweep before its first chunk", interrupted(signal.SIGKILL, at=0))
    fault("Ctrl-C to the sweep's process group", interrupted(signal.SIGINT, group=True))
    fault("kill -9 of a Dask sweep, then resume", interrupted(signal.SIGKILL, "dask"))
    fault("manifest lost, another experiment", lost_manifest_other_experiment)
    fault("marker replaced by a symlink", marker_symlink)
    fault("kill -9 of report mid-figures, then again", killed_report)
    fault("leftovers of a killed run", dead_runs_leftovers)
    fault("SIGTERM of a sweep, then resume", interrupted(signal.SIGTERM))
    fault("SIGINT of a sweep, then resume", interrupted(signal.SIGINT))
    for how in (
        "zero bytes",
        "truncated",
        "swapped",
        "bit flip",
        "stray",
        "deleted",
        "torn ledger",
        "no ledger",
    ):
        fault(f"chunk {how}, then resume", damaged(how))
    fault("report on an altered summary", report_refuses_altered_summary)
    fault("two identical sweeps at once", two_sweeps(wait=False))
    fault("two identical sweeps at once with --wait", two_sweeps(wait=True))
    fault("kill -9 of an ensemble, then re-run", ensemble_killed)
    fault("Ctrl-C of an ensemble", ensemble_ctrl_c)
    fault("stale marker of a dead process", stale_marker)
    fault("SIGTERM of the app", app_sigterm)
    if os.geteuid() == 0:
        fault("full disk during run", full_disk_run)
        fault("full disk during a sweep, then resume", full_disk_sweep_then_resume)
        fault("read-only disk", read_only)
    else:
        print("(disk faults skipped: they need root for a tmpfs mount)")


if __name__ == "__main__":
    started = time.monotonic()
    inputs()
    print(
        f"inputs tried {tally['inputs']}: refused cleanly {tally['refused']}, "
        f"accepted and contained {tally['contained']}"
    )
    faults()
    print(f"faults {tally['faults']}: survived {tally['survived']}")
    print(f"broke: {len(tally['broke'])}")
    for line in tally["broke"]:
        print("  " + line)
    print(f"results lost or falsified: {len(lost)}")
    for line in lost:
        print("  " + line)
    print(f"({time.monotonic() - started:.0f} s)")
