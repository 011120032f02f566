"""EMA Workbench interop: the escalation model as an ema_workbench model, and any sweep's
results in EMA's (experiments, outcomes) form.

An EMA user drives the model from their own script, on EMA's own evaluators:

    from ema_workbench import SequentialEvaluator, perform_experiments
    from sim.analysis.ema import ema_model

    model = ema_model("reassurance", runs=200, seed=1)
    with SequentialEvaluator(model) as evaluator:
        experiments, outcomes = perform_experiments(model, scenarios=50, policies=4,
                                                    evaluator=evaluator)

One EMA experiment is one point: the base scenario with the sampled uncertainties and levers set (by
the parameter paths of experiment files, `sim.experiments.experiment`), run `runs` times, each with
its six twins, under one seed (common random numbers across experiments). Its outcomes are the
probabilities of the per-run outcomes (`p_wider_war`, `p_escalated`, ...).
Parameter names in EMA must be identifiers, so a path's dots become double underscores
(`guarantor.troops` is `guarantor__troops`). Ranges default to the range the defaults object
(`sim.model.scenario`) allows, narrowed where the full range means little (troops, rates).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.experiments.experiment import BOOLEAN_OUTCOMES, GUARANTORS, apply_path, read_path
from sim.model.outcomes import OUTCOME_LABELS
from sim.model.scenario import Scenario, ScenarioError, field_bounds, load_scenario, parse_scenario

# What nobody controls (X) and what a government chooses (L), with their ranges; None: the
# range the defaults object allows.
UNCERTAINTIES: dict[str, tuple[float, float] | None] = {
    "challenger.resolve": None,
    "challenger.threat_perception": None,
    "challenger.initial_belief": None,
    "world.misstep_rate": (0.0001, 0.001),
}
LEVERS: dict[str, tuple[float, float] | None] = {
    "guarantor.troops": (0, 10_000),
    "world.hotline_quality": None,
    "challenger.warned": None,
}
OUTCOMES = ("wider war", "limited war", "escalated", "caused_by_missteps")


def ema_name(path: str) -> str:
    """A parameter path as an EMA (identifier) name: dots become double underscores."""
    return path.replace(".", "__").replace("-", "_").replace(" ", "_").replace("#", "n")


def outcome_name(outcome: str) -> str:
    """An outcome's EMA name: its probability, e.g. 'p_wider_war'."""
    return "p_" + outcome.replace(" ", "_")


def _workbench():
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="ipyparallel not installed")
        import ema_workbench
    return ema_workbench


def ema_parameter(base: Scenario, path: str, bounds: tuple[float, float] | None = None) -> Any:
    """The EMA parameter of a path: boolean, integer or real, its range from the defaults
    object unless `bounds` narrows it."""
    ema = _workbench()
    data = base.model_dump(mode="json")
    if path == GUARANTORS:
        low, high = bounds or (0, 4)
        return ema.IntegerParameter(ema_name(path), int(low), int(high), variable_name=path)
    _, info = read_path(data, path)
    if info.annotation is bool:
        return ema.BooleanParameter(ema_name(path), variable_name=path)
    low, high = bounds or field_bounds(info)
    if low is None or high is None:
        raise ScenarioError(f"{path}: the defaults object sets no range; give bounds")
    if info.annotation is int:
        return ema.IntegerParameter(ema_name(path), int(low), int(high), variable_name=path)
    return ema.RealParameter(ema_name(path), float(low), float(high), variable_name=path)


def point_outcomes(scenario: Scenario, runs: int, seed: int, outcomes: Sequence[str]) -> dict:
    """The probability of each outcome over `runs` runs (with twins) of one scenario."""
    from sim.experiments.runs import Chunk, simulate_chunk

    table = simulate_chunk(Chunk(scenario, seed, 0, runs))
    return {outcome_name(o): float(_hits(table, o).mean()) for o in outcomes}


def _hits(table: pd.DataFrame, outcome: str) -> np.ndarray:
    if outcome in OUTCOME_LABELS:
        return (table["outcome"] == outcome).to_numpy()
    return table[outcome].to_numpy(dtype=bool)


