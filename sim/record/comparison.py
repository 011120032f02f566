"""The model's distributions against a reference class's, statistic by statistic.

Both sides are summaries of coded disputes with bootstrap replicates
(`sim.record.statistics.describe`). Per statistic: the difference model − record with the 95%
interval of its bootstrap distribution (a model replicate minus an independent record
replicate, so both sampling uncertainties count: the record is one draw of the process
that made it, as the runs are of the model; where a side's share is 0 or 1, Newcombe's
interval from both sides' Wilson intervals), the distance in standard errors of that
difference, and a verdict:

- *consistent*: the difference's 95% interval contains 0 (within the noise of both);
- *model too high* or *model too low*: the interval lies wholly above or below 0;
- *no data*: either side has no value (e.g. no dispute at that level);
- *censored*: the model's value is a lower bound (runs still in crisis at the horizon) and
  lies below the record's: no verdict.

The verdict reports; it is not a test the model must pass, and with thousands of runs and
disputes even a difference too small to matter is told apart.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from sim.model.scenario import Scenario
from sim.record.statistics import Summary

COLUMNS = (
    "statistic", "group", "label", "unit", "record", "record_low", "record_high",
    "record_basis", "model", "model_low", "model_high", "model_basis", "difference",
    "difference_low", "difference_high", "distance", "verdict",
)  # fmt: skip


def _verdict(low: float, high: float) -> str:
    if not (np.isfinite(low) and np.isfinite(high)):
        return "no data"
    if low > 0:
        return "model too high"
    if high < 0:
        return "model too low"
    return "consistent"


def newcombe_interval(
    model: tuple[float, float, float], record: tuple[float, float, float]
) -> tuple[float, float]:
    """The 95% interval of a difference of two independent shares from their own (Wilson)
    intervals, each given as (share, low, high): Newcombe's hybrid score method (Newcombe
    1998, method 10)."""
    (p1, l1, u1), (p2, l2, u2) = model, record
    d = p1 - p2
    return d - math.hypot(p1 - l1, u2 - p2), d + math.hypot(u1 - p1, p2 - l2)


def compare(
    model: Summary, record: Summary, lower_bounds: frozenset[str] = frozenset()
) -> pd.DataFrame:
    """One row a statistic: record and model with their intervals, the difference with its
    interval, the distance (difference over its standard error) and the verdict. A model
    value in `lower_bounds` (durations cut by the horizon) that lies below the record's is
    'censored': the horizon, not the model, may have made it low."""
    m, r = model.table, record.table
    frame = m[["statistic", "group", "label", "unit"]].copy()
    for side, table in (("record", r), ("model", m)):
        for column, source in (("", "value"), ("_low", "low"), ("_high", "high"),
                               ("_basis", "basis")):  # fmt: skip
            frame[f"{side}{column}"] = table[source].to_numpy()
    k = min(len(model.replicates), len(record.replicates))
    differences = model.replicates[:k] - record.replicates[:k]
    frame["difference"] = m["value"].to_numpy() - r["value"].to_numpy()
    bounds, distances = [], []
    for i, difference in enumerate(frame["difference"]):
        finite = differences[:, i][np.isfinite(differences[:, i])]
        low, high = np.percentile(finite, [2.5, 97.5]) if finite.size else (math.nan, math.nan)
        if "Wilson" in (m["interval"].iat[i], r["interval"].iat[i]):  # a side is 0 or 1
            low, high = newcombe_interval(
                *[(t["value"].iat[i], t["low"].iat[i], t["high"].iat[i]) for t in (m, r)]
            )
        se = math.hypot(m["se"].iat[i], r["se"].iat[i])
        if not np.isfinite(difference):
            low = high = distance = math.nan
        elif se > 0:
            distance = difference / se
        else:
            distance = 0.0 if difference == 0 else math.copysign(math.inf, difference)
        bounds.append((low, high))
        distances.append(distance)
    frame["difference_low"], frame["difference_high"] = zip(*bounds, strict=True)
    frame["distance"] = distances
    verdicts = [_verdict(low, high) for low, high in bounds]
    frame["verdict"] = [
        "censored" if v == "model too low" and name in lower_bounds else v
        for v, name in zip(verdicts, frame["statistic"], strict=True)
    ]
    return frame[list(COLUMNS)]


def by_construction(scenario: Scenario, coded_runs: pd.DataFrame) -> dict[str, str]:
    """Statistics whose model value the code makes certain, or which the run's horizon
    bounds, with the reason in words (keyed by statistic)."""
    notes = {
        "outcome_victory": "the model has no decisive defeat, so it never codes a victory: "
        "0 by construction",
        "reciprocated_level_5": "war is reciprocal combat by definition, in the model as in "
        "the Correlates of War: 100% by construction on both sides",
    }
    disputes = coded_runs[coded_runs["dispute"].to_numpy()]
    censored = float(disputes["censored"].mean()) if len(disputes) else 0.0
    if censored > 0:
        why = (
            f"{censored:.1%} of the model's disputes were still going at the horizon "
            f"({scenario.world.days} days): their durations are lower bounds"
        )
        for name in ("duration_p25", "duration_median", "duration_p75"):
            notes[name] = why
        for level in (2, 3, 4, 5):
            at = disputes[disputes["hostility"] == level]
            if len(at) and at["censored"].any():
                notes[f"duration_median_level_{level}"] = (
                    f"{at['censored'].mean():.1%} of these were still going at the horizon: "
                    "a lower bound"
                )
    return notes


def remarks(scenario: Scenario, coded_runs: pd.DataFrame) -> list[str]:
    """What the reader should know about the scenario's disputes as a whole."""
    if not coded_runs["dispute"].any():
        return [
            "No run became a dispute (no threat, no militarized act, no death): the model "
            "has no value to compare; every verdict is 'no data'."
        ]
    out = []
    warned = [a.name for a in scenario.actors if a.warned]
    if warned and scenario.mechanisms.warning and coded_runs["dispute"].all():
        out.append(
            f"Every run is a dispute: {', '.join(warned)} stands by a public warning (a threat "
            "to use force) from day 0, its first militarized act."
        )
    disputes = coded_runs[coded_runs["dispute"].to_numpy()]
    raised = (disputes["hostility"] > disputes["rung_level"]).mean() if len(disputes) else 0.0
    if raised > 0:
        out.append(
            f"{raised:.1%} of the disputes are coded use of force only because of a clash (an "
            "incident in which forces fired, deadly or not) or a death below rung 3: MID codes "
            "every clash a use of force (by the highest rung alone they would be threats or "
            "displays of force)."
        )
    return out


