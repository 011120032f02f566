"""Patterns of the historical record as data, and the model quantities they constrain.

A patterns file (TOML, `kind = "patterns"`) lists patterns (Grimm et al. 2005, "Pattern-
oriented modeling"). Each names a quantity the model computes from a runs table (below, in
`QUANTITIES`), the scenarios it applies to, a target and its source. A target is a range
(`low`, `high`), a value with the half-width of its 95% uncertainty (`value`,
`uncertainty`), or a count from the record (`events` of `trials`, whose 95% Wilson interval is
the target). A pattern without a source is refused: a figure without a source is not shipped.

A verdict compares the model's 95% interval with the target's: *consistent* if they overlap,
*too high* or *too low* if the model's lies wholly above or below.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Self

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from sim.analysis.summaries import Z95, wilson_interval
from sim.model.ladder import CLASH_RUNG, NUCLEAR_RUNG, WAR_RUNG, WARNING_RUNG
from sim.model.scenario import (
    EXPERIMENTS_DIR,
    Scenario,
    ScenarioError,
    explain,
    read_typed_file,
    repeated,
)

PATTERNS_DIR = EXPERIMENTS_DIR / "patterns"
RECORD = PATTERNS_DIR / "record.toml"
LIMIT = 1e6  # a target's values: see Target
MAX_TRIALS = 10**9  # a count from the record: see Target
Verdict = Literal["consistent", "too high", "too low", "no data"]


@dataclass(frozen=True)
class Estimate:
    """A model quantity with its 95% interval and what it rests on (e.g. '12 of 340 runs')."""

    value: float
    low: float
    high: float
    basis: str


def share(successes: int, trials: int, of: str) -> Estimate:
    """A share with its Wilson interval (Wilson 1927)."""
    low, high = wilson_interval(successes, trials)
    value = successes / trials if trials else math.nan
    return Estimate(value, low, high, f"{successes:,} of {trials:,} {of}")


def disputes(runs: pd.DataFrame) -> pd.DataFrame:
    """Runs that became a militarized dispute: a threat to use force or more (MID level ≥ 2,
    rung ≥ 1; Jones, Bremer & Singer 1996)."""
    return runs[runs["max_rung"] >= WARNING_RUNG]


def _deaths(runs: pd.DataFrame) -> pd.Series:
    return runs.filter(like="casualties_").sum(axis=1)


def war_share_of_disputes(runs: pd.DataFrame) -> Estimate:
    """Share of disputes whose highest level is war (rung ≥ 5; MID hostility level 5)."""
    mids = disputes(runs)
    return share(int((mids["max_rung"] >= WAR_RUNG).sum()), len(mids), "disputes")


def force_share_of_disputes(runs: pd.DataFrame) -> Estimate:
    """Share of disputes whose highest level is use of force short of war (rungs 3-4; MID 4)."""
    mids = disputes(runs)
    force = mids["max_rung"].between(CLASH_RUNG, WAR_RUNG - 1)
    return share(int(force.sum()), len(mids), "disputes")


def deathless_share_of_disputes(runs: pd.DataFrame) -> Estimate:
    """Share of disputes in which no one died (MID fatality level 0)."""
    mids = disputes(runs)
    return share(int((_deaths(mids) == 0).sum()), len(mids), "disputes")


def war_within_90_days_of_incident(runs: pd.DataFrame) -> Estimate:
    """Among runs with an incident, no war before it and 90 days left to watch, the share in
    which open war began within 90 days of the first incident."""
    incident, war = runs["first_misstep_day"], runs["first_war_day"]
    watched = incident <= runs["end_day"] - 90  # later incidents are censored: left out
    at_risk = (incident >= 0) & watched & ((war < 0) | (war >= incident))
    followed = at_risk & (war >= 0) & (war - incident <= 90)
    return share(int(followed.sum()), int(at_risk.sum()), "first incidents")


def nuclear_use(runs: pd.DataFrame) -> Estimate:
    """Share of year-long crises with nuclear use."""
    used = runs["max_rung"] >= NUCLEAR_RUNG
    return share(int(used.sum()), len(runs), "runs")


def duration_level_correlation(runs: pd.DataFrame) -> Estimate:
    """Spearman rank correlation of a dispute's days in crisis with its highest level, with the
    Fisher-z interval of Fieller, Hartley & Pearson (1957): se = 1.03/√(n − 3)."""
    mids = disputes(runs)
    n = len(mids)
    if n < 4 or mids["max_rung"].nunique() < 2 or mids["crisis_days"].nunique() < 2:
        return Estimate(math.nan, math.nan, math.nan, f"{n:,} disputes (no variation)")
    rho = float(mids["crisis_days"].corr(mids["max_rung"], method="spearman"))
    z, half = math.atanh(min(max(rho, -0.999999), 0.999999)), Z95 * 1.03 / math.sqrt(n - 3)
    return Estimate(rho, math.tanh(z - half), math.tanh(z + half), f"{n:,} disputes")


@dataclass(frozen=True)
class Quantity:
    """A quantity a pattern can name: how to compute it from a runs table."""

    compute: Callable[[pd.DataFrame], Estimate]
    columns: tuple[str, ...]  # the runs-table columns it reads ('casualties_' for all of them)

    @property
    def meaning(self) -> str:
        return " ".join((self.compute.__doc__ or "").split("\n\n")[0].split())


QUANTITIES: dict[str, Quantity] = {
    "war_share_of_disputes": Quantity(war_share_of_disputes, ("max_rung",)),
    "force_share_of_disputes": Quantity(force_share_of_disputes, ("max_rung",)),
    "deathless_share_of_disputes": Quantity(
        deathless_share_of_disputes, ("max_rung", "casualties_")
    ),
    "war_within_90_days_of_incident": Quantity(
        war_within_90_days_of_incident, ("first_misstep_day", "first_war_day", "end_day")
    ),
    "nuclear_use": Quantity(nuclear_use, ("max_rung",)),
    "duration_level_correlation": Quantity(duration_level_correlation, ("max_rung", "crisis_days")),
}


def by_construction(quantity: str, scenario: Scenario) -> str:
    """Why a scenario makes a quantity's value certain by construction, or '' if it does not."""
    if quantity == "nuclear_use":
        if not any(a.nuclear_armed for a in scenario.actors):
            return "no actor is nuclear-armed, so nuclear use is impossible in any run"
        if not scenario.mechanisms.decisions:
            return "decisions are off, so no one chooses nuclear use"
    if quantity == "war_within_90_days_of_incident" and not scenario.mechanisms.missteps:
        return "missteps are off, so there is no incident to follow"
    if quantity == "duration_level_correlation":
        return (
            "in large part, since days in crisis count days at shows of force or above and "
            "a war lasts to the horizon, so disputes that reach higher rungs are longer"
        )
    return ""


