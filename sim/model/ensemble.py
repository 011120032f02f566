"""The ensemble engine: many runs of one scenario, compiled by numba.

It schedules the phases of `sim.model.day` exactly as `EscalationModel.step` does, one run per loop
iteration, and forks each run's twins instead of re-running them: a twin is the run itself
until the first day its road's events would happen (the first incident, misreading, attack
drawn, or weighed audience cost), so it starts from a copy of the run's state at the start of
that day. The engines are docked (Axtell et al. 1996): tests/model/test_docking.py
checks that they give identical per-run results, and that forked twins equal twins run from
day 0.

The day loop (`_days`) handles only whole arrays and indices (see `sim.model.state`), no array
view, slice or tuple of arrays, and works on views of its arrays with a null reference count,
made once per call: LLVM then drops every count numba makes for the phases it inlines, so the
compiled loop holds none (tests/model/test_refcounts.py checks it).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from sim.model import day as phases
from sim.model import state as layout
from sim.model.chance import day_key, run_key
from sim.model.outcomes import N_DYAD_METRICS, N_METRICS, N_ROADS

pack = layout.pack


@njit(cache=True, error_model="numpy", inline="always")
def _keep(S, snapshots, road):
    """Copy a state vector into row `road` of the snapshots."""
    for k in range(S.shape[0]):
        snapshots[road, k] = S[k]


@njit(cache=True, error_model="numpy")
def _days(P, W, SW, S, key, suppress, first_day, scratch, log, day_start, snapshots, forks):
    """Days first_day..H. Unless `suppress` (a twin), the state at the start of the first day on
    which each road's twin differs is copied into that road's row of `snapshots` and the day
    kept in `forks`."""
    # numba counts a reference each time an inlined phase binds one of these arrays to its own
    # argument, with calls LLVM cannot remove unless it sees the count is void: views with a
    # null meminfo, made here once, let it drop them all (about half the engine's time). The
    # caller keeps the arrays alive until this returns, and no view escapes.
    own = layout.unowned
    P, W, SW, S, scratch, log = own(P), own(W), own(SW), own(S), own(scratch), own(log)
    day_start, snapshots, forks = own(day_start), own(snapshots), own(forks)
    horizon = int(W[layout.DAYS])
    tracking = suppress == 0
    for d in range(first_day, horizon + 1):
        dkey = day_key(key, d)
        if tracking:
            layout.copy_state(S, day_start)
        # One day, phase by phase (EscalationModel.step). Written here rather than in a
        # function of its own that numba would inline: its inliner deep-copies an inlined
        # function's whole IR, and the day's, with every phase inlined in it, is most of the
        # engine (the ensemble's cold compile took 85 s of CPU and 2.4 GB with it, 59 s and
        # 0.9 GB without).
        n = P.shape[0]
        for i in range(n):
            phases.perceive(i, P, W, SW, S, dkey)
        for i in range(n):
            phases.decide(i, P, W, SW, S, dkey, d, suppress, scratch, log)
        for i in range(n):
            phases.act(i, P, W, SW, S, dkey, d, log)
        phases.fight(P, W, SW, S, dkey, d, log)
        phases.slip(P, W, SW, S, dkey, d, suppress, log)
        for v in range(n):
            phases.suffer_incidents(v, P, W, SW, S, dkey, d, suppress, log)
        for i in range(n):
            phases.update_beliefs(i, P, W, SW, S)
        for i in range(n):
            phases.update_hostility(i, P, W, SW, S)
        ended = phases.settle(P, W, SW, S, d, log)
        if tracking:
            waiting = False
            for road in range(N_ROADS):
                if forks[road] < 0 and S[layout.DIVERGED + road] == d:
                    _keep(day_start, snapshots, road)
                    forks[road] = d
                waiting = waiting or forks[road] < 0
            tracking = waiting
        if ended:
            return


@njit(cache=True, error_model="numpy")
def _report(S, n, k, metrics, dyads):
    """Row k of a run's metrics and per-dyad metrics, from its state."""
    for f in range(N_METRICS):
        metrics[k, f] = S[layout.METRICS + f]
    for d in range(n):
        for f in range(N_DYAD_METRICS):
            dyads[k, d, f] = S[layout.dyad_metric_at(n, d, f)]


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
    n, m = P.shape[0], runs.shape[0]
    metrics = np.empty((m, N_METRICS))
    dyads = np.empty((m, n, N_DYAD_METRICS))
    casualties = np.empty((m, n))
    withdrawals = np.empty((m, n))
    width = m if twins else 0
    twin_metrics = np.empty((N_ROADS, width, N_METRICS))
    twin_dyads = np.empty((N_ROADS, width, n, N_DYAD_METRICS))
    state, day_start = layout.new_state(n), layout.new_state(n)
    snapshots = np.empty((N_ROADS, state.shape[0]))
    scratch, log = layout.new_scratch(), layout.new_log(0)
    forks = np.empty(N_ROADS, np.int64)
    first_day = np.int64(1)  # typed as the twins' fork days: one compiled `_days`, not two
    for k in range(m):
        key = run_key(seed, runs[k])
        forks[:] = -1
        if not phases.start(P, W, SW, state, key):
            _days(P, W, SW, state, key, suppress, first_day, scratch, log, day_start, snapshots,
                  forks)  # fmt: skip
        _report(state, n, k, metrics, dyads)
        for i in range(n):
            casualties[k, i] = state[layout.actor_at(i, layout.A_DEATHS)]
            withdrawals[k, i] = state[layout.actor_at(i, layout.A_WITHDRAWN)]
        if not twins:
            continue
        for road in range(N_ROADS):
            if forks[road] >= 0:
                twin = snapshots[road]
                _days(P, W, SW, twin, key, np.int64(1 << road), forks[road], scratch, log,
                      day_start, snapshots, forks)  # fmt: skip
                _report(twin, n, k, twin_metrics[road], twin_dyads[road])
            else:  # the road never showed: the twin is the run
                _report(state, n, k, twin_metrics[road], twin_dyads[road])
    return metrics, dyads, casualties, withdrawals, twin_metrics, twin_dyads
