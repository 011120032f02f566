"""Where the protégé's resolve becomes a threshold: P(war) by the resolve each run drew.

Issue 19's one-at-a-time check found a cliff in reassurance: the protégé's resolve ×0.9 takes
P(war) to about 0 (tools/oat.py). This tool bins the runs of a scenario by the protégé's
resolve drawn on day 0 (uniform on r̄ ± Δ, stream TYPE: the engine's own draw, recomputed
here) and prints P(war) in each bin, with the war of attrition's termination on (the
scenario) and off. Run from the repository's root:

    .venv/bin/python tools/resolve_threshold.py reassurance --runs 4000 --seed 1
"""

from __future__ import annotations

import argparse
import itertools

import numpy as np

from sim.experiments.runs import run_many
from sim.model.chance import Stream, day_key, run_key, uniform_at
from sim.model.outcomes import WAR_OUTCOMES
from sim.model.rules import types
from sim.model.scenario import Role, Scenario, load_scenario

BINS = 12


def drawn_resolves(spec: Scenario, index: int, runs: int, seed: int) -> np.ndarray:
    """The resolve actor `index` drew on day 0 in runs 0..runs−1 (sim.model.day.start)."""
    actor = spec.actors[index]
    draws = []
    for run in range(runs):
        key = np.uint64(day_key(np.uint64(run_key(seed, run)), 0))
        u = uniform_at(key, Stream.TYPE, index)
        draws.append(types.drawn_resolve(actor.resolve, actor.resolve_spread, u))
    return np.array(draws)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario")
    parser.add_argument("--runs", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    spec = load_scenario(args.scenario)
    index = next(k for k, a in enumerate(spec.actors) if a.role == Role.PROTEGE)
    drawn = drawn_resolves(spec, index, args.runs, args.seed)
    edges = np.linspace(drawn.min(), drawn.max() + 1e-12, BINS + 1)
    columns = {}
    for label, changed in (
        ("termination on", spec),
        ("termination off", spec.with_changes(mechanisms={"termination": False})),
    ):
        table = run_many(changed, args.runs, args.seed, twins=False, chunk_size=args.runs)
        columns[label] = table["outcome"].isin(WAR_OUTCOMES).to_numpy()
        print(f"{label}: P(war) {100 * columns[label].mean():.2f}%")
    print("protégé's drawn resolve | runs | " + " | ".join(f"P(war), {c}" for c in columns))
    for low, high in itertools.pairwise(edges):
        inside = (drawn >= low) & (drawn < high)
        shares = " | ".join(f"{100 * war[inside].mean():5.1f}%" for war in columns.values())
        print(f"{low:.3f} to {high:.3f} | {inside.sum():4d} | {shares}")


if __name__ == "__main__":
    main()
