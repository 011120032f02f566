"""Scenario discovery on a finished sweep: which combinations of inputs lead to an outcome.

PRIM (Friedman & Fisher 1999; Bryant & Lempert 2010) and CART (Breiman et al. 1984) come from
ema_workbench's analysis package, extra-trees feature scores (Geurts et al. 2006) from ema_workbench
too: nothing here peels a box by hand. Every function takes `(x, y)` frames and returns numbers
(tested on data with planted answers); `sim.analysis.plots` draws them and
`sim.analysis.report.document` writes them. Analyses read a results folder; they never run the
model.

The unit is the run: `x` holds each run's point (its parameter values), `y` whether that run
ended in the outcome. Replicates of one point share their `x`, so a box's density is the
outcome's frequency among the runs inside it.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.experiments.experiment import KNOWN_OUTCOMES
from sim.model.outcomes import OUTCOME_LABELS
from sim.model.scenario import ScenarioError, did_you_mean

METHODS = ("prim", "cart")
MIN_COVERAGE = 0.5  # the chosen PRIM box: the densest with at least this coverage


def _ema_analysis():
    """ema_workbench's analysis modules, imported without its warning about ipyparallel."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="ipyparallel not installed")
        from ema_workbench.analysis import cart, feature_scoring, prim
    return prim, cart, feature_scoring


def outcome_column(outcome: str) -> str:
    """The per-run column an outcome is read from, or ScenarioError naming the outcome."""
    if outcome not in KNOWN_OUTCOMES:
        more = did_you_mean(outcome, list(KNOWN_OUTCOMES))
        raise ScenarioError(f"unknown outcome {outcome!r}{more}")
    return "outcome" if outcome in OUTCOME_LABELS else outcome


def run_data(out_dir: Path, parameters: list[str], outcome: str) -> tuple[pd.DataFrame, np.ndarray]:
    """Each run's parameter values (x) and whether it ended in `outcome` (y)."""
    from sim.analysis.sweep_stats import read_runs

    column = outcome_column(outcome)
    runs = read_runs(out_dir, [column])
    y = (runs[column] == outcome).to_numpy() if column == "outcome" else runs[column].to_numpy()
    return runs[parameters].astype(float).reset_index(drop=True), y.astype(bool)


@dataclass(frozen=True)
class PrimResult:
    """A PRIM box: the peeling trajectory, the step chosen on it and the final box."""

    trajectory: pd.DataFrame  # one row a peeled box: coverage, density, mass, res_dim, n, k
    chosen: int  # the row of the chosen box in `trajectory`
    box: pd.Series  # the final box's coverage, density, mass, res_dim, n, k
    limits: pd.DataFrame  # one row a restricted parameter: low, high, qp_low, qp_high
    dropped: list[str]  # restrictions of the chosen box dropped as not significant
    base_rate: float  # the outcome's share among all runs


STATS = ["coverage", "density", "mass", "res_dim", "n", "k"]
SIGNIFICANT = 0.05  # a restriction is kept if one of its quasi-p-values is below this


def prim_box(
    x: pd.DataFrame,
    y: np.ndarray,
    min_coverage: float = MIN_COVERAGE,
    mass_min: float = 0.05,
    peel_alpha: float = 0.05,
) -> PrimResult:
    """PRIM's first box for y: the peeling trajectory, the densest box on it whose coverage
    is at least `min_coverage`, and that box without the restrictions whose quasi-p-values
    (one-sided binomial tests, Bryant & Lempert 2010) are all at least 0.05."""
    return prim_boxes(x, y, 1, min_coverage, mass_min, peel_alpha)[0]


def prim_boxes(
    x: pd.DataFrame,
    y: np.ndarray,
    boxes: int = 1,
    min_coverage: float = MIN_COVERAGE,
    mass_min: float = 0.05,
    peel_alpha: float = 0.05,
) -> list[PrimResult]:
    """Up to `boxes` PRIM boxes, each chosen as in `prim_box`, each found among the runs the
    boxes before it leave out (ema_workbench's default covering); fewer when PRIM finds
    no further box, or one that restricts nothing."""
    y = np.asarray(y, dtype=bool)
    if not y.any():
        raise ScenarioError("PRIM needs some runs with the outcome; none has it")
    prim, _, _ = _ema_analysis()
    algorithm = prim.Prim(x, y.astype(int), peel_alpha=peel_alpha, mass_min=mass_min)
    found = []
    for _ in range(boxes):
        box = algorithm.find_box()
        if box is None:
            break
        result = _choose(box, x.columns, min_coverage, float(y.mean()))
        if found and result.limits.empty:  # nothing left that a box can single out
            break
        found.append(result)
    return found


