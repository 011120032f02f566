"""A calibration's history database (pyabc's SQLite file), checked before any work.

The history is the calibration's record and what a resumed calibration starts from, so it is
trusted only when it is one: a regular SQLite file that this command can write, whose run
(pyabc's `abc_smc` row, written whole in pyabc's first commit) carries the fingerprint of this
very calibration in its metadata. A foreign SQLite file, another calibration's history, a
read-only file or something that is no database at all is refused in one line before a single
simulation runs; a database that failed while being written (a full disk) is named in one
line too, its finished generations kept for a resume.
"""

from __future__ import annotations

import ast
import contextlib
import math
import os
import sqlite3
from pathlib import Path
from typing import Any

from sim.experiments.manifest import read_manifest, write_manifest
from sim.model.scenario import ScenarioError

DATABASE = "history.db"
MANIFEST = "calibration.json"  # the calibration's fingerprint and settings
MAX_MANIFEST_BYTES = 1_000_000
KEY = "escalation_fingerprint"  # in pyabc's meta_info of the run


class UnfittableError(ScenarioError):
    """A calibration whose simulations give no value to fit (found after generation 0)."""


def stamp(fingerprint: str) -> dict[str, str]:
    """pyabc's meta_info for a new history: the calibration's fingerprint."""
    return {KEY: fingerprint}


def _fingerprints(rows: list[tuple[Any, ...]]) -> list[object]:
    """The fingerprints pyabc's run rows carry (its meta_info, stored as a dict's repr)."""
    found = []
    for (text,) in rows:
        try:
            info = ast.literal_eval(text) if isinstance(text, str) else None
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            info = None
        found.append(info.get(KEY) if isinstance(info, dict) else None)
    return found


def resumable(database: Path, fingerprint: str) -> bool:
    """Whether `database` holds this calibration's history to resume from: False if there is
    none yet (or only an empty file); ScenarioError, in one line, if it cannot be used."""
    try:
        os.lstat(database)
    except FileNotFoundError:
        return False
    if not os.access(database, os.R_OK | os.W_OK) or not os.access(database.parent, os.W_OK):
        raise ScenarioError(
            f"{database}: read-only, so the calibration cannot record its generations; make "
            "it (and its folder) writable, or give another --out"
        )
    try:
        with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
            tables = {row[0] for row in db.execute("select name from sqlite_master")}
            rows = (
                db.execute("select json_parameters from abc_smc").fetchall()
                if "abc_smc" in tables
                else None
            )
    except sqlite3.Error as error:
        raise ScenarioError(
            f"{database}: not a calibration history ({error}); remove it, or give another --out"
        ) from None
    if not rows:
        if not tables or rows == []:
            return False  # an empty history: killed before pyabc's first record
        raise ScenarioError(
            f"{database}: carries no calibration fingerprint (another program's database, or a "
            "history written before histories carried one), so it is not trusted; remove it, "
            "or give another --out"
        )
    found = _fingerprints(rows)
    if not any(found):
        raise ScenarioError(
            f"{database}: carries no calibration fingerprint (a history written before "
            "histories carried one), so it is not trusted; remove it, or give another --out"
        )
    if found != [fingerprint]:
        raise ScenarioError(
            f"{database}: the history of another calibration file (its fingerprint differs); "
            "give another --out, or remove it to start again"
        )
    return True


def prepare(out_dir: Path, fingerprint: str, calibration: dict[str, Any]) -> bool:
    """Check a calibration's folder before any work: True if it holds this calibration's
    history to resume; else its manifest is (re)written for a fresh start. ScenarioError in
    one line if the history or the manifest beside it cannot be trusted."""
    if resumable(out_dir / DATABASE, fingerprint):
        try:
            needs = {"fingerprint": str}
            known = read_manifest(out_dir, MANIFEST, needs, MAX_MANIFEST_BYTES)["fingerprint"]
        except ScenarioError as error:
            raise ScenarioError(f"{error} (beside this calibration's history)") from None
        if known != fingerprint:
            raise ScenarioError(
                f"{out_dir}: holds a calibration made from another calibration file; give "
                "another --out, or remove the folder to start again"
            )
        return True
    write_manifest(out_dir, {"fingerprint": fingerprint, "calibration": calibration}, MANIFEST)
    return False


def is_database_error(error: BaseException) -> bool:
    """Whether an error came from the history database (sqlite3, or SQLAlchemy under pyabc)."""
    return isinstance(error, sqlite3.Error) or type(error).__module__.startswith("sqlalchemy")


def write_failure(database: Path, error: BaseException) -> ScenarioError:
    """A database error while recording the history (a full disk, say), as one line."""
    reason = getattr(error, "orig", None) or error
    text = " ".join(str(reason).split())[:200] or type(error).__name__
    return ScenarioError(
        f"{database}: cannot write the calibration's history: {text}; the generations already "
        "recorded are kept, and the same command resumes from them"
    )


def check_fittable(history: Any, names: list[str]) -> None:
    """Refuse a calibration none of whose simulations gave a value to fit: once every particle
    of a generation lies at an infinite distance, the thresholds stay infinite and the
    'posterior' would be the prior. Names the patterns that never had a value."""
    t = history.max_t
    if t < 0:
        return
    distances = history.get_weighted_distances(t)["distance"].to_numpy()
    if any(math.isfinite(d) for d in distances):
        return
    _, stats = history.get_weighted_sum_stats(t)
    empty = [n for n in names if not any(math.isfinite(s.get(n, math.nan)) for s in stats)]
    raise UnfittableError(
        f"no simulation of generation {t} gave a value for "
        f"{', '.join(empty) or 'every pattern'} (for example: no dispute or no incident in any "
        "run), so there is nothing to fit; drop those patterns from `fit`, or give the "
        "scenario room to produce them"
    )
