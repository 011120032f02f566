"""Summary statistics of a coded frame of disputes, with bootstrap intervals.

The same statistics for the record's disputes and the model's runs (`sim.record.coding`):
the shares of the hostility levels, of the fatality bands and of the grouped outcomes, the
share reciprocated, the quartiles of duration, and the conditional statistics (deaths and war
given use of force, duration and reciprocation by level). `STATISTICS` declares them;
`point_values` computes them; `describe` adds bootstrap 95% intervals (Efron & Tibshirani
1993: disputes resampled with replacement, percentile intervals), all resamples drawn at
once as multinomial counts so that 20,000 runs resample in seconds. Where a share is 0 or 1
in the sample, every resample repeats it and the bootstrap interval shrinks to a point: the
Wilson interval (Wilson 1927) stands in there, and the table says so (`interval`).

`class_statistics(reference, classes)` summarizes a reference class of the record;
`run_statistics(runs)` summarizes a per-run table: a calibration to the record compares the two.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from sim.analysis.summaries import Z95, wilson_interval
from sim.record.classes import ClassesFile, ReferenceClass, class_disputes
from sim.record.coding import CALM_DAYS, OUTCOMES, code_disputes, code_runs
from sim.record.dataset import FATALITY, HOSTILITY, load_record

RESAMPLES = 2_000
SEED = 0
BLOCK = 100  # resamples drawn at a time: bounds memory at about 100 × disputes numbers

Mask = Callable[[pd.DataFrame], np.ndarray]


@dataclass(frozen=True)
class Statistic:
    """A share (numerator among denominator) or a quantile of duration among `among`."""

    name: str
    group: str
    label: str
    kind: Literal["share", "quantile"]
    among: Mask  # the disputes it is computed over (a share's denominator)
    counted: Mask | None = None  # a share's numerator (within `among`)
    q: float = 0.5

    @property
    def unit(self) -> str:
        return "share" if self.kind == "share" else "days"


def _all(c: pd.DataFrame) -> np.ndarray:
    return np.ones(len(c), dtype=bool)


def _level(level: int) -> Mask:
    return lambda c: c["hostility"].to_numpy() == level


def _known_fatality(c: pd.DataFrame) -> np.ndarray:
    return ~np.isnan(c["fatality"].to_numpy(dtype=np.float64))


def _force(c: pd.DataFrame) -> np.ndarray:
    return c["hostility"].to_numpy() >= 4


def _timed(c: pd.DataFrame) -> np.ndarray:
    return ~np.isnan(c["duration"].to_numpy(dtype=np.float64))


def _statistics() -> tuple[Statistic, ...]:
    out = [
        Statistic(f"level_{k}", "hostility level", f"{k} {HOSTILITY[k]}", "share", _all,
                  _level(k))
        for k in (2, 3, 4, 5)
    ]  # fmt: skip
    out += [
        Statistic(f"fatality_{b}", "fatality band (known)", f"{b} {FATALITY[b]}", "share",
                  _known_fatality, lambda c, b=b: c["fatality"].to_numpy() == b)
        for b in range(7)
    ]  # fmt: skip
    out.append(Statistic("reciprocated", "reciprocation", "reciprocated", "share", _all,
                         lambda c: c["reciprocated"].to_numpy(dtype=bool)))  # fmt: skip
    out += [
        Statistic(f"duration_{name}", "duration (days)", f"{name} duration", "quantile", _timed,
                  q=q)
        for name, q in (("p25", 0.25), ("median", 0.5), ("p75", 0.75))
    ]  # fmt: skip
    out += [
        Statistic(f"outcome_{o}", "outcome (coded)", o, "share",
                  lambda c: c["outcome"].notna().to_numpy(),
                  lambda c, o=o: (c["outcome"] == o).to_numpy(dtype=bool))
        for o in OUTCOMES
    ]  # fmt: skip
    out += [
        Statistic("deaths_given_force", "given use of force", "deaths given use of force",
                  "share", lambda c: _force(c) & _known_fatality(c),
                  lambda c: c["fatality"].to_numpy() > 0),
        Statistic("war_given_force", "given use of force", "war given use of force", "share",
                  _force, _level(5)),
    ]  # fmt: skip
    out += [
        Statistic(f"duration_median_level_{k}", "median duration by level (days)",
                  f"level {k} {HOSTILITY[k]}", "quantile",
                  lambda c, k=k: _level(k)(c) & _timed(c))
        for k in (2, 3, 4, 5)
    ]  # fmt: skip
    out += [
        Statistic(f"reciprocated_level_{k}", "reciprocation by level", f"level {k} {HOSTILITY[k]}",
                  "share", _level(k), lambda c: c["reciprocated"].to_numpy(dtype=bool))
        for k in (2, 3, 4, 5)
    ]  # fmt: skip
    return tuple(out)


STATISTICS = _statistics()
NAMES = tuple(s.name for s in STATISTICS)
SHARES = [i for i, s in enumerate(STATISTICS) if s.kind == "share"]
QUANTILES = [i for i, s in enumerate(STATISTICS) if s.kind == "quantile"]


@dataclass(frozen=True)
class Summary:
    """The statistics of a coded frame of `disputes` disputes: one row each (value, 95%
    interval, standard error, basis) and the bootstrap replicates (resamples × statistics)."""

    table: pd.DataFrame
    replicates: np.ndarray
    resamples: int
    seed: int
    disputes: int


@dataclass(frozen=True)
class _Design:
    """A coded frame reduced to what the statistics need: 0/1 columns of each share's
    denominator and numerator, and each quantile's disputes in the order of their duration."""

    among: np.ndarray  # disputes × shares
    counted: np.ndarray  # disputes × shares
    orders: tuple[np.ndarray, ...]  # per quantile: the disputes it covers, by duration
    durations: np.ndarray

    @classmethod
    def of(cls, coded: pd.DataFrame) -> _Design:
        shares = [s for s in STATISTICS if s.kind == "share"]
        among = np.column_stack([s.among(coded) for s in shares]).astype(np.float64)
        counted = np.column_stack(
            [s.among(coded) & s.counted(coded) for s in shares]  # type: ignore[misc]
        ).astype(np.float64)
        durations = coded["duration"].to_numpy(dtype=np.float64)
        orders = []
        for s in STATISTICS:
            if s.kind == "quantile":
                chosen = np.flatnonzero(s.among(coded))
                orders.append(chosen[np.argsort(durations[chosen], kind="stable")])
        return cls(among, counted, tuple(orders), durations)

    def evaluate(self, weights: np.ndarray) -> np.ndarray:
        """Every statistic under each row of `weights` (counts a dispute enters a resample)."""
        out = np.full((weights.shape[0], len(STATISTICS)), np.nan)
        with np.errstate(invalid="ignore", divide="ignore"):
            out[:, SHARES] = (weights @ self.counted) / (weights @ self.among)
        for i, order in zip(QUANTILES, self.orders, strict=True):
            out[:, i] = _weighted_quantile(self.durations[order], weights[:, order],
                                           STATISTICS[i].q)  # fmt: skip
        return out


