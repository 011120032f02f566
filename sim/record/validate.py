"""Validation: the model held against the record.

Two ways. Against a reference class of the record's disputes (`class_validation`): the runs
coded as MID disputes, their distributions compared with the class's statistic by statistic
(`sim.record.comparison`). Against the hand-typed patterns (`pattern_table`), which remain
only where no data set exists (the ELN incident series, nuclear non-use): a pattern whose
quantity the data now measure (`MEASURED`) is left to the comparison with a class.
`validation_runs` makes the runs (no twins: nothing here needs them). A verdict is a report,
not a test the model must pass.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from sim.experiments.runs import DEFAULT_CHUNK, chunks, iter_tables
from sim.model.finite import drivers
from sim.model.finite import kept as finite_runs
from sim.model.scenario import Scenario, ScenarioError
from sim.record import coding
from sim.record.classes import ClassesFile, ReferenceClass, class_disputes
from sim.record.comparison import by_construction, compare, remarks
from sim.record.dataset import load_record
from sim.record.patterns import QUANTITIES, Pattern, verdict
from sim.record.statistics import RESAMPLES, SEED, class_statistics, describe

# Quantities of the hand-typed patterns that the record's data now measure, and the
# statistics that measure them (sim.record.statistics).
MEASURED = {
    "war_share_of_disputes": "level_5",
    "force_share_of_disputes": "level_4",
    "deathless_share_of_disputes": "fatality_0",
    "duration_level_correlation": "duration_median_level_2 to _5",
}

COLUMNS = (
    "pattern",
    "quantity",
    "target",
    "target_low",
    "target_high",
    "model",
    "model_low",
    "model_high",
    "basis",
    "verdict",
    "confidence",
    "source",
)


def needed_columns(patterns: list[Pattern], table: pd.DataFrame) -> list[str]:
    """The runs-table columns the patterns read (a trailing '_' names a family of columns)."""
    wanted = {c for p in patterns for c in QUANTITIES[p.quantity].columns}
    return [
        c
        for c in table.columns
        if c in wanted or any(c.startswith(w) for w in wanted if w.endswith("_"))
    ]


def validation_runs(
    scenario: Scenario,
    patterns: list[Pattern],
    runs: int,
    seed: int,
    workers: int = 1,
    chunk_size: int = DEFAULT_CHUNK,
    stop: threading.Event | None = None,
    advance: Callable[[int], None] | None = None,
    also: Callable[[pd.DataFrame], list[str]] | None = None,
) -> pd.DataFrame:
    """`runs` runs of the scenario (without twins), keeping only the columns patterns read
    (and those `also` names); runs stopped out of the finite range are left out, their count in
    `attrs["stopped"]` (ScenarioError if every run stopped)."""
    kept, stopped = [], 0
    for table in iter_tables(
        chunks(scenario, runs, seed, chunk_size, twins=False), workers, stop=stop
    ):
        table, count = finite_runs(table)  # runs stopped out of the finite range say nothing
        stopped += count
        wanted = set(needed_columns(patterns, table)) | set(also(table) if also else ())
        kept.append(table[[c for c in table.columns if c in wanted]])
        if advance is not None:
            advance(len(table) + count)
    if stopped == runs:
        raise ScenarioError(
            f"every run stopped: a hostility left the finite range, driven by "
            f"{drivers(scenario)}; there is nothing to validate"
        )
    table = pd.concat(kept, ignore_index=True)
    table.attrs["stopped"] = stopped
    return table


def pattern_table(patterns: list[Pattern], runs: pd.DataFrame) -> pd.DataFrame:
    """One row a pattern: target, model value with its 95% interval, verdict and source."""
    rows = []
    for pattern in patterns:
        estimate = pattern.estimate(runs)
        low, high = pattern.target.interval()
        rows.append(
            {
                "pattern": pattern.name,
                "quantity": pattern.quantity,
                "target": pattern.target.describe(),
                "target_low": low,
                "target_high": high,
                "model": estimate.value,
                "model_low": estimate.low,
                "model_high": estimate.high,
                "basis": estimate.basis,
                "verdict": verdict(estimate, pattern.target),
                "confidence": pattern.confidence,
                "source": pattern.source,
            }
        )
    return pd.DataFrame(rows, columns=list(COLUMNS))


def _number(value: float) -> str:
    return "n/a" if value != value else f"{value:.3g}"


def model_text(value: float, low: float, high: float) -> str:
    """A model value and its interval, 'n/a' where there is none."""
    return f"{_number(value)} ({_number(low)} to {_number(high)})"


def markdown(table: pd.DataFrame, title: str, preamble: str = "") -> str:
    """The validation table as a Markdown section (with the draws' columns of a predictive
    check when the table has them)."""
    draws = "draws_in_target" in table.columns
    lines = [f"# {title}", ""]
    if preamble:
        lines += [preamble, ""]
    extra = " draws' 5-95% | draws in target |" if draws else ""
    lines += [
        f"| pattern | target | model (95% interval) |{extra} basis | verdict | "
        "source (confidence) |",
        "|---|---|---|" + ("---|---|" if draws else "") + "---|---|---|",
    ]
    for row in table.itertuples():
        model = model_text(row.model, row.model_low, row.model_high)
        more = (
            f" {_number(row.draws_low)} to {_number(row.draws_high)} | {row.draws_in_target:.0%} |"
            if draws
            else ""
        )
        lines.append(
            f"| {row.pattern} | {row.target} | {model} |{more} {row.basis} | "
            f"**{row.verdict}** | {row.source} ({row.confidence}) |"
        )
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class ClassValidation:
    """A scenario against a reference class: the comparison table, the notes on statistics
    the code decides, the coded runs and dyads, and the patterns that have no data set."""

    table: pd.DataFrame
    notes: dict[str, str]
    remarks: list[str]
    runs: pd.DataFrame
    dyads: pd.DataFrame
    patterns: pd.DataFrame
    record: int  # disputes in the class
    stopped: int = 0  # runs stopped out of the finite range, left out of every statistic


def holds_disputes(reference: ReferenceClass, classes: ClassesFile) -> None:
    """ScenarioError unless the class holds some dispute of the record (a check before any
    run: a class that filters every dispute out leaves nothing to hold the model against)."""
    if class_disputes(load_record(), reference, classes.nuclear_armed).empty:
        raise ScenarioError(
            f"reference class {reference.name!r} holds no dispute of the record; there is "
            "nothing to compare with"
        )


def class_validation(
    scenario: Scenario,
    reference: ReferenceClass,
    classes: ClassesFile,
    patterns: list[Pattern],
    runs: int,
    seed: int,
    workers: int = 1,
    resamples: int = RESAMPLES,
    stop: threading.Event | None = None,
    advance: Callable[[int], None] | None = None,
) -> ClassValidation:
    """Run the scenario, code its runs as MID disputes and compare their statistics with the
    class's (bootstrap intervals on both sides, independent streams); evaluate the patterns
    that apply and that no data set measures."""
    holds_disputes(reference, classes)
    record = class_statistics(reference, classes, resamples, SEED)
    chosen = [p for p in patterns if p.applies(scenario.name) and p.quantity not in MEASURED]
    table = validation_runs(
        scenario, chosen, runs, seed, workers, stop=stop, advance=advance,
        also=lambda t: [*coding.needed_columns(t), "run"],
    )  # fmt: skip
    stopped = table.attrs["stopped"]
    coded = coding.code_runs(table, scenario.world.calm_days)
    model = describe(coded[coded["dispute"].to_numpy()], resamples, SEED + 1)
    notes = by_construction(scenario, coded)
    bounded = frozenset(n for n in notes if n.startswith("duration"))
    return ClassValidation(
        table=compare(model, record, bounded),
        notes=notes,
        remarks=remarks(scenario, coded),
        runs=coded,
        dyads=coding.code_dyads(table, scenario.world.calm_days),
        patterns=pattern_table(chosen, table),
        record=record.disputes,
        stopped=stopped,
    )
