"""What a run reports (model brief section 4): per-run and per-dyad metrics and the outcome.

Both engines keep a run's metrics at the start of its state vector and its per-dyad metrics in
a block of it (`sim.model.state`), and update them through the functions below, so the
bookkeeping, like the rules, is written once.
"""

from enum import IntEnum

import numpy as np
import pandas as pd
from numba import njit

from sim.model.ladder import CLASH_RUNG, LADDER, NUCLEAR_RUNG, SHOW_RUNG

NEVER = -1.0  # the day of an event that did not happen


class Event(IntEnum):
    """Events a run can see; each has a first day and a count."""

    WARNING = 0
    MOBILISATION = 1
    HARASSMENT = 2
    STRIKE = 3
    ATTACK = 4
    DEESCALATION = 5
    WITHDRAWAL = 6
    NUCLEAR = 7
    MISSTEP = 8
    MISREAD = 9
    CULMINATION = 10
    WAR = 11
    CEASEFIRE = 12  # both sides of a dyad offered de-escalation and halted an offensive
    SLIP = 13  # a dyad slipped a rung out of anyone's control (the risk left to chance)
    CHANCE_WARNING = 14  # a warning drawn by the choice's noise, not the best option that day


class Outcome(IntEnum):
    """A run's outcome, by precedence: the highest that applies (brief §4)."""

    CEASEFIRE_HELD = 0
    CRISIS_CONTAINED = 1
    LIMITED_WAR = 2
    WIDER_WAR = 3
    NUCLEAR_USE = 4

    @property
    def label(self) -> str:
        return self.name.lower().replace("_", " ")


class Road(IntEnum):
    """The roads to war, each with its twin: the run with that road's events suppressed. The
    commitment trap has two channels, each with its own twin: the audience cost of backing
    down from a public warning, and the face lost by holding back after harm."""

    MISSTEPS = 0  # incidents suppressed
    MISREADING = 1  # incidents read correctly
    ATTACKS = 2  # deliberate attack decisions replaced by holding
    WARNINGS = 3  # backing down from a public warning costs no audience cost
    FACE = 4  # holding back after harm costs no face
    SLIPS = 5  # no rung slips out of control (the risk left to chance)

    @property
    def label(self) -> str:
        return self.name.lower()


N_ROADS = len(Road)
N_EVENTS = len(Event)
N_RUNGS = len(LADDER) - 1  # rungs above 0
FIRST = 0  # metrics[FIRST + e]: day of the first event e
COUNT = N_EVENTS  # metrics[COUNT + e]: how many events e
REACHED = 2 * N_EVENTS - 1  # metrics[REACHED + k]: day some dyad first reached rung k ≥ 1
MAX_RUNG = REACHED + N_RUNGS + 1
CRISIS_DAYS = MAX_RUNG + 1  # days with some dyad at rung 2 (shows of force) or above
CRISIS_END = MAX_RUNG + 2  # day the crisis fell below rung 2 for good; −1: never or ongoing
END_DAY = MAX_RUNG + 3
TERMINATED = MAX_RUNG + 4  # 1: ended in nuclear use; 2: stopped, RUNAWAY; 0: at its horizon
N_METRICS = MAX_RUNG + 5
# A run is stopped once some hostility passes HOSTILITY_LIMIT (or is no number): Richardson's
# update can grow geometrically, and from below 1e100 no day's growth reaches overflow (about
# 1.8e308), so the run stops while every number is still finite (sim.model.finite).
HOSTILITY_LIMIT = 1e100
RUNAWAY = 2.0  # metrics[TERMINATED] of a run so stopped (or, in the runs table, one of its twins)

# Per dyad (one row per actor k ≥ 1: the dyad challenger–k). Five code the dyad as a
# militarized dispute (sim.record.coding): deaths in incidents, the first and last day of
# militarized activity, and the first day each side took a militarized action. The war's end
# day is the day the dyad fell back below open war (−1: no war, or still at war at the end);
# `settled` how the strategic rule's war termination settled it: 0 not, 1 the challenger
# yielded, 2 the other side yielded, 3 both offered (a compromise).
(
    DM_MAX_RUNG, DM_WAR_DAY, DM_ATTACK_DAY, DM_BATTLE_DEATHS, DM_COMBAT_DAYS,
    DM_INCIDENT_DEATHS, DM_FIRST_ACTIVE, DM_LAST_ACTIVE, DM_ACT_CHALLENGER, DM_ACT_OTHER,
    DM_WAR_END, DM_SETTLED, DM_CLASHES,
) = range(13)  # fmt: skip
N_DYAD_METRICS = 13

