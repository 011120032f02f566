"""Many runs of one scenario, in chunks, on either engine, serially or on an executor.

A chunk is a range of run indices; a run's numbers depend only on (seed, run), so the per-run
table is the same whatever the chunk size, the number of workers or the executor. Chunks come
back in run order, so a consumer can stream them to disk and memory stays flat.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import select
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from sim.model.ensemble import pack, simulate_runs
from sim.model.outcomes import Road, run_table
from sim.model.scenario import Scenario
from sim.model.state import A_DEATHS, A_WITHDRAWN

Engine = Literal["ensemble", "agent"]
ENGINES: tuple[str, ...] = ("ensemble", "agent")
DEFAULT_CHUNK = 10_000
POLL_SECONDS = 0.2  # how often a wait for chunks looks at the stop flag


@dataclass(frozen=True)
class Chunk:
    """Runs start..stop-1 of a scenario under one seed, with or without twins."""

    scenario: Scenario
    seed: int
    start: int
    stop: int
    engine: Engine = "ensemble"
    twins: bool = True


def simulate_chunk(chunk: Chunk) -> pd.DataFrame:
    """The per-run table of one chunk (runs, then each road's twin)."""
    spec, runs = chunk.scenario, np.arange(chunk.start, chunk.stop, dtype=np.int64)
    if chunk.engine == "ensemble":
        out = simulate_runs(*pack(spec), chunk.seed, runs, 0, chunk.twins)
        metrics, dyads, casualties, withdrawals, twin_metrics, twin_dyads = out
    elif chunk.engine == "agent":
        from sim.model.mesa_model import road_mask, run_model

        models = [run_model(spec, chunk.seed, int(r), record=False) for r in runs]
        metrics = np.array([m.metrics for m in models])
        dyads = np.array([m.dyad_metrics for m in models])
        casualties = np.array([m.state.actor[:, A_DEATHS] for m in models])
        withdrawals = np.array([m.state.actor[:, A_WITHDRAWN] for m in models])
        twin_metrics, twin_dyads = [], []
        for road in Road if chunk.twins else ():
            twins = [
                run_model(spec, chunk.seed, int(r), road_mask(road), record=False) for r in runs
            ]
            twin_metrics.append(np.array([m.metrics for m in twins]))
            twin_dyads.append(np.array([m.dyad_metrics for m in twins]))
    else:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}, got {chunk.engine!r}")
    return run_table(
        metrics,
        dyads,
        casualties,
        withdrawals,
        [a.name for a in spec.actors],
        [a.role.value for a in spec.actors],
        spec.world.escalation_rung,
        chunk.seed,
        runs,
        twins=(np.asarray(twin_metrics), np.asarray(twin_dyads)) if chunk.twins else None,
    )


def chunks(
    scenario: Scenario,
    n_runs: int,
    seed: int,
    chunk_size: int = DEFAULT_CHUNK,
    engine: Engine = "ensemble",
    twins: bool = True,
    first_run: int = 0,
) -> list[Chunk]:
    """Runs first_run..first_run+n_runs-1 cut into chunks of at most chunk_size runs."""
    if chunk_size < 1:
        raise ValueError(f"chunk size must be at least 1, got {chunk_size}")
    stops = range(first_run, first_run + n_runs, chunk_size)
    return [
        Chunk(scenario, seed, start, min(start + chunk_size, first_run + n_runs), engine, twins)
        for start in stops
    ]


@contextmanager
def stop_on_interrupt() -> Iterator[threading.Event]:
    """Inside, the first Ctrl-C sets the event instead of raising; a second one raises at once.

    A KeyboardInterrupt raised at an arbitrary moment can land inside concurrent.futures' own
    locks and leave a pool that never shuts down; a flag read between chunks cannot.
    """
    stop = threading.Event()
    previous = signal.getsignal(signal.SIGINT)
    # Handlers can be set only in the main thread; an ignored Ctrl-C stays ignored.
    if threading.current_thread() is not threading.main_thread() or previous == signal.SIG_IGN:
        yield stop
        return
    previous = signal.default_int_handler if previous is None else previous

    def first_interrupt(signum: int, frame: object) -> None:
        stop.set()
        signal.signal(signal.SIGINT, previous)

    signal.signal(signal.SIGINT, first_interrupt)
    try:
        yield stop
    finally:
        signal.signal(signal.SIGINT, previous)