def _weighted_quantile(ordered: np.ndarray, weights: np.ndarray, q: float) -> np.ndarray:
    """The q-quantile of values in ascending order, per row of weights (inverted CDF: the
    smallest value whose cumulative weight reaches q of the total; Hyndman & Fan 1996,
    definition 1)."""
    if ordered.size == 0:
        return np.full(weights.shape[0], np.nan)
    cumulative = np.cumsum(weights, axis=1)
    total = cumulative[:, -1]
    position = (cumulative >= q * total[:, None]).argmax(axis=1)
    return np.where(total > 0, ordered[position], np.nan)


def point_values(coded: pd.DataFrame) -> pd.Series:
    """Every statistic of a coded frame of disputes."""
    return pd.Series(_Design.of(coded).evaluate(np.ones((1, len(coded))))[0], index=list(NAMES))


def resample_weights(n: int, resamples: int, seed: int) -> list[np.ndarray]:
    """Bootstrap resamples of n disputes as counts (blocks of at most BLOCK rows), seeded."""
    rng = np.random.default_rng(seed)
    blocks, left = [], resamples
    while left > 0:
        b = min(BLOCK, left)
        picks = rng.integers(0, max(n, 1), size=(b, n)) + (np.arange(b) * n)[:, None]
        blocks.append(np.bincount(picks.ravel(), minlength=b * n).reshape(b, n).astype(float))
        left -= b
    return blocks


def _counts(coded: pd.DataFrame, s: Statistic) -> tuple[float, float]:
    """(disputes counted, disputes it is computed over); counted is NaN for a quantile."""
    among = s.among(coded)
    if s.kind == "quantile":
        return math.nan, float(among.sum())
    return float((among & s.counted(coded)).sum()), float(among.sum())  # type: ignore[misc]


def _basis(counted: float, among: float) -> str:
    if math.isnan(counted):
        return f"{int(among):,} disputes"
    return f"{int(counted):,} of {int(among):,}"


def describe(coded: pd.DataFrame, resamples: int = RESAMPLES, seed: int = SEED) -> Summary:
    """The statistics of a coded frame of disputes with bootstrap 95% percentile intervals."""
    design = _Design.of(coded)
    values = design.evaluate(np.ones((1, len(coded))))[0]
    replicates = (
        np.vstack([design.evaluate(w) for w in resample_weights(len(coded), resamples, seed)])
        if len(coded)
        else np.full((resamples, len(NAMES)), np.nan)
    )
    with warnings.catch_warnings():  # a statistic undefined in every resample: n/a
        warnings.simplefilter("ignore", RuntimeWarning)
        low, high = np.nanpercentile(replicates, [2.5, 97.5], axis=0)
        se = np.nanstd(replicates, axis=0, ddof=1)
    counts = [_counts(coded, s) for s in STATISTICS]
    method = np.array(["bootstrap"] * len(STATISTICS), dtype=object)
    for i, (counted, among) in enumerate(counts):
        if counted in (0, among) and among > 0:  # every resample repeats the sample's 0 or 1
            low[i], high[i] = wilson_interval(int(counted), int(among))
            se[i], method[i] = (high[i] - low[i]) / (2 * Z95), "Wilson"
    table = pd.DataFrame(
        {
            "statistic": list(NAMES),
            "group": [s.group for s in STATISTICS],
            "label": [s.label for s in STATISTICS],
            "unit": [s.unit for s in STATISTICS],
            "value": values,
            "low": low,
            "high": high,
            "se": se,
            "interval": method,
            "counted": [c for c, _ in counts],
            "among": [a for _, a in counts],
            "basis": [_basis(c, a) for c, a in counts],
        }
    )
    return Summary(table, replicates, resamples, seed, len(coded))


def run_statistics(runs: pd.DataFrame, calm_days: int = CALM_DAYS) -> pd.Series:
    """The summary statistics of a per-run table's disputes (runs coded as MID disputes):
    what a calibration to the record compares with a class's `point_values`."""
    coded = code_runs(runs, calm_days)
    return point_values(coded[coded["dispute"].to_numpy()])


def class_statistics(
    reference: ReferenceClass,
    classes: ClassesFile,
    resamples: int = RESAMPLES,
    seed: int = SEED,
) -> Summary:
    """The statistics of a reference class's disputes with their bootstrap intervals."""
    disputes = class_disputes(load_record(), reference, classes.nuclear_armed)
    return describe(code_disputes(disputes), resamples, seed)
