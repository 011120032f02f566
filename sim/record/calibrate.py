"""Calibration to the record: ABC-SMC (pyabc) over scenario parameters, fitted to patterns.

A calibration file (TOML, `kind = "calibration"`) names a base scenario, the parameters to fit
(parameter paths as in experiment files) with their priors, the patterns to fit, the runs per
simulation, the population size, the number of generations or a final tolerance, and a seed.

Method (Beaumont et al. 2009; Klinger, Rickert & Hasenauer 2018 for pyabc): a simulation runs
`runs` runs of the scenario at proposed parameters and computes each fitted pattern's quantity.
Its distance to the record is the Euclidean norm over patterns of how far each value lies
outside its target interval, in units of the interval's width (0 inside it,
`sim.record.patterns.distance_to`): the patterns act as filters (Grimm et al. 2005), and any value
inside a target is as good as any other. Generation 0 accepts every draw of the prior; each
later threshold is the weighted median of the previous generation's distances.

Reproducible and resumable: the particles of generation t are sampled in slots, slot i of
generation t with its own seed (seed, t, i), so the posterior does not depend on the number of
workers, on the executor or on the order in which slots finish; pyabc's SQLite history is the
run's record. The generations run one `ABCSMC.run` call at a time, so a calibration resumed
from the database after Ctrl-C or kill -9 takes the same path as one never stopped.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import math
import re
import sqlite3
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Self

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from sim.experiments.experiment import apply_path, read_path
from sim.experiments.runs import chunks, iter_tables
from sim.model.chance import MAX_SEED
from sim.model.finite import kept as finite_runs
from sim.model.scenario import (
    EXPERIMENTS_DIR,
    Scenario,
    ScenarioError,
    explain,
    load_scenario,
    parse_scenario,
    read_typed_file,
    repeated,
)
from sim.record.fit import RecordFit, Targets, record_targets, run_statistics, scaled_distance
from sim.record.history import DATABASE, check_fittable, stamp
from sim.record.patterns import Pattern, distance_to, load_patterns
from sim.record.smc import SAMPLER, median_threshold, seeded_sampler, twice_the_covariance
from sim.record.validate import needed_columns

CALIBRATIONS_DIR = EXPERIMENTS_DIR / "calibration"


class Prior(BaseModel):
    """A fitted parameter: its path and prior (uniform or log-uniform on low..high, or beta(a, b)
    stretched over low..high)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    path: str = Field(min_length=3)
    prior: Literal["uniform", "log-uniform", "beta"] = "uniform"
    low: float = Field(allow_inf_nan=False)
    high: float = Field(allow_inf_nan=False)
    # Below 0.1 a beta prior puts nearly all its mass within 1e-10 of the ends (two points,
    # not a range); above 10,000 its 90% interval is under 1% of the range (a fixed value,
    # not a prior), and scipy's quantiles turn to nan further out.
    a: float | None = Field(None, ge=0.1, le=10_000, allow_inf_nan=False)
    b: float | None = Field(None, ge=0.1, le=10_000, allow_inf_nan=False)

    @model_validator(mode="after")
    def _sound(self) -> Self:
        if not self.low < self.high:
            raise ValueError(f"{self.path}: low ({self.low}) must be below high ({self.high})")
        if self.prior == "log-uniform" and self.low <= 0:
            raise ValueError(f"{self.path}: a log-uniform prior needs low > 0")
        if (self.prior == "beta") != (self.a is not None and self.b is not None):
            raise ValueError(f"{self.path}: a and b go with (and only with) a beta prior")
        return self

    def rv(self) -> Any:
        """The prior as a pyabc random variable, on the scale the sampler moves in: the
        parameter itself, or its natural log for a log-uniform prior (see `value`)."""
        import pyabc

        if self.prior == "uniform":
            return pyabc.RV("uniform", self.low, self.high - self.low)
        if self.prior == "log-uniform":
            low, high = math.log(self.low), math.log(self.high)
            return pyabc.RV("uniform", low, high - low)
        return pyabc.RV("beta", self.a, self.b, loc=self.low, scale=self.high - self.low)

    def value(self, sampled: float) -> float:
        """The parameter's value from the sampler's: exp of it for a log-uniform prior.

        The kernels that propose each generation's particles are normal: on a parameter
        spread over decades (λₘ from 5·10⁻⁵ to 3·10⁻³) a kernel in the parameter itself
        proposes mostly at the top of the range and weighs the rare low proposals by the
        prior's 1/x, so a few particles carry the whole weight (3 effective particles of 60
        in the fit of issue 20). In logs, the same prior is uniform and the kernel even."""
        return math.exp(sampled) if self.prior == "log-uniform" else float(sampled)


