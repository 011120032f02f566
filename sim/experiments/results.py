"""Writing results: every file lands whole or not at all."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

Writer = Callable[[Path], None]


@contextmanager
def staging(out_dir: Path) -> Iterator[Path]:
    """A scratch folder inside `out_dir` whose files move into `out_dir` on success.

    On any failure, Ctrl-C included, the scratch folder is removed and `out_dir` keeps what
    it had: no half-written file lands.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    # The process id in its name lets a later run tell a killed run's leftovers
    # (sim.experiments.folders).
    scratch = Path(tempfile.mkdtemp(prefix=f".partial-{os.getpid()}-", dir=out_dir))
    try:
        yield scratch
        for path in sorted(scratch.iterdir()):
            os.replace(path, out_dir / path.name)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def write_all(out_dir: Path, writers: dict[str, Writer]) -> list[Path]:
    """Write every file through `staging`; return the paths written."""
    with staging(out_dir) as scratch:
        for name, write in writers.items():
            write(scratch / name)
    return [Path(out_dir) / name for name in writers]


def parquet_writer(frame: pd.DataFrame) -> Writer:
    """A writer of `frame` as Parquet."""
    return lambda path: frame.to_parquet(path, index=False)


class ParquetStream:
    """Appends tables with the same columns to one Parquet file, one row group each."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._writer: pq.ParquetWriter | None = None

    def write(self, table: pd.DataFrame) -> None:
        batch = pa.Table.from_pandas(table, preserve_index=False)
        if self._writer is None:
            self._writer = pq.ParquetWriter(self.path, batch.schema)
        self._writer.write_table(batch)

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()

    def __enter__(self) -> ParquetStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
