"""Reading input files safely: regular files only, with a size and a nesting limit."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import Any

MAX_INPUT_BYTES = 1_000_000  # a scenario or experiment file is a few kB; a manifest, tens
MAX_DEPTH = 16  # tables and arrays within each other; the shipped files need 3


def read_text_file(
    path: str | Path, limit: int = MAX_INPUT_BYTES, follow_links: bool = True
) -> str:
    """A regular file's UTF-8 text of at most `limit` bytes; ValueError or OSError if not.

    A FIFO, a device or a folder is refused before anything is read (reading a FIFO would
    block; reading /dev/zero would never end); so is a link, unless `follow_links`.
    """
    # O_NONBLOCK: opening a FIFO with no writer must not hang; regular files ignore it.
    flags = os.O_RDONLY | os.O_NONBLOCK | (0 if follow_links else os.O_NOFOLLOW)
    try:
        fd = os.open(path, flags)
    except OSError as error:
        if error.errno == errno.ELOOP and not follow_links:
            raise ValueError("is a symbolic link, which escalation does not follow here") from None
        raise
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ValueError("not a regular file")
        if info.st_size > limit:
            raise ValueError(f"larger than the limit of {limit:,} bytes")
        with os.fdopen(os.dup(fd), "rb") as handle:
            data = handle.read(limit + 1)
        if len(data) > limit:  # it grew while we looked
            raise ValueError(f"larger than the limit of {limit:,} bytes")
        return data.decode("utf-8")
    finally:
        os.close(fd)


def nesting(value: Any) -> int:
    """How deeply dicts and lists nest in `value` (0 for a scalar), without recursion."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            node = list(node.values())
        if isinstance(node, list):
            deepest = max(deepest, depth + 1)
            stack.extend((child, depth + 1) for child in node)
    return deepest


def shown(value: Any, limit: int = 60) -> str:
    """A value's repr cut to `limit` characters, for one-line messages."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