class Calibration(BaseModel):
    """What to fit, to what, and how hard to try."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    name: str = Field(min_length=1, max_length=100)
    description: str = ""
    scenario: str = Field(min_length=1)
    patterns: str | None = None  # a patterns file; default: the shipped record
    fit: list[str] | None = None  # pattern names; default: every one that applies
    record: RecordFit | None = None  # a reference class's statistics instead of patterns
    parameters: list[Prior] = Field(min_length=1, max_length=20)
    runs: int = Field(500, ge=10, le=1_000_000)
    population: int = Field(100, ge=5, le=100_000)
    generations: int = Field(6, ge=1, le=100)
    tolerance: float = Field(0.0, ge=0, allow_inf_nan=False)
    days: int | None = Field(None, ge=1, le=36_500)
    seed: int = Field(0, ge=0, le=MAX_SEED)
    predictive_draws: int = Field(20, ge=1, le=10_000)

    @model_validator(mode="after")
    def _distinct(self) -> Self:
        dupes = repeated([p.path for p in self.parameters])
        if dupes:
            raise ValueError(f"parameters repeated: {', '.join(dupes)}")
        if self.record is not None and (self.patterns is not None or self.fit is not None):
            raise ValueError("a calibration fits either patterns (patterns, fit) or a class of "
                             "the record ([record]), not both")  # fmt: skip
        return self


@dataclass(frozen=True)
class Setup:
    """A loaded calibration: the file's model, its base scenario and its patterns."""

    calibration: Calibration
    base: Scenario
    patterns: list[Pattern]
    fingerprint: str
    targets: Targets | None = None  # the record's statistics, when fitting a class

    @property
    def keys(self) -> list[str]:
        """pyabc's names of the parameters (letters, digits and '_' only)."""
        return [f"p{i}_{re.sub(r'[^A-Za-z0-9]', '_', p.path)}" for i, p in enumerate(self.priors)]

    @property
    def priors(self) -> list[Prior]:
        return list(self.calibration.parameters)

    def named(self) -> list[tuple[Prior, str]]:
        """Each prior with its pyabc name."""
        return list(zip(self.priors, self.keys, strict=True))


def scenario_with(base: Scenario, values: dict[str, float], days: int | None = None) -> Scenario:
    """The base scenario with parameter paths set to values (validated)."""
    data = base.model_dump(mode="json")
    if days is not None:
        data["world"]["days"] = days
    for path, value in values.items():
        apply_path(data, path, float(value))
    return parse_scenario(data)


def load_calibration(path: str | Path) -> Setup:
    """Read and validate a calibration file; every prior's range must make valid scenarios."""
    path, _, data = read_typed_file(path, "calibration", CALIBRATIONS_DIR)
    try:
        calibration = Calibration.model_validate(data)
    except ValidationError as error:
        loc = error.errors()[0]["loc"]
        known = (
            Prior.model_fields
            if "parameters" in loc
            else RecordFit.model_fields
            if "record" in loc
            else Calibration.model_fields
        )
        where = ".".join(str(p) for p in loc) or "calibration"
        raise ScenarioError(f"{path}: {explain(error, where, list(known))}") from None

    def beside(name: str) -> Path | str:
        near = path.parent / name
        return near if near.exists() else name

    try:
        base = load_scenario(beside(calibration.scenario))
        patterns_path = beside(calibration.patterns) if calibration.patterns else None
        every = load_patterns(patterns_path)
        for prior in calibration.parameters:
            read_path(base.model_dump(mode="json"), prior.path)
            for value in (prior.low, prior.high):
                scenario_with(base, {prior.path: value}, calibration.days)
        targets = record_targets(calibration.record) if calibration.record else None
    except ScenarioError as error:
        raise ScenarioError(f"{path}: {error}") from None
    if targets is not None:
        return Setup(calibration, base, [], _fingerprint(calibration, base, targets.digest()),
                     targets)  # fmt: skip
    names = [p.name for p in every]
    if calibration.fit is not None:
        unknown = [n for n in calibration.fit if n not in names]
        if unknown:
            raise ScenarioError(
                f"{path}: fit names unknown patterns: {', '.join(unknown)} "
                f"(known: {', '.join(names)})"
            )
        patterns = [p for p in every if p.name in calibration.fit]
    else:
        patterns = [p for p in every if p.applies(base.name)]
    if not patterns:
        raise ScenarioError(f"{path}: no pattern to fit")
    fitted = [p.model_dump(mode="json") for p in patterns]
    return Setup(calibration, base, patterns, _fingerprint(calibration, base, fitted))


