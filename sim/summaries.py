"""Summaries of many runs: outcome shares and causal misstep attribution, with intervals.

A `Tally` accumulates counts chunk by chunk, so summarising a million runs needs no more
memory than summarising one chunk. Intervals are 95% Wilson score intervals (Wilson 1927),
which stay inside [0, 1] and behave at shares near 0 or 1.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sim.outcomes import OUTCOME_LABELS

Z95 = 1.959963984540054  # the 97.5% quantile of the standard normal


def wilson_interval(successes: int, trials: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval for a binomial share (Wilson 1927); (nan, nan) if no trials."""
    if trials == 0:
        return (math.nan, math.nan)
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    return (max(0.0, centre - half), min(1.0, centre + half))


@dataclass
class Tally:
    """Counts over runs: outcomes, escalation, missteps, twins, and escalation days."""

    horizon: int
    escalation_rung: int
    runs: int = 0
    outcomes: np.ndarray = field(default_factory=lambda: np.zeros(len(OUTCOME_LABELS), int))
    escalated: int = 0
    with_misstep: int = 0
    escalated_with_misstep: int = 0
    twins: int = 0
    caused: int = 0
    twin_escalated: int = 0
    escalation_days: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.escalation_days = np.zeros(self.horizon + 1, dtype=np.int64)

    def add(self, table: pd.DataFrame) -> None:
        """Count the runs of one per-run table (see `sim.outcomes.run_table`)."""
        self.runs += len(table)
        codes = table["outcome"].cat.codes.to_numpy()
        self.outcomes += np.bincount(codes, minlength=len(OUTCOME_LABELS))
        escalated = table["escalated"].to_numpy()
        misstep = table["misstep_happened"].to_numpy()
        self.escalated += int(escalated.sum())
        self.with_misstep += int(misstep.sum())
        self.escalated_with_misstep += int((escalated & misstep).sum())
        day = table[f"first_rung_{self.escalation_rung}_day"].to_numpy()
        self.escalation_days += np.bincount(day[day >= 0], minlength=self.horizon + 1)
        if "caused_by_misstep" in table:
            self.twins += len(table)
            self.caused += int(table["caused_by_misstep"].sum())
            self.twin_escalated += int(table["twin_escalated"].sum())

    def attribution(self) -> pd.DataFrame:
        """P(escalation), P(escalation | a misstep), the share of escalations missteps caused."""
        rows = [
            ("P(escalation)", self.escalated, self.runs),
            ("P(escalation | misstep)", self.escalated_with_misstep, self.with_misstep),
            (
                "P(escalation | no misstep)",
                self.escalated - self.escalated_with_misstep,
                self.runs - self.with_misstep,
            ),
        ]
        if self.twins:
            rows += [
                ("escalations caused by missteps", self.caused, self.escalated),
                ("P(escalation caused by a misstep)", self.caused, self.runs),
                ("P(escalation) in twins", self.twin_escalated, self.twins),
            ]
        return _shares(rows)

    def outcome_shares(self) -> pd.DataFrame:
        """Each outcome's share of runs with its interval."""
        return _shares(
            [
                (label, int(n), self.runs)
                for label, n in zip(OUTCOME_LABELS, self.outcomes, strict=True)
            ]
        )


def _shares(rows: list[tuple[str, int, int]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["quantity", "count", "of"])
    intervals = [wilson_interval(int(k), int(n)) for _, k, n in rows]
    frame["share"] = [k / n if n else math.nan for _, k, n in rows]
    frame["low"] = [lo for lo, _ in intervals]
    frame["high"] = [hi for _, hi in intervals]
    return frame
