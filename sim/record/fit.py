"""Calibration to a reference class of the record: the class's distributions as targets.

A calibration file with a `[record]` table fits the statistics it names (`sim.record.
statistics`: the hostility-level shares, the deathless share, war given use of force, the
median duration...) to their values in one reference class of the MID data (`sim.record.
classes`), computed from the class's disputes with their bootstrap 95% intervals. A
simulation runs the scenario, codes its runs as MID disputes (`sim.record.coding`) and
computes the same statistics; its distance to the record is the Euclidean norm of each fitted
statistic's difference from the record's value in units of the record's interval half-width
(so 1 is the edge of the record's 95% interval; Beaumont, Zhang & Balding 2002 scale each
summary statistic by its spread).

Out of sample (`check`, `check_classes`): statistics the fit did not see (for example the
conditional ones, when the marginal ones are fitted) and other classes (other years) are
predicted from the posterior and held against the record, whatever they show. The
posterior-predictive interval of a statistic is the 2.5-97.5% range, over posterior draws,
of the value each draw gives over its `runs` runs: it holds the spread of the parameters and
the sampling noise of a crisis sample of that size.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator

from sim.experiments.runs import chunks, iter_tables
from sim.model.scenario import Scenario, ScenarioError, did_you_mean, repeated
from sim.record import coding
from sim.record.classes import load_classes
from sim.record.statistics import (
    NAMES,
    RESAMPLES,
    SEED,
    STATISTICS,
    class_statistics,
    point_values,
)

LABELS = {s.name: f"{s.group}: {s.label}" for s in STATISTICS}


class RecordFit(BaseModel):
    """What to fit of the record: a reference class and the statistics to fit, and what to
    predict out of sample (statistics left out of the fit, other classes)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, populate_by_name=True)

    reference: str = Field(alias="class", min_length=1)
    statistics: list[str] = Field(min_length=1, max_length=len(NAMES))
    check: list[str] = Field(default_factory=list, max_length=len(NAMES))
    check_classes: list[str] = Field(default_factory=list, max_length=20)
    resamples: int = Field(RESAMPLES, ge=200, le=100_000)

    @model_validator(mode="after")
    def _known(self) -> RecordFit:
        for what, names in (("statistics", self.statistics), ("check", self.check)):
            unknown = [n for n in names if n not in NAMES]
            if unknown:
                raise ValueError(
                    f"{what} names unknown statistics: {', '.join(unknown)}"
                    f"{did_you_mean(unknown[0], list(NAMES))} (known: {', '.join(NAMES)})"
                )
            dupes = repeated(names)
            if dupes:
                raise ValueError(f"{what} repeated: {', '.join(dupes)}")
        both = sorted(set(self.statistics) & set(self.check))
        if both:
            raise ValueError(f"fitted and checked out of sample at once: {', '.join(both)}")
        return self

    @property
    def classes(self) -> list[str]:
        """The fitted class, then the out-of-sample classes."""
        return [self.reference, *[c for c in self.check_classes if c != self.reference]]


@dataclass(frozen=True)
class Targets:
    """The record's statistics of each class (value, low, high, se: one row a statistic)."""

    fit: RecordFit
    tables: dict[str, pd.DataFrame]
    sizes: dict[str, int]

    @property
    def fitted(self) -> pd.DataFrame:
        return self.tables[self.fit.reference].loc[self.fit.statistics]

    def digest(self) -> dict[str, object]:
        """What of the record decides the fit (for the calibration's fingerprint)."""
        return {
            "fit": self.fit.model_dump(mode="json", by_alias=True),
            "targets": self.fitted[["value", "low", "high"]].round(12).to_dict(orient="index"),
        }


def record_targets(fit: RecordFit) -> Targets:
    """The statistics of the fit's classes in the record, with bootstrap 95% intervals. A
    fitted statistic the class cannot measure (no disputes to compute it over) is refused."""
    classes = load_classes()
    tables, sizes = {}, {}
    for name in fit.classes:
        summary = class_statistics(classes.find(name), classes, fit.resamples, SEED)
        tables[name] = summary.table.set_index("statistic")
        sizes[name] = summary.disputes
    fitted = tables[fit.reference].loc[fit.statistics]
    bad = fitted.index[~np.isfinite(fitted[["value", "low", "high"]]).all(axis=1)].tolist()
    bad += fitted.index[(fitted["high"] <= fitted["low"])].tolist()
    if bad:
        raise ScenarioError(
            f"class {fit.reference!r} gives no interval for {', '.join(sorted(set(bad)))}: "
            "fit other statistics"
        )
    return Targets(fit, tables, sizes)


