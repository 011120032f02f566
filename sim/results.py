"""Writing results: every file lands whole or not at all."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd

Writer = Callable[[Path], None]


def write_all(out_dir: Path, writers: dict[str, Writer]) -> list[Path]:
    """Write every file into a scratch folder first, then move each into `out_dir`.

    A failure leaves `out_dir` as it was: no half-written file lands.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".partial-", dir=out_dir))
    try:
        for name, write in writers.items():
            write(scratch / name)
        written = []
        for name in writers:
            os.replace(scratch / name, out_dir / name)
            written.append(out_dir / name)
        return written
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def parquet_writer(frame: pd.DataFrame) -> Writer:
    """A writer of `frame` as Parquet."""
    return lambda path: frame.to_parquet(path, index=False)
