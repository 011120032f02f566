"""What a calibration found: its posterior read from the history, summarised (quantiles,
effective particles, widths against the prior), checked by posterior-predictive runs, written
as files, and the calibrated scenario at the posterior medians."""

from __future__ import annotations

import hashlib
import json
import math
import stat
from concurrent.futures import Executor
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.experiments.experiment import read_path
from sim.experiments.question import DEFINITIONS  # the outcome's and horizon's definitions
from sim.experiments.runs import chunks, iter_tables
from sim.model.chance import MAX_SEED
from sim.model.scenario import Scenario, ScenarioError, World
from sim.record.calibrate import PROVENANCE_KEY, Prior, Setup, scenario_with
from sim.record.validate import needed_columns

# A generation moved little when no parameter's weighted median moved by more than this share
# of its 90% interval, and no 90% interval narrowed below this ratio of the last one (both on
# the sampler's scale: logs for a log-uniform prior); `settled` marks two generations in a row
# that did, a sign, not a proof (two can, between generations that move: docs/model.md §3.12).
# The first bound is about 4 standard errors of a weighted median with 100 effective particles
# (1.25σ/√100 against a width of 3.3σ).
SETTLED_SHIFT = 0.15
SETTLED_RATIO = 0.8


def thresholds(history: Any, setup: Setup | None = None) -> pd.DataFrame:
    """One row a generation: its threshold, simulations, acceptance rate and effective
    particles; with the setup, also how far the posterior moved from the generation before
    (`movement`)."""
    frame = history.get_all_populations()
    frame = frame[frame["t"] >= 0].copy()
    particles = history.get_nr_particles_per_population()
    frame["particles"] = [int(particles.get(t, 0)) for t in frame["t"]]
    frame["acceptance"] = frame["particles"] / frame["samples"]
    frame["effective_particles"] = [effective_size(history, int(t)) for t in frame["t"]]
    columns = ["t", "epsilon", "samples", "particles", "effective_particles", "acceptance"]
    steps = frame[columns].rename(
        columns={"t": "generation", "epsilon": "threshold", "samples": "simulations"}
    )
    if setup is None:
        return steps.reset_index(drop=True)
    return steps.reset_index(drop=True).merge(movement(history, setup), on="generation")


def movement(history: Any, setup: Setup) -> pd.DataFrame:
    """Per generation, how far the posterior moved from the one before: the largest shift of
    a parameter's weighted median, in 90% widths of the generation before, and the smallest
    ratio of a parameter's 90% width to the one before (sampler's scale), each with its
    parameter; whether both stay within SETTLED_SHIFT and SETTLED_RATIO (`little`), and
    whether this generation and the one before did (`settled`)."""
    rows, before = [], None
    for t in range(history.max_t + 1):
        frame, weights = history.get_distribution(m=0, t=t)
        weights = np.asarray(weights, dtype=float)
        now = {}
        for prior, key in setup.named():
            values = frame[key].to_numpy(dtype=float)
            q05, q50, q95 = (weighted_quantile(values, weights, q) for q in (0.05, 0.5, 0.95))
            now[prior.path] = (q50, max(q95 - q05, 1e-12))
        row: dict[str, Any] = {"generation": t}
        if before is None:
            row.update(largest_shift=math.nan, shifted="", narrowest_ratio=math.nan,
                       narrowed="", little=False, settled=False)  # fmt: skip
        else:
            shift = {k: abs(now[k][0] - before[k][0]) / before[k][1] for k in now}
            ratio = {k: now[k][1] / before[k][1] for k in now}
            moved, narrowed = max(shift, key=shift.get), min(ratio, key=ratio.get)
            little = bool(shift[moved] <= SETTLED_SHIFT and ratio[narrowed] >= SETTLED_RATIO)
            settled = little and bool(rows[-1]["little"])
            row.update(largest_shift=shift[moved], shifted=moved, narrowest_ratio=ratio[narrowed],
                       narrowed=narrowed, little=little, settled=settled)  # fmt: skip
        rows.append(row)
        before = now
    return pd.DataFrame(rows)


def effective_size(history: Any, t: int) -> float:
    """Kish's effective sample size of generation t's weights, (Σw)²/Σw² (Kish 1965)."""
    _, weights = history.get_distribution(m=0, t=t)
    weights = np.asarray(weights, dtype=float)
    return float(weights.sum() ** 2 / (weights**2).sum())