class Target(BaseModel):
    """A range, a value ± the half-width of its 95% uncertainty, or events of trials."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    # Bounds (issue 22): the quantities are shares, probabilities and correlations, so a
    # million either way is far beyond any; it keeps a target's width and the calibration's
    # distances finite. No record counts a billion cases, and Wilson's interval is computed
    # in floating point: trials beyond that would overflow it.
    low: float | None = Field(None, ge=-LIMIT, le=LIMIT, allow_inf_nan=False)
    high: float | None = Field(None, ge=-LIMIT, le=LIMIT, allow_inf_nan=False)
    value: float | None = Field(None, ge=-LIMIT, le=LIMIT, allow_inf_nan=False)
    uncertainty: float | None = Field(None, ge=0, le=LIMIT, allow_inf_nan=False)
    events: int | None = Field(None, ge=0, le=MAX_TRIALS)
    trials: int | None = Field(None, ge=1, le=MAX_TRIALS)

    @model_validator(mode="after")
    def _one_form(self) -> Self:
        forms = {
            "low and high": (self.low, self.high),
            "value and uncertainty": (self.value, self.uncertainty),
            "events and trials": (self.events, self.trials),
        }
        given = [name for name, pair in forms.items() if any(v is not None for v in pair)]
        if len(given) != 1:
            raise ValueError(
                "give exactly one of: low and high; value and uncertainty; events and trials"
            )
        pair = forms[given[0]]
        if any(v is None for v in pair):
            raise ValueError(f"give both {given[0]}")
        if self.low is not None and self.low > self.high:  # type: ignore[operator]
            raise ValueError(f"low ({self.low}) is above high ({self.high})")
        if self.events is not None and self.events > self.trials:  # type: ignore[operator]
            raise ValueError(f"events ({self.events}) exceed trials ({self.trials})")
        return self

    def interval(self) -> tuple[float, float]:
        """The target as an interval."""
        if self.low is not None and self.high is not None:
            return (self.low, self.high)
        if self.value is not None and self.uncertainty is not None:
            return (self.value - self.uncertainty, self.value + self.uncertainty)
        return wilson_interval(self.events or 0, self.trials or 1)

    def describe(self) -> str:
        """The target in words, e.g. '0 of 64 (0.00 to 0.057)'."""
        low, high = self.interval()
        if self.events is not None:
            return f"{self.events} of {self.trials} ({low:.3g} to {high:.3g})"
        if self.value is not None:
            return f"{self.value:.3g} ± {self.uncertainty:.3g}"
        return f"{low:.3g} to {high:.3g}"


class Pattern(BaseModel):
    """One pattern of the record: a quantity, where it applies, its target and its source."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    name: str = Field(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9_\-]+$")
    description: str = Field(min_length=1)
    quantity: str
    applies_to: list[str] = Field(["*"], min_length=1)
    target: Target
    source: str = Field(min_length=3)
    confidence: Literal["high", "moderate-high", "moderate", "low"]
    note: str = ""

    @model_validator(mode="after")
    def _known_quantity(self) -> Self:
        if self.quantity not in QUANTITIES:
            from sim.model.scenario import did_you_mean

            more = did_you_mean(self.quantity, list(QUANTITIES))
            raise ValueError(
                f"unknown quantity {self.quantity!r}{more} (known: {', '.join(QUANTITIES)})"
            )
        return self

    def applies(self, scenario_name: str) -> bool:
        """Whether the pattern applies to a scenario: '*', its name, or its family (the name
        before a '-', so 'reassurance-calibrated' is of the 'reassurance' family)."""
        family = scenario_name.split("-")[0]
        return any(a in ("*", scenario_name, family) for a in self.applies_to)

    def estimate(self, runs: pd.DataFrame) -> Estimate:
        """The model's value of the pattern's quantity over a runs table."""
        return QUANTITIES[self.quantity].compute(runs)


