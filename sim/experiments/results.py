"""Writing results: every file lands whole or not at all, and only inside its folder.

Every name written goes through `sim.experiments.confined.inside` first: a link, a FIFO or a
folder where a result file should land is refused in one line before anything moves.
"""

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

from sim.experiments.confined import inside, open_inside, remove_inside

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
        made = sorted(scratch.iterdir())
        targets = [inside(out_dir, path.name) for path in made]  # all checked before any moves
        for path, target in zip(made, targets, strict=True):
            os.replace(path, target)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def write_atomically(out_dir: Path, name: str | Path, write: Writer) -> Path:
    """Write `out_dir/name` whole or not at all: to a hidden scratch name beside it, then a
    rename. The scratch file is created first, exclusively and without following a link, and
    both names are checked (`inside`); returns the path written."""
    target = inside(out_dir, name)
    relative = Path(name).with_name(f".{target.name}.{os.getpid()}.partial")
    scratch = Path(out_dir) / relative
    remove_inside(out_dir, relative)  # a namesake process's leftover (a reused process id)
    open_inside(out_dir, relative, "xb").close()
    try:
        write(scratch)
        os.replace(scratch, inside(out_dir, name))
    finally:
        scratch.unlink(missing_ok=True)
    return target


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
