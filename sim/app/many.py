"""Many runs in the teaching app, without Solara: the runs of the settings shown, on the
server's shared worker pool, and what the page shows of them (war risks, roads, which roads
each war needed, when wars start, the per-run table) and the comparison of two settings.

One pool serves every session of the server: as many worker threads as cores (at most two),
taking chunks first come, first served, so that a class pressing "Run 300 runs" together
queues instead of starting sixty threads that would share the cores with every page's Step
and Play: the pages' threads compete with two busy workers, not with the whole class's. A
lone request is cut into one chunk per worker, so it uses both cores. The compiled engine
releases Python's lock; a run's numbers do not depend on its chunk (`sim.experiments.runs`).
(Running the workers at a lower CPU priority was tried and dropped: with ten sessions on a
loaded machine it made many runs slower, 9.1 s against 7.5 s median, and Step no faster.)
"""

from __future__ import annotations

import math
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import pandas as pd

from sim.analysis.summaries import Tally
from sim.analysis.timeline import TWIN_NAMES
from sim.app.settings import caption, scenario_of
from sim.experiments.runs import chunks, simulate_chunk
from sim.model.outcomes import WAR_OUTCOMES, Road
from sim.model.scenario import Scenario

RUN_COUNTS = (300, 3000)
MANY_RUNS = RUN_COUNTS[0]
CORES = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
MANY_THREADS = max(1, min(2, CORES or 1))
WAR_BLOCK = 30  # days per row of the "when wars start" table
TABLE_ROWS = 300  # rows of the per-run table shown on the page (the CSV has every run)

ROAD_COLUMNS = (
    "the twin (without one road)",
    "P(war)",
    "P(war in the twin)",
    "risk difference (95% interval)",
    "share of wars it caused (95% interval)",
)


POOL = ThreadPoolExecutor(MANY_THREADS, thread_name_prefix="many-runs")
_queued = 0  # requests in the pool or waiting for it
_queued_lock = threading.Lock()


def queued() -> int:
    """Requests for many runs the server is working on or holding in its queue."""
    return _queued