def scenario_with(base: Scenario, values: Mapping[str, Any]) -> Scenario:
    """The base scenario with parameter paths set (guarantors.count first)."""
    data = base.model_dump(mode="json")
    for path in sorted(values, key=lambda p: p != GUARANTORS):
        value = values[path]
        apply_path(data, path, bool(value) if isinstance(value, bool | np.bool_) else value)
    return parse_scenario(data)


def ema_model(
    base: str | Scenario = "reassurance",
    uncertainties: Mapping[str, tuple[float, float] | None] = UNCERTAINTIES,
    levers: Mapping[str, tuple[float, float] | None] = LEVERS,
    outcomes: Sequence[str] = OUTCOMES,
    runs: int = 100,
    seed: int = 0,
    days: int | None = None,
) -> Any:
    """An ema_workbench Model of the escalation model (see the module docstring)."""
    ema = _workbench()
    base = load_scenario(base) if isinstance(base, str) else base
    if days is not None:
        base = base.with_changes(world={"days": days})
    for outcome in outcomes:
        if outcome not in OUTCOME_LABELS and outcome not in BOOLEAN_OUTCOMES:
            raise ScenarioError(f"unknown outcome {outcome!r}")

    def escalation(**values: Any) -> dict[str, float]:
        return point_outcomes(scenario_with(base, values), runs, seed, outcomes)

    model = ema.Model(ema_name(f"escalation_{base.name}"), function=escalation)
    model.uncertainties = [ema_parameter(base, p, b) for p, b in uncertainties.items()]
    model.levers = [ema_parameter(base, p, b) for p, b in levers.items()]
    model.outcomes = [ema.ScalarOutcome(outcome_name(o)) for o in outcomes]
    return model


def sweep_as_ema(out_dir: str | Path, per: str = "point") -> tuple[pd.DataFrame, dict]:
    """A finished sweep's results as EMA's (experiments, outcomes).

    per="point": one experiment a point, outcomes the probabilities of summary.csv; per="run":
    one experiment a run (its point's values, `point` and `run`), outcomes each outcome as
    0 or 1 and the run's `max_rung` and `end_day`. Parameter columns get EMA names.
    """
    from sim.analysis.report.document import load_sweep
    from sim.analysis.sweep_stats import read_runs

    out_dir = Path(out_dir)
    experiment, _, summary = load_sweep(out_dir)  # verified: checksums of summary and chunks
    params = [p.path for p in experiment.parameters]
    names = {p: ema_name(p) for p in params}
    if per == "point":
        experiments = summary[["point", *params]].rename(columns=names)
        columns = [
            c for c in summary.columns if c.startswith("p_") and not c.endswith(("_low", "_high"))
        ]
        outcomes = {ema_name(c): summary[c].to_numpy(dtype=float) for c in columns}
    elif per == "run":
        booleans = list(BOOLEAN_OUTCOMES)
        runs = read_runs(out_dir, ["run", "outcome", "max_rung", "end_day", *booleans])
        experiments = runs[["point", "run", *params]].rename(columns=names)
        outcomes = {outcome_name(o): _hits(runs, o).astype(int) for o in OUTCOME_LABELS}
        outcomes |= {b: runs[b].to_numpy(dtype=int) for b in booleans}
        outcomes |= {c: runs[c].to_numpy(dtype=int) for c in ("max_rung", "end_day")}
    else:
        raise ScenarioError(f"per must be point or run, got {per!r}")
    experiments = experiments.reset_index(drop=True)
    experiments["model"] = f"escalation_{experiment.name}"
    return experiments, outcomes


def save_ema(results: tuple[pd.DataFrame, dict], path: Path) -> None:
    """Write (experiments, outcomes) with EMA's own save_results (a .tar.gz EMA loads)."""
    ema = _workbench()
    for name in results[1]:
        ema.ScalarOutcome(name)  # EMA saves only outcomes it has registered
    ema.save_results(results, str(path))