def run_statistics(scenario: Scenario, runs: int, seed: int) -> pd.Series:
    """Every statistic of `runs` runs of the scenario (no twins) coded as MID disputes, in this
    process; NaN where no run became a dispute."""
    table = next(iter_tables(chunks(scenario, runs, seed, runs, twins=False)))
    table = table[coding.needed_columns(table)]
    coded = coding.code_runs(table, scenario.world.calm_days)
    return point_values(coded[coded["dispute"].to_numpy()])


def scaled_distance(values: dict[str, float], targets: pd.DataFrame) -> float:
    """Euclidean norm of (model − record)/(half-width of the record's 95% interval) over the
    fitted statistics; a statistic the runs cannot measure (NaN) counts as infinitely far."""
    total = 0.0
    for name, row in targets.iterrows():
        value = values[str(name)]
        if not math.isfinite(value):
            return math.inf
        total += ((value - row["value"]) / ((row["high"] - row["low"]) / 2.0)) ** 2
    return math.sqrt(total)


def verdict(record: float, low: float, high: float, pp_low: float, pp_high: float) -> str:
    """'inside' if the posterior-predictive interval holds the record's value; 'overlaps' if
    it misses the value but meets the record's interval; else 'too high' or 'too low'."""
    if not (math.isfinite(pp_low) and math.isfinite(record)):
        return "no data"
    if pp_low <= record <= pp_high:
        return "inside"
    if pp_low <= high and pp_high >= low:
        return "overlaps"
    return "too high" if pp_low > high else "too low"


def predictive_table(targets: Targets, per_draw: pd.DataFrame) -> pd.DataFrame:
    """The posterior-predictive check against the record: one row a class and statistic that
    was fitted or checked (draws × statistics in `per_draw`)."""
    fit, rows = targets.fit, []
    wanted = [*fit.statistics, *fit.check]
    for name in fit.classes:
        record = targets.tables[name]
        for statistic in wanted:
            values = per_draw[statistic].to_numpy(dtype=np.float64)
            finite = values[np.isfinite(values)]
            low, median, high = (
                np.quantile(finite, [0.025, 0.5, 0.975]) if len(finite) else (math.nan,) * 3
            )
            r = record.loc[statistic]
            fitted = name == fit.reference and statistic in fit.statistics
            rows.append({
                "class": name, "statistic": statistic, "label": LABELS[statistic],
                "role": "fitted" if fitted else "out of sample",
                "record": r["value"], "record_low": r["low"], "record_high": r["high"],
                "record_basis": r["basis"], "model": median, "model_low": low,
                "model_high": high, "verdict": verdict(r["value"], r["low"], r["high"], low,
                                                       high),
            })  # fmt: skip
    return pd.DataFrame(rows)


def statistic_text(value: float, statistic: str) -> str:
    """A statistic for a table: days for a duration, a percentage for a share."""
    if not math.isfinite(value):
        return "n/a"
    return f"{value:.0f}" if statistic.startswith("duration") else f"{value:.1%}"


def interval_text(row: dict, prefix: str) -> str:
    """'value (low to high)' of a check row's record or model columns."""
    s = row["statistic"]
    value, low, high = (statistic_text(row[f"{prefix}{end}"], s) for end in ("", "_low", "_high"))
    return f"{value} ({low} to {high})"


def predictive_markdown(check: pd.DataFrame, title: str, preamble: str) -> str:
    """The check as a Markdown table, one row a statistic, the class and role beside it."""
    lines = [f"# {title}", "", preamble, "",
             "| class | statistic | role | record (95% bootstrap) | model (95% predictive) "
             "| verdict |", "|---|---|---|---|---|---|"]  # fmt: skip
    for row in check.to_dict(orient="records"):
        record, model = interval_text(row, "record"), interval_text(row, "model")
        lines.append(f"| {row['class']} | {row['label']} | {row['role']} | {record} | {model} "
                     f"| {row['verdict']} |")  # fmt: skip
    return "\n".join(lines) + "\n"
