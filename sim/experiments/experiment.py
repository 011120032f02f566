"""Experiments declared as data: a base scenario, the parameters to vary, a design.

An experiment file (TOML, `kind = "experiment"`) names its base scenario, each parameter to
vary by a path, the design (a full grid, a Latin hypercube, Sobol's design or Morris's
elementary effects, the last three via SALib), the replicates per point, the horizon, the
seed and the outcomes to report. `points` turns it into a table of points; `scenario_at`
gives the validated scenario of one point.

Parameter paths: `world.FIELD` (the ladder's thresholds among them: `world.war_deaths`,
`world.calm_days`, `world.escalation_rung`); `mechanisms.SWITCH` (a mechanism's switch,
given as `values = [true, false]` in a grid design); `ROLE.FIELD` (every actor with that
role: challenger, protege, guarantor); `actors.FIELD` (every actor); `NAME.FIELD` (the actor
with that display name, e.g. `France.troops`); `guarantors.count` (how many guarantors: the
base scenario's first ones, then copies of its last one; applied before every other path).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
from enum import StrEnum
from pathlib import Path
from typing import Any, Self

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from sim.model.outcomes import OUTCOME_LABELS, ROAD_LABELS
from sim.model.scenario import (
    EXPERIMENTS_DIR,
    MAX_ACTORS,
    ActorParams,
    Mechanisms,
    Role,
    Scenario,
    ScenarioError,
    World,
    did_you_mean,
    explain,
    load_scenario,
    parse_scenario,
    read_typed_file,
    repeated,
)

# Each point holds a validated scenario (about 15 kB) and is checked before any run: 20,000
# points take about 300 MB and 7 s. A task is a small object; a million take about 200 MB.
MAX_POINTS = 20_000
MAX_TASKS = 1_000_000
BOOLEAN_OUTCOMES = (
    "escalated",
    "widened",
    "misstep_happened",
    *(f"caused_by_{road}" for road in ROAD_LABELS),
    *(f"twin_{road}_escalated" for road in ROAD_LABELS),
)
KNOWN_OUTCOMES = (*OUTCOME_LABELS, *BOOLEAN_OUTCOMES)


class Design(StrEnum):
    GRID = "grid"
    LHS = "lhs"
    SOBOL = "sobol"
    MORRIS = "morris"
    XLRM = "xlrm"  # levers on a grid, crossed with a Latin hypercube of the uncertainties


class Xlrm(StrEnum):
    """What a parameter is in XLRM terms (Lempert et al. 2003): chosen, or not controlled."""

    LEVER = "lever"
    UNCERTAINTY = "uncertainty"


class Robustness(BaseModel):
    """How the levers are judged across the states of the world (lower is better)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    outcome: str | None = Field(None, description="Default: the experiment's first outcome.")
    threshold: float = Field(0.01, ge=0, le=1, description="Satisficing: P(outcome) below it.")


class Parameter(BaseModel):
    """One varied parameter: a path, and a range (low, high; steps for a grid) or values."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    path: str = Field(min_length=3)
    low: float | None = Field(None, allow_inf_nan=False)
    high: float | None = Field(None, allow_inf_nan=False)
    steps: int | None = Field(None, ge=2, le=10_000)
    values: list[bool] | list[float] | None = Field(None, min_length=1)
    xlrm: Xlrm | None = Field(None, strict=False, description="lever or uncertainty.")

    @model_validator(mode="after")
    def _range_or_values(self) -> Self:
        switch = self.path.startswith("mechanisms.")
        listed = self.values or []
        if switch and not (listed and all(isinstance(v, bool) for v in listed)):
            raise ValueError(
                f"{self.path!r} is a switch: give values = [true, false] (in a grid design)"
            )
        if not switch and any(isinstance(v, bool) for v in listed):
            raise ValueError(f"{self.path!r} takes numbers, not true or false")
        if self.values is not None:
            if self.low is not None or self.high is not None:
                raise ValueError("give either values or low and high, not both")
            if any(not np.isfinite(v) for v in self.values):
                raise ValueError("values must be finite numbers")
        elif self.low is None or self.high is None:
            raise ValueError("give low and high (or values)")
        elif self.high <= self.low:
            raise ValueError(f"high ({self.high:g}) must be above low ({self.low:g})")
        return self

    def grid(self) -> np.ndarray:
        """The values of this parameter on a full grid."""
        if self.values is not None:
            kind = bool if isinstance(self.values[0], bool) else float
            return np.asarray(self.values, dtype=kind)
        if self.steps is None:
            raise ValueError(f"parameter {self.path!r}: a grid needs steps (or values)")
        return np.linspace(self.low, self.high, self.steps)

    @property
    def bounds(self) -> tuple[float, float]:
        if self.values is not None:
            return (min(self.values), max(self.values))
        return (float(self.low), float(self.high))  # type: ignore[arg-type]

    @property
    def switch(self) -> bool:
        """Whether this parameter is a mechanism's switch (categorical: true or false)."""
        return self.path.startswith("mechanisms.")


