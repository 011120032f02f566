"""Questions declared as data, run across the decision rules and over a prior box of parameters.

A question file (TOML, `kind = "question"`, shipped in `experiments/questions/`) asks whether
an outcome's probability falls (or rises) when one parameter, the lever, goes from one value
to another in a base scenario: "does P(wider war) fall from 0 to 5,000 troops per guarantor
in reassurance?". The answer is checked two ways:

- **across the decision rules** of `sim.model.scenario.RULES`: per rule, `runs` runs at each
  of the two settings, with the same seed and run indices (common random numbers);
- **over a prior box** (a global sensitivity analysis): Morris's elementary-effects design
  (Morris 1991; Campolongo et al. 2007, via SALib) over every parameter with a prior, under one
  rule; at each point of the design, `sensitivity.runs` runs at each setting, again paired.

The priors: by default every numeric world parameter and every numeric actor parameter by
role (`challenger.resolve`, `guarantor.stakes`, ...), uniform on ± `share` of its value in the
base scenario (under the analysed rule), clipped to the schema's bounds. Left out: the
horizon and the outcome's definitions (`world.days`, `world.escalation_rung`,
`world.war_deaths`), the lever itself, and parameters at 0 in the scenario (no ± range: give
one explicitly in `[[sensitivity.priors]]` to vary it). Where the actors of one role differ,
the prior is centred on their mean and a point sets all of them to one value.

Every chunk of runs is a sweep task (`sim.experiments.sweep.Task`): written whole to its own
file, recorded in the ledger with its checksum, verified and kept on a resume. A point of the
folder is one (part, rule, design row, setting); `points.parquet` lists them.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable
from concurrent.futures import Executor
from pathlib import Path
from typing import Any, Literal, Self

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from sim.experiments import ledger
from sim.experiments.experiment import (
    BOOLEAN_OUTCOMES,
    KNOWN_OUTCOMES,
    Experiment,
    apply_path,
    load_base,
    points,
    read_path,
)
from sim.experiments.folders import clean_leftovers, mark_folder
from sim.experiments.manifest import stamp_points
from sim.experiments.runs import Chunk
from sim.experiments.sweep import (
    Task,
    as_completed_window,
    now,
    read_manifest,
    serially,
    versions,
    write_atomically,
    write_manifest,
)
from sim.model.scenario import (
    EXPERIMENTS_DIR,
    RULES,
    ActorParams,
    Role,
    Scenario,
    ScenarioError,
    World,
    did_you_mean,
    explain,
    field_bounds,
    parse_scenario,
    read_typed_file,
    under_rule,
)

QUESTIONS_DIR = EXPERIMENTS_DIR / "questions"
# Definitions of the outcome and the horizon, not parameters of the world: never given a prior.
DEFINITIONS = ("world.days", "world.escalation_rung", "world.war_deaths")
MAX_DESIGN_POINTS = 20_000


class Prior(BaseModel):
    """A parameter's prior: uniform on [low, high]."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    path: str = Field(min_length=3)
    low: float = Field(allow_inf_nan=False)
    high: float = Field(allow_inf_nan=False)

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.high <= self.low:
            raise ValueError(f"high ({self.high:g}) must be above low ({self.low:g})")
        return self