class PatternFile(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    description: str = ""
    patterns: list[Pattern] = Field(min_length=1)


def verdict(estimate: Estimate, target: Target) -> Verdict:
    """Consistent when the model's 95% interval overlaps the target; else too high or low."""
    if not np.isfinite(estimate.low) or not np.isfinite(estimate.high):
        return "no data"
    low, high = target.interval()
    if estimate.low > high:
        return "too high"
    if estimate.high < low:
        return "too low"
    return "consistent"


def distance_to(value: float, target: Target) -> float:
    """How far a model value lies outside the target interval, in the interval's widths
    (0 inside it): the per-pattern distance of the calibration."""
    low, high = target.interval()
    if not np.isfinite(value):
        return math.inf
    width = max(high - low, 1e-9)
    return max(0.0, low - value, value - high) / width


def load_patterns(path: str | Path | None = None) -> list[Pattern]:
    """Read and validate a patterns file (default: the shipped record)."""
    path, _, data = read_typed_file(path if path is not None else RECORD, "patterns", PATTERNS_DIR)
    try:
        patterns = PatternFile.model_validate(data).patterns
    except ValidationError as error:
        loc = error.errors()[0]["loc"]
        known = (
            Target.model_fields
            if "target" in loc
            else (Pattern.model_fields if "patterns" in loc else PatternFile.model_fields)
        )
        where = ".".join(str(p) for p in loc) or "patterns file"
        raise ScenarioError(f"{path}: {explain(error, where, list(known))}") from None
    dupes = repeated([p.name for p in patterns])
    if dupes:
        raise ScenarioError(f"{path}: pattern names repeated: {', '.join(dupes)}")
    return patterns
