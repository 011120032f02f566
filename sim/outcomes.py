"""What a run reports (model brief section 5): the per-run metrics and the outcome.

Both engines keep a run's metrics in one float vector and update it through the functions
below, so the bookkeeping, like the rules, is written once.
"""

from enum import IntEnum

import numpy as np
from numba import njit

NEVER = -1.0  # the day of an event that did not happen


class Event(IntEnum):
    """Events a run can see; each has a first day and a count."""

    WARNING = 0
    MISSTEP = 1
    MISREAD = 2
    OFFENSIVE = 3
    STRIKE = 4
    WITHDRAWAL = 5
    CLASH = 6  # the ladder first reaches rung 3 (incidents and harassment)
    WAR = 7  # rung 5: open war
    NUCLEAR = 8  # rung 6: nuclear use


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
FIRST = 0  # metrics[FIRST + e]: day of the first event e
COUNT = N_EVENTS  # metrics[COUNT + e]: how many events e
MAX_RUNG = 2 * N_EVENTS
CRISIS_DAYS = MAX_RUNG + 1  # days at rung 2 (shows of force) or above
END_DAY = MAX_RUNG + 2
TERMINATED = MAX_RUNG + 3  # 1 if the run ended in an absorbing state, 0 if at its horizon
N_METRICS = MAX_RUNG + 4

CLASH_RUNG, CRISIS_RUNG, WAR_RUNG, NUCLEAR_RUNG = 3, 2, 5, 6

METRIC_NAMES: tuple[str, ...] = (
    *(f"first_{e.name.lower()}_day" for e in Event),
    *(f"n_{e.name.lower()}" for e in Event),
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
    metrics[MAX_RUNG] = max(metrics[MAX_RUNG], rung)
    metrics[END_DAY] = day
    if rung >= CRISIS_RUNG:
        metrics[CRISIS_DAYS] += 1.0
    if rung >= CLASH_RUNG and metrics[FIRST + Event.CLASH] == NEVER:
        metrics[FIRST + Event.CLASH] = day
    if rung >= WAR_RUNG:
        note_event(metrics, Event.WAR, day)
        if rung >= NUCLEAR_RUNG:
            note_event(metrics, Event.NUCLEAR, day)
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


def metrics_dict(metrics: np.ndarray) -> dict[str, int]:
    """The metrics vector as named integers (days are -1 when the event never happened)."""
    return {name: int(value) for name, value in zip(METRIC_NAMES, metrics, strict=True)}