def _choose(box, names, min_coverage: float, base_rate: float) -> PrimResult:
    """The densest box on the trajectory with enough coverage, less its weak restrictions."""
    trajectory = _stats(box.peeling_trajectory)
    eligible = trajectory.index[trajectory["coverage"] >= min_coverage]
    chosen = int(trajectory.loc[eligible, "density"].idxmax()) if len(eligible) else 0
    current, dropped = chosen, []
    while True:
        weak = [
            name
            for name, (low, high) in _restricted_qp(box, current, names).items()
            if np.nanmin([_qp(low), _qp(high)]) >= SIGNIFICANT
        ]
        if not weak:
            break
        box.drop_restriction(weak[0], i=current)  # appended to the trajectory
        current = len(box.peeling_trajectory) - 1
        dropped.append(weak[0])
    if current == chosen:
        box.select(chosen)  # the box PRIM goes on from is the one reported
    limits = box.box_lims[current]
    rows = [
        {
            "parameter": name,
            "low": float(limits[name].iloc[0]),
            "high": float(limits[name].iloc[1]),
            "qp_low": _qp(low),
            "qp_high": _qp(high),
        }
        for name, (low, high) in _restricted_qp(box, current, names).items()
    ]
    columns = ["parameter", "low", "high", "qp_low", "qp_high"]
    final = _stats(box.peeling_trajectory).iloc[current]
    return PrimResult(
        trajectory, chosen, final, pd.DataFrame(rows, columns=columns), dropped, base_rate
    )


def _stats(trajectory: pd.DataFrame) -> pd.DataFrame:
    frame = trajectory[STATS].astype({"res_dim": int, "n": int, "k": int})
    return frame.reset_index(drop=True)


def _qp(value: float) -> float:
    """A quasi-p-value; ema_workbench marks an unrestricted side with -1 (here: NaN)."""
    return np.nan if value < 0 else float(value)


def _restricted_qp(box, i: int, names) -> dict[str, tuple[float, float]]:
    """The restricted parameters of box i with their (low, high) quasi-p-values."""
    limits, initial = box.box_lims[i], box.box_lims[0]
    return {n: tuple(box.p_values[i][n]) for n in names if not limits[n].equals(initial[n])}


@dataclass(frozen=True)
class CartResult:
    """A CART tree: its fitted classifier and one row a leaf with the leaf's box."""

    tree: object  # sklearn DecisionTreeClassifier
    feature_names: list[str]
    leaves: pd.DataFrame  # coverage, density, mass, res_dim, and the box as text


def cart_tree(x: pd.DataFrame, y: np.ndarray, mass_min: float = 0.05) -> CartResult:
    """A CART classification tree of y (leaves of at least `mass_min` of the runs)."""
    y = np.asarray(y, dtype=bool)
    if not y.any():
        raise ScenarioError("CART needs some runs with the outcome; none has it")
    _, cart, _ = _ema_analysis()
    algorithm = cart.CART(x, y.astype(int), mass_min=mass_min)
    algorithm.build_tree()
    init = x.agg(["min", "max"])
    rows = []
    for box, stats in zip(algorithm.boxes, algorithm.stats, strict=True):
        rules = [
            _rule(name, box[name].iloc[0], box[name].iloc[1], init[name])
            for name in x.columns
            if not np.allclose(box[name].to_numpy(dtype=float), init[name].to_numpy(dtype=float))
        ]
        rows.append(
            {
                "coverage": float(stats["coverage"]),
                "density": float(stats["density"]),
                "mass": float(stats["mass"]),
                "res_dim": int(stats["res dim"]),
                "box": " and ".join(rules) or "(everything)",
            }
        )
    leaves = pd.DataFrame(rows).sort_values("density", ascending=False, ignore_index=True)
    return CartResult(algorithm.clf, list(algorithm.feature_names), leaves)


def _rule(name: str, low: float, high: float, init: pd.Series) -> str:
    if low <= init.iloc[0]:
        return f"`{name}` ≤ {high:.4g}"
    if high >= init.iloc[1]:
        return f"`{name}` ≥ {low:.4g}"
    return f"{low:.4g} ≤ `{name}` ≤ {high:.4g}"


def feature_scores(x: pd.DataFrame, outcomes: pd.DataFrame, seed: int = 0) -> pd.DataFrame:
    """Extra-trees feature scores (mean decrease in impurity, summing to 1) of each outcome
    column against the inputs: one row an input, one column an outcome."""
    _, _, scoring = _ema_analysis()
    regression = scoring.RuleInductionType.REGRESSION
    columns = {}
    for name, values in outcomes.items():
        values = np.asarray(values, dtype=float)
        if np.ptp(values) == 0:  # a constant outcome: no input explains it
            columns[name] = pd.Series(np.nan, index=x.columns)
            continue
        scores, _ = scoring.get_ex_feature_scores(
            x,
            values,
            mode=regression,
            nr_trees=200,
            max_features=max(1, round(x.shape[1] / 3)),  # ema's default, at least one
            random_state=seed % 2**32,
        )
        columns[name] = scores.iloc[:, 0]
    return pd.DataFrame(columns).reindex(x.columns).rename_axis("parameter")
