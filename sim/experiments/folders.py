"""Output folders: derived safely from names, claimed with a marker, locked while in use.

A command writes only inside the folder it was given (or `results/`), and only into a folder
that is new, empty, or marked as written by escalation (the `.escalation` file); anything
else is refused unless the user says `--force`. While a command writes, it holds an advisory
lock (`fcntl.flock`) on that marker, so two commands never write into one folder at once.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import re
import shutil
import stat
import sys
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sim.experiments.confined import FolderError, check_contents, remove_inside

MARKER = ".escalation"
MAX_FOLDER_NAME = 100  # bytes of a derived folder name: far below any file system's limit
# Scratch files the commands write, each named with the writer's process id (see is_leftover).
# Work a killed command resumes from: a sweep's finished chunks, a calibration's database.
RESUMABLE = ("chunks/p*.parquet", "history.db")
SCRATCH_DIR = re.compile(r"^\.partial-(\d+)-")
SCRATCH_FILE = re.compile(r"^\..+\.(\d+)\.partial$")
SCRATCH_PLACES = (".", "chunks", "figures")


def printable(text: str) -> str:
    """`text` with control and format characters (terminal escapes, bidi overrides) as '?'."""
    return "".join(
        c if c in "\n\t" or unicodedata.category(c)[0] != "C" else "?" for c in str(text)
    )


def folder_name(name: str) -> str:
    """A safe single folder name derived from a label: no separators, no '.' or '..'.

    Letters, digits, '-', '_' and '.' are kept; anything else becomes '_'; leading dots become
    '_' (no hidden folders, never '.' or '..'); the result is cut to MAX_FOLDER_NAME bytes.
    """
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in str(name))
    stripped = safe.lstrip(".")
    safe = "_" * (len(safe) - len(stripped)) + stripped
    encoded = safe.encode("utf-8")[:MAX_FOLDER_NAME]
    return encoded.decode("utf-8", errors="ignore") or "_"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):  # another's process; not a pid
        return True
    return True


def is_leftover(path: Path) -> bool:
    """Whether `path` is a scratch file or folder of an escalation process no longer alive."""
    match = SCRATCH_DIR.match(path.name) or SCRATCH_FILE.match(path.name)
    return bool(match) and int(match.group(1)) != os.getpid() and not _alive(int(match.group(1)))


def clean_leftovers(out_dir: Path) -> list[Path]:
    """Remove the scratch files a killed command left in out_dir; return what was removed.

    It never follows a link: a place that is a link is left alone, and a scratch-named link
    is removed itself, never what it points to."""
    removed = []
    for place in SCRATCH_PLACES:
        folder = out_dir / place
        if not stat.S_ISDIR(_mode(folder)):  # missing, or a link: nothing of ours is there
            continue
        for entry in os.scandir(folder):
            path = Path(entry.path)
            if not entry.name.startswith(".") or not is_leftover(path):
                continue
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(path, ignore_errors=True)  # rmtree never follows links either
            else:
                remove_inside(out_dir, path.relative_to(out_dir))
            removed.append(path)
    return removed


def _mode(path: Path) -> int:
    """A path's mode without following a link (0 if it does not exist)."""
    try:
        return os.lstat(path).st_mode
    except FileNotFoundError:
        return 0


def _first_missing(path: Path) -> Path | None:
    """The topmost folder of `path` that does not exist yet (what mkdir would create)."""
    missing = None
    for folder in (path, *path.parents):
        if folder.exists() or folder.is_symlink():
            break
        missing = folder
    return missing


def is_ours(out_dir: Path) -> bool:
    """Whether escalation wrote this folder (its marker is there)."""
    return stat.S_ISREG(_mode(out_dir / MARKER))


def mark_folder(out_dir: Path) -> None:
    """Mark out_dir as written by escalation (for library callers that take no lock)."""
    os.close(os.open(out_dir / MARKER, os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW, 0o644))


