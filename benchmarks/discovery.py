"""Benchmark: scenario discovery (PRIM, CART, feature scores) on 100,000 runs (issue 10).

Target on the 2-core machine: discovery on a 100,000-run LHS sweep in under a minute.

Two inputs:

- synthetic (the default): an LHS design of 2,000 points over the six parameters of
  `sobol_main` × 50 replicates = 100,000 runs, each run's outcome drawn from a logistic
  model of its point (a planted dependence on troops and threat perception). It times the
  analysis alone (PRIM, CART, feature scores and their figures), in memory.
- `--sweep FOLDER`: a real finished sweep (e.g. 2,000 LHS points × 50 replicates made with
  `escalation sweep`); it times `escalation discover` end to end: verifying the folder,
  reading every run's outcome from the chunk files, PRIM, CART, figures and Markdown.

    .venv/bin/python benchmarks/discovery.py                     # synthetic
    .venv/bin/escalation sweep benchmarks/discovery_100k.toml --workers 2 --out /tmp/d100k
    .venv/bin/python benchmarks/discovery.py --sweep /tmp/d100k --outcome "wider war"

Measured (2 cores shared, load average 5-7): synthetic, PRIM 3.5-6.4 s and everything
4.6-8.6 s; the real 100,000-run sweep (made in 12 min 39 s), 11.1 s in process for
'wider war' and 16.1 s for 'escalated', 28.6 s for the `escalation discover` command.
"""

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd

from sim.analysis import discovery
from sim.analysis.plots.discovery import plot_cart, plot_peeling
from sim.analysis.plots.style import plt
from sim.experiments.experiment import load_experiment, points

HERE = Path(__file__).resolve().parent


def synthetic(points_n: int = 2000, replicates: int = 50, seed: int = 0):
    """x (one row a run, its point's values) and y (the outcome) of a synthetic LHS sweep."""
    experiment, _, _ = load_experiment(HERE.parent / "experiments" / "sobol_main.toml")
    lhs = experiment.model_copy(update={"design": "lhs", "samples": points_n})
    design = points(lhs)
    x = design.loc[design.index.repeat(replicates)].reset_index(drop=True)
    z = -4 + 5 * x["challenger.threat_perception"] - 3e-4 * x["guarantor.troops"]
    rng = np.random.default_rng(seed)
    y = rng.uniform(size=len(x)) < 1 / (1 + np.exp(-z.to_numpy()))
    return x, y, design


def time_analysis(x: pd.DataFrame, y: np.ndarray, design: pd.DataFrame) -> None:
    start = time.perf_counter()
    found = discovery.prim_box(x, y)
    prim_s = time.perf_counter() - start
    tree = discovery.cart_tree(x, y)
    cart_s = time.perf_counter() - start - prim_s
    per_point = pd.DataFrame({"y": pd.Series(y).groupby(np.arange(len(y)) // 50).mean()})
    discovery.feature_scores(design.reset_index(drop=True), per_point)
    for figure in (
        plot_peeling(found.trajectory, found.chosen),
        plot_cart(tree.tree, tree.feature_names),
    ):
        figure.savefig("/dev/null", format="png")
        plt.close(figure)
    total = time.perf_counter() - start
    print(f"{len(x):,} runs, {x.shape[1]} parameters, {y.mean():.1%} with the outcome")
    print(f"PRIM {prim_s:.1f} s, CART {cart_s:.1f} s, all (with scores, figures) {total:.1f} s")
    print(found.limits.to_string(index=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sweep", type=Path, help="a finished sweep's folder")
    parser.add_argument("--outcome", default="escalated")
    args = parser.parse_args()
    if args.sweep is None:
        time_analysis(*synthetic())
        return
    from sim.analysis.report.document import write_discovery

    start = time.perf_counter()
    write_discovery(args.sweep, args.outcome)
    print(f"escalation discover {args.sweep} --outcome {args.outcome!r}: "
          f"{time.perf_counter() - start:.1f} s")  # fmt: skip


if __name__ == "__main__":
    main()