class Experiment(BaseModel):
    """A sweep: a base scenario varied over a design, each point run `replicates` times."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    name: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.-]+$")
    description: str = ""
    base: str = Field(min_length=1, description="A scenario name in experiments/, or a path.")
    design: Design = Field(Design.GRID, strict=False)
    parameters: list[Parameter] = Field(min_length=1)
    samples: int = Field(
        64, ge=1, le=1_000_000, description="lhs points; sobol base samples; morris trajectories."
    )
    levels: int = Field(4, ge=2, le=100, description="morris: levels of each parameter's grid.")
    replicates: int = Field(100, ge=1, le=10_000_000)
    days: int | None = Field(None, ge=1, le=36_500)
    seed: int = Field(0, ge=0, le=2**63 - 1)
    chunk_size: int = Field(1000, ge=1, le=10_000_000, description="Runs per task at most.")
    outcomes: list[str] = Field(
        default_factory=lambda: ["wider war", "escalated", "caused_by_missteps"]
    )
    robustness: Robustness = Robustness()
    series: int = Field(
        0, ge=0, le=10_000, description="Runs per point recorded day by day (quantile bands)."
    )

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        dupes = repeated([p.path for p in self.parameters])
        if dupes:
            raise ValueError(f"parameter paths appear twice: {', '.join(dupes)}")
        for outcome in self.outcomes:
            if outcome not in KNOWN_OUTCOMES:
                more = did_you_mean(outcome, list(KNOWN_OUTCOMES))
                raise ValueError(f"unknown outcome {outcome!r}{more}")
        if self.design == Design.SOBOL and self.samples & (self.samples - 1):
            raise ValueError(f"a sobol design needs samples to be a power of 2, got {self.samples}")
        if self.series > self.replicates:
            raise ValueError(
                f"series ({self.series}) cannot exceed replicates ({self.replicates}): "
                "it records the sweep's own first runs"
            )
        if self.robustness.outcome is not None and self.robustness.outcome not in KNOWN_OUTCOMES:
            more = did_you_mean(self.robustness.outcome, list(KNOWN_OUTCOMES))
            raise ValueError(f"unknown robustness outcome {self.robustness.outcome!r}{more}")
        if self.design == Design.XLRM:
            self._check_xlrm()
        switches = [p.path for p in self.parameters if p.switch and p.xlrm != Xlrm.LEVER]
        if self.design not in (Design.GRID, Design.XLRM) and switches:
            raise ValueError(
                f"switches ({', '.join(switches)}) are categorical: sweep them in a grid design"
            )
        sampled = [p for p in self.parameters if p.xlrm != Xlrm.LEVER or self.design != Design.XLRM]
        if self.design != Design.GRID and any(p.values is not None for p in sampled):
            raise ValueError(f"a {self.design.value} design needs low and high, not values")
        for p in self.parameters:
            on_grid = self.design == Design.GRID or p.xlrm == Xlrm.LEVER
            if on_grid and p.values is None and p.steps is None:
                raise ValueError(f"parameter {p.path!r}: a grid needs steps (or values)")
        # Refuse a design too large for memory before anything is allocated.
        size = self.design_size()
        if size > MAX_POINTS:
            raise ValueError(
                f"the design has {size:,} points, more than the limit of {MAX_POINTS:,}"
            )
        tasks = size * -(-self.replicates // min(self.chunk_size, self.replicates))
        if tasks > MAX_TASKS:
            raise ValueError(
                f"the sweep has {tasks:,} chunks, more than the limit of {MAX_TASKS:,}; "
                "raise chunk_size"
            )
        return self

    def _check_xlrm(self) -> None:
        unmarked = [p.path for p in self.parameters if p.xlrm is None]
        if unmarked:
            raise ValueError(
                f'an xlrm design needs xlrm = "lever" or "uncertainty" on every parameter; '
                f"missing on {', '.join(unmarked)}"
            )
        for kind in Xlrm:
            if not self.marked(kind):
                raise ValueError(f"an xlrm design needs at least one {kind.value}")
        switches = [p.path for p in self.marked(Xlrm.UNCERTAINTY) if p.switch]
        if switches:
            raise ValueError(f"switches ({', '.join(switches)}) are categorical: make them levers")

    def marked(self, kind: Xlrm) -> list[Parameter]:
        """The parameters marked as levers, or as uncertainties."""
        return [p for p in self.parameters if p.xlrm == kind]

    def design_size(self) -> int:
        """How many points the design has, computed without building it."""
        if self.design == Design.GRID:
            return math.prod(
                len(p.values) if p.values is not None else (p.steps or 1) for p in self.parameters
            )
        if self.design == Design.LHS:
            return self.samples
        if self.design == Design.XLRM:
            levers = self.marked(Xlrm.LEVER)
            return self.samples * math.prod(
                len(p.values) if p.values is not None else (p.steps or 1) for p in levers
            )
        if self.design == Design.MORRIS:
            return self.samples * (len(self.parameters) + 1)  # one step per parameter
        return self.samples * (len(self.parameters) + 2)  # Saltelli, first and total order


def _targets(data: dict[str, Any], path: str) -> tuple[list[dict], str, Any]:
    """The dicts a parameter path names in a scenario's dict form, its field and field info."""
    head, _, field = path.partition(".")
    if not field:
        raise ScenarioError(f"parameter path {path!r} needs the form WHERE.FIELD")
    if head == "world":
        targets, known = [data["world"]], World.model_fields
    elif head == "mechanisms":
        targets, known = [data.setdefault("mechanisms", {})], Mechanisms.model_fields
    else:
        actors = data["actors"]
        if head == "actors":
            targets = actors
        elif head in {r.value for r in Role}:
            targets = [a for a in actors if a["role"] == head]
        else:
            targets = [a for a in actors if a["name"] == head]
        if not targets:
            names = ["world", "mechanisms", "actors", "guarantors", *(r.value for r in Role),
                     *(a["name"] for a in actors)]  # fmt: skip
            more = did_you_mean(head, names)
            raise ScenarioError(f"parameter path {path!r}: no actor or section {head!r}{more}")
        known = ActorParams.model_fields
    if field not in known or field in ("name", "role"):
        more = did_you_mean(field, list(known))
        raise ScenarioError(f"parameter path {path!r}: unknown field {field!r}{more}")
    return targets, field, known[field]


