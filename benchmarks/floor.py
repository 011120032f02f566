"""Benchmark: the engine's cost per simulated day against the floor of a day's arithmetic.

The floor is a kernel that does only the arithmetic a day of the strategic rule needs, with the
engine's own mix of work (issue 18): per decision, each option's utility at the actor's resolve
and at its two types (a few multiply-adds each), one exponential per utility (the project's own
`decisions.exp_neg`: the quantal choice at the resolve, the choice's probability at each type),
the softmax sums, the draw of the choice and the likelihood ratio; then the day's other draws
(the project's counter-based `uniform_at`) and each pair's update (Richardson's hostility and
Bayes' belief). Nothing else: no context of replies, no joiners, no warning game, no risks.

The mix is counted, not assumed: a few runs of the Mesa engine with numba off (plain Python, in
a subprocess) record every decision's number of options, every exponential and every draw. The
engine and the floor then run in this process, compiled by the same numba, on one core, timed in
CPU time (time.process_time: the machine may be shared), each the median of --repeats, in turn.
The ratio engine ÷ floor says how far the engine is above what the machine needs for the same
count of options, exponentials and draws; the issue's target is ≤ 2.

    .venv/bin/python -m benchmarks.floor [reassurance] [--runs 2000] [--repeats 5]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import textwrap
import time

import numpy as np
from numba import njit

from benchmarks.engines import machine
from sim.model.chance import day_key, run_key, uniform_at
from sim.model.ensemble import pack, simulate_runs
from sim.model.outcomes import END_DAY
from sim.model.rules.beliefs import bayes_update
from sim.model.rules.decisions import exp_neg
from sim.model.rules.hostility import richardson_step
from sim.model.scenario import load_scenario

# Counts, with numba off, what a day of the Mesa engine does (the engines are docked: the
# ensemble engine does the same decisions over the same options).
_TRACE = """
import json, sys
import sim.model.choice as choice
import sim.model.day as day
import sim.model.rules.decisions as decisions
import sim.model.rules.strategy as strategy
import sim.model.strategic as strategic
from sim.model.mesa_model import EscalationModel
from sim.model.scenario import load_scenario

counts, tally = [], {"exp": 0, "draws": 0, "days": 0}
original_choose, original_exp = strategic.choose, decisions.exp_neg

def choose(i, W, S, dkey, d, suppress, scratch, count, *rest):
    counts.append(int(count))
    return original_choose(i, W, S, dkey, d, suppress, scratch, count, *rest)

def exp_neg(z):
    tally["exp"] += 1
    return original_exp(z)

def counting(original):
    def draw(key, stream, slot):
        tally["draws"] += 1
        return original(key, stream, slot)
    return draw

strategic.choose, decisions.exp_neg, strategy.exp_neg = choose, exp_neg, exp_neg
day.uniform_at, choice.uniform_at = counting(day.uniform_at), counting(choice.uniform_at)
spec = load_scenario(sys.argv[1])
for run in range(int(sys.argv[2])):
    model = EscalationModel(spec, seed=1, run=run, record=False)
    while model.running:
        model.step()
    tally["days"] += model.steps