class Sensitivity(BaseModel):
    """The global sensitivity analysis: Morris's design over the priors, under one rule."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    rule: str = Field("strategic", description="The decision rule the analysis runs under.")
    trajectories: int = Field(4, ge=2, le=1000, description="Morris trajectories.")
    levels: int = Field(4, ge=2, le=100, description="Levels of each parameter's grid.")
    runs: int = Field(200, ge=1, le=1_000_000, description="Runs per point and setting.")
    share: float = Field(0.2, gt=0, le=1, description="Default prior: value ± share of it.")
    defaults: bool = Field(True, description="Give every eligible parameter the default prior.")
    priors: list[Prior] = Field(default_factory=list, description="Priors set by hand.")
    exclude: list[str] = Field(default_factory=list, description="Paths left without a prior.")
    pinned: dict[str, str] = Field(
        default_factory=dict, description="Path → the data set that pins the parameter down."
    )


class Question(BaseModel):
    """Does P(outcome) fall (or rise) when the lever goes from settings[0] to settings[1]?"""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    name: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.-]+$")
    description: str = ""
    base: str = Field(min_length=1, description="A scenario name in experiments/, or a path.")
    outcome: str = Field(description="An outcome label ('wider war') or 'escalated' (war).")
    lever: str = Field(min_length=3, description="The parameter path the question moves.")
    settings: list[float] = Field(min_length=2, max_length=2)
    expect: Literal["falls", "rises"] = Field(description="The sign the question asks about.")
    rules: list[str] = Field(default_factory=lambda: list(RULES))
    runs: int = Field(2000, ge=1, le=10_000_000, description="Runs per rule and setting.")
    seed: int = Field(0, ge=0, le=2**63 - 1)
    days: int | None = Field(None, ge=1, le=36_500)
    chunk_size: int = Field(500, ge=1, le=10_000_000)
    sensitivity: Sensitivity = Sensitivity()

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.outcome not in KNOWN_OUTCOMES:
            raise ValueError(
                f"unknown outcome {self.outcome!r}" + did_you_mean(self.outcome, KNOWN_OUTCOMES)
            )
        if self.settings[0] == self.settings[1]:
            raise ValueError("settings must be two different values of the lever")
        for rule in [*self.rules, self.sensitivity.rule]:
            if rule not in RULES:
                raise ValueError(f"unknown decision rule {rule!r}" + did_you_mean(rule, [*RULES]))
        if not self.rules:
            raise ValueError("rules must name at least one decision rule")
        if len(set(self.rules)) < len(self.rules):
            raise ValueError("rules names a decision rule twice")
        return self

    @property
    def twins(self) -> bool:
        """Whether the outcome needs each road's twin (only the caused_by_ and twin_ ones)."""
        return self.outcome in BOOLEAN_OUTCOMES and self.outcome.startswith(("caused", "twin"))


def _explain(error: ValidationError) -> str:
    """The first error in one line, with the fields known where it happened."""
    loc = error.errors()[0]["loc"]
    where = next((m for key, m in (("priors", Prior), ("sensitivity", Sensitivity)) if key in loc),
                 Question)  # fmt: skip
    return explain(error, ".".join(str(p) for p in loc) or "question", list(where.model_fields))


def numeric_paths(scenario: Scenario) -> list[str]:
    """Every numeric world parameter and every numeric actor parameter by role present."""

    def numeric(info: Any) -> bool:
        return info.annotation in (int, float)

    paths = [f"world.{f}" for f, info in World.model_fields.items() if numeric(info)]
    roles = [r for r in Role if any(a.role == r for a in scenario.actors)]
    for role in roles:
        paths += [
            f"{role.value}.{f}" for f, info in ActorParams.model_fields.items() if numeric(info)
        ]
    return paths


def centre(scenario: Scenario, path: str) -> float:
    """A path's value in a scenario: the mean over the actors it names."""
    head, _, field = path.partition(".")
    if head == "world":
        return float(getattr(scenario.world, field))
    return float(np.mean([getattr(a, field) for a in scenario.actors if a.role.value == head]))


def default_priors(scenario: Scenario, share: float, leave_out: set[str]) -> list[Prior]:
    """Uniform priors on value ± share·value within the schema's bounds, for every numeric
    parameter (see the module docstring for what is left out)."""
    priors = []
    for path in numeric_paths(scenario):
        if path in leave_out or path in DEFINITIONS:
            continue
        value = centre(scenario, path)
        if value == 0:
            continue
        head, _, field = path.partition(".")
        info = (World if head == "world" else ActorParams).model_fields[field]
        low, high = sorted((value * (1 - share), value * (1 + share)))
        floor, ceiling = field_bounds(info)
        low = low if floor is None else max(low, floor)
        high = high if ceiling is None else min(high, ceiling)
        if info.annotation is int:
            low, high = float(np.ceil(low)), float(np.floor(high))
        if high > low:
            priors.append(Prior(path=path, low=low, high=high))
    return priors


def resolved_priors(question: Question, base: Scenario) -> list[Prior]:
    """The question's priors: the defaults (unless switched off), then those set by hand."""
    gsa = question.sensitivity
    by_hand = {p.path: p for p in gsa.priors}
    leave_out = {question.lever, *gsa.exclude, *by_hand}
    ruled = under_rule(base, gsa.rule)
    found = default_priors(ruled, gsa.share, leave_out) if gsa.defaults else []
    return [*found, *by_hand.values()]