def stopping(stop: threading.Event | None) -> bool:
    """Whether a stop has been asked for."""
    return stop is not None and stop.is_set()


def in_order(
    executor: Executor, tasks: list[Chunk], window: int, stop: threading.Event | None = None
) -> Iterator[pd.DataFrame]:
    """Results of tasks in task order, with at most `window` tasks in flight.

    When `stop` is set, the tasks that can still be cancelled are and KeyboardInterrupt is
    raised at once: an unfinished run of chunks is of no use, so nothing waits for them.
    """
    queue = iter(tasks)
    pending = deque(executor.submit(simulate_chunk, t) for t in itertools.islice(queue, window))
    while pending:
        done = False
        while not (done or stopping(stop)):
            done = bool(wait([pending[0]], timeout=POLL_SECONDS).done)
        if stopping(stop):
            for future in pending:
                future.cancel()
            raise KeyboardInterrupt
        result = pending.popleft().result()
        for task in itertools.islice(queue, 1):
            pending.append(executor.submit(simulate_chunk, task))
        yield result


def _exit_with(pid: int) -> None:
    """Wait until process `pid` has ended, then end this one."""
    try:
        handle = os.pidfd_open(pid)  # Linux: readable once the process has ended
    except (AttributeError, OSError):
        while True:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(1.0)
    else:
        select.select([handle], [], [])
    os._exit(1)


def _start_worker(main: int) -> None:
    """Workers end with the main process, even after its kill -9."""
    threading.Thread(target=_exit_with, args=(main,), daemon=True).start()


def process_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of worker processes forked from a clean server process (no inherited threads).

    The server preloads sim.experiments._forkserver, so it and its workers ignore Ctrl-C from their
    start: a Ctrl-C in a terminal, sent to every process of the group, is the main
    process's to handle.
    """
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["sim.experiments._forkserver"])
    return ProcessPoolExecutor(
        workers, mp_context=context, initializer=_start_worker, initargs=(os.getpid(),)
    )


def end_workers(pool: ProcessPoolExecutor) -> None:
    """Stop a pool at once: cancel its queued tasks and terminate its workers mid-task."""
    # ProcessPoolExecutor.terminate_workers() comes with Python 3.14; until then, by hand.
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()


@contextmanager
def local_pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    """A process pool that is shut down calmly on success and stopped at once on failure.

    On Ctrl-C the caller has already kept what it wants, so nothing waits for the chunks
    still running: their results would be thrown away.
    """
    pool = process_pool(workers)
    try:
        yield pool
    except BaseException:
        end_workers(pool)
        raise
    finally:
        pool.shutdown(wait=True)


def iter_tables(
    tasks: list[Chunk],
    workers: int = 1,
    executor: Executor | None = None,
    stop: threading.Event | None = None,
) -> Iterator[pd.DataFrame]:
    """Per-run tables chunk by chunk, in run order: serially, or on an executor.

    Setting `stop` ends the work at the next chunk boundary with KeyboardInterrupt.
    """
    if executor is not None:
        yield from in_order(executor, tasks, 2 * max(workers, 1), stop)
    elif workers <= 1:
        for task in tasks:
            if stopping(stop):
                raise KeyboardInterrupt
            yield simulate_chunk(task)
    else:
        with local_pool(workers) as pool:
            yield from in_order(pool, tasks, 2 * workers, stop)


def run_many(
    scenario: Scenario,
    n_runs: int,
    seed: int = 0,
    engine: Engine = "ensemble",
    twins: bool = True,
    chunk_size: int = DEFAULT_CHUNK,
    workers: int = 1,
    on_chunk: Callable[[pd.DataFrame], None] | None = None,
) -> pd.DataFrame | None:
    """Run n_runs runs; hand each chunk's table to on_chunk, or return them all as one table."""
    tables = iter_tables(chunks(scenario, n_runs, seed, chunk_size, engine, twins), workers)
    if on_chunk is not None:
        for table in tables:
            on_chunk(table)
        return None
    return pd.concat(list(tables), ignore_index=True)