METRIC_NAMES: tuple[str, ...] = (
    *(f"first_{e.name.lower()}_day" for e in Event),
    *(f"n_{e.name.lower()}" for e in Event),
    *(f"first_rung_{k}_day" for k in range(1, N_RUNGS + 1)),
    "max_rung",
    "crisis_days",
    "crisis_end_day",
    "end_day",
    "terminated",
)
DYAD_METRIC_NAMES = (
    "max_rung", "war_day", "attack_day", "battle_deaths", "combat_days", "incident_deaths",
    "first_active_day", "last_active_day", "first_act_day_challenger", "first_act_day_other",
    "war_end_day", "settled", "clashes",
)  # fmt: skip


@njit(cache=True)
def new_metrics() -> np.ndarray:
    """A fresh metrics vector: no event yet, rung 0, day 0."""
    metrics = np.zeros(N_METRICS)
    metrics[FIRST : FIRST + N_EVENTS] = NEVER
    metrics[REACHED + 1 : REACHED + 1 + N_RUNGS] = NEVER
    metrics[CRISIS_END] = NEVER
    return metrics


@njit(cache=True)
def new_dyad_metrics(dyad_metrics: np.ndarray) -> None:
    """Fresh per-dyad metrics: rung 0, no war, no attack, no deaths, no militarized act."""
    dyad_metrics[:] = 0.0
    dyad_metrics[:, DM_WAR_DAY] = NEVER
    dyad_metrics[:, DM_ATTACK_DAY] = NEVER
    dyad_metrics[:, DM_FIRST_ACTIVE : DM_ACT_OTHER + 1] = NEVER
    dyad_metrics[:, DM_WAR_END] = NEVER


@njit(cache=True)
def note_event(metrics: np.ndarray, event: int, day: int) -> None:
    """Count an event and keep the day it first happened."""
    if metrics[FIRST + event] == NEVER:
        metrics[FIRST + event] = day
    metrics[COUNT + event] += 1.0


@njit(cache=True)
def note_active(state: np.ndarray, row: int, day: int) -> None:
    """Keep the first and last day of militarized activity in a dyad, whose metrics start at
    `row` of the run's state (`sim.model.state.dyad_metric_at`)."""
    if state[row + DM_FIRST_ACTIVE] == NEVER:
        state[row + DM_FIRST_ACTIVE] = day
    state[row + DM_LAST_ACTIVE] = day


@njit(cache=True)
def note_act(state: np.ndarray, row: int, by_challenger: bool, day: int) -> None:
    """Keep the first day each side of a dyad (metrics from `row`) took a militarized action
    (a threat or more)."""
    m = DM_ACT_CHALLENGER if by_challenger else DM_ACT_OTHER
    if state[row + m] == NEVER:
        state[row + m] = day


@njit(cache=True)
def note_incident(state: np.ndarray, row: int, day: int, deaths: float, clash: bool) -> None:
    """Count an incident's deaths in a dyad (metrics from `row`), and the incident if it was a
    clash; a clash (deadly or not) is militarized activity."""
    state[row + DM_INCIDENT_DEATHS] += deaths
    if clash:
        state[row + DM_CLASHES] += 1.0
        note_active(state, row, day)


@njit(cache=True)
def note_day(metrics: np.ndarray, day: int, rung: int) -> bool:
    """Record the day's highest dyad rung; return True if the run ended (nuclear use)."""
    metrics[END_DAY] = day
    if rung >= SHOW_RUNG:
        metrics[CRISIS_DAYS] += 1.0
        metrics[CRISIS_END] = NEVER
    elif metrics[CRISIS_DAYS] > 0 and metrics[CRISIS_END] == NEVER:
        metrics[CRISIS_END] = day  # the crisis fell below shows of force today
    if rung > metrics[MAX_RUNG]:  # a rung is first reached only when the maximum rises
        for k in range(int(metrics[MAX_RUNG]) + 1, rung + 1):
            metrics[REACHED + k] = day
        metrics[MAX_RUNG] = rung
    if rung >= NUCLEAR_RUNG:
        metrics[TERMINATED] = 1.0
        return True
    return False


@njit(cache=True)
def outcome_of(metrics: np.ndarray, dyad_metrics: np.ndarray, guarantor: np.ndarray) -> int:
    """Outcome by precedence: nuclear use > wider war (challenger–guarantor) > limited war
    (challenger–protégé) > crisis contained (rung 3 reached) > ceasefire held."""
    if metrics[MAX_RUNG] >= NUCLEAR_RUNG:
        return Outcome.NUCLEAR_USE
    wider = limited = False
    for k in range(1, dyad_metrics.shape[0]):
        if dyad_metrics[k, DM_WAR_DAY] >= 0:
            if guarantor[k]:
                wider = True
            else:
                limited = True
    if wider:
        return Outcome.WIDER_WAR
    if limited:
        return Outcome.LIMITED_WAR
    if metrics[MAX_RUNG] >= CLASH_RUNG:
        return Outcome.CRISIS_CONTAINED
    return Outcome.CEASEFIRE_HELD