def _fingerprint(calibration: Calibration, base: Scenario, fitted: object) -> str:
    """A digest of what decides the generations' path. Not where it stops (`generations`,
    `tolerance`): every generation is seeded by its number alone, so the same file with more
    generations goes on from a finished fit's last one; nor the predictive check's draws."""
    stops = {"predictive_draws", "generations", "tolerance"}
    payload = {
        "sampler": SAMPLER,
        "calibration": calibration.model_dump(mode="json", exclude=stops),
        "base": base.model_dump(mode="json"),
        "patterns": fitted,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def pattern_values(
    scenario: Scenario, patterns: list[Pattern], runs: int, seed: int, first_run: int = 0
) -> dict[str, float]:
    """Each pattern's model value over `runs` runs (no twins), in this process."""
    tables = iter_tables(chunks(scenario, runs, seed, runs, twins=False, first_run=first_run))
    table, _ = finite_runs(next(tables))
    table = table[needed_columns(patterns, table)]
    return {p.name: p.estimate(table).value for p in patterns}


def slot_scenario(setup: Setup, parameters: dict[str, float]) -> tuple[Scenario, int]:
    """A pyabc particle's scenario and its runs' seed, drawn from the slot's stream (pyabc seeds
    numpy's global generator per slot: reproducible)."""
    values = {p.path: p.value(parameters[k]) for p, k in setup.named()}
    seed = int(np.random.randint(0, 2**31 - 1))
    return scenario_with(setup.base, values, setup.calibration.days), seed


@dataclass(frozen=True)
class PatternModel:
    """pyabc's model: parameters in, each pattern's model value out (seeded by the slot)."""

    setup: Setup

    def __call__(self, parameters: dict[str, float]) -> dict[str, float]:
        scenario, seed = slot_scenario(self.setup, parameters)
        return pattern_values(scenario, self.setup.patterns, self.setup.calibration.runs, seed)


@dataclass(frozen=True)
class RecordModel:
    """pyabc's model for a class of the record: parameters in, the fitted statistics of the
    runs coded as MID disputes out (seeded by the slot)."""

    setup: Setup

    def __call__(self, parameters: dict[str, float]) -> dict[str, float]:
        c = self.setup.calibration
        scenario, seed = slot_scenario(self.setup, parameters)
        statistics = run_statistics(scenario, c.runs, seed)
        return {name: float(statistics[name]) for name in c.record.statistics}  # type: ignore[union-attr]


@dataclass(frozen=True)
class RecordDistance:
    """Each fitted statistic's distance from the record in record-interval half-widths."""

    targets: pd.DataFrame

    def __call__(self, x: dict[str, float], x_0: dict[str, float]) -> float:
        del x_0  # the targets and their intervals are held here
        return scaled_distance(x, self.targets)


@dataclass(frozen=True)
class PatternDistance:
    """Euclidean norm of each pattern's distance outside its target (in target widths)."""

    patterns: tuple[Pattern, ...]

    def __call__(self, x: dict[str, float], x_0: dict[str, float]) -> float:
        del x_0  # the targets are intervals, held by the patterns
        return math.sqrt(sum(distance_to(x[p.name], p.target) ** 2 for p in self.patterns))


def new_abc(setup: Setup, sampler: Any) -> Any:
    """The ABC-SMC object of a calibration."""
    import pyabc

    quiet_pyabc()  # after pyabc's import, which sets its loggers' levels
    priors = pyabc.Distribution(**{k: p.rv() for p, k in setup.named()})
    # One multivariate normal kernel over all the parameters, so that the proposals follow
    # the posterior's correlations (ℓ against Cₘ, which both set the deathless share), with
    # twice the population's weighted covariance (Beaumont et al. 2009; Filippi et al. 2013)
    # rather than pyabc's default (Silverman's rule, about 0.4 of it in nine dimensions),
    # whose narrow kernels left a particle that fell between them a third of a generation's
    # weight (9 effective particles of 200, measured). Log-uniform parameters move in logs
    # (Prior.value), which also keeps the covariance of scales as far apart as λₘ ~ 1e-4 and
    # C_w ~ 10 from being singular.
    transitions = pyabc.MultivariateNormalTransition(bandwidth_selector=twice_the_covariance)
    if setup.targets is not None:
        model, distance = RecordModel(setup), RecordDistance(setup.targets.fitted)
    else:
        model, distance = PatternModel(setup), PatternDistance(tuple(setup.patterns))
    return pyabc.ABCSMC(
        model,
        priors,
        distance,
        population_size=setup.calibration.population,
        transitions=transitions,
        eps=median_threshold(),
        sampler=sampler,
    )


def quiet_pyabc() -> None:
    """pyabc logs every generation at INFO; the command shows its own progress."""
    for name in ("ABC", "ABC.History", "ABC.Sampler", "ABC.Epsilon", "ABC.Distance", "pyabc"):
        logging.getLogger(name).setLevel(logging.WARNING)


def observed(setup: Setup) -> dict[str, float]:
    """The record as pyabc's observed data: each target's value, or each target interval's
    centre (for the record only; the distance reads the intervals)."""
    if setup.targets is not None:
        return {str(k): float(v) for k, v in setup.targets.fitted["value"].items()}
    return {p.name: float(np.mean(p.target.interval())) for p in setup.patterns}


def started(database: Path) -> bool:
    """Whether a history database holds a calibration's record (opened read-only)."""
    if not database.exists():
        return False
    try:
        with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
            # pyabc commits the run's row, then its observed data (population t = −1) apart:
            # a kill between the two leaves a run that cannot be loaded
            return db.execute("select count(*) from populations where t = -1").fetchone()[0] > 0
    except sqlite3.Error:
        return False


def run_calibration(
    setup: Setup,
    out_dir: Path,
    executor: Executor | None = None,
    on_generation: Callable[[int, int], None] | None = None,
    on_particle: Callable[[int], None] | None = None,
) -> Any:
    """Run (or resume) the ABC-SMC generations into out_dir/history.db; return the History.

    Stops after `generations` generations, or once a threshold is at or below `tolerance`.
    """
    c = setup.calibration
    database = f"sqlite:///{(out_dir / DATABASE).resolve()}"
    sampler = seeded_sampler(c.seed, executor, on_particle)
    if not started(out_dir / DATABASE):  # absent, or killed before its first record
        (out_dir / DATABASE).unlink(missing_ok=True)
        # The run's row carries the calibration's fingerprint: checked before any resume.
        new_abc(setup, sampler).new(database, observed(setup), meta_info=stamp(setup.fingerprint))
    while True:
        # A fresh ABCSMC loaded from the database for every generation: an uninterrupted run
        # and a resumed one take the very same path (an ABCSMC object caches the population
        # it initialised from, so reusing one would also freeze the threshold).
        abc = new_abc(setup, sampler)
        history = abc.load(database, 1)
        check_fittable(history, [p.name for p in setup.patterns])
        last = history.get_all_populations()
        last = last[last["t"] >= 0]
        _check_not_past_the_end(out_dir, last, c)
        done = history.max_t + 1 >= c.generations
        if done or (len(last) and float(last["epsilon"].iloc[-1]) <= c.tolerance):
            return history
        if on_generation is not None:
            on_generation(history.max_t + 1, c.generations)
        abc.run(max_nr_populations=1)


def _check_not_past_the_end(out_dir: Path, populations: pd.DataFrame, c: Calibration) -> None:
    """Refuse a history that went past where this file stops (fewer generations, or a
    tolerance an earlier generation already met): its posterior would not be this file's."""
    if populations.empty:
        return
    held = int(populations["t"].max()) + 1
    if held > c.generations:
        raise ScenarioError(
            f"{out_dir}: holds {held} generations, more than the file's {c.generations}; "
            f"set generations = {held} or more, or give another --out"
        )
    met = populations.loc[populations["epsilon"] <= c.tolerance, "t"]
    if len(met) and int(met.min()) + 1 < held:
        raise ScenarioError(
            f"{out_dir}: its generation {int(met.min())} already met the tolerance "
            f"{c.tolerance:g}, and later ones were run; lower the tolerance, or give another --out"
        )


PROVENANCE_KEY = b"escalation"
