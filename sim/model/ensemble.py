"""The ensemble engine: many runs of one scenario, compiled by numba.

It schedules the phases of `sim.model.day` exactly as `EscalationModel.step` does, one run per loop
iteration, and forks each run's twins instead of re-running them: a twin is the run itself
until the first day its road's events would happen (the first incident, misreading, attack
drawn, or weighed audience cost), so it starts from a copy of the run's state at the start of
that day. The engines are docked (Axtell et al. 1996): tests/model/test_docking.py
checks that they give identical per-run results, and that forked twins equal twins run from
day 0.
"""

from __future__ import annotations

import numpy as np
from numba import njit
from numba.extending import intrinsic

from sim.model import day as phases
from sim.model import state as layout
from sim.model.chance import day_key, run_key
from sim.model.outcomes import N_DYAD_METRICS, N_METRICS, N_ROADS

pack = layout.pack


@njit(cache=True, error_model="numpy", inline="always")
def one_day(P, W, SW, state, d, dkey, suppress, scratch, log):
    """One day, phase by phase (EscalationModel.step); True if the run ended."""
    n = P.shape[0]
    for i in range(n):
        phases.perceive(i, P, W, SW, state, dkey)
    for i in range(n):
        phases.decide(i, P, W, SW, state, dkey, d, suppress, scratch, log)
    for i in range(n):
        phases.act(i, P, W, SW, state, dkey, d, log)
    phases.fight(P, W, SW, state, dkey, d, log)
    phases.slip(P, W, SW, state, dkey, d, suppress, log)
    for v in range(n):
        phases.suffer_incidents(v, P, W, SW, state, dkey, d, suppress, log)
    for i in range(n):
        phases.update_beliefs(i, P, W, SW, state)
    for i in range(n):
        phases.update_hostility(i, P, W, SW, state)
    return phases.settle(P, W, SW, state, d, log)


@njit(cache=True, error_model="numpy")
def _days(P, W, SW, state, key, suppress, first_day, scratch, log, day_start, snapshots, forks):
    """Days first_day..H. Unless `suppress` (a twin), the state at the start of the first day on
    which each road's twin differs is copied into that road's snapshot and the day kept."""
    horizon = int(W[layout.DAYS])
    tracking = suppress == 0
    for d in range(first_day, horizon + 1):
        dkey = day_key(key, d)
        if tracking:
            layout.copy_state(state, day_start)
        ended = one_day(P, W, SW, state, d, dkey, suppress, scratch, log)
        if tracking:
            waiting = False
            for road in range(N_ROADS):
                if forks[road] < 0 and state[5][road] == d:
                    layout.copy_state(day_start, snapshots[road])
                    forks[road] = d
                waiting = waiting or forks[road] < 0
            tracking = waiting
        if ended:
            return


@intrinsic
def _unowned(typingctx, array):
    """A view of `array` without its reference count (a null meminfo): numba then skips the
    atomic increment and decrement it makes for every array a compiled call receives."""

    def codegen(context, builder, signature, args):
        source = context.make_array(signature.args[0])(context, builder, args[0])
        view = context.make_array(signature.return_type)(context, builder)
        context.populate_array(
            view,
            data=source.data,
            shape=source.shape,
            strides=source.strides,
            itemsize=source.itemsize,
            meminfo=None,
        )
        return view._getvalue()

    return array(array), codegen


@njit(cache=True, error_model="numpy")
def _unowned_state(state):
    """A run state (`sim.model.day.new_state`) as views without reference counts."""
    return (
        _unowned(state[0]),
        _unowned(state[1]),
        _unowned(state[2]),
        _unowned(state[3]),
        _unowned(state[4]),
        _unowned(state[5]),
    )


@njit(cache=True, error_model="numpy", nogil=True)
def simulate_runs(P, W, SW, seed, runs, suppress, twins):
    """Runs `runs` of one scenario: per run its metrics, per-dyad metrics, casualties and
    withdrawal days, and with `twins` the same metrics of each road's twin.

    With `suppress` (a bit mask of roads), the runs themselves are twins, each simulated from
    day 0 (the docking tests compare the two ways). One thread: parallelism comes from worker
    processes over chunks (`sim.experiments.runs`), which keeps numba's threading out of
    forked processes.
    It releases the GIL, so a process that cannot fork workers (the app's server) can still
    run chunks on threads side by side.
    """
    n = P.shape[0]
    snapshots = [layout.new_state(n) for _ in range(N_ROADS)]
    log = (np.zeros((0, layout.LOG_WIDTH)), np.zeros(1, np.int64))
    return _simulate(
        P, W, SW, seed, runs, suppress, twins, layout.new_state(n), layout.new_state(n),
        snapshots[0], snapshots[1], snapshots[2], snapshots[3], snapshots[4], snapshots[5],
        layout.new_scratch(), log,
        np.empty(N_ROADS, np.int64),
    )  # fmt: skip


@njit(cache=True, error_model="numpy")
def _simulate(
    P, W, SW, seed, runs, suppress, twins, run, start, s0, s1, s2, s3, s4, s5, scratch, log, forks
):
    """`simulate_runs` on working arrays that the caller owns. Inside, they are used through
    views without reference counts: counting them cost about half the engine's time (perf,
    reassurance), one atomic operation per array per compiled call. The caller keeps the
    arrays alive until this returns, and no view escapes: the outputs are new arrays."""
    n, m = P.shape[0], runs.shape[0]
    metrics = np.empty((m, N_METRICS))
    dyads = np.empty((m, n, N_DYAD_METRICS))
    casualties = np.empty((m, n))
    withdrawals = np.empty((m, n))
    width = m if twins else 0
    twin_metrics = np.empty((N_ROADS, width, N_METRICS))
    twin_dyads = np.empty((N_ROADS, width, n, N_DYAD_METRICS))
    P, W, SW = _unowned(P), _unowned(W), _unowned(SW)
    state = _unowned_state(run)
    day_start = _unowned_state(start)
    snapshots = (
        _unowned_state(s0), _unowned_state(s1), _unowned_state(s2), _unowned_state(s3),
        _unowned_state(s4), _unowned_state(s5),
    )  # fmt: skip
    scratch = (
        _unowned(scratch[0]), _unowned(scratch[1]), _unowned(scratch[2]), _unowned(scratch[3]),
        _unowned(scratch[4]), _unowned(scratch[5]), _unowned(scratch[6]), _unowned(scratch[7]),
        _unowned(scratch[8]),
    )  # fmt: skip
    log, forks = (_unowned(log[0]), _unowned(log[1])), _unowned(forks)
    for k in range(m):
        key = run_key(seed, runs[k])
        forks[:] = -1
        if not phases.start(P, W, SW, state, key):
            _days(P, W, SW, state, key, suppress, 1, scratch, log, day_start, snapshots, forks)
        metrics[k] = state[3]
        dyads[k] = state[4]
        casualties[k] = state[0][:, layout.A_DEATHS]
        withdrawals[k] = state[0][:, layout.A_WITHDRAWN]
        if not twins:
            continue
        for road in range(N_ROADS):
            if forks[road] >= 0:
                twin = snapshots[road]
                _days(P, W, SW, twin, key, 1 << road, forks[road], scratch, log, day_start,
                      snapshots, forks)  # fmt: skip
                twin_metrics[road, k] = twin[3]
                twin_dyads[road, k] = twin[4]
            else:  # the road never showed: the twin is the run
                twin_metrics[road, k] = state[3]
                twin_dyads[road, k] = state[4]
    return metrics, dyads, casualties, withdrawals, twin_metrics, twin_dyads
