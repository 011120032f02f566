"""A run's state and its scenario as arrays: the layout every phase of the day reads and writes.

The scenario is packed once (`pack`): `P[i, ·]` the parameters of actor i, `W` the world's,
`SW` the switches, each column named after its field of `sim.model.scenario`, so a new field
gets its index here without renumbering anything. A run's state is a tuple of arrays
(`new_state`), so a twin forks by copying it:

- `actor[n, ·]`: troops, deaths, mobilised, today's choice and its target, withdrawal day, the
  resolve drawn for this crisis, and the likelihood ratio today's choice signals;
- `pair[·, n, n]`: for i toward j, hostility x, perceived hostility ŷ, belief b that j is
  resolute, day of i's public warning to j (−1: none), remembered harm H from j, today's
  pending shock, the product of today's signals, and the chances of at least one slip while
  their dyad holds rung 3, rung 4 or war (set on day 0: they depend on the scenario only);
- `dyad[·, n]`: for the dyad challenger–k (row k ≥ 1), its rung, calm days, battle deaths,
  who used force, the offensive under way (attacker, first day), today's marks (who offered
  de-escalation among them, as flags) and how its war was settled (0: not; strategic rule);
- the run's metrics and per-dyad metrics (`sim.model.outcomes`) and, per road, the first day
  on which that road's twin differs from the run (−1: not yet).

The challenger is actor 0; every other actor is on the other side, so the dyads are the pairs
(0, k), k ≥ 1, and an actor's opponents are 0 (for k ≥ 1) or every k ≥ 1 (for 0).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from sim.model.ladder import Action
from sim.model.outcomes import N_DYAD_METRICS, N_METRICS, N_ROADS, Event
from sim.model.scenario import MAX_ACTORS, DecisionRule, Mechanisms, Role, Scenario, World

jit = njit(cache=True, error_model="numpy")
helper = njit(cache=True, error_model="numpy", inline="always")  # small: inlined where called
# A phase is called once a day per actor; inlined into the ensemble's day, it costs no call
# (its arguments are a dozen arrays); the Mesa engine calls its own compiled copy.
phase = njit(cache=True, error_model="numpy", inline="always")

# Columns of the packed actor parameters, in this order (`pack`).
ACTOR_COLUMNS = (
    "initial_hostility", "initial_belief", "resolve", "threat_perception", "reactivity",
    "restraint", "grievance", "audience_cost", "stakes", "forces", "troops", "exposure",
    "casualty_tolerance", "framing", "hardening", "solidarity", "nuclear_armed", "warned",
    "guarantor", "resolve_spread",
)  # fmt: skip
(
    X0, B0, RESOLVE, TAU, KAPPA, RESTRAINT, GRIEVANCE, AUDIENCE, STAKES, FORCES, TROOPS,
    EXPOSURE, TOLERANCE, FRAMING, HARDENING, SOLIDARITY, ARMED, WARNED, GUARANTOR, SPREAD,
) = range(len(ACTOR_COLUMNS))  # fmt: skip

# Entries of the packed world vector: World's fields, in their order.
_W = {name: k for k, name in enumerate(World.model_fields)}
DAYS, RULE, PRECISION, ANGER, MOVE_COST = (
    _W["days"], _W["decision_rule"], _W["precision"], _W["anger"], _W["move_cost"]
)  # fmt: skip
STRIKE_COST, WAR_COST, NUCLEAR_COST, FIRST_STRIKE = (
    _W["strike_cost"], _W["war_cost"], _W["nuclear_cost"], _W["first_strike"]
)  # fmt: skip
RETALIATION, HARM_MEMORY, PEACE = _W["retaliation"], _W["harm_memory"], _W["peace_value"]
SIGNAL_HOSTILE, SIGNAL_RESTRAINT = _W["signal_hostile"], _W["signal_restraint"]
DETERRENCE, MOB_GAIN, HOTLINE = _W["deterrence"], _W["mobilisation_gain"], _W["hotline_quality"]
RATE, HARASSMENT, INTENSITY0 = _W["misstep_rate"], _W["harassment"], _W["front_intensity"]
OFF_INTENSITY, HARM, BIAS = (
    _W["offensive_intensity"],
    _W["harm_multiplier"],
    _W["misperception_bias"],
)
NOISE, S_MISREAD, S_ACCIDENT = _W["perception_noise"], _W["misread_shock"], _W["accident_shock"]
S_STRIKE, S_OFFENSIVE = _W["strike_shock"], _W["offensive_shock"]
C_MISSTEP, C_STRIKE, C_COMBAT = (
    _W["misstep_casualties"], _W["strike_casualties"], _W["combat_casualties"]
)  # fmt: skip
LETHALITY = _W["incident_lethality"]
OFF_DAYS, WAR_DEATHS, CALM_DAYS, LOCK_IN = (
    _W["offensive_days"], _W["war_deaths"], _W["calm_days"], _W["lock_in_days"]
)  # fmt: skip
WARN_WEIGHT, MOB_WEIGHT, PROBE_WEIGHT = _W["warn_weight"], _W["mobilise_weight"], _W["probe_weight"]
SLIP_RATE, SLIP_GROWTH = _W["slip_rate"], _W["slip_growth"]
NUCLEAR_SLIP_FACTOR, NUCLEAR_SLIP = _W["nuclear_slip_factor"], _W["nuclear_slip"]
ESCALATION_RUNG = _W["escalation_rung"]
STRATEGIC = 1.0  # W[RULE] under the strategic rule; 0.0 under the myopic one

# Entries of the switch vector: Mechanisms' fields, in their order.
_SW = {name: k for k, name in enumerate(Mechanisms.model_fields)}
SW_REACTION, SW_FRAMING, SW_MISSTEPS = _SW["reaction"], _SW["framing"], _SW["missteps"]
SW_MISREADING, SW_TRIPWIRE, SW_WARNING = _SW["misreading"], _SW["tripwire"], _SW["warning"]
SW_LOCK_IN, SW_WITHDRAWAL = _SW["lock_in"], _SW["withdrawal"]
SW_RETALIATION, SW_DELIBERATE, SW_BELIEFS = _SW["retaliation"], _SW["deliberate"], _SW["beliefs"]
SW_MISPERCEPTION, SW_NOISE, SW_DECISIONS = _SW["misperception"], _SW["noise"], _SW["decisions"]
SW_TYPES, SW_LOOKAHEAD, SW_SLIPS = _SW["types"], _SW["lookahead"], _SW["slips"]
SW_TERMINATION = _SW["termination"]

# State layout.
A_TROOPS, A_DEATHS, A_MOBILISED, A_CHOICE, A_TARGET, A_WITHDRAWN, A_RESOLVE, A_SIGNAL = range(8)
N_ACTOR_STATE = 8
(
    P_HOST, P_PERC, P_BELIEF, P_COMMIT, P_HARM, P_SHOCK, P_SIGNAL, P_RISK3, P_RISK4, P_RISK_WAR,
) = range(10)  # fmt: skip
N_PAIR_STATE = 10
(
    D_RUNG, D_CALM, D_BATTLE, D_FORCE_C, D_FORCE_K, D_OFF_BY, D_OFF_DAY, D_LEVEL, D_ATTACKED,
    D_FOUGHT, D_DEESC, D_MISREAD, D_SETTLED,
) = range(13)  # fmt: skip
N_DYAD_STATE = 13
# Offers of de-escalation today, and how a dyad's war was settled, as flags: the challenger's
# (1), the other side's (2), both (3).
BY_CHALLENGER, BY_OTHER = 1.0, 2.0
NO_ONE = -1.0
# Actions and events as plain ints: numba stores no enum member into a float array.
HOLD, DEESCALATE, WARN, MOBILISE, PROBE, STRIKE, ATTACK, WITHDRAW, NUCLEAR = (
    a.value for a in Action
)
MAX_OPTIONS = 2 + 7 * (MAX_ACTORS - 1)
CONTEXT_WIDTH = 24  # what the strategic rule knows of each opponent (sim.model.strategic)
# Log rows: kind, actor, other, then five numbers (see sim.analysis.timeline).
LOG_WIDTH = 8
LOG_ACTION = 100  # a decision is logged as LOG_ACTION + its action
LOG_RUNG = 200  # a dyad's rung changed: actor 0, other k, old, new
LOG_MISSTEP, LOG_CULMINATION, LOG_WAR = int(Event.MISSTEP), int(Event.CULMINATION), int(Event.WAR)
LOG_SLIP = int(Event.SLIP)


def _number(value: object) -> float:
    """A field's value as the float the packed arrays hold."""
    if isinstance(value, DecisionRule):
        return STRATEGIC if value == DecisionRule.STRATEGIC else 0.0
    return float(value)