def check_folder(out_dir: Path, force: bool = False) -> None:
    """Refuse, in one line, a folder a command may not write into; create nothing."""
    resolved = out_dir.resolve()
    if resolved == Path(resolved.anchor):
        raise FolderError(f"{out_dir}: will not write into the root of the file system")
    if out_dir.exists() and not out_dir.is_dir():
        raise FolderError(f"{out_dir}: is a file, not a folder; give a folder for --out")
    for parent in out_dir.parents:  # a file where a parent folder should be
        if parent.exists():
            if not parent.is_dir():
                raise FolderError(f"{out_dir}: {parent} is a file, not a folder")
            break
    if out_dir.is_dir():
        check_contents(out_dir, SCRATCH_PLACES[1:])  # no link, FIFO or device where we write
    if out_dir.is_dir() and not force and not is_ours(out_dir):
        try:
            empty = not any(out_dir.iterdir())
        except OSError as error:
            raise FolderError(f"{out_dir}: cannot read: {error.strerror}") from None
        if not empty:
            raise FolderError(
                f"{out_dir} holds files escalation did not write; give a new or empty folder, "
                "or add --force to write into it (files of the same name are replaced)"
            )


def _holder(marker: Path) -> str:
    """Who holds the lock, as the marker says: 'process 123 (escalation sweep ...)'."""
    try:
        info = json.loads(marker.read_text(encoding="utf-8"))
        return printable(f"process {int(info['pid'])} ({info['command']}, since {info['since']})")
    except (OSError, ValueError, KeyError, TypeError):
        return "another process"


@contextmanager
def _locked(out_dir: Path, wait: bool, on_wait: Callable[[str], None] | None) -> Iterator[None]:
    """Hold an exclusive advisory lock on out_dir's marker; refuse or wait if it is taken."""
    marker = out_dir / MARKER
    fd = os.open(marker, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(marker)
            if not wait:
                raise FolderError(
                    f"{out_dir} is in use by {holder}; wait for it to end, or add --wait"
                ) from None
            if on_wait:
                on_wait(f"Waiting for {holder} to finish with {out_dir} ...")
            fcntl.flock(fd, fcntl.LOCK_EX)
        # The holder we waited for may have removed the folder (a failed first run).
        try:
            same = os.stat(marker).st_ino == os.fstat(fd).st_ino
        except OSError:
            same = False
        if not same:
            raise FolderError(f"{out_dir} was removed by the command we waited for; run again")
        info = {
            "pid": os.getpid(),
            "command": " ".join(["escalation", *sys.argv[1:]])[:300],
            "since": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(info).encode(), 0)
        yield
    finally:
        os.close(fd)  # closing releases the lock


@contextmanager
def claim(
    out_dir: Path,
    force: bool = False,
    wait: bool = False,
    on_wait: Callable[[str], None] | None = None,
) -> Iterator[Path]:
    """Use out_dir for output: check it, create it, mark it, lock it, clear a killed run's
    leftovers. On failure, a folder this call created is removed again (nothing written),
    unless it already holds finished sweep chunks worth resuming."""
    out_dir = Path(out_dir)
    check_folder(out_dir, force)
    created = _first_missing(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise FolderError(f"{out_dir}: cannot create the folder: {error.strerror}") from None
    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(_locked(out_dir, wait, on_wait))
        except OSError as error:
            raise FolderError(f"{out_dir}: cannot write: {error.strerror}") from None
        try:
            clean_leftovers(out_dir)
            yield out_dir
        except BaseException:
            # Only the lock's holder may remove: a refused second command must not.
            if created is not None and not any(any(out_dir.glob(pattern)) for pattern in RESUMABLE):
                shutil.rmtree(created, ignore_errors=True)
            raise


@contextmanager
def hold(out_dir: Path) -> Iterator[Path]:
    """Lock a folder escalation wrote, refusing if another command has it; create nothing.

    For commands that add to a sweep's folder (plot, report).
    """
    out_dir = Path(out_dir)
    if out_dir.is_dir():
        check_contents(out_dir, SCRATCH_PLACES[1:])
    if not is_ours(out_dir):
        raise FolderError(
            f"{out_dir}: not marked as written by escalation ({MARKER} is missing); run "
            "the sweep again (with --force) to verify its results"
        )
    with _locked(out_dir, False, None):
        clean_leftovers(out_dir)
        yield out_dir
