"""Running an experiment: tasks on an executor, results saved first and analysed second.

Layout of a results folder (`results/<experiment>/`):

- `manifest.json`: the experiment file, its fingerprint, the resolved design, the seed,
  package versions, start and end times;
- `points.parquet`: the design, one row a point;
- `chunks/p<point>-r<first run>.parquet`: the per-run tables, one file a task, each written
  atomically (a scratch name, then a rename), so a file is there whole or not at all;
- `chunks.jsonl`: the ledger of chunk files, each with its identity and SHA-256
  (sim.experiments.ledger);
- `summary.parquet` and `summary.csv`: per point, written when every chunk is there.

Running the same experiment into the same folder again resumes it: chunks the ledger vouches
for are kept, and the missing ones, and any that fail verification, run again. Every run of
every point depends only on (seed, run), so the results are the same, to the bit, however the
sweep was cut, interrupted or spread.
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import itertools
import os
import platform
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, wait
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sim.experiments import ledger
from sim.experiments.confined import check_contents, inside, make_folder, remove_inside
from sim.experiments.experiment import Experiment, fingerprint, points, scenario_at
from sim.experiments.folders import clean_leftovers, mark_folder
from sim.experiments.manifest import (
    MANIFEST,
    points_intact,
    read_manifest,
    read_points,
    stamp_points,
    write_manifest,
)
from sim.experiments.results import write_atomically
from sim.experiments.runs import POLL_SECONDS, Chunk, local_pool, simulate_chunk, stopping
from sim.model.scenario import Scenario, ScenarioError

PACKAGES = (
    "escalation-sim",
    "mesa",
    "numpy",
    "numba",
    "pandas",
    "pyarrow",
    "pydantic",
    "SALib",
    "distributed",
)


@dataclass(frozen=True)
class Task:
    """One chunk of runs of one point."""

    point: int
    chunk: Chunk

    @property
    def filename(self) -> str:
        return f"p{self.point:05d}-r{self.chunk.start:09d}.parquet"

    @property
    def identity(self) -> dict[str, int]:
        """What its chunk file holds, as the ledger records it."""
        return {"point": self.point, "start": self.chunk.start, "stop": self.chunk.stop}


def run_point_chunk(task: Task) -> pd.DataFrame:
    """The per-run table of one task, with its point's index in front."""
    table = simulate_chunk(task.chunk)
    table.insert(0, "point", task.point)
    return table


def tasks_of(experiment: Experiment, base: Scenario) -> list[Task]:
    """Every task of the experiment: each point's replicates cut into chunks.

    Every point runs the same run indices 0..replicates-1 under the experiment's seed (common
    random numbers), so differences between points come from the parameters, not from luck.
    """
    tasks = []
    size = min(experiment.chunk_size, experiment.replicates)
    for index, point in points(experiment).iterrows():
        scenario = scenario_at(base, experiment, point)
        for start in range(0, experiment.replicates, size):
            stop = min(start + size, experiment.replicates)
            tasks.append(Task(int(index), Chunk(scenario, experiment.seed, start, stop)))
    return tasks


def versions() -> dict[str, str]:
    """Python's and the main packages' versions, for the manifest."""
    found = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def now() -> str:
    """The time now, UTC, to the second, as the manifests stamp it."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def prepare(out_dir: Path, experiment: Experiment, base: Scenario, text: str) -> dict:
    """Create or check the results folder; refuse a folder made by a different experiment.

    Idempotent: on a folder this experiment made, it only checks (and clears the scratch
    files of killed processes; see sim.experiments.folders).
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    check_contents(out_dir, ("chunks",))
    make_folder(out_dir, "chunks")
    mark_folder(out_dir)
    clean_leftovers(out_dir)  # only files of dead processes: never another's in-flight file
    mark = fingerprint(experiment, base)
    design = points(experiment)
    if os.path.lexists(out_dir / MANIFEST):
        manifest = read_manifest(out_dir)
        if manifest.get("fingerprint") != mark:
            raise ScenarioError(
                f"{out_dir} holds results of a different experiment (or base scenario); "
                "give another --out, or delete that folder to start again"
            )
        if not points_intact(out_dir, manifest):  # the design follows from the experiment
            stamp_points(out_dir, design, manifest)
            write_manifest(out_dir, manifest)
        return manifest
    manifest = {
        "experiment": experiment.name,
        "fingerprint": mark,
        "experiment_file": text,
        "base_scenario": base.model_dump(mode="json"),
        "design": experiment.design.value,
        "parameters": [p.path for p in experiment.parameters],
        "seed": experiment.seed,
        "replicates": experiment.replicates,
        "runs": "0..replicates-1 at every point (common random numbers)",
        "chunk_ledger": f"{ledger.LEDGER}: each chunk's point, runs, size and SHA-256",
        "versions": versions(),
        "started": now(),
        "finished": None,
    }
    stamp_points(out_dir, design, manifest)
    write_manifest(out_dir, manifest)
    return manifest