def posterior(history: Any, setup: Setup) -> pd.DataFrame:
    """The last generation's particles: one column a parameter path, and their weights."""
    frame, weights = history.get_distribution(m=0, t=history.max_t)
    table = pd.DataFrame({p.path: [p.value(x) for x in frame[k]] for p, k in setup.named()})
    table["weight"] = np.asarray(weights) / np.sum(weights)
    return table


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    """The q-quantile of a weighted sample (the inverse of its step distribution function)."""
    order = np.argsort(values, kind="stable")
    cumulative = np.cumsum(weights[order]) / np.sum(weights)
    return float(values[order][min(np.searchsorted(cumulative, q), len(values) - 1)])


def prior_width(prior: Prior) -> float:
    """The width of a prior's own central 90% interval (for a log-uniform one, use logs)."""
    if prior.prior == "beta":
        from scipy.stats import beta

        spread = beta(prior.a, prior.b).ppf(0.95) - beta(prior.a, prior.b).ppf(0.05)
        return float(spread) * (prior.high - prior.low)
    return 0.9 * (prior.high - prior.low)


def summary(table: pd.DataFrame, setup: Setup) -> pd.DataFrame:
    """Per parameter: prior, posterior median and 90% interval, and how much the data
    narrowed it: the posterior's 90% width over the prior's own 90% width (1: untouched)."""
    rows = []
    weights = table["weight"].to_numpy()
    for prior in setup.priors:
        values = table[prior.path].to_numpy()
        q05, q50, q95 = (weighted_quantile(values, weights, q) for q in (0.05, 0.5, 0.95))
        if prior.prior == "log-uniform":
            width = (math.log(q95) - math.log(q05)) / (0.9 * math.log(prior.high / prior.low))
        else:
            width = (q95 - q05) / prior_width(prior)
        rows.append({
            "parameter": prior.path, "prior": f"{prior.prior} {prior.low:g} to {prior.high:g}",
            "median": q50, "q05": q05, "q95": q95, "width_of_prior": width,
        })  # fmt: skip
    return pd.DataFrame(rows)


def draws(table: pd.DataFrame, n: int, seed: int) -> pd.DataFrame:
    """n posterior draws (weighted resampling with a seeded generator)."""
    rng = np.random.default_rng([seed, 9])
    index = rng.choice(len(table), size=n, replace=True, p=table["weight"].to_numpy())
    return table.iloc[index].drop(columns="weight").reset_index(drop=True)


MAX_POSTERIOR_BYTES = 200_000_000  # calibrate's largest (100,000 particles × 20) is ~20 MB
MAX_POSTERIOR_ROWS = 1_000_000  # ten times calibrate's largest population
PROVENANCE_TYPES = {"calibration": str, "scenario": str, "days": int, "fingerprint": str}
MAX_DAYS = 36_500  # the schema's longest horizon
MAX_NAME = 100  # the schema's longest scenario name


def read_posterior(path: Path, base: Scenario) -> pd.DataFrame:
    """A posterior sample written by `escalation calibrate`, checked against the scenario.

    Checked before it is read whole: a regular file of at most MAX_POSTERIOR_BYTES whose
    Parquet footer says at most MAX_POSTERIOR_ROWS rows; then every value finite and inside
    its parameter's range (each column's extremes, not row by row), the weights non-negative,
    not all 0, and their provenance well formed.
    """
    import pyarrow.parquet as pq

    path = Path(path)
    try:
        info = path.stat()
    except OSError:
        raise ScenarioError(f"{path}: no such posterior file") from None
    if not stat.S_ISREG(info.st_mode):
        raise ScenarioError(f"{path}: not a regular file")
    if info.st_size > MAX_POSTERIOR_BYTES:
        raise ScenarioError(f"{path}: larger than the limit of {MAX_POSTERIOR_BYTES:,} bytes")
    try:
        rows = pq.read_metadata(path).num_rows
        if rows > MAX_POSTERIOR_ROWS:
            raise ScenarioError(f"{path}: {rows:,} rows, more than the limit of "
                                f"{MAX_POSTERIOR_ROWS:,}")  # fmt: skip
        table = pd.read_parquet(path)
    except ScenarioError:
        raise
    except Exception:
        raise ScenarioError(f"{path}: not a Parquet file written by escalation calibrate") from None
    if "weight" not in table.columns or len(table.columns) < 2 or len(table) == 0:
        raise ScenarioError(
            f"{path}: not a posterior sample (needs parameter columns and 'weight')"
        )
    numeric = table.apply(pd.api.types.is_numeric_dtype)
    if not numeric.all() or not np.isfinite(table.to_numpy(dtype=float)).all():
        raise ScenarioError(f"{path}: posterior values must be finite numbers")
    weights = table["weight"].to_numpy(dtype=float)
    if (weights < 0).any() or not (weights > 0).any():
        raise ScenarioError(f"{path}: posterior weights must be ≥ 0 and not all 0")
    paths = [c for c in table.columns if c != "weight"]
    for column in paths:
        _check_column(base, column, table[column].to_numpy(dtype=float))
    made = provenance(path)
    wrong = [
        k
        for k, kind in PROVENANCE_TYPES.items()
        if k in made and (not isinstance(made[k], kind) or isinstance(made[k], bool))
    ]
    if wrong:
        raise ScenarioError(f"{path}: garbled provenance ({', '.join(wrong)} of the wrong type)")
    if not 1 <= made.get("days", 1) <= MAX_DAYS or len(made.get("scenario", "")) > MAX_NAME:
        raise ScenarioError(f"{path}: garbled provenance (days or scenario name out of range)")
    notes = carried_over(paths, base, made.get("scenario", base.name), path)
    table = table.copy()
    weights = weights / weights.max()  # first to at most 1: a sum of huge weights stays finite
    table["weight"] = weights / weights.sum()
    table.attrs["provenance"] = made
    table.attrs["notes"] = notes
    return table


