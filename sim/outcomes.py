"""What a run reports (model brief section 5): the per-run metrics and the outcome.

Both engines keep a run's metrics in one float vector and update it through the functions
below, so the bookkeeping, like the rules, is written once.
"""

from enum import IntEnum

import numpy as np
import pandas as pd
from numba import njit

from sim.ladder import CLASH_RUNG, LADDER, NUCLEAR_RUNG, WAR_RUNG

NEVER = -1.0  # the day of an event that did not happen


class Event(IntEnum):
    """Events a run can see; each has a first day and a count."""

    WARNING = 0
    MISSTEP = 1
    MISREAD = 2
    OFFENSIVE = 3
    STRIKE = 4
    WITHDRAWAL = 5


class Outcome(IntEnum):
    """A run's outcome, by precedence: the highest that applies (brief §5)."""

    CEASEFIRE_HELD = 0
    LIMITED_CLASHES = 1
    RENEWED_OFFENSIVE = 2
    OPEN_WAR = 3
    NUCLEAR_USE = 4

    @property
    def label(self) -> str:
        return self.name.lower().replace("_", " ")


N_EVENTS = len(Event)
N_RUNGS = len(LADDER) - 1  # rungs above 0
FIRST = 0  # metrics[FIRST + e]: day of the first event e
COUNT = N_EVENTS  # metrics[COUNT + e]: how many events e
REACHED = 2 * N_EVENTS - 1  # metrics[REACHED + k]: day the crisis first reached rung k ≥ 1
MAX_RUNG = REACHED + N_RUNGS + 1
CRISIS_DAYS = MAX_RUNG + 1  # days at rung 2 (shows of force) or above
END_DAY = MAX_RUNG + 2
TERMINATED = MAX_RUNG + 3  # 1 if the run ended in an absorbing state, 0 if at its horizon
N_METRICS = MAX_RUNG + 4

CRISIS_RUNG = 2  # shows of force: the crisis has started

METRIC_NAMES: tuple[str, ...] = (
    *(f"first_{e.name.lower()}_day" for e in Event),
    *(f"n_{e.name.lower()}" for e in Event),
    *(f"first_rung_{k}_day" for k in range(1, N_RUNGS + 1)),
    "max_rung",
    "crisis_days",
    "end_day",
    "terminated",
)


@njit(cache=True)
def new_metrics() -> np.ndarray:
    """A fresh metrics vector: no event yet, rung 0, day 0."""
    metrics = np.zeros(N_METRICS)
    metrics[FIRST : FIRST + N_EVENTS] = NEVER
    metrics[REACHED + 1 : REACHED + 1 + N_RUNGS] = NEVER
    return metrics


@njit(cache=True)
def note_event(metrics: np.ndarray, event: int, day: int) -> None:
    """Count an event and keep the day it first happened."""
    if metrics[FIRST + event] == NEVER:
        metrics[FIRST + event] = day
    metrics[COUNT + event] += 1.0


@njit(cache=True)
def note_day(metrics: np.ndarray, day: int, rung: int) -> bool:
    """Record the day's highest rung; return True if the run reached an absorbing rung."""
    metrics[END_DAY] = day
    if rung >= CRISIS_RUNG:
        metrics[CRISIS_DAYS] += 1.0
    if rung > metrics[MAX_RUNG]:  # a rung is first reached only when the maximum rises
        for k in range(int(metrics[MAX_RUNG]) + 1, rung + 1):
            metrics[REACHED + k] = day
        metrics[MAX_RUNG] = rung
    if rung >= WAR_RUNG:
        metrics[TERMINATED] = 1.0
        return True
    return False


@njit(cache=True)
def outcome_of(metrics: np.ndarray) -> int:
    """Outcome by precedence: nuclear > open war > renewed offensive > clashes > ceasefire."""
    if metrics[MAX_RUNG] >= NUCLEAR_RUNG:
        return Outcome.NUCLEAR_USE
    if metrics[MAX_RUNG] >= WAR_RUNG:
        return Outcome.OPEN_WAR
    if metrics[COUNT + Event.OFFENSIVE] > 0:
        return Outcome.RENEWED_OFFENSIVE
    if metrics[MAX_RUNG] >= CLASH_RUNG:
        return Outcome.LIMITED_CLASHES
    return Outcome.CEASEFIRE_HELD


def run_table(
    metrics: np.ndarray,
    casualties: np.ndarray,
    actor_names: list[str],
    escalation_rung: int,
    seed: int,
    runs: np.ndarray,
    twin_metrics: np.ndarray | None = None,
) -> pd.DataFrame:
    """One row a run: outcome, event days (-1: never), counts, casualties by actor, twin.

    A run escalated if it reached `escalation_rung`; with twins, it escalated *because of* a
    misstep if it escalated and its twin (same numbers, missteps suppressed) did not.
    """
    table = pd.DataFrame(metrics.astype(np.int64), columns=list(METRIC_NAMES))
    table.insert(0, "seed", np.full(len(table), seed, dtype=np.uint64))
    table.insert(1, "run", np.asarray(runs, dtype=np.int64))
    table.insert(2, "outcome", _outcomes(metrics))
    table.insert(3, "escalated", metrics[:, MAX_RUNG] >= escalation_rung)
    table["misstep_happened"] = metrics[:, COUNT + Event.MISSTEP] > 0
    for k, name in enumerate(actor_names):
        table[f"casualties_{name}"] = casualties[:, k].astype(np.int64)
    if twin_metrics is not None:
        table["twin_outcome"] = _outcomes(twin_metrics)
        table["twin_escalated"] = twin_metrics[:, MAX_RUNG] >= escalation_rung
        table["caused_by_misstep"] = table["escalated"] & ~table["twin_escalated"]
    return table


@njit(cache=True)
def outcome_codes(metrics: np.ndarray) -> np.ndarray:
    """The outcome of each row of a metrics matrix."""
    codes = np.empty(metrics.shape[0], dtype=np.int8)
    for k in range(metrics.shape[0]):
        codes[k] = outcome_of(metrics[k])
    return codes


def _outcomes(metrics: np.ndarray) -> pd.Categorical:
    return pd.Categorical.from_codes(outcome_codes(metrics), categories=OUTCOME_LABELS)


OUTCOME_LABELS = [o.label for o in Outcome]