def as_completed_window(
    executor: Executor, tasks: list[Task], window: int, stop: threading.Event | None = None
) -> Iterator[tuple[Task, pd.DataFrame]]:
    """(task, table) as tasks finish, with at most `window` in flight (flat memory).

    When `stop` is set, the tasks that can still be cancelled are, the others come back (so
    their work is kept) and KeyboardInterrupt is raised.
    """
    queue = iter(tasks)
    running = {executor.submit(run_point_chunk, t): t for t in itertools.islice(queue, window)}
    while running:
        if stopping(stop):
            queue = iter(())
            # A cancelled future may never count as done in wait(): forget it at once.
            running = {f: t for f, t in running.items() if not f.cancel()}
        done, _ = wait(running, timeout=POLL_SECONDS, return_when=FIRST_COMPLETED)
        for future in done:
            task = running.pop(future)
            yield task, future.result()
            for more in itertools.islice(queue, 1):
                running[executor.submit(run_point_chunk, more)] = more
    if stopping(stop):
        raise KeyboardInterrupt


def serially(
    tasks: list[Task], stop: threading.Event | None = None
) -> Iterator[tuple[Task, pd.DataFrame]]:
    """(task, table) one task after another in this process, until `stop` is set."""
    for task in tasks:
        if stopping(stop):
            raise KeyboardInterrupt
        yield task, run_point_chunk(task)