def _number(value: float, unit: str) -> str:
    if not np.isfinite(value):
        return "n/a"
    return f"{value:.1%}" if unit == "share" else f"{value:,.0f}"


def interval_text(value: float, low: float, high: float, unit: str) -> str:
    """'24.9% (23.1-26.8)' for a share, '32 (31-39)' for days; 'n/a' where there is none."""
    if not np.isfinite(value):
        return "n/a"
    low_text, high_text = (_number(v, unit).removesuffix("%") for v in (low, high))
    return f"{_number(value, unit)} ({low_text}-{high_text})"


def difference_text(row: pd.Series) -> str:
    """The difference in points (shares) or days, with its interval."""
    if not np.isfinite(row["difference"]):
        return "n/a"
    scale, unit = (100.0, " pt") if row["unit"] == "share" else (1.0, " d")
    value, low, high = (row[c] * scale for c in ("difference", "difference_low", "difference_high"))
    return f"{value:+.1f}{unit} ({low:+.1f} to {high:+.1f})"


def verdict_counts(table: pd.DataFrame) -> str:
    """'9 consistent, 14 too high, 6 too low, 1 censored, 1 no data'."""
    counts = table["verdict"].value_counts()
    parts = [f"{counts.get(v, 0)} {v.removeprefix('model ')}"
             for v in ("consistent", "model too high", "model too low", "censored", "no data")
             if counts.get(v, 0)]  # fmt: skip
    return ", ".join(parts)


def markdown(table: pd.DataFrame, title: str, preamble: str, notes: dict[str, str]) -> str:
    """The comparison as a Markdown section, grouped as the statistics are."""
    lines = [f"# {title}", "", preamble, ""]
    for group, rows in table.groupby("group", sort=False):
        lines += [
            f"## {group}",
            "",
            "| statistic | record (95%) | model (95%) | model − record (95%) | distance "
            "| verdict |",
            "|---|---|---|---|---|---|",
        ]
        for _, row in rows.iterrows():
            record = interval_text(
                row["record"], row["record_low"], row["record_high"], row["unit"]
            )
            model = interval_text(row["model"], row["model_low"], row["model_high"], row["unit"])
            note = " ¹" if row["statistic"] in notes else ""
            distance = f"{row['distance']:+.1f}" if np.isfinite(row["distance"]) else "n/a"
            lines.append(
                f"| {row['label']}{note} | {record} | {model} | {difference_text(row)} | "
                f"{distance} | **{row['verdict']}** |"
            )
        lines.append("")
    if notes:
        lines += ["¹ By construction or bounded, not a finding:", ""]
        lines += [f"- {name}: {text}." for name, text in notes.items()]
        lines.append("")
    return "\n".join(lines)
