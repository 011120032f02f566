"""Folder names, the marker and lock, scratch leftovers, safe reading and the chunk ledger."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.experiments import ledger
from sim.experiments.folders import (
    MARKER,
    MAX_FOLDER_NAME,
    FolderError,
    check_folder,
    claim,
    clean_leftovers,
    folder_name,
    printable,
)
from sim.safe_io import nesting, read_text_file


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_a_folder_name_is_one_safe_component_whatever_the_label(name):
    safe = folder_name(name)
    assert safe not in ("", ".", "..")
    assert "/" not in safe and "\\" not in safe and "\x00" not in safe
    assert not safe.startswith(".")
    assert len(safe.encode()) <= MAX_FOLDER_NAME
    assert Path(safe).name == safe and len(Path(safe).parts) == 1


def test_folder_names_keep_ordinary_names_and_neutralise_paths():
    assert folder_name("troops_threat") == "troops_threat"
    assert folder_name("reassurance-2.v1") == "reassurance-2.v1"
    assert folder_name("..") == "__"
    assert folder_name(".") == "_"
    assert folder_name("/etc/passwd") == "_etc_passwd"
    assert folder_name("../../x") == "___.._x"
    assert folder_name("Россия") == "Россия"


def test_printable_makes_escape_codes_and_bidi_overrides_harmless():
    assert printable("\x1b[31mred\x07\u202e\nnext\tcol") == "?[31mred??\nnext\tcol"
    assert printable("Россия, 名前") == "Россия, 名前"


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_only_the_scratch_files_of_dead_processes_are_cleaned(tmp_path):
    dead, alive = dead_pid(), os.getppid()
    (tmp_path / "chunks").mkdir()
    leftovers = [
        tmp_path / f".partial-{dead}-abc",
        tmp_path / f".summary.csv.{dead}.partial",
        tmp_path / "chunks" / f".p00001-r000000000.parquet.{dead}.partial",
    ]
    leftovers[0].mkdir()
    (leftovers[0] / "runs.parquet").write_text("half")
    for path in leftovers[1:]:
        path.write_text("half")
    kept = [
        tmp_path / f".partial-{alive}-xyz",  # a live process's, still being written
        tmp_path / f".manifest.json.{alive}.partial",
        tmp_path / ".hidden-user-file",
        tmp_path / "notes.partial",
        tmp_path / f".x.{10**30}.partial",  # not a process id at all
    ]
    kept[0].mkdir()
    for path in kept[1:]:
        path.write_text("keep")
    assert sorted(clean_leftovers(tmp_path)) == sorted(leftovers)
    assert not any(p.exists() for p in leftovers)
    assert all(p.exists() for p in kept)


def test_check_folder_accepts_new_empty_or_marked_folders_only(tmp_path):
    check_folder(tmp_path / "new")
    check_folder(tmp_path)  # empty
    (tmp_path / "theirs.txt").write_text("x")
    with pytest.raises(FolderError, match="--force"):
        check_folder(tmp_path)
    check_folder(tmp_path, force=True)
    (tmp_path / MARKER).write_text("")
    check_folder(tmp_path)
    with pytest.raises(FolderError, match="is a file"):
        check_folder(tmp_path / "theirs.txt")
    assert not (tmp_path / "new").exists()


def test_a_claimed_folder_is_marked_locked_and_removed_again_on_failure(tmp_path):
    out = tmp_path / "a" / "b"
    with claim(out):
        info = json.loads((out / MARKER).read_text())
        assert info["pid"] == os.getpid()
        with pytest.raises(FolderError, match=f"in use by process {os.getpid()}"), claim(out):
            pass
    with pytest.raises(RuntimeError), claim(tmp_path / "c" / "d"):
        (tmp_path / "c" / "d" / "half").write_text("x")
        raise RuntimeError
    assert not (tmp_path / "c").exists()  # nothing written
    assert (out / MARKER).exists()


def test_only_regular_files_of_bounded_size_are_read(tmp_path):
    (tmp_path / "ok.toml").write_text("a = 1")
    assert read_text_file(tmp_path / "ok.toml") == "a = 1"
    (tmp_path / "big").write_text("x" * 101)
    with pytest.raises(ValueError, match="larger than"):
        read_text_file(tmp_path / "big", limit=100)
    os.mkfifo(tmp_path / "fifo")
    for special in (tmp_path / "fifo", Path("/dev/zero"), tmp_path):
        with pytest.raises(ValueError, match="not a regular file"):
            read_text_file(special)


def test_nesting_is_measured_without_recursion():
    deep: list = []
    for _ in range(100_000):
        deep = [deep]
    assert nesting(deep) == 100_001
    assert nesting({"a": [{"b": 1}]}) == 3
    assert nesting(3) == 0


def test_the_ledger_vouches_only_for_the_file_it_recorded(tmp_path):
    (tmp_path / "chunks").mkdir()
    chunk = tmp_path / "chunks" / "p00000-r000000000.parquet"
    chunk.write_bytes(b"the chunk")
    identity = {"point": 0, "start": 0, "stop": 5}
    ledger.record(tmp_path, chunk.name, identity)
    with open(tmp_path / ledger.LEDGER, "a") as torn:  # a kill -9 mid-line
        torn.write('{"file": "p00001-r0000')
    known = ledger.entries(tmp_path)
    assert list(known) == [chunk.name]
    assert ledger.problem(tmp_path, chunk.name, identity, known) is None
    assert "different chunk" in ledger.problem(
        tmp_path, chunk.name, {**identity, "point": 1}, known
    )
    chunk.write_bytes(b"the chunX")
    assert "checksum" in ledger.problem(tmp_path, chunk.name, identity, known)
    chunk.write_bytes(b"")
    assert "0 bytes" in ledger.problem(tmp_path, chunk.name, identity, known)
    assert ledger.problem(tmp_path, "p00001-r000000000.parquet", None, known) == (
        "not in the ledger"
    )
