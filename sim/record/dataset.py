"""The record itself: the GML MID disputes and participants and the Correlates of War wars.

The four tables ship in `sim/record/data/` with their provenance, terms and checksums
(`data/README.md`, `data/SHA256SUMS`); `load_record` reads them with pandas after checking
every checksum, so a changed or damaged file is refused rather than used. Every column is an
integer code; the sources' −9 (missing) becomes pandas' missing value.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sim.model.scenario import ScenarioError

DATA_DIR = Path(__file__).resolve().parent / "data"
CHECKSUMS = "SHA256SUMS"
FILES = {
    "disputes": "gml_mid_disps.csv",
    "participants": "gml_part.csv",
    "wars": "cow_war_inter.csv",
    "majors": "cow_majors.csv",
}
MISSING = -9  # the sources' code for a missing value
MAX_BYTES = 10_000_000  # the largest table is 250 kB

# The codes, as the GML MID codebook gives them (data/README.md).
HOSTILITY = {
    1: "no militarized action",
    2: "threat to use force",
    3: "display of force",
    4: "use of force",
    5: "war",
}
FATALITY = {
    0: "none",
    1: "1-25",
    2: "26-100",
    3: "101-250",
    4: "251-500",
    5: "501-999",
    6: "more than 999",
}
# The fewest battle deaths of each band above 0: deaths d fall in band searchsorted(d, right).
FATALITY_FLOORS = (1, 26, 101, 251, 501, 1000)
OUTCOME = {
    1: "victory for side A",
    2: "victory for side B",
    3: "side A yields",
    4: "side B yields",
    5: "stalemate",
    6: "compromise",
    7: "released",
    8: "unclear",
    9: "joins an ongoing war",
}
SETTLEMENT = {1: "negotiated", 2: "imposed", 3: "none", 4: "unclear"}
HIGHEST_ACTION = {
    0: "no militarized action",
    1: "threat to use force",
    2: "threat to blockade",
    3: "threat to occupy territory",
    4: "threat to declare war",
    5: "threat to use CBR weapons",
    6: "threat to join war",
    7: "show of force",
    8: "alert",
    9: "nuclear alert",
    10: "mobilization",
    11: "fortify border",
    12: "border violation",
    13: "blockade",
    14: "occupation of territory",
    15: "seizure",
    16: "attack",
    17: "clash",
    18: "declaration of war",
    19: "use of CBR weapons",
    20: "begin interstate war",
    21: "join interstate war",
}


class RecordError(ScenarioError):
    """The record's files cannot be used (missing, damaged, changed); one line."""


@dataclass(frozen=True)
class Record:
    """The four tables: one row a dispute, a participant episode, a directed war dyad-year,
    a major-power spell."""

    disputes: pd.DataFrame
    participants: pd.DataFrame
    wars: pd.DataFrame
    majors: pd.DataFrame


def sha256(path: Path) -> str:
    """The file's SHA-256 as hex."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def expected_checksums(folder: Path = DATA_DIR) -> dict[str, str]:
    """The checksums the data folder promises (its SHA256SUMS, as `sha256sum` writes it)."""
    try:
        lines = (folder / CHECKSUMS).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise RecordError(f"{folder / CHECKSUMS}: cannot read the checksums: {error}") from None
    sums = {}
    for line in lines:
        digest, _, name = line.partition("  ")
        if len(digest) != 64 or not name:
            raise RecordError(f"{folder / CHECKSUMS}: not a SHA256SUMS line: {line[:80]!r}")
        sums[name.strip()] = digest.lower()
    return sums


def verify(folder: Path = DATA_DIR) -> None:
    """Refuse, in one line, a data folder whose tables do not match their checksums."""
    sums = expected_checksums(folder)
    for name in FILES.values():
        path = folder / name
        if name not in sums:
            raise RecordError(f"{path}: no checksum for it in {CHECKSUMS}")
        if not path.is_file() or path.is_symlink():
            raise RecordError(f"{path}: missing (or not a regular file)")
        if path.stat().st_size > MAX_BYTES:
            raise RecordError(f"{path}: larger than {MAX_BYTES:,} bytes")
        if sha256(path) != sums[name]:
            raise RecordError(
                f"{path}: its checksum differs from {CHECKSUMS}: the file was changed or "
                "damaged; restore it from the project"
            )


def _table(path: Path) -> pd.DataFrame:
    """A table of integer codes (floats in the CSV), −9 as missing."""
    try:
        frame = pd.read_csv(path)
    except (OSError, ValueError) as error:
        raise RecordError(f"{path}: cannot read: {' '.join(str(error).split())}") from None
    frame = frame.astype("Int64")  # every value of the four tables is a whole number
    return frame.mask(frame == MISSING)


@functools.cache
def load_record(folder: Path = DATA_DIR) -> Record:
    """The record's four tables, after checking their checksums (read once a process)."""
    verify(folder)
    tables = {key: _table(folder / name) for key, name in FILES.items()}
    return Record(**tables)
