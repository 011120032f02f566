"""Validation: the model's value of each pattern of the record, against its target.

`pattern_table` evaluates patterns on a runs table; `validation_runs` makes the runs (no twins:
no pattern needs them). The verdict is a report, not a test the model must pass.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pandas as pd

from sim.experiments.runs import DEFAULT_CHUNK, chunks, iter_tables
from sim.model.finite import kept as finite_runs
from sim.model.scenario import Scenario
from sim.record.patterns import QUANTITIES, Pattern, verdict

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
) -> pd.DataFrame:
    """`runs` runs of the scenario (without twins), keeping only the columns patterns read;
    runs stopped out of the finite range are left out, their count in `attrs["stopped"]`."""
    kept, stopped = [], 0
    for table in iter_tables(
        chunks(scenario, runs, seed, chunk_size, twins=False), workers, stop=stop
    ):
        table, count = finite_runs(table)  # runs stopped out of the finite range say nothing
        stopped += count
        kept.append(table[needed_columns(patterns, table)])
        if advance is not None:
            advance(len(table) + count)
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