def design_of(question: Question, priors: list[Prior]) -> Experiment:
    """The Morris design over the priors, as an experiment (for SALib's sampler and analysis)."""
    gsa = question.sensitivity
    return Experiment.model_validate(
        {
            "name": question.name,
            "base": question.base,
            "design": "morris",
            "parameters": [{"path": p.path, "low": p.low, "high": p.high} for p in priors],
            "samples": gsa.trajectories,
            "levels": gsa.levels,
            "replicates": gsa.runs,
            "seed": question.seed,
        },
        strict=False,
    )


def with_values(scenario: Scenario, values: dict[str, float]) -> Scenario:
    """The scenario with each path set to its value (validated)."""
    data = scenario.model_dump(mode="json")
    for path, value in values.items():
        apply_path(data, path, float(value))
    return parse_scenario(data)


def load_question(path: str | Path) -> tuple[Question, Scenario, str]:
    """Read and validate a question file: the question, its base scenario, its text.

    Every path and every point's scenario is checked here, before any run.
    """
    path, text, data = read_typed_file(path, "question", QUESTIONS_DIR)
    try:
        question = Question.model_validate(data)
    except ValidationError as error:
        raise ScenarioError(f"{path}: {_explain(error)}") from None
    try:
        base = load_base(path, question.base)
        if question.days is not None:
            base = base.with_changes(world={"days": question.days})
        data = base.model_dump(mode="json")
        for where in [question.lever, *question.sensitivity.exclude, *question.sensitivity.pinned]:
            read_path(data, where)
        for prior in question.sensitivity.priors:
            floor, ceiling = field_bounds(read_path(data, prior.path)[1])
            if (floor is not None and prior.low < floor) or (
                ceiling is not None and prior.high > ceiling
            ):
                raise ScenarioError(
                    f"the prior of {prior.path} ({prior.low:g} to {prior.high:g}) leaves its "
                    f"bounds ({floor} to {ceiling})"
                )
        plan(question, base)  # every point's scenario validates
    except ScenarioError as error:
        raise ScenarioError(f"{path}: {error}") from None
    return question, base, text


# Points given from outside instead of the prior box: their rows (each with its run indices
# first_run..last_run−1) and scenarios. Over a posterior: sim.record.posterior.question_points.
Extra = tuple[list[dict[str, Any]], list[Scenario]]


def plan(
    question: Question, base: Scenario, extra: Extra | None = None
) -> tuple[pd.DataFrame, list[Scenario]]:
    """Every point of the question: its row in points.parquet and its scenario.

    Rule points come first (rule by rule, the two settings), then the design's rows (each
    at the two settings), or instead the extra points given; a point's number is its row.
    """
    rows, scenarios = [], []
    for rule in question.rules:
        ruled = under_rule(base, rule)
        for setting, value in enumerate(question.settings):
            rows.append({"part": "rule", "rule": rule, "row": -1, "setting": setting})
            scenarios.append(with_values(ruled, {question.lever: value}))
    priors = [] if extra else resolved_priors(question, base)
    if extra:
        rows += extra[0]
        scenarios += extra[1]
    if priors:
        design = points(design_of(question, priors))
        if len(design) * 2 > MAX_DESIGN_POINTS:
            raise ScenarioError(
                f"the design has {len(design):,} points; at most {MAX_DESIGN_POINTS // 2:,}"
            )
        ruled = under_rule(base, question.sensitivity.rule)
        for row, values in design.iterrows():
            for setting, value in enumerate(question.settings):
                point = {**values.to_dict(), question.lever: value}
                rows.append({"part": "gsa", "rule": question.sensitivity.rule, "row": int(row),
                             "setting": setting, **values.to_dict()})  # fmt: skip
                try:
                    scenarios.append(with_values(ruled, point))
                except ScenarioError as error:
                    raise ScenarioError(f"design row {row}: {error}") from None
    table = pd.DataFrame(rows).rename_axis("point")
    table.insert(4, question.lever, [question.settings[r["setting"]] for r in rows])
    return table, scenarios


