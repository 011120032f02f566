"""A results folder's manifest, written with a checksum over its content and trusted only if
it still matches; the design (`points.parquet`) is trusted only if its checksum, stamped in
the manifest, matches too.

The checksum is the SHA-256 of the manifest's JSON with sorted keys and without the checksum
itself. An edited manifest (25 replicates made 26, say) no longer matches and is refused in
one line, with the way out: remove it, and the sweep rebuilds it from the experiment file
(its chunks are vouched for by the ledger, which records the experiment's fingerprint).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pandas as pd

from sim.experiments import ledger
from sim.experiments.confined import read_inside
from sim.experiments.results import write_atomically
from sim.model.scenario import ScenarioError

MANIFEST = "manifest.json"
POINTS = "points.parquet"
CHECKSUM = "checksum"
MAX_MANIFEST_BYTES = 50_000_000  # a sweep's manifest is a few kB; the experiment file in it ≤ 1 MB
NEEDS = {"fingerprint": str, "experiment_file": str, "base_scenario": dict}


def checksum(manifest: dict[str, Any]) -> str:
    """The SHA-256 of a manifest's content (sorted keys, the checksum itself left out)."""
    content = {k: v for k, v in manifest.items() if k != CHECKSUM}
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def write_manifest(out_dir: Path, manifest: dict[str, Any], name: str = MANIFEST) -> None:
    """Write a manifest whole (a scratch name, then a rename), stamped with its checksum."""
    stamped = {**{k: v for k, v in manifest.items() if k != CHECKSUM}}
    stamped[CHECKSUM] = checksum(stamped)
    write_atomically(out_dir, name, lambda p: p.write_text(json.dumps(stamped, indent=1)))


def read_manifest(
    out_dir: Path,
    name: str = MANIFEST,
    needs: dict[str, type] | None = None,
    limit: int = MAX_MANIFEST_BYTES,
) -> dict[str, Any]:
    """A manifest whose checksum matches and which has the keys the commands use (by default
    a sweep's), or ScenarioError in one line."""
    path = Path(out_dir) / name
    try:
        manifest = json.loads(read_inside(out_dir, name, limit))
    except (OSError, ValueError) as error:
        reason = getattr(error, "strerror", None) or " ".join(str(error).split())[:200]
        raise ScenarioError(f"{path}: unreadable manifest: {reason}") from None
    needs = NEEDS if needs is None else needs
    if not isinstance(manifest, dict) or any(
        not isinstance(manifest.get(key), kind) for key, kind in needs.items()
    ):
        raise ScenarioError(f"{path}: garbled manifest (not the one escalation writes)")
    if manifest.get(CHECKSUM) != checksum(manifest):
        raise ScenarioError(
            f"{path}: edited or damaged (its checksum does not match its content), so it is "
            "not trusted; remove it and run the same command again to rebuild it"
        )
    return manifest


def stamp_points(out_dir: Path, design: pd.DataFrame, manifest: dict[str, Any]) -> None:
    """Write the design as points.parquet and record its checksum in `manifest` (unwritten)."""
    path = write_atomically(out_dir, POINTS, lambda p: design.to_parquet(p))
    manifest["points_sha256"] = ledger.sha256_of(path)


def points_intact(out_dir: Path, manifest: dict[str, Any]) -> bool:
    """Whether points.parquet is the design the manifest vouches for."""
    try:
        return manifest.get("points_sha256") == ledger.sha256_of(Path(out_dir) / POINTS)
    except OSError:
        return False


def read_points(out_dir: Path, manifest: dict[str, Any] | None = None) -> pd.DataFrame:
    """The sweep's design, one row a point, if the manifest vouches for it; else ScenarioError."""
    manifest = read_manifest(out_dir) if manifest is None else manifest
    if not points_intact(out_dir, manifest):
        raise ScenarioError(
            f"{Path(out_dir) / POINTS}: not the design the sweep wrote (missing, or its "
            "checksum differs); run `escalation sweep` again to rewrite it"
        )
    try:
        return pd.read_parquet(Path(out_dir) / POINTS)
    except Exception as error:  # a checksummed file that pyarrow cannot read: say so in a line
        raise ScenarioError(f"{Path(out_dir) / POINTS}: unreadable: {error}") from None