GUARANTORS = "guarantors.count"


def set_guarantors(data: dict[str, Any], count: float) -> None:
    """Keep the first `count` guarantors of a scenario's dict form, adding copies of the last
    one (named 'NAME #2', 'NAME #3', ...) when it has fewer."""
    if count != round(count) or count < 0:
        raise ScenarioError(f"{GUARANTORS} must be a whole number ≥ 0, got {count:g}")
    actors = data["actors"]
    guarantors = [a for a in actors if a["role"] == Role.GUARANTOR]
    if not guarantors:
        raise ScenarioError(f"{GUARANTORS}: the base scenario has no guarantor to copy")
    others = [a for a in actors if a["role"] != Role.GUARANTOR]
    if len(others) + count > MAX_ACTORS:
        raise ScenarioError(f"{GUARANTORS} = {count:g} makes more than {MAX_ACTORS} actors in all")
    last = guarantors[-1]
    extra = [
        {**last, "name": f"{last['name']} #{k}"} for k in range(2, int(count) - len(guarantors) + 2)
    ]
    data["actors"] = others + (guarantors + extra)[: int(count)]


def apply_path(data: dict[str, Any], path: str, value: float | bool) -> None:
    """Set one parameter path to `value` in a scenario's dict form (see module docstring)."""
    if path == GUARANTORS:
        set_guarantors(data, float(value))
        return
    targets, field, info = _targets(data, path)
    if info.annotation is bool and value not in (0, 1):  # True and False are 1 and 0
        raise ScenarioError(f"{path!r} is a switch: give values = [true, false]")
    for target in targets:
        target[field] = (
            round(value)
            if info.annotation is int
            else (bool(value) if info.annotation is bool else float(value))
        )


def read_path(data: dict[str, Any], path: str) -> tuple[Any, Any]:
    """The value a parameter path has (its first target's) and the field's info."""
    targets, field, info = _targets(data, path)
    return targets[0][field], info


def scenario_at(base: Scenario, experiment: Experiment, point: pd.Series) -> Scenario:
    """The validated scenario of one point of the design."""
    data = base.model_dump(mode="json")
    if experiment.days is not None:
        data["world"]["days"] = experiment.days
    # The number of guarantors first, so that `guarantor.FIELD` reaches the copies too.
    for parameter in sorted(experiment.parameters, key=lambda p: p.path != GUARANTORS):
        value = point[parameter.path]
        if parameter.path.startswith(f"{Role.GUARANTOR.value}.") and not any(
            a["role"] == Role.GUARANTOR for a in data["actors"]
        ):
            continue  # guarantors.count = 0 at this point: no guarantor to set
        apply_path(data, parameter.path, bool(value) if parameter.switch else float(value))
    try:
        return parse_scenario(data)
    except ScenarioError as error:
        raise ScenarioError(f"point {int(point.name)}: {error}") from None


