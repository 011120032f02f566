"""Many runs: the same table whatever the chunk size, the workers or the executor."""

import signal
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor

import pandas as pd
import pytest

from sim.experiments.runs import (
    Chunk,
    chunks,
    in_order,
    iter_tables,
    local_pool,
    process_pool,
    run_many,
    simulate_chunk,
    stop_on_interrupt,
)


# Chunking and workers change only which runs are simulated together, so a run's row either
# depends on its chunk's boundaries or it does not, whatever the number of runs: 600 runs
# (a boundary every run, every 7 runs, every 250 runs, none) show it as well as 3,000 did.
def test_the_table_does_not_depend_on_chunk_size(reassurance):
    whole = run_many(reassurance, 600, seed=9, chunk_size=600)
    for size in (1, 7, 250, 4096):
        if size == 1:
            part = run_many(reassurance, 40, seed=9, chunk_size=1)
            pd.testing.assert_frame_equal(part, whole.iloc[:40], check_exact=True)
        else:
            other = run_many(reassurance, 600, seed=9, chunk_size=size)
            pd.testing.assert_frame_equal(other, whole, check_exact=True)


def test_the_table_does_not_depend_on_the_number_of_worker_processes(reassurance):
    # 1,200 runs: 6 chunks serially against 9 unaligned chunks shared by two processes.
    serial = run_many(reassurance, 1200, seed=4, chunk_size=200, workers=1)
    parallel = run_many(reassurance, 1200, seed=4, chunk_size=140, workers=2)
    pd.testing.assert_frame_equal(serial, parallel, check_exact=True)


def test_runs_can_start_anywhere(reassurance):
    whole = simulate_chunk(Chunk(reassurance, 3, 0, 500))
    tail = simulate_chunk(Chunk(reassurance, 3, 200, 500))
    pd.testing.assert_frame_equal(tail, whole.iloc[200:].reset_index(drop=True), check_exact=True)


def test_chunks_cover_every_run_once(reassurance):
    parts = chunks(reassurance, 10_001, seed=0, chunk_size=1000, first_run=5)
    covered = [r for c in parts for r in range(c.start, c.stop)]
    assert covered == list(range(5, 10_006))
    with pytest.raises(ValueError, match="chunk size"):
        chunks(reassurance, 10, seed=0, chunk_size=0)


def test_an_unknown_engine_is_refused(reassurance):
    with pytest.raises(ValueError, match="engine must be one of"):
        simulate_chunk(Chunk(reassurance, 0, 0, 2, engine="fast"))  # type: ignore[arg-type]


class CountingExecutor:
    """Runs tasks at once but records how many results are held at the most."""

    def __init__(self):
        self.in_flight = 0
        self.most = 0

    def submit(self, fn, *args):
        self.in_flight += 1
        self.most = max(self.most, self.in_flight)
        future = Future()
        future.set_result(fn(*args))
        original = future.result

        def result():
            self.in_flight -= 1
            return original()

        future.result = result
        return future


def test_memory_stays_flat_at_most_a_window_of_chunks_in_flight(reassurance):
    executor = CountingExecutor()
    tasks = chunks(reassurance, 200, seed=0, chunk_size=10)
    tables = list(in_order(executor, tasks, window=3))
    assert len(tables) == 20 and executor.most <= 3
    assert [t["run"].iloc[0] for t in tables] == list(range(0, 200, 10))


def test_the_first_ctrl_c_asks_to_stop_and_the_second_raises(ctrl_c):
    before = signal.getsignal(signal.SIGINT)
    with stop_on_interrupt() as stop:
        signal.raise_signal(signal.SIGINT)  # runs the handler before returning
        assert stop.is_set()
        with pytest.raises(KeyboardInterrupt):
            signal.raise_signal(signal.SIGINT)
    assert signal.getsignal(signal.SIGINT) is before


def test_outside_the_main_thread_ctrl_c_is_left_alone(ctrl_c):
    before, seen = signal.getsignal(signal.SIGINT), []

    def look() -> None:
        with stop_on_interrupt() as stop:
            seen.append((stop.is_set(), signal.getsignal(signal.SIGINT)))

    thread = threading.Thread(target=look)
    thread.start()
    thread.join()
    assert seen == [(False, before)]


POOLS = {
    "serial": lambda: None,
    "threads": lambda: ThreadPoolExecutor(1),
    "processes": lambda: process_pool(1),
}


@pytest.mark.parametrize("how", POOLS)
def test_a_stop_ends_the_work_at_the_next_chunk_boundary(reassurance, how):
    tasks = chunks(reassurance, 2000, seed=0, chunk_size=100)
    stop, got = threading.Event(), []
    pool = POOLS[how]()
    try:
        with pytest.raises(KeyboardInterrupt):
            for table in iter_tables(tasks, workers=1, executor=pool, stop=stop):
                got.append(table)
                stop.set()
    finally:
        if pool is not None:
            pool.shutdown(wait=True)  # the chunks in flight end; the queued were cancelled
    assert len(got) == 1
    pd.testing.assert_frame_equal(got[0], simulate_chunk(tasks[0]), check_exact=True)


def test_a_failing_local_pool_does_not_wait_for_its_running_chunks(reassurance):
    long = Chunk(reassurance, 0, 0, 2_000_000)  # over a minute of work on one core
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt), local_pool(1) as pool:
        future = pool.submit(simulate_chunk, long)
        while not future.running():
            time.sleep(0.01)
        raise KeyboardInterrupt
    assert time.monotonic() - started < 20  # the worker was stopped, not waited for


def test_pool_workers_leave_ctrl_c_to_the_main_process():
    with process_pool(1) as pool:
        assert pool.submit(signal.getsignal, signal.SIGINT).result() == signal.SIG_IGN
