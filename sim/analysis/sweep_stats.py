"""Analysis of a sweep: per-point summaries, survival curves, Sobol and Morris indices, figure
data.

Every function here prepares numbers (tested for exact values); `sim.analysis.plots` draws them.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from sim.analysis.summaries import paired_difference, wilson_interval
from sim.experiments import ledger
from sim.experiments.experiment import BOOLEAN_OUTCOMES, Design, Experiment, salib_problem
from sim.experiments.manifest import read_manifest, read_points, write_manifest
from sim.experiments.results import write_atomically
from sim.experiments.sweep import Task, now, point_runs, verify_chunks
from sim.model.finite import kept as finite_runs
from sim.model.outcomes import OUTCOME_LABELS, ROAD_LABELS
from sim.model.scenario import Scenario, ScenarioError

QUANTILES = (0.1, 0.5, 0.9)


def slug(outcome: str) -> str:
    """A column-friendly name: 'open war' -> 'open_war'."""
    return outcome.replace(" ", "_")


def _share(row: dict, name: str, hits: int, trials: int) -> None:
    low, high = wilson_interval(hits, trials)
    row[name] = hits / trials if trials else math.nan
    row[f"{name}_low"], row[f"{name}_high"] = low, high


def _spread(row: dict, name: str, values: np.ndarray) -> None:
    if len(values) == 0:
        row[f"{name}_mean"] = math.nan
        for q in QUANTILES:
            row[f"{name}_q{int(q * 100)}"] = math.nan
        return
    row[f"{name}_mean"] = float(values.mean())
    for q, value in zip(QUANTILES, np.quantile(values, QUANTILES), strict=True):
        row[f"{name}_q{int(q * 100)}"] = float(value)


def dyads_of(table: pd.DataFrame) -> list[str]:
    """The dyads a per-run table has columns for, e.g. 'Russia-France'."""
    return [c.removesuffix("_max_rung") for c in table.columns if c.endswith("_max_rung")
            and c != "max_rung"]  # fmt: skip


def summarise_point(table: pd.DataFrame, escalation_rung: int) -> dict[str, float]:
    """One point's runs: every outcome's probability with its 95% Wilson interval, each
    dyad's probability of open war (p_war_DYAD), for each road the share of escalations it
    caused and the paired risk difference against its twin, and mean and quantiles of event
    days and casualties."""
    point = int(table["point"].iloc[0])
    table, stopped = finite_runs(table)  # runs stopped out of the finite range: counted apart
    n = len(table)
    row: dict[str, float] = {"point": point, "runs": n, "stopped": stopped}
    codes = np.bincount(table["outcome"].cat.codes.to_numpy(), minlength=len(OUTCOME_LABELS))
    for label, hits in zip(OUTCOME_LABELS, codes, strict=True):
        _share(row, f"p_{slug(label)}", int(hits), n)
    for name in BOOLEAN_OUTCOMES:
        _share(row, f"p_{name}", int(np.count_nonzero(table[name].to_numpy())), n)
    for dyad in dyads_of(table):  # which actors went to war, dyad by dyad (Model 2)
        war = table[f"{dyad}_war_day"].to_numpy()
        _share(row, f"p_war_{dyad}", int(np.count_nonzero(war >= 0)), n)
    escalated = table["escalated"].to_numpy()
    for road in ROAD_LABELS:
        twin = table[f"twin_{road}_escalated"].to_numpy()
        caused = int(np.count_nonzero(escalated & ~twin))
        _share(row, f"caused_share_{road}", caused, int(np.count_nonzero(escalated)))
        d, low, high = paired_difference(caused, int(np.count_nonzero(twin & ~escalated)), n)
        row[f"rd_{road}"], row[f"rd_{road}_low"], row[f"rd_{road}_high"] = d, low, high
    for name, column in (
        ("escalation_day", f"first_rung_{escalation_rung}_day"),
        ("misstep_day", "first_misstep_day"),
        ("attack_day", "first_attack_day"),
        ("crisis_end_day", "crisis_end_day"),
    ):
        days = table[column].to_numpy()
        _spread(row, name, days[days >= 0])
    deaths = table[[c for c in table.columns if c.startswith("casualties_")]].to_numpy()
    _spread(row, "casualties", deaths.sum(axis=1))
    return row


RUNG_PATH = "world.escalation_rung"


def escalation_rungs(design: pd.DataFrame, base_rung: int) -> pd.Series:
    """The escalation rung R* of each point (indexed by point): swept, or the base's."""
    if RUNG_PATH in design.columns:
        return design[RUNG_PATH].round().astype(int)
    return pd.Series(base_rung, index=design.index, dtype=int)