def carried_over(paths: list[str], base: Scenario, fitted_on: str, path: Path) -> list[str]:
    """Whether a posterior of `paths`, fitted on scenario `fitted_on`, may run on `base`, and
    the notes to print: it replaces the base's values of those paths, so a scenario of another
    family (name before its first '-') must leave each at the schema's default (a value it
    sets would be silently lost) and may not have actor paths (fitted to other actors)."""
    family = fitted_on.split("-")[0] == base.name.split("-")[0]
    world = base.model_dump(mode="json")["world"]
    moved = [
        p
        for p in paths
        if p.startswith("world.") and world[p[6:]] != World.model_fields[p[6:]].default
    ]
    if family:
        return (
            [f"the posterior replaces what {base.name!r} sets: {', '.join(moved)}"] if moved else []
        )
    actors = [p for p in paths if not p.startswith("world.")]
    if actors:
        raise ScenarioError(
            f"{path}: a posterior fitted on {fitted_on!r} sets actors' parameters "
            f"({', '.join(actors)}), fitted to its actors, not to those of {base.name!r}; give "
            "a scenario of the family it was calibrated on"
        )
    if moved:
        raise ScenarioError(
            f"{path}: a posterior fitted on {fitted_on!r} would replace what {base.name!r} "
            f"sets ({', '.join(moved)}); give a scenario that leaves the calibrated "
            "parameters at their defaults, or one of the family it was calibrated on"
        )
    return [
        f"the posterior was fitted with the actors of {fitted_on!r}; {base.name!r} gets its "
        "world parameters, carried over, not fitted to this scenario"
    ]


def _check_column(base: Scenario, column: str, values: np.ndarray) -> None:
    """Refuse a posterior column that is no parameter path, or has a value out of its range
    (its extremes are checked: a range check holds between them); a switch takes 0 or 1."""
    if column in DEFINITIONS:
        raise ScenarioError(f"{column!r} defines the outcome or the horizon: no posterior sets it")
    _, info = read_path(base.model_dump(mode="json"), column)  # a bad path says so
    if info.annotation is bool and not np.isin(values, (0.0, 1.0)).all():
        raise ScenarioError(f"{column!r} is a switch: its posterior values must be 0 or 1")
    for value in (values.min(), values.max()):
        scenario_with(base, {column: value})


def write_posterior(table: pd.DataFrame, path: Path, setup: Setup) -> None:
    """The posterior as Parquet, with where it came from in the file's metadata."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    c = setup.calibration
    made = {
        "calibration": c.name,
        "scenario": setup.base.name,
        "days": c.days or setup.base.world.days,
        "fingerprint": setup.fingerprint,
    }
    arrow = pa.Table.from_pandas(table, preserve_index=False)
    metadata = {**(arrow.schema.metadata or {}), PROVENANCE_KEY: json.dumps(made).encode()}
    pq.write_table(arrow.replace_schema_metadata(metadata), path)


def provenance(path: Path) -> dict[str, Any]:
    """What `write_posterior` recorded of a posterior file ({} if nothing)."""
    import pyarrow.parquet as pq

    try:
        raw = (pq.read_schema(path).metadata or {}).get(PROVENANCE_KEY)
        made = json.loads(raw) if raw else {}
    except (OSError, ValueError):
        return {}
    return made if isinstance(made, dict) else {}


def derived_seed(seed: int, *labels: object) -> int:
    """A seed for a labelled stream of a calibration's seed (predictive draws, for example)."""
    digest = hashlib.sha256(":".join(map(str, (seed, *labels))).encode()).digest()
    return int.from_bytes(digest[:4], "little") % (MAX_SEED + 1)