@njit(cache=True)
def outcome_codes(metrics: np.ndarray, dyads: np.ndarray, guarantor: np.ndarray) -> np.ndarray:
    """The outcome of each run (rows of `metrics`, and of `dyads` along its first axis)."""
    codes = np.empty(metrics.shape[0], dtype=np.int8)
    for k in range(metrics.shape[0]):
        codes[k] = outcome_of(metrics[k], dyads[k], guarantor)
    return codes


OUTCOME_LABELS = [o.label for o in Outcome]
ROAD_LABELS = [r.label for r in Road]
WAR_OUTCOMES = ("limited war", "wider war", "nuclear use")


def _outcomes(codes: np.ndarray) -> pd.Categorical:
    return pd.Categorical.from_codes(codes, categories=OUTCOME_LABELS)


def _widened(dyads: np.ndarray, guarantor: np.ndarray) -> np.ndarray:
    """Whether the war widened: some challenger–guarantor dyad reached open war."""
    return (dyads[:, guarantor, DM_WAR_DAY] >= 0).any(axis=1)


def dyad_label(challenger: str, other: str) -> str:
    """The column prefix of a dyad, e.g. 'Russia-France'."""
    return f"{challenger}-{other}"


def run_table(
    metrics: np.ndarray,
    dyads: np.ndarray,
    casualties: np.ndarray,
    withdrawals: np.ndarray,
    names: list[str],
    roles: list[str],
    escalation_rung: int,
    seed: int,
    runs: np.ndarray,
    twins: tuple[np.ndarray, np.ndarray] | None = None,
) -> pd.DataFrame:
    """One row a run: outcome, event days (−1: never), counts, per-dyad columns, casualties and
    withdrawal day by actor, and with twins each road's twin outcome and whether it caused war.

    `widened`: some challenger–guarantor dyad reached open war (with or without nuclear use,
    unlike the outcome 'wider war'). A run escalated if some dyad reached `escalation_rung`;
    it escalated *because of* a road
    if it escalated and that road's twin (same numbers, the road suppressed) did not.
    """
    guarantor = np.array([r == "guarantor" for r in roles])
    codes = outcome_codes(metrics, dyads, guarantor)
    table = pd.DataFrame(metrics.astype(np.int64), columns=list(METRIC_NAMES))
    table.insert(0, "seed", np.full(len(table), seed, dtype=np.uint64))
    table.insert(1, "run", np.asarray(runs, dtype=np.int64))
    table.insert(2, "outcome", _outcomes(codes))
    table.insert(3, "escalated", metrics[:, MAX_RUNG] >= escalation_rung)
    table.insert(4, "widened", _widened(dyads, guarantor))
    more: dict[str, object] = {"misstep_happened": metrics[:, COUNT + Event.MISSTEP] > 0}
    for k in range(1, len(names)):
        prefix = dyad_label(names[0], names[k])
        for m, column in enumerate(DYAD_METRIC_NAMES):
            more[f"{prefix}_{column}"] = dyads[:, k, m].astype(np.int64)
    for k, name in enumerate(names):
        more[f"casualties_{name}"] = casualties[:, k].astype(np.int64)
        more[f"withdrawal_day_{name}"] = withdrawals[:, k].astype(np.int64)
    if twins is not None:
        twin_metrics, twin_dyads = twins
        escalated = table["escalated"].to_numpy()
        for road in Road:
            twin_codes = outcome_codes(twin_metrics[road], twin_dyads[road], guarantor)
            twin_escalated = twin_metrics[road][:, MAX_RUNG] >= escalation_rung
            more[f"twin_{road.label}_outcome"] = _outcomes(twin_codes)
            more[f"twin_{road.label}_escalated"] = twin_escalated
            more[f"twin_{road.label}_widened"] = _widened(twin_dyads[road], guarantor)
            more[f"caused_by_{road.label}"] = escalated & ~twin_escalated
        # A run whose twin ran away cannot be compared with it: the run is marked so too.
        stopped = (twin_metrics[:, :, TERMINATED] == RUNAWAY).any(axis=0)
        table.loc[stopped, "terminated"] = int(RUNAWAY)
    # One join, not a column at a time: pandas warns of (and slows on) a fragmented frame.
    return pd.concat([table, pd.DataFrame(more, index=table.index)], axis=1)
