"""One-at-a-time sensitivity of P(war): each numeric parameter of a scenario moved ±10%.

Issue 19 asks that no shipped scenario sit on a cliff: a ±10% change of any single parameter
of reassurance should change P(war) by less than a factor of 2. This tool moves every numeric
world parameter and every numeric actor parameter by role (`challenger.X`, `protege.X`,
`guarantor.X`, as experiment files name them) to 0.9× and 1.1× its value, clipped to the
schema's bounds, runs the same runs at each (common random numbers: seed and run indices
shared, no twins) and prints the ratio of P(war) to the scenario's own, worst first.

    .venv/bin/python tools/oat.py reassurance --runs 4000 --seed 1

A parameter whose value is 0 cannot move by a share and is listed as skipped. Integer
parameters are rounded; where rounding leaves the value unchanged the step is skipped. The
ratio's precision: with N runs and P(war) = p, a ratio near 1 has a standard error of about
sqrt(2(1 − ρ)/(N p)), smaller than the unpaired sqrt(2/(N p)) because the runs share draws.
"""

from __future__ import annotations

import argparse
import math
import sys
import time

import numpy as np

from sim.experiments.experiment import apply_path, read_path
from sim.model.ensemble import pack, simulate_runs
from sim.model.outcomes import MAX_RUNG
from sim.model.scenario import (
    ActorParams,
    Role,
    Scenario,
    ScenarioError,
    World,
    field_bounds,
    load_scenario,
    parse_scenario,
)

STEP = 0.10


def paths(scenario: Scenario) -> list[str]:
    """Every numeric world parameter and every numeric actor parameter by the roles present."""
    found = [
        f"world.{name}"
        for name, field in World.model_fields.items()
        if field.annotation in (float, int)
    ]
    roles = [role.value for role in Role if any(a.role == role for a in scenario.actors)]
    for role in roles:
        found += [
            f"{role}.{name}"
            for name, field in ActorParams.model_fields.items()
            if field.annotation in (float, int)
        ]
    return found


def p_war(scenario: Scenario, runs: int, seed: int) -> float:
    """P(the run reached open war), over runs 0..runs−1 of `seed`, no twins."""
    metrics = simulate_runs(*pack(scenario), seed, np.arange(runs), 0, False)[0]
    return float((metrics[:, MAX_RUNG] >= 5).mean())


def moved(base: Scenario, path: str, factor: float) -> Scenario | None:
    """The scenario with one parameter at `factor` × its value, or None if it cannot move."""
    data = base.model_dump(mode="json")
    value, info = read_path(data, path)
    if not value:
        return None
    low, high = field_bounds(info)
    new = value * factor
    new = min(
        max(new, low if low is not None else -math.inf), high if high is not None else math.inf
    )
    if info.annotation is int:
        new = round(new)
    if new == value:
        return None
    apply_path(data, path, new)
    try:
        return parse_scenario(data)
    except ScenarioError:  # a cross-field check refuses the change (e.g. an order of thresholds)
        return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", default="reassurance")
    parser.add_argument("--runs", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--top", type=int, default=15, help="rows of the table to print")
    args = parser.parse_args(argv)
    try:
        base = load_scenario(args.scenario)
    except ScenarioError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    start = time.process_time()
    p0 = p_war(base, args.runs, args.seed)
    print(f"{base.name}: P(war) = {p0:.2%} over {args.runs:,} runs, seed {args.seed}", flush=True)
    rows, skipped = [], []
    names = paths(base)
    for k, path in enumerate(names, 1):
        for factor in (1 - STEP, 1 + STEP):
            spec = moved(base, path, factor)
            if spec is None:
                skipped.append(f"{path}×{factor:g}")
                continue
            p = p_war(spec, args.runs, args.seed)
            ratio = max(p, p0) / min(p, p0) if min(p, p0) > 0 else math.inf
            rows.append((ratio, path, factor, p))
        print(f"\r{k}/{len(names)} parameters", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    rows.sort(reverse=True)
    print(f"{'parameter':34s} {'×':>4s} {'P(war)':>8s} {'ratio':>6s}")
    for ratio, path, factor, p in rows[: args.top]:
        print(f"{path:34s} {factor:4.1f} {p:8.2%} {ratio:6.2f}")
    worst = rows[0] if rows else None
    over = [r for r in rows if r[0] >= 2.0]
    print(
        f"{len(rows)} changes of {len(names)} parameters ({len(skipped)} steps skipped: the "
        f"value is 0 or pinned by a bound); worst ratio {worst[0]:.2f} ({worst[1]} ×{worst[2]:g}); "
        f"{len(over)} changes move P(war) by a factor of 2 or more. "
        f"{time.process_time() - start:.0f} s CPU."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