json.dump({"counts": counts, **tally}, sys.stdout)
"""


def day_mix(scenario: str, runs: int) -> dict:
    """What `runs` runs of the scenario do, counted with numba off: the options of every
    decision, the exponentials (the choice's and those of the replies expected), the draws
    and the days."""
    env = {**os.environ, "NUMBA_DISABLE_JIT": "1", "PYTHONWARNINGS": "ignore"}
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(_TRACE), scenario, str(runs)],
        capture_output=True, text=True, env=env, check=True,
    )  # fmt: skip
    return json.loads(done.stdout)


@njit(cache=True, error_model="numpy")
def floor_days(days, counts, decisions_a_day, other_draws, pairs, precision, seed):
    """`days` days of the floor: per day `decisions_a_day` decisions (their option counts taken
    in turn from `counts`), `other_draws` further draws and the update of `pairs` pairs.
    Returns a checksum, so that nothing is optimised away."""
    hostility = np.full(pairs, 1.0)
    belief = np.full(pairs, 0.5)
    signal = np.ones(pairs)
    perceived = np.full(pairs, 1.0)
    u = np.empty(64)
    u_high, u_low = np.empty(64), np.empty(64)
    key = run_key(seed, 0)
    q, checksum = 0, 0.0
    for d in range(days):
        dkey = day_key(key, d)
        for a in range(decisions_a_day):
            count = counts[q]
            q = q + 1 if q + 1 < counts.shape[0] else 0
            p = a % pairs
            x, b = hostility[p], belief[p]
            r = 0.25 + 0.5 * uniform_at(dkey, 0, a)
            high, low = min(1.0, r + 0.2), max(0.0, r - 0.2)
            top = top_high = top_low = -1e300
            for m in range(count):  # each option: a gain, a cost weighed by (1 - resolve)
                gain = (m + 1.0) * 0.1 * x + b * 0.3 - 0.05 * m
                cost = 0.2 + 0.1 * m
                u[m] = gain - (1.0 - r) * cost
                u_high[m] = gain - (1.0 - high) * cost
                u_low[m] = gain - (1.0 - low) * cost
                top, top_high = max(top, u[m]), max(top_high, u_high[m])
                top_low = max(top_low, u_low[m])
            total = total_high = total_low = 0.0
            for m in range(count):
                u[m] = exp_neg(precision * (u[m] - top))
                u_high[m] = exp_neg(precision * (u_high[m] - top_high))
                u_low[m] = exp_neg(precision * (u_low[m] - top_low))
                total += u[m]
                total_high += u_high[m]
                total_low += u_low[m]
            target, running, k = uniform_at(dkey, 1, a) * total, 0.0, count - 1
            for m in range(count):
                running += u[m]
                if target < running:
                    k = m
                    break
            signal[p] *= (u_high[k] / total_high) / max(u_low[k] / total_low, 1e-6)
            checksum += k
        for s in range(other_draws):
            checksum += uniform_at(dkey, 2 + s % 8, s)
        for p in range(pairs):
            hostility[p] = richardson_step(hostility[p], 0.05, perceived[p], 0.1, 0.01)
            perceived[p] = hostility[p] * (0.9 + 0.2 * uniform_at(dkey, 0, 8 + p))
            belief[p] = bayes_update(belief[p], signal[p])
            belief[p] = min(0.99, max(0.01, belief[p]))
            signal[p] = 1.0
    return checksum + hostility.sum() + belief.sum()


def measure(scenario: str, runs: int, repeats: int, mix_runs: int) -> dict:
    """The engine's and the floor's CPU time per simulated day, and the mix they share."""
    spec = load_scenario(scenario)
    mix = day_mix(scenario, mix_runs)
    days = mix["days"]
    counts = np.array(mix["counts"], dtype=np.int64)
    decisions_a_day = round(len(counts) / days)
    other_draws = max(0, round(mix["draws"] / days) - 2 * decisions_a_day)
    n = len(spec.actors)
    pairs = 2 * (n - 1)
    packed = pack(spec)
    ids = np.arange(runs)
    simulated = float(simulate_runs(*packed, 1, ids, 0, False)[0][:, END_DAY].sum())
    precision = spec.world.precision
    floor_args = (int(simulated), counts, decisions_a_day, other_draws, pairs, precision, 1)
    floor_days(10, *floor_args[1:])  # compile (or load) untimed
    engine, floor = [], []
    for _ in range(repeats):
        start = time.process_time()
        simulate_runs(*packed, 1, ids, 0, False)
        engine.append((time.process_time() - start) / simulated * 1e9)
        start = time.process_time()
        floor_days(*floor_args)
        floor.append((time.process_time() - start) / simulated * 1e9)
    return {
        "engine_ns": statistics.median(engine),
        "floor_ns": statistics.median(floor),
        "days": simulated,
        "decisions": len(counts) / days,
        "options": counts.sum() / days,
        "exponentials": mix["exp"] / days,
        "draws": mix["draws"] / days,
        "pairs": pairs,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", default="reassurance")
    parser.add_argument("--runs", type=int, default=2000, help="runs of the engine timed")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--mix-runs", type=int, default=5, help="runs counted with numba off")
    args = parser.parse_args()
    m = measure(args.scenario, args.runs, args.repeats, args.mix_runs)
    print(f"machine: {machine()}")
    print(
        f"{args.scenario}, strategic rule as the scenario sets it: a day is {m['decisions']:.1f} "
        f"decisions, {m['options']:.1f} options, {m['exponentials']:.1f} exponentials, "
        f"{m['draws']:.1f} draws, {m['pairs']} pairs (counted on {args.mix_runs} runs)"
    )
    print(f"  engine: {m['engine_ns']:7.0f} ns a simulated day ({args.runs} runs, no twins)")
    print(f"  floor:  {m['floor_ns']:7.0f} ns a simulated day (the same mix of arithmetic)")
    print(f"  engine ÷ floor: {m['engine_ns'] / m['floor_ns']:.2f}  (target ≤ 2; CPU time, median)")


if __name__ == "__main__":
    main()