def pack(scenario: Scenario) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The scenario as arrays: actor parameters, world vector, switches."""
    rows = []
    for a in scenario.actors:
        values = a.model_dump()
        values["guarantor"] = a.role == Role.GUARANTOR
        rows.append([_number(values[column]) for column in ACTOR_COLUMNS])
    params = np.array(rows, dtype=np.float64)
    world = np.array([_number(v) for v in dict(scenario.world).values()], dtype=np.float64)
    switches = np.array(list(scenario.mechanisms.model_dump().values()), dtype=np.bool_)
    return params, world, switches


@jit
def new_state(n):
    """Empty state arrays for a run of n actors (filled by `sim.model.day.start`)."""
    return (
        np.zeros((n, N_ACTOR_STATE)),
        np.zeros((N_PAIR_STATE, n, n)),
        np.zeros((N_DYAD_STATE, n)),
        np.zeros(N_METRICS),
        np.zeros((n, N_DYAD_METRICS)),
        np.full(N_ROADS, -1, dtype=np.int64),
    )


def new_log(rows: int) -> tuple[np.ndarray, np.ndarray]:
    """A day's event log of at most `rows` rows (0: no log, as in the ensemble engine)."""
    return np.zeros((rows, LOG_WIDTH)), np.zeros(1, dtype=np.int64)


