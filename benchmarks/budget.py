"""Benchmark: what each decision rule and each of the strategic rule's mechanisms costs per
simulated day, side by side in one process.

Runs the ensemble engine (compiled, one core) on one scenario under Model 2's myopic rule, the
strategic rule, and the strategic rule with one mechanism switched off at a time (types, the
look-ahead, warnings, slips, war termination): per variant the CPU time (time.process_time,
the machine may be shared) of --runs runs, the median of --repeats timed in turn in a random
order, divided by the days simulated (the runs without twins; with --twins, the runs with
their twins, per run). Switching a mechanism off changes the runs, not only their cost: read a
line as "this rule set costs so much a day", not as a saving that keeps the results.

    .venv/bin/python -m benchmarks.budget [reassurance] [--runs 1000] [--twins]
"""

import argparse
import random
import statistics
import time

import numpy as np

from benchmarks.engines import machine
from sim.model.ensemble import pack, simulate_runs
from sim.model.outcomes import END_DAY
from sim.model.scenario import load_scenario, under_rule

MECHANISMS = ("types", "lookahead", "warning", "slips", "termination")


def variants(name: str) -> dict[str, object]:
    """The scenario under each rule, and the strategic rule less one mechanism at a time."""
    scenario = load_scenario(name)
    strategic = under_rule(scenario, "strategic")
    out = {"myopic (Model 2)": under_rule(scenario, "myopic"), "strategic": strategic}
    for mechanism in MECHANISMS:
        out[f"strategic, no {mechanism}"] = strategic.with_changes(mechanisms={mechanism: False})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", default="reassurance")
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--twins", action="store_true", help="time the runs with their twins")
    args = parser.parse_args()
    packed = {label: pack(s) for label, s in variants(args.scenario).items()}
    runs = np.arange(args.runs)
    days, times = {}, {label: [] for label in packed}
    for label, p in packed.items():  # compile (or load) and count the days once
        metrics = simulate_runs(*p, 1, runs, 0, False)[0]
        days[label] = float(metrics[:, END_DAY].sum())
    for _ in range(args.repeats):
        order = list(packed)
        random.shuffle(order)
        for label in order:
            start = time.process_time()
            simulate_runs(*packed[label], 1, runs, 0, args.twins)
            times[label].append(time.process_time() - start)
    print(f"{args.scenario}, {args.runs} runs{' with twins' if args.twins else ''}; {machine()}")
    print(f"{'variant':28s} {'ms a run':>9s} {'days a run':>10s} {'ns a day':>9s} {'× myopic':>9s}")
    base = None
    for label in packed:
        cpu = statistics.median(times[label])
        per_day = cpu / days[label] * 1e9
        base = base or cpu / args.runs
        print(
            f"{label:28s} {cpu / args.runs * 1e3:9.3f} {days[label] / args.runs:10.1f} "
            f"{per_day:9.0f} {cpu / args.runs / base:9.2f}"
        )
    print("(CPU time, median of the repeats; ns a day: the runs' own days, twins' excluded.)")


if __name__ == "__main__":
    main()
