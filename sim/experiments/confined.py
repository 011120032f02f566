"""Files inside a results folder: opened, written and deleted only as what they should be.

A command writes only inside the folder it was given. A symbolic link inside that folder would
carry a write or a delete outside it (`figures` linked to another folder, `history.db` linked
to a file elsewhere), and a FIFO where a file should be would block a read for ever. So every
path inside a results folder goes through `inside`: each component below the folder is looked
at without following links (`os.lstat`), every folder on the way must be a real folder and the
last component, if it exists, what it should be (a regular file, or a real folder); anything
else is refused in one line (`FolderError`). Files are then opened with `O_NOFOLLOW`, so a link
planted between the check and the open fails too. The folder given by the user may itself be
a link: only what lies inside it is checked.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import IO, Literal

from sim.model.scenario import ScenarioError
from sim.safe_io import read_text_file

Kind = Literal["file", "folder"]


class FolderError(ScenarioError):
    """An output folder that cannot be used; its message is one line naming the problem."""


def what_it_is(mode: int) -> str:
    """A file's type in words, from its mode."""
    for test, words in (
        (stat.S_ISLNK, "a symbolic link"),
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISREG, "a regular file"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a device"),
        (stat.S_ISBLK, "a device"),
    ):
        if test(mode):
            return words
    return "not a regular file"


def _refusal(path: Path, mode: int, kind: Kind) -> str | None:
    """Why `path` (of this mode) cannot stand where a `kind` should be, or None."""
    if stat.S_ISLNK(mode):
        return (
            f"{path}: is a symbolic link; escalation never follows a link inside a results "
            "folder (remove it, or give another --out)"
        )
    wanted = stat.S_ISDIR(mode) if kind == "folder" else stat.S_ISREG(mode)
    if not wanted:
        should = "a folder" if kind == "folder" else "a regular file"
        return f"{path}: is {what_it_is(mode)}, not {should}; remove it, or give another --out"
    return None


def inside(folder: Path, name: str | Path, kind: Kind = "file") -> Path:
    """`folder/name`, checked: every folder on the way below `folder` is a real folder and the
    last component, if it exists, a `kind`; FolderError naming the first that is not."""
    folder = Path(folder)
    parts = Path(name).parts
    if not parts or Path(name).is_absolute() or ".." in parts:
        raise ValueError(f"{name!r} is not a name inside a folder")
    path = folder
    for depth, part in enumerate(parts):
        path = path / part
        try:
            mode = os.lstat(path).st_mode
        except FileNotFoundError:
            return folder.joinpath(*parts)  # nothing further exists yet
        refusal = _refusal(path, mode, "folder" if depth < len(parts) - 1 else kind)
        if refusal:
            raise FolderError(refusal)
    return path


def make_folder(folder: Path, name: str | Path) -> Path:
    """The real folder `folder/name`, created if missing (see `inside`)."""
    path = inside(folder, name, "folder")
    try:
        path.mkdir(exist_ok=True)
    except FileExistsError:  # something else appeared there meanwhile
        inside(folder, name, "folder")
        raise
    return inside(folder, name, "folder")


def open_inside(folder: Path, name: str | Path, mode: str = "rb") -> IO:
    """Open `folder/name` (see `inside`) without following a link at its last component.

    Modes: "rb"/"r" (a regular file, never a FIFO: opening one does not block), "ab"/"a"
    (append, created if missing), "xb"/"x" (a new file; fails if anything is there)."""
    path = inside(folder, name)
    flags = os.O_NOFOLLOW | os.O_CLOEXEC
    if mode.startswith("r"):
        flags |= os.O_RDONLY | os.O_NONBLOCK
    elif mode.startswith("a"):
        flags |= os.O_WRONLY | os.O_APPEND | os.O_CREAT
    elif mode.startswith("x"):
        flags |= os.O_WRONLY | os.O_CREAT | os.O_EXCL
    else:
        raise ValueError(f"mode {mode!r}: use r, a or x")
    fd = os.open(path, flags, 0o644)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise FolderError(f"{path}: is {what_it_is(info.st_mode)}, not a regular file")
        if mode.startswith("r"):
            os.set_blocking(fd, True)
        as_opened = mode.replace("x", "w")
        return os.fdopen(fd, as_opened, encoding=None if "b" in mode else "utf-8")
    except BaseException:
        os.close(fd)
        raise


def read_inside(folder: Path, name: str | Path, limit: int) -> str:
    """The text of the regular file `folder/name` (see `inside`), of at most `limit` bytes."""
    return read_text_file(inside(folder, name), limit, follow_links=False)


def no_follow(path: str, flags: int) -> int:
    """An opener for `open()` that never follows a link and never blocks on a FIFO."""
    return os.open(path, flags | os.O_NOFOLLOW | os.O_NONBLOCK)


def remove_inside(folder: Path, name: str | Path) -> bool:
    """Delete the file `folder/name` (see `inside`); a link there is removed itself, never
    what it points to. True if something was removed."""
    path = Path(folder) / name
    if len(Path(name).parts) > 1:
        inside(folder, Path(name).parent, "folder")
    try:
        os.unlink(path)  # unlink removes a link itself, never its target
    except FileNotFoundError:
        return False
    return True


def check_contents(folder: Path, places: tuple[str, ...]) -> None:
    """Refuse a results folder holding a link, FIFO, socket or device directly inside it or
    inside one of its `places` (the subfolders the commands write into), before any work."""
    folder = Path(folder)
    for place in ("", *places):
        where = folder / place if place else folder
        if place:
            try:
                mode = os.lstat(where).st_mode
            except FileNotFoundError:
                continue
            refusal = _refusal(where, mode, "folder")
            if refusal:
                raise FolderError(refusal)
        try:
            entries = list(os.scandir(where))
        except FileNotFoundError:
            continue
        for entry in entries:
            if entry.is_symlink() or not (
                entry.is_dir(follow_symlinks=False) or entry.is_file(follow_symlinks=False)
            ):
                mode = entry.stat(follow_symlinks=False).st_mode
                kind: Kind = "folder" if entry.name in places and not place else "file"
                raise FolderError(_refusal(Path(entry.path), mode, kind) or entry.path)