@jit
def new_scratch():
    """Scratch arrays for the options of one decision: utilities, actions, targets, the
    utilities of the twins without warnings' audience costs and without the face of holding
    after harm, under the strategic rule the utilities of the two types an opponent reasons
    about (resolute, irresolute), a copy of the utilities (`sim.model.choice`), and the
    strategic rule's context rows per opponent, for the run and for the warnings twin."""
    size = MAX_OPTIONS
    return (
        np.zeros(size), np.zeros(size, np.int64), np.zeros(size, np.int64), np.zeros(size),
        np.zeros(size), np.zeros(size), np.zeros(size), np.zeros(size),
        np.zeros((2, MAX_ACTORS, CONTEXT_WIDTH)),
    )  # fmt: skip


@helper
def _copy_rows(source, target):
    """Copy a 2-D array into another of its shape."""
    for a in range(source.shape[0]):
        for b in range(source.shape[1]):
            target[a, b] = source[a, b]


@phase
def copy_state(source, target):
    """Copy one run state into another (a twin's fork). The ensemble engine keeps the state
    at the start of each day while some twin may still fork: most days of most runs."""
    # Explicit loops: for arrays this small, numba's general slice assignment (or reshape)
    # costs several times the copy itself (231 -> 77 ns a state, reassurance).
    _copy_rows(source[0], target[0])
    for a in range(source[1].shape[0]):
        _copy_rows(source[1][a], target[1][a])
    _copy_rows(source[2], target[2])
    for a in range(source[3].shape[0]):
        target[3][a] = source[3][a]
    _copy_rows(source[4], target[4])
    for a in range(source[5].shape[0]):
        target[5][a] = source[5][a]


@helper
def write(log, kind, actor, other, v1, v2, v3, v4, v5):
    """Add a row to the day's log, if it keeps one and has room."""
    rows, count = log
    if count[0] < rows.shape[0]:
        k = count[0]
        rows[k, 0], rows[k, 1], rows[k, 2] = kind, actor, other
        rows[k, 3], rows[k, 4], rows[k, 5], rows[k, 6], rows[k, 7] = v1, v2, v3, v4, v5
        count[0] += 1


@helper
def dyad_of(i, j):
    """The dyad of a pair: the row of its non-challenger actor."""
    return j if i == 0 else i


@helper
def opponent_count(i, n):
    """How many opponents actor i has: every other actor for the challenger, else one."""
    return n - 1 if i == 0 else 1


@helper
def opponent(i, m):
    """i's m-th opponent."""
    return m + 1 if i == 0 else 0


@helper
def diverge(state, road, day):
    """Mark the first day on which `road`'s twin would differ from this run."""
    if state[5][road] < 0:
        state[5][road] = day


@helper
def strength(P, actor, k, gain):
    """Actor k's strength F̃ = F·(1 + Γ·mobilised)."""
    return P[k, FORCES] * (1.0 + gain * actor[k, A_MOBILISED])
