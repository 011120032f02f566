"""Benchmark: what the engine simulates after a crisis has calmed for good, and which twins
change nothing: the figures behind issue 18's item 4, measured, not built.

For --runs year-long runs of a scenario (the ensemble engine, seed 1), each with its twins:

- run-days after the crisis's final calm, by two readings: after the last day of militarized
  activity in any dyad (what the record codes as the dispute's end, `DM_LAST_ACTIVE`), and
  after the day the crisis fell below shows of force for good (`CRISIS_END`);
- per road, the twins that forked, the days they simulate (fork to end), and those whose
  every metric and per-dyad metric equals their run's (they changed no outcome the runs table
  holds: an upper bound on the forks that could change no choice, since a choice can differ
  and leave every metric as it was);
- what stopping there would save, as shares of all simulated days (runs and twins).

Nothing in today's rules makes a calm final: a calm dyad can climb again (missteps, slips,
new decisions), so stopping a run there would change results. Making a crisis's end final is a
rule decision for the ODD; these figures say what it would save.

    .venv/bin/python -m benchmarks.after_calm [reassurance] [--runs 2000]
"""

from __future__ import annotations

import argparse

import numpy as np

from benchmarks.engines import machine
from sim.model import day as phases
from sim.model import ensemble
from sim.model import state as layout
from sim.model.chance import run_key
from sim.model.outcomes import (
    CRISIS_END,
    DM_LAST_ACTIVE,
    DM_MAX_RUNG,
    DM_WAR_DAY,
    END_DAY,
    N_DYAD_METRICS,
    N_METRICS,
    N_ROADS,
    REACHED,
    TERMINATED,
    Road,
)
from sim.model.scenario import load_scenario


