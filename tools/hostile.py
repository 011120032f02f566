"""A hostile run (issues 11 and 22): bad inputs and machine faults against the real `escalation`.

Not a test (the suite has tests/cli/test_hardening.py, test_hostile_documents.py,
test_hostile_folders.py, test_hostile_numbers.py and test_signals.py): a tally for people, kept in
tools/. Each case is tried against every command it applies to, and ends as one of:

- clean: refused cleanly (exit 2, one line on stderr naming the problem, no traceback, nothing
  written or removed anywhere);
- harmless: accepted, with everything written inside its own folder and nothing outside, no
  traceback, no escape code printed (names that spell paths, markup in names, huge weights), or a
  fault survived with no result lost or falsified (kill -9, Ctrl-C, full disks, links planted);
- broke: anything else.

The disk faults need root (a tmpfs mount); without it they are skipped and said so. Issue 22's
cases: links and FIFOs inside results folders, tampered manifests, designs and histories, hostile
numbers, terminal text, bounded resources and signals; and issue 20's `record` and
`validate --class` with hostile classes files, class names and options.

    .venv/bin/python tools/hostile.py [--jobs 2]
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
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

ESCALATION = str(Path(sys.executable).parent / "escalation")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the suite's own fixtures and measurements (tests/)
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
from tests.cli.test_hostile_folders import CALIBRATION  # noqa: E402  (the suite's own)

CLASSES = (ROOT / "sim" / "record" / "classes.toml").read_text()
CLASS_VALIDATE = ["--class", "all", "--runs", "100", "--resamples", "100", "--workers", "1"]
SCENARIO_COMMANDS = {
    "run": ["--days", "5"],
    "ensemble": ["--runs", "50", "--days", "5", "--workers", "1"],
    "validate": ["--runs", "100", "--workers", "1"],
    "validate --class": CLASS_VALIDATE,
}
tally: dict = {"tried": 0, "clean": 0, "harmless": 0, "broke": []}
lost: list[str] = []
LOCK = threading.Lock()


def counted(outcome: str, label: str = "", why: str = "") -> None:
    """Count one case: 'clean', 'harmless' or 'broke' (with why)."""
    with LOCK:
        tally["tried"] += 1
        if outcome == "broke":
            tally["broke"].append(f"{label}: {why}")
            print(f"  broke: {label}: {why}", file=sys.stderr, flush=True)  # as it happens
        else:
            tally[outcome] += 1


def escalation(*args: str, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [ESCALATION, *args], cwd=cwd, capture_output=True, text=True, timeout=timeout
    )


def files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file() or p.is_symlink()}


def state(root: Path) -> dict[str, object]:
    """Every entry under root, links not followed: a file's size and mtime, a link's target."""
    found: dict[str, object] = {}
    for path in root.rglob("*"):
        info = path.lstat()
        link = os.readlink(path) if path.is_symlink() else None
        if path.name == ".escalation" and not link:  # names the lock's holder: left out
            found[str(path.relative_to(root))] = "marker"
            continue
        found[str(path.relative_to(root))] = (info.st_mode, info.st_size, info.st_mtime_ns, link)
    return found


INERT = ("\x1b", "\x07", "\u202e", "\x00")


@contextlib.contextmanager
def case(args: list[str], setup: Callable[[Path], None] | None, timeout: float):
    """Run `escalation ARGS` (WORK standing for a fresh working folder, made by `setup`);
    yield the folder, what was in it before, and the result. TimeoutExpired if it hangs."""
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if setup:
            setup(work)
        before = state(work)
        command = [a.replace("WORK", str(work)) for a in args]
        yield work, before, escalation(*command, cwd=work, timeout=timeout)


def bad_input(
    label: str,
    args: list[str],
    setup: Callable[[Path], None] | None = None,
    words: str = "",
    timeout: float = 120,
) -> None:
    """Refused cleanly: exit 2, one line (naming `words`), no traceback, nothing written or
    removed anywhere under the working folder (nor at a link's target outside the folder
    given, which lives there too)."""
    try:
        with case(args, setup, timeout) as (work, before, result):
            lines = result.stderr.strip().splitlines()
            kept = state(work) == before
            ok = (
                result.returncode == 2
                and len(lines) == 1
                and lines[0].startswith("error: ")
                and words in lines[0]
                and "Traceback" not in result.stderr
                and not any(c in result.stdout + result.stderr for c in INERT)
                and kept
            )
    except subprocess.TimeoutExpired:
        counted("broke", label, "hung")
        return
    if ok:
        counted("clean")
    else:
        why = f"exit {result.returncode}: {result.stderr[-300:]!r}"
        counted("broke", label, why + ("" if kept else " (wrote or removed)"))


def harmless(
    label: str,
    args: list[str],
    setup: Callable[[Path], None] | None = None,
    check: Callable[[Path, subprocess.CompletedProcess], bool] | None = None,
    home: str = "WORK/o",
    timeout: float = 300,
) -> None:
    """Accepted (or refused cleanly), with everything written under `home` and nothing
    changed elsewhere in the working folder, no traceback, no escape code printed, and
    `check` true of the result."""
    try:
        with case(args, setup, timeout) as (work, before, result):
            inside = Path(home.replace("WORK", str(work)))
            after = state(work)
            changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
            outside = [k for k in changed if not Path(work, k).is_relative_to(inside)]
            ok = (
                result.returncode in (0, 2)
                and "Traceback" not in result.stderr
                and not any(c in result.stdout + result.stderr for c in INERT)
                and not outside
                and (result.returncode == 2 or check is None or check(work, result))
            )
            if result.returncode == 2:
                ok = ok and len(result.stderr.strip().splitlines()) == 1 and not changed
    except subprocess.TimeoutExpired:
        counted("broke", label, "hung")
        return
    if ok:
        counted("harmless" if result.returncode == 0 else "clean")
    else:
        why = f"exit {result.returncode}: {result.stderr[-300:]!r}; outside: {outside[:3]}"
        counted("broke", label, why)


def contained(label: str, name: str, command: str) -> None:
    """A name spelling a path: accepted, but everything is written under results/."""
    with tempfile.TemporaryDirectory() as tmp:
        work, outside = Path(tmp, "work"), Path(tmp, "outside")
        work.mkdir()
        name = name.replace("OUTSIDE", str(outside))
        source = work / "doc.toml"
        named = BASELINE.replace('name = "baseline"', f"name = {json.dumps(name)}", 1)
        if command == "sweep":
            source.write_text(EXPERIMENT.format(name=json.dumps(name), replicates=10))
            result = escalation("sweep", str(source), "--workers", "1", cwd=work)
        elif command == "calibrate":
            source.write_text(CALIBRATION.replace('name = "tiny"', f"name = {json.dumps(name)}"))
            result = escalation("calibrate", str(source), "--workers", "1", cwd=work)
        else:
            source.write_text(named)
            options = {
                "run": ["--days", "5"],
                "ensemble": ["--runs", "50", "--days", "5", "--workers", "1"],
                "validate": ["--runs", "100", "--workers", "1"],
                "validate --class": CLASS_VALIDATE,
            }[command]
            result = escalation(command.split()[0], str(source), *options, cwd=work)
        written = files(work) - {source}
        if (
            result.returncode in (0, 2)
            and not outside.exists()
            and all(p.is_relative_to(work / "results") for p in written)
            and "Traceback" not in result.stderr
            and not any(c in result.stdout + result.stderr for c in INERT)
        ):
            counted("harmless" if result.returncode == 0 else "clean")
        else:
            counted("broke", label, f"{result.returncode} {result.stderr[-300:]!r}")


def write(name: str, text: str | bytes) -> Callable[[Path], None]:
    def setup(work: Path) -> None:
        path = work / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text)

    return setup


def replaced(text: str, old: str, new: str) -> str:
    """`text` with its first `old` made `new` (which must be there)."""
    assert old in text, old
    return text.replace(old, new, 1)


def scenario_with(old: str, new: str) -> str:
    return replaced(BASELINE, old, new)


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
    scenario_cases["reactivity 2"] = scenario_with(
        "resolve = 0.7", "resolve = 0.7\nreactivity = 2.0"
    )
    scenario_cases["days 36,501"] = scenario_with("[world]", "[world]\ndays = 36501")
    scenario_cases["markup in a wrong value"] = scenario_with("resolve = 0.7", 'resolve = "[/]"')

    def fifo(work: Path) -> None:
        os.mkfifo(work / "pipe.toml")

    for command, options in SCENARIO_COMMANDS.items():
        verb = command.split()[0]  # "validate --class": validate, its options after the file
        for label, text in scenario_cases.items():
            bad_input(
                f"{command}: scenario {label}",
                [verb, "WORK/s.toml", *options, "--out", "WORK/o"],
                write("s.toml", text),
            )
        bad_input(
            f"{command}: scenario not UTF-8",
            [verb, "WORK/s.toml", *options, "--out", "WORK/o"],
            write("s.toml", b"name = '\xff'"),
        )
        bad_input(
            f"{command}: scenario a FIFO",
            [verb, "WORK/pipe.toml", *options, "--out", "WORK/o"],
            fifo,
        )
        for device in ("/dev/zero", "/dev/urandom", "/dev/null", "/proc/self/environ"):
            bad_input(f"{command}: scenario {device}", [verb, device, *options, "--out", "WORK/o"])
        bad_input(f"{command}: scenario a folder", [verb, "WORK", *options, "--out", "WORK/o"])
        bad_input(
            f"{command}: scenario missing", [verb, "WORK/none.toml", *options, "--out", "WORK/o"]
        )
        bad_input(
            f"{command}: scenario name too long for a path",
            [verb, "x" * 5000, *options, "--out", "WORK/o"],
        )

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

    names = ("OUTSIDE/evil", "../outside/evil", "..", ".", "/", "a/../../b", "\x1b[2Jx", "[/]",
             "[bold red]x[/]\x07")  # fmt: skip
    for command in ("run", "ensemble", "validate", "validate --class"):
        for name in names:
            contained(f"{command}: scenario named {name!r}", name, command)
    for name in ("..", ".", "[/]", "\x1b]0;owned\x07"):
        contained(f"sweep: experiment named {name!r}", name, "sweep")
    for name in ("..", "[/]\x1b[31m", "OUTSIDE/evil"):
        contained(f"calibrate: calibration named {name!r}", name, "calibrate")


def free_port() -> int:
    with contextlib.closing(socket.socket()) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fault(label: str, check: Callable[[Path], bool]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        try:
            ok = check(Path(tmp))
        except Exception as error:  # a broken check is a failed fault, not a crash
            ok = False
            print(f"  {label}: {type(error).__name__}: {error}")
    counted("harmless" if ok else "broke", f"fault: {label}", "not survived")
    print(f"fault {'survived' if ok else 'NOT survived'}: {label}", flush=True)


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
            preexec_fn=default_ctrl_c,
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
        preexec_fn=default_ctrl_c,
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


# --------------------------------------------------------------------------- issue 22's inputs


def calibration_with(old: str, new: str) -> str:
    return replaced(CALIBRATION, old, new)


PATTERNS = """kind = "patterns"
[[patterns]]
name = "x"
description = "d"
quantity = "nuclear_use"
target = { low = 0.0, high = 0.1 }
source = "a source"
confidence = "low"
"""


def patterns_with(old: str, new: str) -> str:
    return replaced(PATTERNS, old, new)


def calibration_inputs() -> None:
    """Bad calibration files, through `calibrate` (and its patterns file)."""
    cases = {
        "wrong type": calibration_with("runs = 10", 'runs = "ten"'),
        "runs 0": calibration_with("runs = 10", "runs = 0"),
        "runs a billion": calibration_with("runs = 10", "runs = 1000000000"),
        "population 1": calibration_with("population = 5", "population = 1"),
        "population huge": calibration_with("population = 5", "population = 10000000"),
        "generations 0": calibration_with("generations = 1", "generations = 0"),
        "generations 1000": calibration_with("generations = 1", "generations = 1000"),
        "tolerance nan": calibration_with("seed = 3", "seed = 3\ntolerance = nan"),
        "tolerance negative": calibration_with("seed = 3", "seed = 3\ntolerance = -1.0"),
        "days 0": calibration_with("days = 30", "days = 0"),
        "days huge": calibration_with("days = 30", "days = 100000"),
        "seed negative": calibration_with("seed = 3", "seed = -3"),
        "seed 2**70": calibration_with("seed = 3", f"seed = {2**70}"),
        "predictive draws 0": calibration_with("predictive_draws = 1", "predictive_draws = 0"),
        "unknown key": calibration_with("seed = 3", "seed = 3\nseeds = 4"),
        "kind experiment": calibration_with('kind = "calibration"', 'kind = "experiment"'),
        "no parameters": CALIBRATION.split("[[parameters]]")[0],
        "21 parameters": CALIBRATION
        + "".join(
            f'\n[[parameters]]\npath = "world.war_cost"\nlow = {i}.0\nhigh = {i + 1}.0\n'
            for i in range(20)
        ),
        "repeated parameter": CALIBRATION + '\n[[parameters]]\npath = "world.war_cost"\n'
        "low = 2.0\nhigh = 3.0\n",
        "bad path": calibration_with("world.war_cost", "world.war_costs"),
        "path to a name": calibration_with("world.war_cost", "challenger.name"),
        "low above high": calibration_with("low = 2.0", "low = 40.0"),
        "low nan": calibration_with("low = 2.0", "low = nan"),
        "high inf": calibration_with("high = 30.0", "high = inf"),
        "high out of the scenario's range": calibration_with("high = 30.0", "high = 1e9"),
        "log-uniform from 0": calibration_with("low = 2.0", 'prior = "log-uniform"\nlow = 0.0'),
        "beta without a": calibration_with("low = 2.0", 'prior = "beta"\nb = 2.0\nlow = 2.0'),
        "beta a = b = 1e-300": calibration_with(
            "low = 2.0", 'prior = "beta"\na = 1e-300\nb = 1e-300\nlow = 2.0'
        ),
        "beta a = b = 1e308": calibration_with(
            "low = 2.0", 'prior = "beta"\na = 1e308\nb = 1e308\nlow = 2.0'
        ),
        "prior banana": calibration_with("low = 2.0", 'prior = "banana"\nlow = 2.0'),
        "scenario missing": calibration_with('scenario = "baseline"', 'scenario = "nowhere"'),
        "scenario a FIFO": calibration_with('scenario = "baseline"', 'scenario = "pipe.toml"'),
        "scenario /dev/zero": calibration_with('scenario = "baseline"', 'scenario = "/dev/zero"'),
        "patterns missing": calibration_with("seed = 3", 'seed = 3\npatterns = "none.toml"'),
        "patterns a FIFO": calibration_with("seed = 3", 'seed = 3\npatterns = "pipe.toml"'),
        "patterns trials 10**400": calibration_with("seed = 3", 'seed = 3\npatterns = "p.toml"'),
        "fit unknown": calibration_with('fit = ["no-nuclear-use"]', 'fit = ["nope"]'),
        "fit empty": calibration_with('fit = ["no-nuclear-use"]', "fit = []"),
        "name empty": calibration_with('name = "tiny"', 'name = ""'),
        "name 101 characters": calibration_with('name = "tiny"', 'name = "' + "n" * 101 + '"'),
        "deep nesting": CALIBRATION + "x = " + "[" * 5000 + "]" * 5000 + "\n",
        "over 1 MB": CALIBRATION + "#" * 1_100_000,
        "not TOML": "this is { not toml",
    }
    for label, text in cases.items():

        def setup(work: Path, text: str = text) -> None:
            (work / "c.toml").write_text(text)
            os.mkfifo(work / "pipe.toml")
            trials = "{ events = 0, trials = 1" + "0" * 400 + " }"
            (work / "p.toml").write_text(patterns_with("{ low = 0.0, high = 0.1 }", trials))

        bad_input(f"calibrate: {label}", ["calibrate", "WORK/c.toml", "--out", "WORK/o"], setup)
    bad_input(
        "calibrate: not UTF-8", ["calibrate", "WORK/c.toml"], write("c.toml", b"name = '\xff'")
    )
    bad_input("calibrate: /dev/zero", ["calibrate", "/dev/zero", "--out", "WORK/o"])
    bad_input("calibrate: missing", ["calibrate", "WORK/none.toml", "--out", "WORK/o"])
    small = write("c.toml", CALIBRATION)
    bad_input("calibrate: --executor ray", ["calibrate", "WORK/c.toml", "--executor", "ray"], small)
    bad_input(
        "calibrate: unreachable scheduler",
        ["calibrate", "WORK/c.toml", "--executor", "dask", "--scheduler",
         f"tcp://127.0.0.1:{free_port()}", "--out", "WORK/o"],
        small,
    )  # fmt: skip


def pattern_inputs() -> None:
    """Bad patterns files, through `validate --patterns`."""
    cases = {
        "no source": patterns_with('source = "a source"\n', ""),
        "short source": patterns_with('source = "a source"', 'source = "x"'),
        "unknown quantity": patterns_with('"nuclear_use"', '"nuclear_uses"'),
        "trials 10**400": patterns_with(
            "{ low = 0.0, high = 0.1 }", "{ events = 0, trials = 1" + "0" * 400 + " }"
        ),
        "trials 10**10": patterns_with(
            "{ low = 0.0, high = 0.1 }", "{ events = 0, trials = 10000000000 }"
        ),
        "events above trials": patterns_with(
            "{ low = 0.0, high = 0.1 }", "{ events = 5, trials = 4 }"
        ),
        "low above high": patterns_with("{ low = 0.0, high = 0.1 }", "{ low = 0.2, high = 0.1 }"),
        "two forms": patterns_with(
            "{ low = 0.0, high = 0.1 }", "{ low = 0.0, high = 0.1, value = 0.1, uncertainty = 0.1 }"
        ),
        "half a form": patterns_with("{ low = 0.0, high = 0.1 }", "{ low = 0.0 }"),
        "low nan": patterns_with("{ low = 0.0, high = 0.1 }", "{ low = nan, high = 0.1 }"),
        "high inf": patterns_with("{ low = 0.0, high = 0.1 }", "{ low = 0.0, high = inf }"),
        "low -1e308": patterns_with("{ low = 0.0, high = 0.1 }", "{ low = -1e308, high = 1e308 }"),
        "uncertainty 1e300": patterns_with(
            "{ low = 0.0, high = 0.1 }", "{ value = 0.1, uncertainty = 1e300 }"
        ),
        "name with a slash": patterns_with('name = "x"', 'name = "../x"'),
        "name with escapes": patterns_with('name = "x"', 'name = "\\u001b[31m"'),
        "confidence banana": patterns_with('confidence = "low"', 'confidence = "banana"'),
        "repeated name": PATTERNS + PATTERNS.split("\n", 1)[1],
        "no patterns": 'kind = "patterns"\n',
        "kind scenario": patterns_with('kind = "patterns"', 'kind = "scenario"'),
        "applies to nothing": patterns_with('quantity = "nuclear_use"',
                                            'quantity = "nuclear_use"\napplies_to = ["korea"]'),
        "deep nesting": PATTERNS + "x = " + "[" * 5000 + "]" * 5000 + "\n",
        "over 1 MB": PATTERNS + "#" * 1_100_000,
    }  # fmt: skip
    for label, text in cases.items():
        bad_input(
            f"validate: patterns {label}",
            ["validate", "baseline", "--patterns", "WORK/p.toml", "--runs", "100", "--out",
             "WORK/o"],
            write("p.toml", text),
        )  # fmt: skip

    def fifo(work: Path) -> None:
        os.mkfifo(work / "pipe.toml")

    bad_input(
        "validate: patterns a FIFO",
        ["validate", "baseline", "--patterns", "WORK/pipe.toml", "--out", "WORK/o"],
        fifo,
    )
    bad_input(
        "validate: patterns /dev/zero",
        ["validate", "baseline", "--patterns", "/dev/zero", "--out", "WORK/o"],
    )


def posterior_file(table: dict, made: object = None, name: str = "p.parquet"):
    """A setup writing a posterior file (columns to values, and a provenance)."""

    def setup(work: Path) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        arrow = pa.table(table)
        if made is not None:
            arrow = arrow.replace_schema_metadata({b"escalation": json.dumps(made).encode()})
        path = work / name
        path.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(arrow, path)

    return setup


def posterior_inputs() -> None:
    """Bad and extreme posterior samples, through `ensemble --posterior`."""
    command = ["ensemble", "baseline", "--posterior", "WORK/p.parquet", "--runs", "1000",
               "--days", "5", "--workers", "1", "--out", "WORK/o"]  # fmt: skip
    good = {"world.war_cost": [3.0, 5.0], "weight": [1.0, 1.0]}
    cases = {
        "no weight": {"world.war_cost": [3.0]},
        "only weight": {"weight": [1.0]},
        "nan value": {"world.war_cost": [float("nan")], "weight": [1.0]},
        "inf value": {"world.war_cost": [float("inf")], "weight": [1.0]},
        "inf weight": {"world.war_cost": [3.0], "weight": [float("inf")]},
        "negative weight": {"world.war_cost": [3.0, 4.0], "weight": [1.0, -1.0]},
        "all weights 0": {"world.war_cost": [3.0], "weight": [0.0]},
        "text column": {"world.war_cost": ["three"], "weight": [1.0]},
        "unknown path": {"world.war_costs": [3.0], "weight": [1.0]},
        "value out of range": {"world.war_cost": [3.0, 1e9], "weight": [1.0, 1.0]},
        "resolve 1.5": {"challenger.resolve": [0.5, 1.5], "weight": [1.0, 1.0]},
        "a switch at 0.5": {"mechanisms.missteps": [0.5], "weight": [1.0]},
        "markup column": {"[/]": [1.0], "weight": [1.0]},
        "empty": {"world.war_cost": [], "weight": []},
    }
    for label, table in cases.items():
        bad_input(f"ensemble --posterior: {label}", command, posterior_file(table))
    for label, made in {
        "provenance scenario a number": {"scenario": 3},
        "provenance scenario null": {"scenario": None},
        "provenance scenario a list": {"scenario": ["baseline"]},
        "provenance days text": {"scenario": "baseline", "days": "ten"},
        "provenance of another scenario": {"scenario": "korea"},
    }.items():
        bad_input(f"ensemble --posterior: {label}", command, posterior_file(good, made))
    for label, setup in {
        "not Parquet": write("p.parquet", "PAR1 not parquet"),
        "empty file": write("p.parquet", ""),
        "a folder": lambda work: (work / "p.parquet").mkdir(),
        "a FIFO": lambda work: os.mkfifo(work / "p.parquet"),
        "missing": None,
    }.items():
        bad_input(f"ensemble --posterior: {label}", command, setup)
    bad_input("ensemble --posterior: /dev/zero",
              [*command[:3], "/dev/zero", *command[4:]])  # fmt: skip
    few = [*command[:5], "999", *command[6:]]
    bad_input("ensemble --posterior: too few runs", few, posterior_file(good))
    bad_input("ensemble --posterior on the agent engine", [*command, "--engine", "agent"],
              posterior_file(good))  # fmt: skip
    harmless(
        "ensemble --posterior: weights of 1e308",
        command,
        posterior_file({"world.war_cost": [3.0, 5.0], "weight": [1e308, 1e308]}),
    )
    harmless(
        "ensemble --posterior: 200,000 rows",
        command,
        posterior_file(
            {"world.war_cost": [3.0 + (i % 7) for i in range(200_000)], "weight": [1.0] * 200_000}
        ),
    )
    marked = [*command[:3], "WORK/[/]\x1b[31m/p.parquet", *command[4:]]
    harmless(
        "ensemble --posterior: markup and escapes in its path",
        marked,
        posterior_file(good, name="[/]\x1b[31m/p.parquet"),
        check=lambda work, result: "[/]?[31m" in result.stdout,
    )


SWEEP_TEMPLATE: list[Path] = []
STRAY = "p00009-r000000000.parquet"  # a chunk of a point the sweep does not have


def sweep_template() -> Path:
    """A finished small sweep, made once, for the results-folder cases to copy."""
    if not SWEEP_TEMPLATE:
        root = Path(tempfile.mkdtemp(prefix="hostile-sweep-"))
        source = root / "e.toml"
        source.write_text(EXPERIMENT.format(name='"e"', replicates=10))
        result = escalation("sweep", str(source), "--workers", "1", "--out", str(root / "r"),
                            cwd=root)  # fmt: skip
        assert result.returncode == 0, result.stderr
        SWEEP_TEMPLATE.append(root / "r")
    return SWEEP_TEMPLATE[0]


def swept(change: Callable[[Path], None] | None = None) -> Callable[[Path], None]:
    """A setup: the finished sweep copied to WORK/r, then changed."""

    def setup(work: Path) -> None:
        shutil.copytree(sweep_template(), work / "r", symlinks=True)
        (work / "e.toml").write_text(EXPERIMENT.format(name='"e"', replicates=10))
        (work / "outside").mkdir()
        if change:
            change(work / "r")

    return setup


def edit_manifest(key: str, value: object) -> Callable[[Path], None]:
    def change(r: Path) -> None:
        manifest = json.loads((r / "manifest.json").read_text())
        manifest[key] = value
        (r / "manifest.json").write_text(json.dumps(manifest))

    return change


def linked(name: str, folder: bool = False) -> Callable[[Path], None]:
    """Replace r/name with a link to a copy of it outside the folder."""

    def change(r: Path) -> None:
        target = r.parent / "outside" / Path(name).name
        if (r / name).exists():
            shutil.move(r / name, target)
        elif folder:
            target.mkdir()
        (r / name).symlink_to(target)

    return change


def results_folder_inputs() -> None:
    """Tampered, linked and odd results folders, through every command that reads a sweep."""

    def replicates_edited(r: Path) -> None:
        text = (r / "manifest.json").read_text()
        (r / "manifest.json").write_text(text.replace("replicates = 10", "replicates = 11"))

    def first_chunk(r: Path) -> Path:
        return sorted((r / "chunks").glob("p*.parquet"))[0]

    changes: dict[str, Callable[[Path], None]] = {
        "manifest edited (replicates 10 to 11)": replicates_edited,
        "manifest without its checksum": edit_manifest("checksum", None),
        "manifest's fingerprint changed": edit_manifest("fingerprint", "0" * 64),
        "manifest's summary checksum changed": edit_manifest("summary_sha256", "0" * 64),
        "manifest a link": linked("manifest.json"),
        "summary a link": linked("summary.parquet"),
        "design a link": linked("points.parquet"),
        "ledger a link": linked("chunks.jsonl"),
        "figures a link": linked("figures", folder=True),
        "chunks a link": linked("chunks", folder=True),
        "manifest a FIFO": lambda r: ((r / "manifest.json").unlink(),
                                      os.mkfifo(r / "manifest.json")),
        "a FIFO in figures": lambda r: ((r / "figures").mkdir(), os.mkfifo(r / "figures" / "x")),
        "design corrupt": lambda r: (r / "points.parquet").write_bytes(b"PAR1 junk"),
        "design replaced": lambda r: shutil.copy(r / "summary.parquet", r / "points.parquet"),
        "summary corrupt": lambda r: (r / "summary.parquet").write_bytes(b"junk"),
        "a chunk missing": lambda r: first_chunk(r).unlink(),
        "a chunk edited": lambda r: first_chunk(r).write_bytes(first_chunk(r).read_bytes()[:-9]),
        "a stray chunk": lambda r: shutil.copy(first_chunk(r), r / "chunks" / STRAY),
        "marker missing": lambda r: (r / ".escalation").unlink(),
        "marker a link": lambda r: ((r / ".escalation").unlink(),
                                    (r / ".escalation").symlink_to(r.parent / "e.toml")),
        "manifest 60 MB": lambda r: (r / "manifest.json").write_text(" " * 60_000_000),
    }  # fmt: skip
    commands = {
        "report": ["report", "WORK/r"],
        "plot": ["plot", "WORK/r"],
        "discover": ["discover", "WORK/r", "--outcome", "escalated"],
        "export-ema": ["export-ema", "WORK/r"],
    }
    for label, change in changes.items():
        for command, args in commands.items():
            bad_input(f"{command}: {label}", args, swept(change))
    for command, args in commands.items():
        bad_input(f"{command}: not a sweep's folder", [args[0], "WORK", *args[2:]])
        bad_input(f"{command}: a file", [args[0], "WORK/e.toml", *args[2:]], write("e.toml", "x"))
        bad_input(f"{command}: missing folder", [args[0], "WORK/none", *args[2:]])
    for option in (["--outcome", "wars"], ["--outcome", "escalated", "--method", "svm"],
                   ["--outcome", "escalated", "--boxes", "0"],
                   ["--outcome", "escalated", "--min-coverage", "2"]):  # fmt: skip
        bad_input(f"discover: {' '.join(option)}", ["discover", "WORK/r", *option], swept())
    bad_input("export-ema: --per day", ["export-ema", "WORK/r", "--per", "day"], swept())
    for label, change in {
        "sweep resumed into an edited manifest": replicates_edited,
        "sweep resumed with a linked ledger": lambda r: (linked("chunks.jsonl")(r),
                                                         first_chunk(r).unlink()),
        "sweep resumed with linked chunks": linked("chunks", folder=True),
        "sweep resumed with a FIFO manifest": lambda r: ((r / "manifest.json").unlink(),
                                                         os.mkfifo(r / "manifest.json")),
    }.items():  # fmt: skip
        bad_input(label, ["sweep", "WORK/e.toml", "--workers", "1", "--out", "WORK/r"],
                  swept(change))  # fmt: skip
    harmless(
        "report on the sweep as written",
        ["report", "WORK/r"],
        swept(),
        check=lambda work, result: (
            "3 points × 10 replicates = 30 runs" in (work / "r" / "report.md").read_text()
        ),
        home="WORK/r",
    )


def output_folder_inputs() -> None:
    """Output folders holding links, FIFOs and foreign files, for every command that writes."""
    commands = {
        "run": ["run", "baseline", "--days", "5"],
        "ensemble": ["ensemble", "baseline", "--runs", "50", "--days", "5", "--workers", "1"],
        "validate": ["validate", "baseline", "--runs", "100", "--workers", "1"],
        "sweep": ["sweep", "WORK/e.toml", "--workers", "1"],
        "calibrate": ["calibrate", "WORK/c.toml", "--workers", "1"],
        "record": ["record", "--resamples", "100"],
        "validate --class": ["validate", "baseline", *CLASS_VALIDATE],
    }
    dead = 2**22 + 12345  # above Linux's default pid_max: no process has it

    def folder_with(change: Callable[[Path], None]) -> Callable[[Path], None]:
        def setup(work: Path) -> None:
            (work / "e.toml").write_text(EXPERIMENT.format(name='"e"', replicates=10))
            (work / "c.toml").write_text(CALIBRATION)
            (work / "o").mkdir()
            (work / "o" / ".escalation").write_text("")
            (work / "outside").mkdir()
            (work / "outside" / f".partial-{dead}-x").mkdir()
            (work / "outside" / f".notes.{dead}.partial").write_text("not scratch of ours")
            change(work / "o")

        return setup

    def link(name: str, to: str = "outside") -> Callable[[Path], None]:
        return lambda o: (o / name).symlink_to(o.parent / to)

    changes: dict[str, Callable[[Path], None]] = {
        "chunks a link": link("chunks"),
        "figures a link": link("figures"),
        "history.db a dangling link": link("history.db", "outside/h.db"),
        "chunks.jsonl a link": link("chunks.jsonl", "e.toml"),
        "a result file a link": link("runs.parquet", "e.toml"),
        "timeline.txt a link": link("timeline.txt", "e.toml"),
        "a FIFO": lambda o: os.mkfifo(o / "calibration.json"),
        "a FIFO in chunks": lambda o: ((o / "chunks").mkdir(), os.mkfifo(o / "chunks" / "x")),
        "marker a link": lambda o: ((o / ".escalation").unlink(),
                                    (o / ".escalation").symlink_to(o.parent / "e.toml")),
        "a user's own file": lambda o: ((o / ".escalation").unlink(),
                                        (o / "notes.txt").write_text("mine")),
    }  # fmt: skip
    for label, change in changes.items():
        for command, args in commands.items():
            bad_input(f"{command}: --out with {label}", [*args, "--out", "WORK/o"],
                      folder_with(change))  # fmt: skip


def option_inputs() -> None:
    """Out-of-range and unknown options, command by command."""
    cases = {
        "ensemble --runs 0": ["ensemble", "baseline", "--runs", "0"],
        "ensemble --runs 10**9": ["ensemble", "baseline", "--runs", "1000000000"],
        "ensemble --chunk-size 0": ["ensemble", "baseline", "--chunk-size", "0"],
        "ensemble --days 36,501": ["ensemble", "baseline", "--days", "36501"],
        "ensemble --seed nan": ["ensemble", "baseline", "--seed", "nan"],
        "validate --runs 99": ["validate", "baseline", "--runs", "99"],
        "validate --workers 1025": ["validate", "baseline", "--workers", "1025"],
        "sweep --workers -1": ["sweep", "troops_threat", "--workers", "-1"],
        "sweep --executor spark": ["sweep", "troops_threat", "--executor", "spark"],
        "calibrate --workers x": ["calibrate", "reassurance", "--workers", "x"],
        "run --days -5": ["run", "baseline", "--days", "-5"],
        "run --seed 2**64": ["run", "baseline", "--seed", str(2**64)],
        "app --port 70000": ["app", "--port", "70000"],
        "an option twice over": ["run", "baseline", "--seed"],
        "no command": ["--bogus"],
    }
    for label, args in cases.items():
        bad_input(label, [*args, "--out", "WORK/o"] if args[0] not in ("app", "--bogus") else args)
    harmless(
        "ensemble --workers 1024 (capped, said so)",
        ["ensemble", "baseline", "--runs", "50", "--days", "5", "--workers", "1024", "--out",
         "WORK/o"],
        check=lambda work, result: "is more than this machine can run" in result.stderr,
    )  # fmt: skip


def issue22_inputs() -> None:
    calibration_inputs()
    pattern_inputs()
    posterior_inputs()
    results_folder_inputs()
    output_folder_inputs()
    option_inputs()


def history_inputs() -> None:
    """Histories a calibration cannot trust, each refused before the first simulation."""
    import contextlib
    import sqlite3

    def folder(work: Path) -> Path:
        (work / "c.toml").write_text(CALIBRATION)
        (work / "o").mkdir()
        (work / "o" / ".escalation").write_text("")
        return work / "o" / "history.db"

    def foreign(work: Path) -> None:
        with contextlib.closing(sqlite3.connect(folder(work))) as db:
            db.execute("create table songs (title text)")
            db.commit()

    def fingerprinted(database: Path, fingerprint: str) -> None:
        """A history whose run carries `fingerprint`, as pyabc stores its meta_info."""
        from sim.record.history import stamp

        with contextlib.closing(sqlite3.connect(database)) as db:
            db.execute("create table abc_smc (id integer primary key, json_parameters text)")
            db.execute(
                "insert into abc_smc (json_parameters) values (?)", (str(stamp(fingerprint)),)
            )
            db.commit()

    def another(work: Path) -> None:
        fingerprinted(folder(work), "0" * 64)

    def garbage(work: Path) -> None:
        folder(work).write_bytes(b"no database" * 1000)

    def huge_manifest(work: Path) -> None:
        from sim.record.calibrate import load_calibration

        fingerprinted(folder(work), load_calibration(work / "c.toml").fingerprint)
        with open(work / "o" / "calibration.json", "wb") as handle:
            handle.truncate(1_000_000_000)  # sparse: a gigabyte that takes no room

    def edited_manifest(work: Path) -> None:
        from sim.record.calibrate import load_calibration

        fingerprinted(folder(work), load_calibration(work / "c.toml").fingerprint)
        (work / "o" / "calibration.json").write_text('{"fingerprint": "x", "checksum": "y"}')

    command = ["calibrate", "WORK/c.toml", "--workers", "1", "--out", "WORK/o"]
    for label, setup, words in (
        ("a foreign SQLite file as history", foreign, "no calibration fingerprint"),
        ("another calibration's history", another, "another calibration"),
        ("a history that is no database", garbage, "not a calibration history"),
        ("a 1 GB calibration.json beside the history", huge_manifest, "larger than the limit"),
        ("an edited calibration.json beside the history", edited_manifest, "calibration.json"),
    ):
        started = time.monotonic()
        bad_input(f"calibrate: {label}", command, setup, words=words, timeout=60)
        if time.monotonic() - started > 30:
            counted("broke", f"calibrate: {label}", "refused only after 30 s")


def runaway_inputs() -> None:
    """A valid scenario whose hostility runs out of the finite range."""
    text = BASELINE.replace("[world]", "[world]\ndays = 3650", 1).replace(
        "[[actors]]", "[[actors]]\nreactivity = 1.0\nrestraint = 0.0"
    )
    for command, options in SCENARIO_COMMANDS.items():
        bad_input(
            f"{command}: a scenario whose hostility leaves the finite range",
            [command.split()[0], "WORK/s.toml", *[o for o in options if o != "5" and o != "--days"],
             "--out", "WORK/o"],
            write("s.toml", text),
            words="finite range",
        )  # fmt: skip


def classes_with(old: str, new: str) -> str:
    return replaced(CLASSES, old, new)


def record_inputs() -> None:
    """Bad classes files, classes and options, through `record` and `validate --class` (issue
    20's commands): each refused in one line before anything is run or written."""
    first = 'name = "all"\ntitle = "All disputes, 1816-2010"'
    cases = {
        "not TOML": "this is { not toml",
        "empty file": "",
        "binary": "\x00\x01garbage",
        "kind scenario": classes_with('kind = "reference-classes"', 'kind = "scenario"'),
        "kind missing": classes_with('kind = "reference-classes"\n', ""),
        "unknown key": classes_with(first, first + "\nera = 3"),
        "name with a slash": classes_with('name = "all"', 'name = "../all"'),
        "name with escapes": classes_with('name = "all"', 'name = "\\u001b[31m"'),
        "name with markup": classes_with('name = "all"', 'name = "[/]"'),
        "61-character name": classes_with('name = "all"', 'name = "' + "a" * 61 + '"'),
        "title of 201 characters": classes_with(
            'title = "All disputes, 1816-2010"', 'title = "' + "t" * 201 + '"'
        ),
        "short defence": classes_with(first, first + '\ndefence = "x"').replace(
            'defence = "The widest', 'other = "The widest', 1
        ),
        "from_year nan": classes_with(first, first + "\nfrom_year = nan"),
        "from_year 1e308": classes_with(first, first + "\nfrom_year = 1e308"),
        "from_year 10**400": classes_with(first, first + "\nfrom_year = 1" + "0" * 400),
        "from_year 1815": classes_with(first, first + "\nfrom_year = 1815"),
        "involving 10**400": classes_with(first, first + "\ninvolving = [1" + "0" * 400 + "]"),
        "to_year before from_year": classes_with(
            first, first + "\nfrom_year = 2000\nto_year = 1900"
        ),
        "nuclear_armed banana": classes_with(first, first + '\nnuclear_armed = "banana"'),
        "involving empty": classes_with(first, first + "\ninvolving = []"),
        "involving a string": classes_with(first, first + '\ninvolving = ["365"]'),
        "involving 201 states": classes_with(first, first + f"\ninvolving = {list(range(201))}"),
        "nuclear state ccode 0": classes_with("ccode = 2\n", "ccode = 0\n"),
        "nuclear state until before since": classes_with(
            "since = 1945\n", "since = 1945\nuntil = 1900\n"
        ),
        "nuclear state repeated": classes_with("ccode = 365", "ccode = 2"),
        "class repeated": classes_with('name = "since-1946"', 'name = "all"'),
        "no classes": CLASSES.split("[[classes]]")[0],
        "101 classes": CLASSES
        + "".join(
            f'[[classes]]\nname = "c{i}"\ntitle = "t"\ndefence = "{"d" * 30}"\n' for i in range(95)
        ),
        "deep nesting": CLASSES + "x = " + "[" * 5000 + "]" * 5000 + "\n",
        "over 1 MB": CLASSES + "#" * 1_100_000,
    }  # fmt: skip
    commands = {
        "record": ["record", "--resamples", "100", "--out", "WORK/o"],
        "validate --class": ["validate", "baseline", *CLASS_VALIDATE, "--out", "WORK/o"],
    }
    for command, args in commands.items():
        for label, text in cases.items():
            bad_input(f"{command}: classes {label}", [*args, "--classes", "WORK/k.toml"],
                      write("k.toml", text))  # fmt: skip
        bad_input(f"{command}: classes not UTF-8", [*args, "--classes", "WORK/k.toml"],
                  write("k.toml", b"name = '\xff'"))  # fmt: skip
        bad_input(
            f"{command}: classes a FIFO",
            [*args, "--classes", "WORK/pipe.toml"],
            lambda work: os.mkfifo(work / "pipe.toml"),
        )
        for where in ("/dev/zero", "/dev/urandom", "/proc/self/environ", "WORK", "WORK/none.toml"):
            bad_input(f"{command}: classes {where}", [*args, "--classes", where])
        # Accepted text from the file, shown inert.
        for label, title in (("escapes", "\\u001b[2J\\u0007x"), ("markup", "[bold red]x[/]"),
                             ("bidi override", "\\u202ex")):  # fmt: skip
            harmless(
                f"{command}: a class title with {label}",
                [*args, "--classes", "WORK/k.toml"],
                write("k.toml", classes_with('"All disputes, 1816-2010"', f'"{title}"')),
            )
    for command, args in {
        "record": ["record"],
        "validate --class": ["validate", "baseline", *CLASS_VALIDATE],
    }.items():
        stem = [a for a in args if a not in ("--class", "all")]
        for label, extra in {
            "unknown class": ["--class", "nope"],
            "class name with escapes": ["--class", "\x1b[2J"],
            "class name with markup": ["--class", "[/]"],
            "class name of 5,000 characters": ["--class", "c" * 5000],
            "--resamples 99": ["--resamples", "99"],
            "--resamples 10**6": ["--resamples", "1000000"],
            "--resamples nan": ["--resamples", "nan"],
        }.items():
            bad_input(f"{command}: {label}", [*stem, *extra, "--out", "WORK/o"])
    for label, extra in {
        "--runs 99": ["--runs", "99"],
        "--runs 10**10": ["--runs", "10000000000"],
        "--workers 0 and -1": ["--workers", "-1"],
        "scenario missing": [],
        "patterns a FIFO": ["--patterns", "WORK/pipe.toml"],
    }.items():
        scenario = "WORK/none.toml" if label == "scenario missing" else "baseline"
        bad_input(
            f"validate --class: {label}",
            ["validate", scenario, *CLASS_VALIDATE, *extra, "--out", "WORK/o"],
            lambda work: os.mkfifo(work / "pipe.toml"),
        )
    empty = write("k.toml", classes_with(first, first + "\nfrom_year = 2050"))
    bad_input("validate --class: a class with no dispute",
              ["validate", "baseline", *CLASS_VALIDATE, "--classes", "WORK/k.toml", "--out",
               "WORK/o"], empty, words="holds no dispute")  # fmt: skip
    harmless("record: a class with no dispute (shown as such)",
             ["record", "--classes", "WORK/k.toml", "--resamples", "100", "--out", "WORK/o"],
             empty, check=lambda work, result: "(0 disputes)" in result.stdout)  # fmt: skip
    harmless(
        "validate --class: --workers 1024 (capped, said so)",
        ["validate", "baseline", *CLASS_VALIDATE[:-2], "--workers", "1024", "--out", "WORK/o"],
        check=lambda work, result: "is more than this machine can run" in result.stderr,
    )
    harmless(
        "record --out: a fresh folder",
        ["record", "--resamples", "100", "--out", "WORK/o"],
        check=lambda work, result: (
            {p.name for p in (work / "o").iterdir()} >= {"record.csv", "record.md"}
        ),
    )


# --------------------------------------------------------------------------- issue 22's faults


def default_ctrl_c() -> None:
    """For Popen: the child gets Ctrl-C as in a terminal, even if this tool runs with SIGINT
    ignored (started as a background job)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def ctrl_c_at_start_up(delay: float | None) -> Callable[[Path], bool]:
    """Ctrl-C `delay` s after the start, or (None) once the command's imports are under way
    (pydantic's compiled core mapped). Earlier than either, Python itself is starting, before
    any of the program runs: what it prints then is Python's, not the program's."""

    def check(work: Path) -> bool:
        process = subprocess.Popen(
            [ESCALATION, "ensemble", "baseline", "--runs", "100000000", "--workers", "1",
             "--out", str(work / "o")],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=default_ctrl_c,
        )  # fmt: skip
        if delay is not None:
            time.sleep(delay)
        else:
            while "pydantic_core" not in Path(f"/proc/{process.pid}/maps").read_text():
                time.sleep(0.005)
        process.send_signal(signal.SIGINT)
        try:
            _, err = process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            return False
        return (
            process.returncode in (130, -signal.SIGINT)
            and "Traceback" not in err
            and len(err.strip().splitlines()) <= 1
            and not (work / "o").exists()
        )

    return check


def ignored_ctrl_c_stays_ignored(work: Path) -> bool:
    process = subprocess.Popen(
        [ESCALATION, "ensemble", "baseline", "--runs", "100000000", "--workers", "1",
         "--chunk-size", "100", "--out", str(work / "o")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not list((work / "o").glob(".partial-*/runs.parquet")):
            if process.poll() is not None or time.monotonic() > deadline:
                return False
            time.sleep(0.05)
        process.send_signal(signal.SIGINT)
        time.sleep(1.0)
        return process.poll() is None
    finally:
        process.kill()
        process.wait(30)


def app_connections_freed(work: Path) -> bool:
    """200 WebSocket connections opened and closed, three times: no kernel (a page's session)
    stays, memory settles and the server's threads return (the suite's own measurement)."""
    from tests.app.test_sessions_freed import connections_left_behind

    found = connections_left_behind()
    print(f"  app: {found}")
    memory = found["memory"]
    return (
        found["kernels"] == [0, 0, 0]
        and memory[2] - memory[1] < 10_000
        and found["threads_after"] <= found["threads"] + 3
    )


def full_disk_history(work: Path) -> bool:
    (work / "c.toml").write_text(CALIBRATION)
    with tmpfs(work / "disk", "60k") as disk:
        result = escalation("calibrate", str(work / "c.toml"), "--workers", "1", "--out",
                            str(disk / "o"), cwd=work)  # fmt: skip
        last = result.stderr.strip().splitlines()[-1] if result.stderr.strip() else ""
        return (
            result.returncode == 2
            and last.startswith("error: ")
            and ("No space left" in last or "disk is full" in last)
            and "Traceback" not in result.stderr
        )


def read_only_history(work: Path) -> bool:
    (work / "c.toml").write_text(CALIBRATION)
    with tmpfs(work / "disk", "10m") as disk:
        first = escalation("calibrate", str(work / "c.toml"), "--workers", "1", "--out",
                           str(disk / "o"), cwd=work)  # fmt: skip
        before = state(disk)
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        again = escalation("calibrate", str(work / "c.toml"), "--workers", "1", "--out",
                           str(disk / "o"), cwd=work)  # fmt: skip
        lines = again.stderr.strip().splitlines()
        return (
            first.returncode == 0
            and again.returncode == 2
            and len(lines) == 1
            and "Traceback" not in again.stderr
            and state(disk) == before
        )


def killed_calibration_resumes(work: Path) -> bool:
    """Ctrl-C of a calibration between generations, then the same command: the posterior of
    an uninterrupted run."""
    text = CALIBRATION.replace("generations = 1", "generations = 3").replace(
        "population = 5", "population = 20"
    )
    (work / "c.toml").write_text(text)
    whole = escalation("calibrate", str(work / "c.toml"), "--workers", "1", "--out",
                       str(work / "whole"), cwd=work)  # fmt: skip
    process = subprocess.Popen(
        [ESCALATION, "calibrate", str(work / "c.toml"), "--workers", "1", "--out",
         str(work / "cut")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=default_ctrl_c,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while not (work / "cut" / "history.db").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(1.0)
    process.send_signal(signal.SIGINT)
    process.wait(60)
    again = escalation("calibrate", str(work / "c.toml"), "--workers", "1", "--out",
                       str(work / "cut"), cwd=work)  # fmt: skip
    import pandas as pd

    ok = whole.returncode == 0 and again.returncode == 0
    return ok and pd.read_parquet(work / "whole" / "posterior.parquet").equals(
        pd.read_parquet(work / "cut" / "posterior.parquet")
    )


def issue22_faults() -> None:
    fault("Ctrl-C while the command imports", ctrl_c_at_start_up(None))
    for delay in (0.4, 1.2):
        fault(f"Ctrl-C {delay} s into start-up", ctrl_c_at_start_up(delay))
    fault("a command started with Ctrl-C ignored keeps it ignored", ignored_ctrl_c_stays_ignored)
    fault("Ctrl-C of a calibration, then resume", killed_calibration_resumes)
    fault("200 app connections opened and closed", app_connections_freed)
    if os.geteuid() == 0:
        fault("full disk while writing a calibration's history", full_disk_history)
        fault("read-only disk under a finished calibration", read_only_history)


def parallel(jobs: int, sections: list[Callable[[], None]]) -> None:
    """Run the input sections on `jobs` threads (each case is its own process)."""
    from concurrent.futures import ThreadPoolExecutor

    def timed(section: Callable[[], None]) -> None:
        started = time.monotonic()
        section()
        took = time.monotonic() - started
        print(
            f"{section.__name__} done in {took:.0f} s; so far tried {tally['tried']}, "
            f"broke {len(tally['broke'])}",
            file=sys.stderr,
            flush=True,
        )

    with ThreadPoolExecutor(jobs) as pool:
        for future in [pool.submit(timed, section) for section in sections]:
            future.result()


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2, help="input sections run side by side")
    parser.add_argument("--only", nargs="+", help="run only these sections (function names)")
    options = parser.parse_args()
    if options.only:  # a check of some sections, e.g. --only history_inputs issue22_faults
        for name in options.only:
            globals()[name]()
        print(f"tried {tally['tried']}: clean {tally['clean']}, harmless {tally['harmless']}, "
              f"broke {len(tally['broke'])}")  # fmt: skip
        for line in tally["broke"]:
            print("  broke: " + line)
        raise SystemExit(0)
    started = time.monotonic()
    sweep_template()
    parallel(options.jobs, [inputs, calibration_inputs, pattern_inputs, posterior_inputs,
                            results_folder_inputs, output_folder_inputs, option_inputs,
                            history_inputs, runaway_inputs, record_inputs])  # fmt: skip
    inputs_tried = tally["tried"]
    print(f"inputs tried {inputs_tried}: clean {tally['clean']}, harmless {tally['harmless']}")
    faults()
    issue22_faults()
    print(
        f"tried {tally['tried']}: clean {tally['clean']}, harmless {tally['harmless']}, "
        f"broke {len(tally['broke'])}"
    )
    for line in tally["broke"]:
        print("  broke: " + line)
    print(f"results lost or falsified: {len(lost)}")
    for line in lost:
        print("  " + line)
    print(f"({time.monotonic() - started:.0f} s)")
