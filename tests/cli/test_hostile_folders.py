"""Hostile results folders (issue 22, items 1 and 2): nothing is written, read or deleted
through a link inside a results folder, nothing blocks on a FIFO, and no manifest, design or
history that fails its check is trusted. Each refusal is one line, exit code 2, before any
work, with the folder left as it was and nothing outside it touched."""

import os
import shutil
import subprocess
import time
from pathlib import Path

import pandas as pd
import pytest

from sim.experiments.confined import FolderError, inside, open_inside
from sim.experiments.folders import MARKER, clean_leftovers
from sim.experiments.manifest import checksum
from tests.cli.test_hardening import ESCALATION, experiment_named, invoke, refused

CALIBRATION = """
kind = "calibration"
name = "tiny"
scenario = "baseline"
runs = 10
population = 5
generations = 1
days = 30
seed = 3
predictive_draws = 1
fit = ["no-nuclear-use"]

[[parameters]]
path = "world.war_cost"
low = 2.0
high = 30.0
"""


def snapshot(root: Path) -> dict[str, object]:
    """Every entry under root (links not followed): its kind and, for a file, its bytes. The
    marker's content is left out: it names the lock's holder, whoever holds it."""
    found: dict[str, object] = {}
    for path in sorted(root.rglob("*")):
        key = str(path.relative_to(root))
        if path.is_symlink():
            found[key] = ("link", os.readlink(path))
        elif path.name == MARKER:
            found[key] = "marker"
        elif path.is_file():
            found[key] = path.read_bytes()
        else:
            found[key] = "folder" if path.is_dir() else "other"
    return found


@pytest.fixture(scope="module")
def swept(tmp_path_factory) -> Path:
    """A finished small sweep (2 points × 10 runs), copied afresh by each test."""
    root = tmp_path_factory.mktemp("swept")
    source = experiment_named(root, "small")
    out = root / "out"
    assert invoke("sweep", str(source), "--workers", "1", "--out", str(out)).exit_code == 0
    return out


@pytest.fixture
def sweep(swept, tmp_path) -> tuple[Path, Path]:
    """A private copy of the finished sweep, and its experiment file."""
    out = tmp_path / "out"
    shutil.copytree(swept, out, symlinks=True)
    return out, swept.parent / "e.toml"


# 1. Links and FIFOs inside a results folder.


def test_a_history_that_is_a_dangling_link_is_refused_and_its_target_never_written(tmp_path):
    out, target = tmp_path / "out", tmp_path / "elsewhere" / "history.db"
    out.mkdir()
    target.parent.mkdir()
    (out / MARKER).write_text("")
    (out / "history.db").symlink_to(target)
    calibration = tmp_path / "c.toml"
    calibration.write_text(CALIBRATION)
    before = snapshot(tmp_path)
    refused(invoke("calibrate", str(calibration), "--out", str(out)), "history.db", "symbolic link")
    assert not target.exists() and snapshot(tmp_path) == before


def test_figures_as_a_link_is_refused_and_no_figure_lands_at_its_target(sweep, tmp_path):
    out, _ = sweep
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (out / "figures").symlink_to(elsewhere)
    for command in ("report", "plot"):
        refused(invoke(command, str(out)), "figures", "symbolic link")
    assert list(elsewhere.iterdir()) == [] and not (out / "report.md").exists()


@pytest.mark.parametrize("place", ["chunks", "figures"])
def test_scratch_cleanup_never_deletes_through_a_linked_folder(tmp_path, place):
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    out.mkdir()
    (out / MARKER).write_text("")
    elsewhere.mkdir()
    dead = 2**22 + 12345  # above Linux's default pid_max: no process has it
    (elsewhere / f".partial-{dead}-x").mkdir()
    (elsewhere / f".partial-{dead}-x" / "keep.txt").write_text("mine")
    (elsewhere / f".notes.{dead}.partial").write_text("mine too")
    (out / place).symlink_to(elsewhere)
    before = snapshot(elsewhere)
    assert clean_leftovers(out) == []  # the cleanup alone: the linked place is left alone
    refused(invoke("run", "baseline", "--days", "3", "--out", str(out)), place, "symbolic link")
    assert snapshot(elsewhere) == before


def test_a_linked_ledger_is_refused_and_the_outside_file_not_appended(sweep, tmp_path):
    out, experiment = sweep
    outside = tmp_path / "outside.jsonl"
    shutil.copy(out / "chunks.jsonl", outside)
    before = outside.read_bytes()
    (out / "chunks.jsonl").unlink()
    (out / "chunks.jsonl").symlink_to(outside)
    (out / "chunks" / sorted(os.listdir(out / "chunks"))[0]).unlink()  # a resume has work
    refused(invoke("sweep", str(experiment), "--workers", "1", "--out", str(out)), "chunks.jsonl")
    assert outside.read_bytes() == before