def run_table(spec: Scenario, seed: int, runs: int = MANY_RUNS) -> pd.DataFrame:
    """The per-run table (`runs.parquet`'s columns) of runs 0..runs-1 of `spec` under `seed`,
    each with its twins, made on the shared pool."""
    global _queued
    parts = chunks(spec, runs, seed, chunk_size=max(1, -(-runs // MANY_THREADS)))
    with _queued_lock:
        _queued += 1
    try:
        futures = [POOL.submit(simulate_chunk, part) for part in parts]
        return pd.concat([future.result() for future in futures], ignore_index=True)
    finally:
        with _queued_lock:
            _queued -= 1


def tally_of(spec: Scenario, table: pd.DataFrame) -> Tally:
    tally = Tally(spec.world.days, spec.world.escalation_rung)
    tally.add(table)
    return tally


def many_runs(spec: Scenario, seed: int, runs: int = MANY_RUNS) -> Tally:
    """The counts of runs 0..runs-1 of `spec` under `seed`, each with its twins."""
    return tally_of(spec, run_table(spec, seed, runs))


def percent(share: float, digits: int = 1) -> str:
    return "–" if math.isnan(share) else f"{share:.{digits}%}"


def war_lines(tally: Tally) -> list[str]:
    """P(limited war), P(wider war) and P(nuclear use) with their 95% intervals."""
    shares = tally.outcome_shares().set_index("quantity")
    return [
        f"P({label}) = {percent(row.share)} "
        f"(95% interval {percent(row.low)} to {percent(row.high)})"
        for label in WAR_OUTCOMES
        for row in [shares.loc[label]]
    ]


def war_risk(tally: Tally) -> str:
    """P(war): the share of runs in which some dyad reached open war, with its interval."""
    row = tally.attribution().set_index("quantity").loc["P(escalation)"]
    return f"P(war) = {percent(row.share)} (95% interval {percent(row.low)} to {percent(row.high)})"


def road_rows(tally: Tally, spec: Scenario) -> list[tuple[str, ...]]:
    """The roads table: per road P(war), P(war) in its twin, the risk difference with its
    interval, and the share of wars the road caused (or why its twin cannot reach war)."""
    rows = []
    for row in tally.roads(spec).itertuples():
        road = Road[row.road.upper()]
        if row.by_construction:
            caused = row.by_construction
        elif math.isnan(row.caused_share):
            caused = "no war in these runs"
        else:
            caused = (
                f"{percent(row.caused_share, 0)} "
                f"({percent(row.caused_low, 0)} to {percent(row.caused_high, 0)})"
            )
        rows.append(
            (
                TWIN_NAMES[road],
                percent(row.p_escalation),
                percent(row.p_twin),
                f"{row.risk_difference * 100:+.1f} points "
                f"({row.rd_low * 100:+.1f} to {row.rd_high * 100:+.1f})",
                caused,
            )
        )
    return rows


def needed_rows(table: pd.DataFrame) -> list[tuple[str, str]]:
    """Which roads each war needed (its twin without that road did not reach war): one row
    per combination of roads, the most common first, e.g. ('missteps + warnings', '12')."""
    wars = table[table["escalated"]]
    if wars.empty:
        return []
    names = [road.label for road in Road]
    combos = wars[[f"caused_by_{name}" for name in names]].to_numpy()
    counts: dict[str, int] = {}
    for flags in combos:
        key = " + ".join(n for n, f in zip(names, flags, strict=True) if f)
        key = key or "no single road (each twin reached war too)"
        counts[key] = counts.get(key, 0) + 1
    ranked = sorted(counts.items(), key=lambda item: -item[1])
    return [(roads, f"{n:,} of {len(wars):,}") for roads, n in ranked]


def both_rows(table: pd.DataFrame) -> list[tuple[str, ...]]:
    """Wars that needed both the row's road and the column's (on the diagonal, the wars each
    road caused): one row per road, its cells counts of wars."""
    wars = table[table["escalated"]]
    flags = {road.label: wars[f"caused_by_{road.label}"].to_numpy() for road in Road}
    return [
        (row, *(f"{int((flags[row] & flags[column]).sum()):,}" for column in flags))
        for row in flags
    ]


def war_day_rows(table: pd.DataFrame, spec: Scenario) -> list[tuple[str, str]]:
    """When wars start: the runs whose first open war began in each block of WAR_BLOCK days."""
    day = table[f"first_rung_{spec.world.escalation_rung}_day"]
    day = day[day >= 0]
    rows = []
    for start in range(0, spec.world.days + 1, WAR_BLOCK):
        stop = min(start + WAR_BLOCK - 1, spec.world.days)
        n = int(((day >= start) & (day <= stop)).sum())
        rows.append((f"days {start} to {stop}", f"{n:,}"))
    return rows


def shown_columns(table: pd.DataFrame) -> list[str]:
    """The per-run table's columns shown on the page: the run, its outcome and war days, per
    dyad its battle deaths and war day, per actor its deaths, the count of each event, and
    which roads its war needed (the CSV has every column)."""
    keep = ["run", "outcome", "escalated"]
    for column in table.columns:
        if (
            column.endswith(("_battle_deaths", "_war_day"))
            or column.startswith(("casualties_", "n_", "caused_by_", "withdrawal_day_"))
            or column == "crisis_days"
        ) and column not in keep:
            keep.append(column)
    return [c for c in keep if c in table.columns]


@dataclass(frozen=True, eq=False)
class ManyResult:
    """Runs 0..n-1 of some settings, and what the page shows of them."""

    settings: dict[str, Any]
    n: int
    tally: Tally
    table: pd.DataFrame  # one row a run
    title: str
    outcomes: pd.DataFrame  # outcome_table of these settings
    roads: list[tuple[str, ...]]
    needed: list[tuple[str, str]]
    both: list[tuple[str, ...]]
    war_days: list[tuple[str, str]]


def many_result_of(settings: dict[str, Any], n: int) -> ManyResult:
    """Runs 0..n-1 of the settings, with what the page shows of them."""
    spec = scenario_of(settings)
    table = run_table(spec, settings["seed"], n)
    tally = tally_of(spec, table)
    return ManyResult(
        settings=dict(settings),
        n=n,
        tally=tally,
        table=table,
        title=f"Outcomes of {n:,} runs: {caption(settings)}",
        outcomes=outcome_table([("these settings", tally)]),
        roads=road_rows(tally, spec),
        needed=needed_rows(table),
        both=both_rows(table),
        war_days=war_day_rows(table, spec),
    )


def outcome_table(results: list[tuple[str, Tally]]) -> pd.DataFrame:
    """Each outcome's share with its 95% Wilson interval, one row per (settings, outcome)."""
    frames = []
    for name, tally in results:
        frame = tally.outcome_shares().rename(columns={"quantity": "outcome"})
        frame.insert(0, "settings", name)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def compare(a: dict, b: dict, runs: int) -> tuple[pd.DataFrame, str]:
    """The outcome distributions of settings A and B from the same seed (A's) and the same
    run numbers, so each run of A meets the same random numbers as its partner in B."""
    seed = a["seed"]
    tallies = [(name, many_runs(scenario_of(s), seed, runs)) for name, s in (("A", a), ("B", b))]
    title = (
        f"A: {caption(a)}. B: {caption({**b, 'seed': seed})}. Both {runs:,} runs "
        f"(runs 0 to {runs - 1} of seed {seed}: the same random numbers)."
    )
    return outcome_table(tallies), title
