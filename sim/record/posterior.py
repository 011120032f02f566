"""Uncertainty carried through: many runs of a scenario over a calibration's posterior.

The runs are shared out over posterior draws (weighted resampling of the posterior sample),
each draw with an equal share of the run indices 0..runs-1 (draw d takes its own block, so
draws do not share random numbers). P(outcome) pooled over all runs is
the posterior-predictive probability; its interval is the 2.5-97.5% range, over draws, of
each draw's own estimate, so it holds the spread of the parameters (parametric uncertainty)
and each draw's sampling noise (stochastic uncertainty). Beside it, the same runs at the
posterior medians (runs 0..runs-1 again) give P at the point estimate with its Wilson
interval (stochastic only). With each run's six twins, the roads to war get the same
treatment (`posterior_roads`): which road caused how many wars, over the posterior.
"""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd

from sim.analysis.summaries import paired_difference, wilson_interval
from sim.experiments.experiment import apply_path
from sim.experiments.runs import Chunk, chunks
from sim.model.outcomes import OUTCOME_LABELS, ROAD_LABELS
from sim.model.scenario import Scenario, ScenarioError
from sim.record.calibrate import scenario_with
from sim.record.calibrated import draws, weighted_quantile

RUNS_PER_DRAW = 1_000  # enough for each draw's P to carry little noise of its own
MIN_DRAWS = 40  # so the 2.5-97.5% range over draws is more than their minimum and maximum
MIN_RUNS_PER_DRAW = 25
QUANTITIES = ("escalated", "widened", *OUTCOME_LABELS)
MIN_WARS = 10  # a draw's share of wars a road caused enters its range from this many wars