def test_a_calibration_manifest_that_is_a_fifo_is_refused_without_blocking(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / MARKER).write_text("")
    (out / "history.db").write_bytes(b"")
    os.mkfifo(out / "calibration.json")
    calibration = tmp_path / "c.toml"
    calibration.write_text(CALIBRATION)
    result = subprocess.run(  # a subprocess: were it to block, the timeout ends it
        [ESCALATION, "calibrate", str(calibration), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert "calibration.json" in result.stderr and "FIFO" in result.stderr
    assert sorted(os.listdir(out)) == [MARKER, "calibration.json", "history.db"]


@pytest.mark.parametrize("name", ["manifest.json", "summary.parquet", "points.parquet"])
def test_a_linked_result_file_is_refused_by_every_reader(sweep, tmp_path, name):
    out, _ = sweep
    outside = tmp_path / name
    shutil.move(out / name, outside)
    (out / name).symlink_to(outside)
    for command in (["report"], ["plot"], ["export-ema"], ["discover", "--outcome", "escalated"]):
        refused(invoke(command[0], str(out), *command[1:]), name, "symbolic link")
    assert not (out / "figures").exists() and not (out / "report.md").exists()


def test_inside_refuses_links_and_wrong_kinds_on_the_way(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "file").write_text("x")
    (tmp_path / "link").symlink_to(tmp_path / "real")
    os.mkfifo(tmp_path / "fifo")
    assert inside(tmp_path, "real/new.txt") == tmp_path / "real" / "new.txt"
    assert inside(tmp_path, "missing/deeper/x") == tmp_path / "missing" / "deeper" / "x"
    for name, words in (
        ("link/x", "symbolic link"),
        ("file/x", "a regular file, not a folder"),
        ("fifo", "a FIFO, not a regular file"),
        ("real", "a folder, not a regular file"),
    ):
        with pytest.raises(FolderError, match=words):
            inside(tmp_path, name)
    with pytest.raises(ValueError):
        inside(tmp_path, "../escape")
    (tmp_path / "real" / "target").write_text("t")
    (tmp_path / "real" / "last").symlink_to(tmp_path / "real" / "target")
    with pytest.raises(FolderError, match="symbolic link"):
        open_inside(tmp_path, "real/last", "ab")
    assert (tmp_path / "real" / "target").read_text() == "t"


# 2. What the tool reads back is verified first.


def test_an_edited_manifest_is_refused_by_report_and_sweep_and_rebuilt_once_removed(sweep):
    out, experiment = sweep
    manifest_path = out / "manifest.json"
    text = manifest_path.read_text()
    edited = text.replace("replicates = 10", "replicates = 11")
    assert edited != text
    manifest_path.write_text(edited)
    before = snapshot(out)
    refused(invoke("report", str(out)), "manifest.json", "checksum")
    refused(invoke("sweep", str(experiment), "--workers", "1", "--out", str(out)), "checksum")
    assert snapshot(out) == before
    manifest_path.unlink()  # the way out the message gives: the sweep rebuilds it
    result = invoke("sweep", str(experiment), "--workers", "1", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "Resuming: 20 of 20 runs are already done (verified)." in result.stdout
    result = invoke("report", str(out))
    assert result.exit_code == 0, result.output
    assert "2 points × 10 replicates = 20 runs" in (out / "report.md").read_text()


def test_a_manifest_stamped_again_after_an_edit_is_the_only_way_past_the_check(sweep):
    import json

    out, _ = sweep
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["replicates"] = 26
    manifest["checksum"] = checksum(manifest)  # what only someone who means it does
    (out / "manifest.json").write_text(json.dumps(manifest))
    assert invoke("plot", str(out)).exit_code == 0


def test_a_corrupt_design_is_refused_by_report_and_rewritten_by_a_resume(sweep):
    out, experiment = sweep
    good = pd.read_parquet(out / "points.parquet")
    (out / "points.parquet").write_bytes(b"PAR1 not a parquet file")
    before = snapshot(out)
    for command in ("report", "plot", "export-ema"):  # refused before anything is drawn
        refused(invoke(command, str(out)), "points.parquet", "run `escalation sweep` again")
    assert snapshot(out) == before
    result = invoke("sweep", str(experiment), "--workers", "1", "--out", str(out))
    assert result.exit_code == 0, result.output
    pd.testing.assert_frame_equal(pd.read_parquet(out / "points.parquet"), good)
    assert invoke("report", str(out)).exit_code == 0


def history_with(out: Path, tables: str | None, fingerprint: str | None = None) -> None:
    import contextlib
    import sqlite3

    out.mkdir()
    (out / MARKER).write_text("")
    with contextlib.closing(sqlite3.connect(out / "history.db")) as db:
        if tables:
            db.execute(tables)
        if fingerprint is not None:  # as pyabc stores its run's meta_info
            db.execute("create table abc_smc (id integer primary key, json_parameters text)")
            info = str({"escalation_fingerprint": fingerprint})
            db.execute("insert into abc_smc (json_parameters) values (?)", (info,))
        db.commit()


@pytest.mark.parametrize("kind", ["foreign sqlite", "not sqlite", "another calibration", "old"])
def test_a_history_that_is_not_this_calibrations_is_refused_before_any_work(tmp_path, kind):
    from sim.record.calibrate import load_calibration

    calibration = tmp_path / "c.toml"
    calibration.write_text(CALIBRATION)
    out = tmp_path / "out"
    if kind == "not sqlite":
        out.mkdir()
        (out / MARKER).write_text("")
        (out / "history.db").write_bytes(b"this is no database at all" * 100)
        words = "not a calibration history"
    elif kind == "foreign sqlite":
        history_with(out, "create table songs (title text)")
        words = "carries no calibration fingerprint"
    elif kind == "old":  # pyabc's own tables, written before histories carried a fingerprint
        history_with(out, "create table populations (t integer)")
        words = "carries no calibration fingerprint"
    else:
        history_with(out, None, fingerprint="0" * 64)
        words = "another calibration"
    assert load_calibration(calibration).fingerprint != "0" * 64
    before = snapshot(out)
    started = time.monotonic()
    refused(invoke("calibrate", str(calibration), "--out", str(out), "--workers", "1"), words)
    assert time.monotonic() - started < 20  # refused before the first simulation
    assert snapshot(out) == before


def test_a_read_only_history_is_refused_before_any_work(tmp_path, monkeypatch):
    import sim.record.history
    from sim.record.calibrate import load_calibration

    calibration = tmp_path / "c.toml"
    calibration.write_text(CALIBRATION)
    out = tmp_path / "out"
    history_with(out, None, load_calibration(calibration).fingerprint)
    (out / "history.db").chmod(0o400)
    if os.geteuid() == 0:  # root may write anyway: the file's own permissions are the test
        real = os.access

        def access(path, mode, **options):
            return not str(path).endswith("history.db") and real(path, mode, **options)

        monkeypatch.setattr(sim.record.history.os, "access", access)
    refused(invoke("calibrate", str(calibration), "--out", str(out)), "history.db", "read-only")


def test_a_history_that_cannot_be_written_is_one_line_and_keeps_what_was_done(
    tmp_path, monkeypatch
):
    import sqlite3

    import sqlalchemy.exc

    import sim.record.calibrate

    def disk_full(*args, **kwargs):
        raise sqlalchemy.exc.OperationalError(
            "INSERT INTO populations", {}, sqlite3.OperationalError("database or disk is full")
        )

    monkeypatch.setattr(sim.record.calibrate, "run_calibration", disk_full)
    calibration = tmp_path / "c.toml"
    calibration.write_text(CALIBRATION)
    result = invoke("calibrate", str(calibration), "--out", str(tmp_path / "o"), "--workers", "1")
    assert result.exit_code == 2 and "Traceback" not in result.output
    last = result.stderr.strip().splitlines()[-1]  # after the progress bar
    assert last.startswith("error: ") and "history.db" in last
    assert "database or disk is full" in last and "resumes" in last


def test_a_calibration_manifest_over_its_size_limit_is_refused_before_it_is_read(tmp_path):
    from sim.record.calibrate import load_calibration

    calibration = tmp_path / "c.toml"
    calibration.write_text(CALIBRATION)
    out = tmp_path / "out"
    history_with(out, None, load_calibration(calibration).fingerprint)
    with open(out / "calibration.json", "wb") as huge:
        huge.truncate(2_000_000_000)  # sparse: 2 GB that take no room and no time
    started = time.monotonic()
    refused(invoke("calibrate", str(calibration), "--out", str(out)), "larger than the limit")
    assert time.monotonic() - started < 20


def test_a_calibration_no_simulation_can_fit_is_refused_and_leaves_nothing(tmp_path):
    scenario = tmp_path / "calm.toml"
    text = (
        Path("experiments/baseline.toml")
        .read_text()
        .replace('name = "baseline"', 'name = "calm"', 1)
    )
    scenario.write_text(text + "\n[mechanisms]\nmissteps = false\n")
    calibration = tmp_path / "c.toml"
    calibration.write_text(
        CALIBRATION.replace('scenario = "baseline"', 'scenario = "calm.toml"').replace(
            'fit = ["no-nuclear-use"]', 'fit = ["incidents-rarely-become-wars"]'
        )
    )
    out = tmp_path / "out"
    result = invoke("calibrate", str(calibration), "--out", str(out), "--workers", "1")
    assert result.exit_code == 2, result.output
    last = result.stderr.strip().splitlines()[-1]  # after the progress bar
    assert last.startswith("error: no simulation of generation 0 gave a value for")
    assert "incidents-rarely-become-wars" in last
    assert not out.exists()


def test_a_ledger_line_far_longer_than_any_entry_is_skipped_not_read_whole(tmp_path):
    import json

    from sim.experiments import ledger

    entry = json.dumps({"file": "p00000-r000000000.parquet", "bytes": 1})
    garbage = b"x" * (50 * ledger.MAX_LINE)  # a line with no entry: never held whole
    (tmp_path / "chunks.jsonl").write_bytes(
        b"\n" + entry.encode() + b"\n" + garbage + b"\n" + b'{"file": "torn'
    )
    assert list(ledger.entries(tmp_path)) == ["p00000-r000000000.parquet"]
