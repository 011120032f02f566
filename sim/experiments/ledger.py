"""The chunk ledger: what each chunk file of a sweep is, and its checksum.

`chunks.jsonl` beside manifest.json gets one line per chunk written: its file name, its
identity (point and runs) and its size and SHA-256. A chunk file is trusted only if the
ledger vouches for it; anything else (truncated, zero bytes, another chunk's copy, a file of
unknown origin) is not summarised, and a resumed sweep runs it again.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from sim.experiments.confined import no_follow, open_inside

LEDGER = "chunks.jsonl"
MAX_LINE = 4096  # bytes: an entry is about 250; a longer line is garbage, read a block at a time


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file, read in blocks (never through a link)."""
    with open(path, "rb", opener=no_follow) as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def record(out_dir: Path, filename: str, identity: dict[str, Any]) -> None:
    """Add a chunk file, just written into out_dir/chunks, to the ledger."""
    path = Path(out_dir, "chunks", filename)
    entry = {
        "file": filename,
        **identity,
        "bytes": path.lstat().st_size,
        "sha256": sha256_of(path),
    }
    # The leading newline keeps a line torn by a kill -9 apart from the next one.
    with open_inside(out_dir, LEDGER, "a") as ledger:
        ledger.write("\n" + json.dumps(entry, sort_keys=True) + "\n")


def entries(out_dir: Path) -> dict[str, dict[str, Any]]:
    """The ledger's entries by file name (the last entry of a file wins; torn lines skipped)."""
    found: dict[str, dict[str, Any]] = {}
    try:
        with open_inside(out_dir, LEDGER, "rb") as ledger:
            while raw := ledger.readline(MAX_LINE):
                if not raw.endswith(b"\n") and len(raw) == MAX_LINE:  # no entry is this long
                    while (rest := ledger.readline(MAX_LINE)) and not rest.endswith(b"\n"):
                        pass  # skip the rest of the line, a block at a time
                    continue
                try:
                    entry = json.loads(raw.decode("utf-8", errors="replace"))
                except ValueError:
                    continue
                if isinstance(entry, dict) and isinstance(entry.get("file"), str):
                    found[entry["file"]] = entry
    except FileNotFoundError:
        pass
    return found


def problem(
    out_dir: Path,
    filename: str,
    identity: dict[str, Any] | None,
    known: dict[str, dict[str, Any]],
) -> str | None:
    """Why the chunk file cannot be trusted, or None if the ledger vouches for it.

    `identity` is what the file must be (None: whatever the ledger says it is).
    """
    entry = known.get(filename)
    if entry is None:
        return "not in the ledger"
    if identity is not None and any(entry.get(k) != v for k, v in identity.items()):
        return "the ledger records a different chunk under this name"
    path = Path(out_dir, "chunks", filename)
    try:
        size = path.lstat().st_size
        recorded = entry.get("bytes")
        if size != recorded:
            shown = f"{recorded:,}" if isinstance(recorded, int) else repr(recorded)
            return f"{size:,} bytes, not the {shown} recorded"
        if sha256_of(path) != entry.get("sha256"):
            return "its checksum differs from the one recorded"
    except OSError as error:
        return f"unreadable: {error.strerror}"
    return None
