"""Uncertainty carried through: many runs of a scenario over a calibration's posterior.

The runs are shared out over posterior draws (weighted resampling of the posterior sample),
each draw with an equal share of the run indices 0..runs-1 (draw d takes its own block, so
draws do not share random numbers). P(outcome) pooled over all runs is
the posterior-predictive probability; its interval is the 2.5-97.5% range, over draws, of
each draw's own estimate, so it holds the spread of the parameters (parametric uncertainty)
and each draw's sampling noise (stochastic uncertainty). Beside it, the same runs at the
posterior medians (runs 0..runs-1 again) give P at the point estimate with its Wilson
interval (stochastic only).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.analysis.summaries import wilson_interval
from sim.experiments.runs import Chunk, chunks
from sim.model.outcomes import OUTCOME_LABELS
from sim.model.scenario import Scenario, ScenarioError
from sim.record.calibrate import scenario_with
from sim.record.calibrated import draws, weighted_quantile

RUNS_PER_DRAW = 1_000  # enough for each draw's P to carry little noise of its own
MIN_DRAWS = 40  # so the 2.5-97.5% range over draws is more than their minimum and maximum
MIN_RUNS_PER_DRAW = 25
QUANTITIES = ("escalated", "widened", *OUTCOME_LABELS)


def draw_count(runs: int) -> int:
    """How many posterior draws: one per RUNS_PER_DRAW runs, and at least MIN_DRAWS."""
    if runs < MIN_DRAWS * MIN_RUNS_PER_DRAW:
        raise ScenarioError(
            f"--posterior needs --runs of at least {MIN_DRAWS * MIN_RUNS_PER_DRAW:,} "
            f"({MIN_DRAWS} posterior draws of {MIN_RUNS_PER_DRAW} runs), got {runs:,}"
        )
    return max(MIN_DRAWS, runs // RUNS_PER_DRAW)


def posterior_tasks(
    base: Scenario, table: pd.DataFrame, runs: int, seed: int, chunk_size: int
) -> tuple[list[Chunk], list[int], Scenario]:
    """Chunks for each draw's share of the runs, the draw of each chunk (−1: the point
    estimate), and the scenario at the posterior medians."""
    n = draw_count(runs)
    chosen = draws(table, n, seed)
    weights = table["weight"].to_numpy()
    medians = {
        c: weighted_quantile(table[c].to_numpy(), weights, 0.5)
        for c in table.columns.drop("weight")
    }
    point = scenario_with(base, medians)
    bounds = np.linspace(0, runs, n + 1).round().astype(int)
    tasks, owners = [], []
    for d, (_, row) in enumerate(chosen.iterrows()):
        scenario = scenario_with(base, row.to_dict())
        size = int(bounds[d + 1] - bounds[d])
        for task in chunks(scenario, size, seed, chunk_size, twins=False, first_run=bounds[d]):
            tasks.append(task)
            owners.append(d)
    for task in chunks(point, runs, seed, chunk_size, twins=False):
        tasks.append(task)
        owners.append(-1)
    return tasks, owners, point


def indicators(table: pd.DataFrame) -> pd.DataFrame:
    """Per run, 0/1 for each quantity: escalated, widened and each outcome."""
    out = pd.DataFrame({"escalated": table["escalated"], "widened": table["widened"]})
    for label in OUTCOME_LABELS:
        out[label] = table["outcome"] == label
    return out.astype(np.int64)


def posterior_summary(counts: pd.DataFrame) -> pd.DataFrame:
    """From per-draw counts (index: draw, −1 the point estimate; columns: each quantity and
    'runs'), each quantity's pooled P, its posterior interval and P at the point estimate."""
    draws_only = counts[counts.index >= 0]
    point = counts.loc[-1]
    rows = []
    for q in QUANTITIES:
        shares = (draws_only[q] / draws_only["runs"]).to_numpy()
        low, high = np.quantile(shares, [0.025, 0.975])
        pooled = draws_only[q].sum() / draws_only["runs"].sum()
        point_low, point_high = wilson_interval(int(point[q]), int(point["runs"]))
        rows.append({
            "quantity": q, "posterior": pooled, "posterior_low": low, "posterior_high": high,
            "point": point[q] / point["runs"], "point_low": point_low, "point_high": point_high,
            "draws": len(draws_only), "runs": int(draws_only["runs"].sum()),
        })  # fmt: skip
    return pd.DataFrame(rows)