@contextmanager
def executor_for(kind: str, workers: int, scheduler: str | None) -> Iterator[Executor]:
    """A concurrent.futures executor: a local process pool, or a Dask cluster's executor."""
    if kind == "local":
        with local_pool(workers) as pool:
            yield pool
        return
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:  # pragma: no cover - the test extra installs it
        raise ScenarioError(
            "--executor dask needs dask.distributed: pip install 'escalation-sim[dask]'"
        ) from None
    if scheduler:
        _check_reachable(scheduler)
        try:
            client = Client(scheduler, timeout="10s")
        except (OSError, TimeoutError) as error:
            reason = str(error) or type(error).__name__
            message = f"cannot reach the Dask scheduler at {scheduler}: {reason}"
            raise ScenarioError(message) from None
        with client:
            yield client.get_executor()
        return
    with (
        LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client.get_executor()


def _check_reachable(scheduler: str) -> None:
    """Refuse at once, in one line, a scheduler address that is malformed or not listening."""
    import socket
    from urllib.parse import urlsplit

    try:
        address = urlsplit(scheduler)
        scheme, host, port = address.scheme, address.hostname, address.port
    except ValueError:  # e.g. a port out of range
        scheme = host = port = None
    if scheme not in ("tcp", "tls") or not host or not port:
        raise ScenarioError(f"--scheduler must look like tcp://HOST:PORT, got {scheduler!r}")
    try:
        socket.create_connection((host, port), timeout=10).close()
    except OSError as error:
        reason = error.strerror or str(error) or type(error).__name__
        raise ScenarioError(f"cannot reach the Dask scheduler at {scheduler}: {reason}") from None


def verify_chunks(
    out_dir: Path, tasks: list[Task], remove: bool = True
) -> tuple[list[Task], list[str]]:
    """The tasks still to run, and a line for each chunk file that failed verification.

    A chunk file counts as done only if the ledger records it as this task's chunk of this
    experiment (the manifest's fingerprint), with its size and checksum. With `remove`, failed
    files, and chunk files that belong to no task, are deleted so that nothing untrusted can
    be summarised.
    """
    known = ledger.entries(out_dir)
    # A chunk belongs to one experiment: the same point and runs of another one are not it.
    experiment = read_manifest(out_dir)["fingerprint"]
    present = {p.name for p in inside(out_dir, "chunks", "folder").glob("p*-r*.parquet")}
    todo, problems = [], []
    for task in tasks:
        if task.filename not in present:
            todo.append(task)
            continue
        identity = {**task.identity, "experiment": experiment}
        why = ledger.problem(out_dir, task.filename, identity, known)
        if why is not None:
            problems.append(f"{task.filename}: {why}")
            todo.append(task)
            if remove:
                remove_inside(out_dir, f"chunks/{task.filename}")
    for stray in sorted(present - {t.filename for t in tasks}):
        problems.append(f"{stray}: not a chunk of this experiment")
        if remove:
            remove_inside(out_dir, f"chunks/{stray}")
    return todo, problems


def missing_tasks(out_dir: Path, tasks: list[Task]) -> list[Task]:
    """The tasks whose chunk file is missing or fails verification (see verify_chunks)."""
    return verify_chunks(out_dir, tasks)[0]


def run_sweep(
    experiment: Experiment,
    base: Scenario,
    text: str,
    out_dir: Path,
    executor: Executor | None = None,
    on_progress: Callable[[int], None] | None = None,
    tasks: list[Task] | None = None,
    stop: threading.Event | None = None,
    todo: list[Task] | None = None,
) -> int:
    """Run the experiment's missing chunks into out_dir; return how many runs were done now.

    With no executor, chunks run in this process. Each finished chunk is written at once, so an
    interruption loses at most the chunks in flight. `tasks`, if given, saves making them; `todo`,
    if given, saves verifying the chunks already there (see verify_chunks). Setting `stop` (see
    sim.experiments.runs.stop_on_interrupt) ends the sweep with KeyboardInterrupt once the chunks
    the executor has already started are saved (Dask cancels its own).
    """
    manifest = prepare(out_dir, experiment, base, text)
    tasks = tasks_of(experiment, base) if tasks is None else tasks
    todo = missing_tasks(out_dir, tasks) if todo is None else todo
    if 0 < len(todo) < len(tasks):  # a resumed sweep: the manifest says when
        manifest.setdefault("resumed", []).append(now())
        write_manifest(out_dir, manifest)
    done = 0
    results = (
        serially(todo, stop)
        if executor is None
        else as_completed_window(executor, todo, 4 * max(os.cpu_count() or 1, 1), stop)
    )
    for task, table in results:
        write_atomically(
            out_dir,
            f"chunks/{task.filename}",
            lambda p, table=table: table.to_parquet(p, index=False),
        )
        ledger.record(
            out_dir, task.filename, {**task.identity, "experiment": manifest["fingerprint"]}
        )
        runs = task.chunk.stop - task.chunk.start
        done += runs
        if on_progress:
            on_progress(runs)
    return done


def _read_chunk(path: Path) -> pd.DataFrame:
    """A chunk file's table, refused unless it holds the point and runs its name says."""
    table = pd.read_parquet(path)
    point, start = int(path.name[1:6]), int(path.name[8:17])
    runs = table["run"].to_numpy() if "run" in table else None
    if (
        runs is None
        or len(table) == 0
        or not (table["point"] == point).all()
        or runs[0] != start
        or not (runs[1:] - runs[:-1] == 1).all()
    ):
        raise ScenarioError(f"{path}: does not hold the runs its name says; run the sweep again")
    return table


def point_runs(out_dir: Path) -> Iterator[tuple[int, pd.DataFrame]]:
    """Each point's runs in run order, one point at a time (memory: one point's runs)."""
    files = sorted(Path(out_dir, "chunks").glob("p*-r*.parquet"))
    for point, group in itertools.groupby(files, key=lambda f: int(f.name[1:6])):
        yield point, pd.concat([_read_chunk(f) for f in group], ignore_index=True)


def load_results(out_dir: str | Path) -> pd.DataFrame:
    """Every run of a sweep, in (point, run) order, with the point's parameter values."""
    out_dir = Path(out_dir)
    tables = [table for _, table in point_runs(out_dir)]
    if not tables:
        raise ScenarioError(f"{out_dir}: no results (no chunks/*.parquet)")
    design = read_points(out_dir).reset_index()
    return design.merge(pd.concat(tables, ignore_index=True), on="point")