def escalation_days(runs: pd.DataFrame, rungs: pd.Series) -> pd.Series:
    """Each run's first day at its point's escalation rung (−1: never); `runs` holds the
    columns first_rung_K_day for every K among `rungs`."""
    rung = rungs.reindex(runs["point"]).to_numpy()
    days = pd.Series(-1, index=runs.index, dtype=np.int64)
    for k in np.unique(rung):
        at = rung == k
        days[at] = runs.loc[at, f"first_rung_{k}_day"]
    return days


def kaplan_meier(durations: np.ndarray, events: np.ndarray) -> pd.DataFrame:
    """Kaplan-Meier survival: S(t) = Π over event days u ≤ t of (1 − d_u / n_u).

    durations: the day a run escalated, or the last day observed (censored); events: whether
    it escalated. Runs that never escalate are censored at their horizon. The curve starts on
    day 0, with the escalations of day 0 (a crisis that starts at war) already counted.
    """
    durations = np.asarray(durations, dtype=np.int64)
    events = np.asarray(events, dtype=bool)
    days = np.union1d([0], np.unique(durations))
    at_risk = np.array([(durations >= d).sum() for d in days])
    deaths = np.array([(events & (durations == d)).sum() for d in days])
    with np.errstate(invalid="ignore", divide="ignore"):
        survival = np.cumprod(np.where(at_risk > 0, 1.0 - deaths / np.maximum(at_risk, 1), 1.0))
    return pd.DataFrame(
        {"day": days, "at_risk": at_risk, "escalated": deaths, "survival": survival}
    )


def time_to_escalation(
    runs: pd.DataFrame, escalation_rung: int | pd.Series, horizon: int
) -> tuple[np.ndarray, np.ndarray]:
    """Each run's day of escalation, or its last day observed (censored), and whether it
    escalated. `escalation_rung`: one, or one per point."""
    if isinstance(escalation_rung, pd.Series):
        day = escalation_days(runs, escalation_rung)
    else:
        day = runs[f"first_rung_{escalation_rung}_day"]
    escalated = (day >= 0).to_numpy()
    duration = np.where(escalated, day, np.minimum(runs["end_day"], horizon))
    return duration.astype(np.int64), escalated


def survival_data(
    runs: pd.DataFrame,
    parameter: str,
    escalation_rung: int | pd.Series,
    horizon: int,
    groups: int = 4,
) -> pd.DataFrame:
    """Kaplan-Meier curves of the time to escalation, one per level (or quantile bin) of a
    parameter, pooling the other parameters, with 95% bands (lifelines: Greenwood's variance,
    exponential Greenwood intervals). `escalation_rung`: one, or one per point."""
    duration, escalated = time_to_escalation(runs, escalation_rung, horizon)
    levels = runs[parameter]
    distinct = np.sort(levels.unique())
    if len(distinct) <= 12:  # a grid's levels: keep a few, evenly spaced
        keep = distinct[
            np.linspace(0, len(distinct) - 1, min(groups, len(distinct))).round().astype(int)
        ]
        chosen = levels[levels.isin(keep)]
    else:  # continuous designs: quantile bins
        chosen = pd.qcut(levels, groups, duplicates="drop")  # ordered bins, lowest first
    curves = []
    for level, index in chosen.groupby(chosen, sort=True, observed=True).groups.items():
        index = np.asarray(index)
        curve = kaplan_meier(duration[index], escalated[index])
        low, high = survival_band(duration[index], escalated[index], curve["day"])
        curve["low"], curve["high"] = low, high
        shown = f"{level:g}" if isinstance(level, float | int) else str(level)
        curve.insert(0, "group", f"{parameter} = {shown}")
        curves.append(curve)
    return pd.concat(curves, ignore_index=True)


def survival_band(
    durations: np.ndarray, events: np.ndarray, days: pd.Series
) -> tuple[np.ndarray, np.ndarray]:
    """The 95% band of the Kaplan-Meier curve on the given days (lifelines)."""
    from lifelines import KaplanMeierFitter

    fitted = KaplanMeierFitter(alpha=0.05).fit(durations, events)
    band = fitted.confidence_interval_.reindex(days.to_numpy(), method="ffill")
    return band.iloc[:, 0].to_numpy(), band.iloc[:, 1].to_numpy()


def heatmap_data(summary: pd.DataFrame, x: str, y: str, quantity: str) -> pd.DataFrame:
    """A quantity over two parameters (rows y, columns x), averaged over any others."""
    return summary.pivot_table(index=y, columns=x, values=quantity, aggfunc="mean")