def draw_count(runs: int) -> int:
    """How many posterior draws: one per RUNS_PER_DRAW runs, and at least MIN_DRAWS."""
    if runs < MIN_DRAWS * MIN_RUNS_PER_DRAW:
        raise ScenarioError(
            f"--posterior needs --runs of at least {MIN_DRAWS * MIN_RUNS_PER_DRAW:,} "
            f"({MIN_DRAWS} posterior draws of {MIN_RUNS_PER_DRAW} runs), got {runs:,}"
        )
    return max(MIN_DRAWS, runs // RUNS_PER_DRAW)


def posterior_tasks(
    base: Scenario, table: pd.DataFrame, runs: int, seed: int, chunk_size: int, twins: bool = False
) -> tuple[list[Chunk], list[int], Scenario]:
    """Chunks for each draw's share of the runs (with each run's six twins if asked), the draw
    of each chunk (−1: the point estimate), and the scenario at the posterior medians."""
    chosen, bounds = shares(table, runs, seed)
    point = scenario_with(base, medians(table))
    tasks, owners = [], []
    for d, (_, row) in enumerate(chosen.iterrows()):
        scenario = scenario_with(base, row.to_dict())
        size = int(bounds[d + 1] - bounds[d])
        for task in chunks(scenario, size, seed, chunk_size, twins=twins, first_run=bounds[d]):
            tasks.append(task)
            owners.append(d)
    for task in chunks(point, runs, seed, chunk_size, twins=twins):
        tasks.append(task)
        owners.append(-1)
    return tasks, owners, point


def shares(table: pd.DataFrame, runs: int, seed: int) -> tuple[pd.DataFrame, np.ndarray]:
    """The posterior draws (seeded) and the bounds of each one's block of run indices."""
    n = draw_count(runs)
    return draws(table, n, seed), np.linspace(0, runs, n + 1).round().astype(int)


def medians(table: pd.DataFrame) -> dict[str, float]:
    """Each parameter's weighted posterior median."""
    weights = table["weight"].to_numpy()
    return {
        c: weighted_quantile(table[c].to_numpy(), weights, 0.5)
        for c in table.columns.drop("weight")
    }


def question_points(
    lever: str, settings: list[float], base: Scenario, table: pd.DataFrame, runs: int, seed: int
) -> tuple[list[dict], list[Scenario]]:
    """A question's points over the posterior: each draw (its block of run indices, as
    `posterior_tasks` gives it) and the medians (row −1, runs 0..runs−1), each at the lever's
    two settings; the rows of points.parquet (with the draw's values) and their scenarios."""
    for column in table.columns.drop("weight"):
        if overlaps(base, lever, settings[0], column, table[column]):
            raise ScenarioError(
                f"the lever {lever} sets what the posterior's {column} sets; move another"
            )
    chosen, bounds = shares(table, runs, seed)
    named = [(d, row.to_dict(), bounds[d], bounds[d + 1]) for d, (_, row) in
             enumerate(chosen.iterrows())]  # fmt: skip
    rows, scenarios = [], []
    for d, values, first, last in [*named, (-1, medians(table), 0, runs)]:
        for setting, value in enumerate(settings):
            rows.append({"part": "posterior", "rule": "posterior", "row": d, "setting": setting,
                         "first_run": int(first), "last_run": int(last), **values})  # fmt: skip
            scenarios.append(scenario_with(base, {**values, lever: value}))
    return rows, scenarios


def overlaps(base: Scenario, lever: str, value: float, column: str, values: pd.Series) -> bool:
    """Whether setting the lever after a posterior column would overwrite some of what that
    column set (the same field of the same actor, whatever the paths' spellings)."""
    for theirs in (values.min(), values.max()):
        data = base.model_dump(mode="json")
        apply_path(data, lever, value)
        apply_path(data, column, float(theirs))
        again = copy.deepcopy(data)
        apply_path(again, lever, value)
        if again != data:
            return True
    return False


def indicators(table: pd.DataFrame) -> pd.DataFrame:
    """Per run, 0/1 for each quantity: escalated, widened and each outcome; with twins, for
    each road whether it caused the war (the run escalated, its twin did not) and the reverse."""
    out = pd.DataFrame({"escalated": table["escalated"], "widened": table["widened"]})
    for label in OUTCOME_LABELS:
        out[label] = table["outcome"] == label
    if "caused_by_missteps" in table:
        escalated = table["escalated"].to_numpy()
        for road in ROAD_LABELS:
            twin = table[f"twin_{road}_escalated"].to_numpy()
            out[f"caused_{road}"] = escalated & ~twin
            out[f"only_twin_{road}"] = twin & ~escalated
    return out.astype(np.int64)


def posterior_roads(counts: pd.DataFrame) -> pd.DataFrame:
    """From per-draw counts with twins (see posterior_summary), per road: the share of wars it
    caused pooled over the draws and its 2.5-97.5% range over the draws with at least MIN_WARS
    wars (fewer make a share mostly noise); the
    paired risk difference P(war) − P(war in its twin), pooled with its paired interval and
    its range over draws; and both at the posterior medians."""
    draws_only = counts[counts.index >= 0]
    point = counts.loc[-1]
    warred = draws_only[draws_only["escalated"] >= MIN_WARS]
    rows = []
    for road in ROAD_LABELS:
        caused, only = f"caused_{road}", f"only_twin_{road}"
        shares = warred[caused] / warred["escalated"]
        share_low, share_high = (
            np.quantile(shares, [0.025, 0.975]) if len(warred) else (np.nan,) * 2
        )
        each = (draws_only[caused] - draws_only[only]) / draws_only["runs"]
        d, d_low, d_high = paired_difference(
            int(draws_only[caused].sum()),
            int(draws_only[only].sum()),
            int(draws_only["runs"].sum()),
        )
        point_d = paired_difference(int(point[caused]), int(point[only]), int(point["runs"]))
        total = draws_only["escalated"].sum()
        rows.append({
            "road": road, "caused_share": draws_only[caused].sum() / total if total else np.nan,
            "share_low": share_low, "share_high": share_high, "draws_with_wars": len(warred),
            "risk_difference": d, "rd_low": d_low, "rd_high": d_high,
            "rd_draws_low": float(np.quantile(each, 0.025)),
            "rd_draws_high": float(np.quantile(each, 0.975)),
            "point_share": point[caused] / point["escalated"] if point["escalated"] else np.nan,
            "point_rd": point_d[0], "point_rd_low": point_d[1], "point_rd_high": point_d[2],
            "draws": len(draws_only), "runs": int(draws_only["runs"].sum()),
        })  # fmt: skip
    return pd.DataFrame(rows)


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