def tasks_for(question: Question, scenarios: list[Scenario], table: pd.DataFrame) -> list[Task]:
    """Each point's runs cut into chunks; every point runs the run indices 0..n−1 under the
    question's seed, so the two settings of a pair share every random number."""
    tasks = []
    for point, (scenario, (_, row)) in enumerate(zip(scenarios, table.iterrows(), strict=True)):
        first, n = 0, question.runs if row["part"] == "rule" else question.sensitivity.runs
        if row["part"] == "posterior":
            first, n = int(row["first_run"]), int(row["last_run"])
        size = min(question.chunk_size, n - first)
        for start in range(first, n, size):
            chunk = Chunk(
                scenario, question.seed, start, min(start + size, n), twins=question.twins
            )
            tasks.append(Task(point, chunk))
    return tasks


def fingerprint(question: Question, base: Scenario, extra: str = "") -> str:
    """A hash of everything that decides the runs: the question, its base scenario and what
    made the extra points (a posterior file's hash and runs)."""
    payload = {"question": question.model_dump(mode="json"), "base": base.model_dump(mode="json")}
    if extra:
        payload["extra"] = extra
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def prepare(
    out_dir: Path,
    question: Question,
    base: Scenario,
    text: str,
    extra: Extra | None = None,
    extra_mark: str = "",
) -> dict:
    """Create or check a question's folder; refuse one made for a different question."""
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "chunks").mkdir(exist_ok=True)
    mark_folder(out_dir)
    clean_leftovers(out_dir)
    mark = fingerprint(question, base, extra_mark)
    if (out_dir / "manifest.json").exists():
        manifest = read_manifest(out_dir)
        if manifest.get("fingerprint") != mark or manifest.get("kind") != "question":
            raise ScenarioError(
                f"{out_dir} holds results of something else (another question, sizes, base "
                "scenario or posterior); give another --out, or delete that folder to start again"
            )
        return manifest
    table, _ = plan(question, base, extra)
    manifest = {
        "kind": "question",
        "question": question.name,
        "fingerprint": mark,
        "experiment_file": text,
        "base_scenario": base.model_dump(mode="json"),
        "seed": question.seed,
        "over": extra_mark or "the prior box",
        "runs": "0..n-1 at every point (common random numbers); over a posterior, each draw "
        "its block first_run..last_run-1 at both settings",
        "chunk_ledger": f"{ledger.LEDGER}: each chunk's point, runs, size and SHA-256",
        "versions": versions(),
        "started": now(),
        "finished": None,
    }
    stamp_points(out_dir, table, manifest)  # points.parquet, its checksum in the manifest
    write_manifest(out_dir, manifest)
    return manifest


def run_question(
    out_dir: Path,
    fingerprint_: str,
    todo: list[Task],
    executor: Executor | None = None,
    on_progress: Callable[[int], None] | None = None,
    stop: threading.Event | None = None,
) -> int:
    """Run the tasks still to do into a prepared folder; return how many runs were done.

    Each chunk is written whole and recorded in the ledger as it finishes, so an interruption
    loses only the chunks in flight.
    """
    done = 0
    results = (
        serially(todo, stop) if executor is None else as_completed_window(executor, todo, 8, stop)
    )
    for task, table in results:
        write_atomically(
            out_dir,
            Path("chunks") / task.filename,
            lambda p, table=table: table.to_parquet(p, index=False),
        )
        ledger.record(out_dir, task.filename, {**task.identity, "experiment": fingerprint_})
        runs = task.chunk.stop - task.chunk.start
        done += runs
        if on_progress:
            on_progress(runs)
    return done


def resized(
    question: Question, runs: int | None, trajectories: int | None, gsa_runs: int | None
) -> Question:
    """The question with other sizes (None keeps the file's): runs per rule and setting,
    Morris trajectories, runs per design row and setting."""
    data = question.model_dump(mode="json")
    data["runs"] = runs or question.runs
    data["sensitivity"]["trajectories"] = trajectories or question.sensitivity.trajectories
    data["sensitivity"]["runs"] = gsa_runs or question.sensitivity.runs
    try:
        return Question.model_validate(data)
    except ValidationError as error:
        raise ScenarioError(_explain(error)) from None