def predictive_check(
    setup: Setup, table: pd.DataFrame, workers: int = 1, executor: Executor | None = None
) -> pd.DataFrame:
    """The validation table on posterior draws (a posterior-predictive check).

    Each of `predictive_draws` draws runs `runs` runs. A pattern's model value and its 95%
    Wilson interval pool them all, and its verdict compares that interval with the target,
    as `validate` does; beside them, the 5-95% range of the draws' own values and the share
    of draws whose value lies inside the target say how much of the posterior meets it.
    """
    from sim.record.validate import pattern_table

    c = setup.calibration
    chosen = draws(table, c.predictive_draws, c.seed)
    scenarios = [scenario_with(setup.base, row.to_dict(), c.days) for _, row in chosen.iterrows()]
    tasks = [
        task
        for i, s in enumerate(scenarios)
        for task in chunks(s, c.runs, derived_seed(c.seed, "predictive", i), c.runs, twins=False)
    ]
    parts = []
    per_draw: dict[str, list[float]] = {p.name: [] for p in setup.patterns}
    for part in iter_tables(tasks, workers, executor):
        part = part[needed_columns(setup.patterns, part)]
        parts.append(part)
        for p in setup.patterns:
            per_draw[p.name].append(p.estimate(part).value)
    result = pattern_table(setup.patterns, pd.concat(parts, ignore_index=True))
    result["basis"] = f"{len(scenarios)} draws × {c.runs:,} runs"
    spread_low, spread_high, inside = [], [], []
    for p in setup.patterns:
        values = np.asarray(per_draw[p.name], dtype=float)
        low, high = p.target.interval()
        finite = values[np.isfinite(values)]
        quantiles = np.quantile(finite, [0.05, 0.95]) if len(finite) else (math.nan, math.nan)
        spread_low.append(float(quantiles[0]))
        spread_high.append(float(quantiles[1]))
        inside.append(float(np.mean((values >= low) & (values <= high))))
    result["draws_low"], result["draws_high"] = spread_low, spread_high
    result["draws_in_target"] = inside
    return result


def record_predictive_check(
    setup: Setup, table: pd.DataFrame, workers: int = 1, executor: Executor | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The posterior-predictive check against a class of the record: each of
    `predictive_draws` posterior draws runs a replicate of the fitted class (as many runs as
    the class has disputes), coded as MID disputes; returns the statistics of each draw
    (draws × statistics) and the table of `sim.record.fit.predictive_table`."""
    from sim.record.coding import code_runs
    from sim.record.coding import needed_columns as coded_columns
    from sim.record.fit import predictive_table
    from sim.record.statistics import point_values

    c, targets = setup.calibration, setup.targets
    assert targets is not None, "a check against the record needs a class to hold it against"
    size = targets.sizes[targets.fit.reference]
    chosen = draws(table, c.predictive_draws, c.seed)
    scenarios = [scenario_with(setup.base, row.to_dict(), c.days) for _, row in chosen.iterrows()]
    tasks = [
        chunks(s, size, derived_seed(c.seed, "record-predictive", i), size, twins=False)[0]
        for i, s in enumerate(scenarios)
    ]
    rows = []
    for scenario, part in zip(scenarios, iter_tables(tasks, workers, executor), strict=True):
        coded = code_runs(part[coded_columns(part)], scenario.world.calm_days)
        rows.append(point_values(coded[coded["dispute"].to_numpy()]))
    per_draw = pd.DataFrame(rows).reset_index(drop=True)
    per_draw = pd.concat([chosen, per_draw], axis=1)
    return per_draw, predictive_table(targets, per_draw)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(str(value), ensure_ascii=False)  # a JSON string is a TOML basic string


def scenario_toml(scenario: Scenario, header: str) -> str:
    """A scenario as a scenario file (TOML), after a comment header."""
    data = scenario.model_dump(mode="json")
    lines = [f"# {line}" if line else "#" for line in header.splitlines()]
    lines += ['kind = "scenario"']
    lines += [f"{k} = {_toml_value(v)}" for k, v in data.items() if not isinstance(v, dict | list)]
    for section in ("world", "mechanisms"):
        lines += ["", f"[{section}]"]
        lines += [f"{k} = {_toml_value(v)}" for k, v in data[section].items()]
    for actor in data["actors"]:
        lines += ["", "[[actors]]"]
        lines += [f"{k} = {_toml_value(v)}" for k, v in actor.items()]
    return "\n".join(lines) + "\n"


def calibrated_scenario(setup: Setup, table: pd.DataFrame) -> Scenario:
    """The base scenario at the posterior medians, named '<base>-calibrated'."""
    medians = summary(table, setup).set_index("parameter")["median"].to_dict()
    scenario = scenario_with(setup.base, medians, setup.calibration.days)
    return scenario.with_changes(
        name=f"{setup.base.name}-calibrated",
        description=f"{setup.base.description} Calibrated to the record "
        f"({setup.calibration.name}).",
    )