def points(experiment: Experiment) -> pd.DataFrame:
    """The design: one row a point, one column a parameter path."""
    paths = [p.path for p in experiment.parameters]
    if experiment.design == Design.GRID:
        rows = list(itertools.product(*(p.grid() for p in experiment.parameters)))
        return pd.DataFrame(rows, columns=paths).rename_axis("point")
    if experiment.design == Design.XLRM:
        return _crossed(experiment)
    problem = salib_problem(experiment)
    if experiment.design == Design.LHS:
        from SALib.sample import latin

        values = latin.sample(problem, experiment.samples, seed=experiment.seed % 2**32)
    elif experiment.design == Design.MORRIS:
        from SALib.sample import morris

        values = morris.sample(
            problem, experiment.samples, num_levels=experiment.levels, seed=experiment.seed % 2**32
        )
    else:
        from SALib.sample import sobol

        values = sobol.sample(
            problem, experiment.samples, calc_second_order=False, seed=experiment.seed % 2**32
        )
    return pd.DataFrame(values, columns=paths).rename_axis("point")


def _crossed(experiment: Experiment) -> pd.DataFrame:
    """Every lever combination (a grid) in every state of the world (a Latin hypercube of
    the uncertainties, `samples` states): policy by policy, the same states for each."""
    from SALib.sample import latin

    levers, uncertainties = experiment.marked(Xlrm.LEVER), experiment.marked(Xlrm.UNCERTAINTY)
    policies = list(itertools.product(*(p.grid() for p in levers)))
    problem = salib_problem(experiment, uncertainties)
    states = latin.sample(problem, experiment.samples, seed=experiment.seed % 2**32)
    rows = [(*policy, *state) for policy in policies for state in states]
    frame = pd.DataFrame(rows, columns=[p.path for p in [*levers, *uncertainties]])
    return frame[[p.path for p in experiment.parameters]].rename_axis("point")


def salib_problem(
    experiment: Experiment, parameters: list[Parameter] | None = None
) -> dict[str, Any]:
    """The SALib problem definition of the varied parameters (or of some of them)."""
    parameters = experiment.parameters if parameters is None else parameters
    return {
        "num_vars": len(parameters),
        "names": [p.path for p in parameters],
        "bounds": [list(p.bounds) for p in parameters],
    }


def _explain(error: ValidationError) -> str:
    loc = error.errors()[0]["loc"]
    known = (
        Parameter.model_fields
        if "parameters" in loc
        else Robustness.model_fields
        if "robustness" in loc
        else Experiment.model_fields
    )
    return explain(error, ".".join(str(p) for p in loc) or "experiment", list(known))


def load_base(file: Path, base: str) -> Scenario:
    """The base scenario a file names: a path beside the file, a path, or a shipped name."""
    base_path = Path(base)
    if not base_path.is_absolute() and (file.parent / base_path).exists():
        base_path = file.parent / base_path
    return load_scenario(base_path if base_path.exists() else base)


def load_experiment(path: str | Path) -> tuple[Experiment, Scenario, str]:
    """Read and validate an experiment file: the experiment, its base scenario, its text.

    Every point's scenario is validated too, so a bad range fails here, before any run.
    """
    path, text, data = read_typed_file(path, "experiment", EXPERIMENTS_DIR, "experiment")
    try:
        experiment = Experiment.model_validate(data)
    except ValidationError as error:
        raise ScenarioError(f"{path}: {_explain(error)}") from None
    try:
        base = load_base(path, experiment.base)
        design = points(experiment)
        for _, point in design.iterrows():
            scenario_at(base, experiment, point)
    except ScenarioError as error:
        raise ScenarioError(f"{path}: {error}") from None
    return experiment, base, text


def fingerprint(experiment: Experiment, base: Scenario) -> str:
    """A hash of everything that decides the runs: the experiment and its base scenario."""
    dumped = experiment.model_dump(mode="json")
    # Keys added after sweeps were first fingerprinted count only when set, so results
    # folders made before them still resume.
    defaults = Experiment.model_fields
    for key in ("levels", "robustness", "series"):
        if getattr(experiment, key) == defaults[key].get_default(call_default_factory=True):
            del dumped[key]
    for parameter in dumped["parameters"]:
        if parameter["xlrm"] is None:
            del parameter["xlrm"]
    payload = {"experiment": dumped, "base": base.model_dump(mode="json")}
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