def measure(scenario: str, runs: int, seed: int = 1) -> dict:
    """Per run: its end day, last active day, crisis end; per road and run: the fork day (−1:
    no fork), the twin's end day, and whether the twin's metrics equal the run's."""
    P, W, SW = ensemble.pack(load_scenario(scenario))
    n = P.shape[0]
    state, day_start = layout.new_state(n), layout.new_state(n)
    snapshots = np.empty((N_ROADS, state.shape[0]))
    scratch, log = layout.new_scratch(), layout.new_log(0)
    forks = np.empty(N_ROADS, np.int64)
    out = {
        "end": np.zeros(runs),
        "last_active": np.zeros(runs),
        "crisis_end": np.zeros(runs),
        "fork": np.full((N_ROADS, runs), -1.0),
        "twin_end": np.zeros((N_ROADS, runs)),
        "twin_last_active": np.zeros((N_ROADS, runs)),
        "same": np.zeros((N_ROADS, runs), bool),
        "same_course": np.zeros((N_ROADS, runs), bool),
    }
    dyads = np.empty((1, n, N_DYAD_METRICS))
    metrics = np.empty((1, N_METRICS))
    for k in range(runs):
        key = np.uint64(run_key(seed, k))
        forks[:] = -1
        if not phases.start(P, W, SW, state, key):
            ensemble._days(
                P, W, SW, state, key, np.int64(0), np.int64(1), scratch, log, day_start,
                snapshots, forks,
            )  # fmt: skip
        ensemble._report(state, n, 0, metrics, dyads)
        run_metrics, run_dyads = metrics.copy(), dyads.copy()
        out["end"][k] = run_metrics[0, END_DAY]
        out["last_active"][k] = run_dyads[0, 1:, DM_LAST_ACTIVE].max()
        out["crisis_end"][k] = run_metrics[0, CRISIS_END]
        for road in range(N_ROADS):
            if forks[road] < 0:
                continue
            twin = snapshots[road].copy()
            ensemble._days(
                P, W, SW, twin, key, np.int64(1 << road), np.int64(forks[road]), scratch, log,
                day_start, snapshots, forks,
            )  # fmt: skip
            ensemble._report(twin, n, 0, metrics, dyads)
            out["fork"][road, k] = forks[road]
            out["twin_end"][road, k] = metrics[0, END_DAY]
            out["twin_last_active"][road, k] = dyads[0, 1:, DM_LAST_ACTIVE].max()
            out["same"][road, k] = np.array_equal(metrics, run_metrics) and np.array_equal(
                dyads, run_dyads
            )
            # the crisis's course: each rung's first day, the crisis's days, end and how it
            # ended, each dyad's highest rung and war day (not the counts of the road's events)
            out["same_course"][road, k] = np.array_equal(
                metrics[0, REACHED : TERMINATED + 1], run_metrics[0, REACHED : TERMINATED + 1]
            ) and np.array_equal(
                dyads[0, :, [DM_MAX_RUNG, DM_WAR_DAY]], run_dyads[0, :, [DM_MAX_RUNG, DM_WAR_DAY]]
            )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", default="reassurance")
    parser.add_argument("--runs", type=int, default=2000)
    args = parser.parse_args()
    m = measure(args.scenario, args.runs)
    run_days = m["end"].sum()
    active = m["last_active"] >= 0
    after_active = np.where(active, m["end"] - m["last_active"], m["end"]).sum()
    ended = m["crisis_end"] >= 0
    after_end = np.where(ended, m["end"] - m["crisis_end"], 0.0).sum()
    forked = m["fork"] >= 0
    twin_days = np.where(forked, m["twin_end"] - m["fork"] + 1, 0.0)
    total = run_days + twin_days.sum()
    print(f"machine: {machine()}")
    print(f"{args.scenario}, {args.runs} year-long runs with their twins (seed 1)")
    print(
        f"  run-days {run_days:,.0f}; after the last militarized activity "
        f"{after_active:,.0f} ({after_active / run_days:.1%}; runs never active: "
        f"{(~active).mean():.1%}); after the crisis fell below shows of force for good "
        f"{after_end:,.0f} ({after_end / run_days:.1%}; in {ended.mean():.1%} of runs)"
    )
    print(f"  twin-days {twin_days.sum():,.0f} ({twin_days.sum() / run_days:.2f}x the run-days)")
    same_days = course_days = 0.0
    print("    road: forked in (mean fork day), twin-days; twins equal to their run in every")
    print("    metric, and in the crisis's course (rungs and when, crisis days and end, wars)")
    for road in Road:
        f = forked[road]
        same, course = m["same"][road] & f, m["same_course"][road] & f
        same_days += twin_days[road][same].sum()
        course_days += twin_days[road][course].sum()
        mean_fork = m["fork"][road][f].mean() if f.any() else float("nan")
        forks = max(f.sum(), 1)
        print(
            f"    {road.label:11s} {f.mean():6.1%} (day {mean_fork:5.1f}), "
            f"{twin_days[road].sum():9,.0f} days; every metric {same.sum() / forks:6.1%} "
            f"({twin_days[road][same].sum():,.0f} days), course {course.sum() / forks:6.1%} "
            f"({twin_days[road][course].sum():,.0f} days)"
        )
    twin_after = np.where(
        forked & (m["twin_last_active"] >= 0),
        m["twin_end"] - np.maximum(m["twin_last_active"], m["fork"] - 1),
        0.0,
    ).sum()
    print(
        f"  stopping runs and twins at their last militarized activity would save "
        f"{after_active + twin_after:,.0f} of {total:,.0f} simulated days "
        f"({(after_active + twin_after) / total:.1%}; runs {after_active:,.0f}, twins "
        f"{twin_after:,.0f}), were the end known when it came; not forking the twins that end "
        f"as their run in every metric would save {same_days:,.0f} ({same_days / total:.1%}), "
        f"in the crisis's course {course_days:,.0f} ({course_days / total:.1%}), were that "
        "known at the fork"
    )


if __name__ == "__main__":
    main()