def line_data(summary: pd.DataFrame, x: str, quantity: str, by: str | None = None) -> pd.DataFrame:
    """A quantity with its interval over one parameter, one line per level of `by`."""
    columns = [quantity, f"{quantity}_low", f"{quantity}_high"]
    keys = [x] if by is None else [by, x]
    return summary.groupby(keys, sort=True)[columns].mean().reset_index()


def outcome_mix(summary: pd.DataFrame, x: str) -> pd.DataFrame:
    """The outcomes' shares over one parameter, averaged over any others."""
    columns = [f"p_{slug(label)}" for label in OUTCOME_LABELS]
    mix = summary.groupby(x, sort=True)[columns].mean()
    mix.columns = OUTCOME_LABELS
    return mix


def sobol_indices(summary: pd.DataFrame, experiment: Experiment, quantity: str) -> pd.DataFrame:
    """Sobol first-order (S1) and total (ST) indices of a quantity, with 95% intervals."""
    if experiment.design != Design.SOBOL:
        raise ValueError("Sobol indices need a sobol design")
    from SALib.analyze import sobol

    values = summary.sort_values("point")[quantity].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):  # a constant quantity gives NaN
        result = sobol.analyze(
            salib_problem(experiment),
            values,
            calc_second_order=False,
            conf_level=0.95,
            seed=experiment.seed % 2**32,
        )
    return pd.DataFrame(
        {
            "parameter": [p.path for p in experiment.parameters],
            "S1": result["S1"],
            "S1_conf": result["S1_conf"],
            "ST": result["ST"],
            "ST_conf": result["ST_conf"],
        }
    )


def morris_indices(summary: pd.DataFrame, experiment: Experiment, quantity: str) -> pd.DataFrame:
    """Morris elementary effects of a quantity: mean absolute effect μ* with its 95%
    interval, and their standard deviation σ (non-linearity or interactions)."""
    if experiment.design != Design.MORRIS:
        raise ValueError("Morris indices need a morris design")
    from SALib.analyze import morris

    design = summary.sort_values("point")
    params = [p.path for p in experiment.parameters]
    values = design[quantity].to_numpy(dtype=float)
    result = morris.analyze(
        salib_problem(experiment),
        design[params].to_numpy(dtype=float),
        values,
        conf_level=0.95,
        num_levels=experiment.levels,
        seed=experiment.seed % 2**32,
    )
    return pd.DataFrame(
        {
            "parameter": params,
            "mu_star": result["mu_star"],
            "mu_star_conf": result["mu_star_conf"],
            "mu": result["mu"],
            "sigma": result["sigma"],
        }
    )


def read_runs(out_dir: Path, columns: list[str]) -> pd.DataFrame:
    """Some columns of every run, with the point's parameter values (memory: those columns)."""
    files = sorted(Path(out_dir, "chunks").glob("p*-r*.parquet"))
    runs = pd.concat(
        [pd.read_parquet(f, columns=["point", *columns]) for f in files], ignore_index=True
    )
    design = read_points(Path(out_dir)).reset_index()
    return design.merge(runs, on="point")


def summarise_sweep(out_dir: Path, base: Scenario, tasks: list[Task] | None = None) -> pd.DataFrame:
    """Summarise a complete sweep into summary.parquet and summary.csv; stamp the manifest.

    With `tasks`, every chunk is verified against the ledger first: a summary is never made
    from a chunk that is not the one it claims to be.
    """
    if tasks is not None:
        todo, problems = verify_chunks(out_dir, tasks, remove=False)
        if todo:
            raise ScenarioError(
                f"{out_dir}: {len(todo):,} chunk(s) missing or unverified "
                f"({'; '.join(problems[:2]) or 'missing'}); run the sweep again"
            )
    design = read_points(out_dir)
    rungs = escalation_rungs(design, base.world.escalation_rung)  # swept, or the base's
    rows = [summarise_point(table, int(rungs[point])) for point, table in point_runs(out_dir)]
    summary = design.reset_index().merge(pd.DataFrame(rows), on="point")
    write_atomically(out_dir, "summary.parquet", lambda p: summary.to_parquet(p, index=False))
    write_atomically(out_dir, "summary.csv", lambda p: summary.to_csv(p, index=False))
    manifest = read_manifest(out_dir)
    manifest["finished"] = now()
    # plot and report trust the summary only if it is the one written here.
    manifest["summary_sha256"] = ledger.sha256_of(out_dir / "summary.parquet")
    write_manifest(out_dir, manifest)
    return summary
