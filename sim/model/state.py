"""A run's state and its scenario as arrays: the layout every phase of the day reads and writes.

The scenario is packed once (`pack`): `P[i, ·]` the parameters of actor i, `W` the world's,
`SW` the switches, each column named after its field of `sim.model.scenario`, so a new field
gets its index here without renumbering anything.

**The state of a run is one float vector** (`new_state`), so a twin forks by copying it. Every
phase takes whole arrays and indices: the scenario (`P`, `W`, `SW`), the state `S`, the scratch
of a decision (`new_scratch`) and the day's log (`new_log`), and makes no array view, slice or
tuple of arrays. numba counts references to every array a compiled function binds (each inlined
phase binds its arguments anew), with calls that LLVM keeps unless it can see them void; in the
compiled day they cost about half its time. With no view or tuple made inside the day, the
ensemble engine hands the phases views that it makes once per call with a null reference count
(`sim.model.ensemble._days`), and LLVM drops every count: tests/model/test_refcounts.py checks
that none is left. `S` holds, for n actors (n = P.shape[0]), in this order:

- `METRICS`: the run's metrics (`sim.model.outcomes`). They come first, so the bookkeeping of
  `outcomes` (`note_event`, `note_day`) reads `S` as the metrics vector;
- `DIVERGED + road`: the first day on which that road's twin differs from the run (−1: not yet);
- `actor_at(i, A_*)`: actor i's troops, deaths, mobilised, today's choice and its target,
  withdrawal day, the resolve drawn for this crisis, and the likelihood ratio today's choice
  signals;
- `dyad_at(n, k, D_*)`: for the dyad challenger–k (k ≥ 1), its rung, calm days, battle deaths,
  who used force, the offensive under way (attacker, first day), today's marks (who offered
  de-escalation among them, as flags) and how its war was settled (0: not; strategic rule);
- `dyad_metric_at(n, k, DM_*)`: the dyad's metrics (`sim.model.outcomes`);
- `pair_at(n, i, j, P_*)`: for i toward j, hostility x, perceived hostility ŷ, belief b that j is
  resolute, day of i's public warning to j (−1: none), remembered harm H from j, today's pending
  shock, the product of today's signals, and the chances of at least one slip while their dyad
  holds rung 3, rung 4 or war (set on day 0: they depend on the scenario only). A pair's fields
  sit side by side, as a phase reads them (actor by actor, opponent by opponent).

A phase reads and writes through the accessors: `S[pair_at(n, i, j, P_HOST)]`. Python code (the
Mesa model, its agents, tests) reads the same vector through `views`: named numpy views
(`views(S, n).pair[i, j, P_HOST]`). To add a state variable, append a field to its block's list
(`A_*`, `D_*` or `P_*`) and raise the block's count (`N_*_STATE`): every offset follows. A new
block (say, per actor and type) gets an offset function after the last block's, an accessor and
a view. The scratch of a decision is one vector too: the options' columns (`O_*`, MAX_OPTIONS
each) and the strategic rule's context rows (`context_at`).

The challenger is actor 0; every other actor is on the other side, so the dyads are the pairs
(0, k), k ≥ 1, and an actor's opponents are 0 (for k ≥ 1) or every k ≥ 1 (for 0).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit
from numba.core import config
from numba.extending import intrinsic

from sim.model.ladder import Action
from sim.model.outcomes import N_DYAD_METRICS, N_METRICS, N_ROADS, Event
from sim.model.scenario import MAX_ACTORS, DecisionRule, Mechanisms, Role, Scenario, World

jit = njit(cache=True, error_model="numpy")
helper = njit(cache=True, error_model="numpy", inline="always")  # small: inlined where called
# A phase is called once a day per actor; inlined into the ensemble's day, it costs no call
# (its arguments are a dozen arrays); the Mesa engine calls its own compiled copy.
phase = njit(cache=True, error_model="numpy", inline="always")


@intrinsic
def unowned(typingctx, array):
    """A view of `array` with a null meminfo: numba's reference counts of it become visibly
    void, and LLVM drops them (numba's reference-count pruning removes every count on null)."""

    def codegen(context, builder, signature, args):
        source = context.make_array(signature.args[0])(context, builder, args[0])
        view = context.make_array(signature.return_type)(context, builder)
        context.populate_array(
            view,
            data=source.data,
            shape=source.shape,
            strides=source.strides,
            itemsize=source.itemsize,
            meminfo=None,
        )
        return view._getvalue()

    return array(array), codegen


if config.DISABLE_JIT:  # the phases run as plain Python (tests that record draws): no views

    def unowned(array):
        """The array itself (numba is off: nothing counts references)."""
        return array


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
LETHALITY, FORCE_LETHALITY = _W["incident_lethality"], _W["force_lethality"]
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

# State layout (see the module's docstring): the fields of each block...
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
# ... and where the blocks start: the fixed ones first, then those sized by n.
METRICS = 0
DIVERGED = METRICS + N_METRICS
ACTORS = DIVERGED + N_ROADS
NO_ONE = -1.0
# Actions and events as plain ints: numba stores no enum member into a float array.
HOLD, DEESCALATE, WARN, MOBILISE, PROBE, STRIKE, ATTACK, WITHDRAW, NUCLEAR = (
    a.value for a in Action
)
# The scratch of one decision (`new_scratch`): columns of MAX_OPTIONS options, one after the
# other (utility, action, target, the utilities of the twins without warnings' audience costs
# and without the face of holding after harm, under the strategic rule the utilities of the two
# types an opponent reasons about, and a copy of the utilities), then the strategic rule's
# context rows, per opponent, for the run and for the warnings twin (`context_at`), then the
# day's joiners of an attack by the challenger, per target, with and without warnings
# (`joined_at`: a flag that they are known today, Σ J, Σ J·F̃, F_join).
MAX_OPTIONS = 2 + 7 * (MAX_ACTORS - 1)
O_UTILITY, O_ACTION, O_TARGET, O_WARNINGS, O_FACE, O_HIGH, O_LOW, O_SAVED = (
    k * MAX_OPTIONS for k in range(8)
)
CONTEXT = 8 * MAX_OPTIONS
CONTEXT_WIDTH = 24  # what the strategic rule knows of each opponent (sim.model.strategic)
JOINED = CONTEXT + 2 * MAX_ACTORS * CONTEXT_WIDTH
JOINED_WIDTH = 4
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


# ---------------------------------------------------------------------------- the state


@helper
def _dyads(n):
    return ACTORS + n * N_ACTOR_STATE


@helper
def _dyad_metrics(n):
    return _dyads(n) + n * N_DYAD_STATE


@helper
def _pairs(n):
    return _dyad_metrics(n) + n * N_DYAD_METRICS


@helper
def state_size(n):
    """The length of a run's state vector for n actors."""
    return _pairs(n) + n * n * N_PAIR_STATE


@helper
def actor_at(i, field):
    """Where actor i's field A_* is in the state."""
    return ACTORS + i * N_ACTOR_STATE + field


@helper
def dyad_at(n, k, field):
    """Where the field D_* of the dyad challenger–k is in the state."""
    return _dyads(n) + k * N_DYAD_STATE + field


@helper
def dyad_metric_at(n, k, field):
    """Where the metric DM_* of the dyad challenger–k is in the state."""
    return _dyad_metrics(n) + k * N_DYAD_METRICS + field


@helper
def pair_at(n, i, j, field):
    """Where the field P_* of actor i toward actor j is in the state."""
    return _pairs(n) + (i * n + j) * N_PAIR_STATE + field


@jit
def new_state(n):
    """An empty state vector for a run of n actors (filled by `sim.model.day.start`)."""
    return np.zeros(state_size(n))


class StateViews(NamedTuple):
    """Named views of a state vector, for Python code: writes go through to the state."""

    actor: np.ndarray  # [i, A_*]
    pair: np.ndarray  # [i, j, P_*]
    dyad: np.ndarray  # [k, D_*]
    metrics: np.ndarray  # [metric] (sim.model.outcomes)
    dyad_metrics: np.ndarray  # [k, DM_*]
    diverged: np.ndarray  # [road]


def views(state: np.ndarray, n: int) -> StateViews:
    """The blocks of a state vector of n actors as named numpy views (no copy)."""

    def block(start: int, *shape: int) -> np.ndarray:
        return state[start : start + int(np.prod(shape))].reshape(shape)

    return StateViews(
        actor=block(ACTORS, n, N_ACTOR_STATE),
        pair=block(_pairs(n), n, n, N_PAIR_STATE),
        dyad=block(_dyads(n), n, N_DYAD_STATE),
        metrics=block(METRICS, N_METRICS),
        dyad_metrics=block(_dyad_metrics(n), n, N_DYAD_METRICS),
        diverged=block(DIVERGED, N_ROADS),
    )


@helper
def copy_state(source, target):
    """Copy one state vector into another of its size (a twin's fork)."""
    for k in range(source.shape[0]):
        target[k] = source[k]


@jit
def new_scratch():
    """The scratch of one decision: its options' columns (`O_*`) and the strategic rule's
    context rows (`context_at`)."""
    return np.zeros(JOINED + 2 * MAX_ACTORS * JOINED_WIDTH)


@helper
def context_at(twin, m):
    """Where the context row of the m-th opponent starts in the scratch: the run's (twin 0) or
    the warnings twin's (twin 1)."""
    return CONTEXT + (twin * MAX_ACTORS + m) * CONTEXT_WIDTH


@helper
def joined_at(no_warnings, j):
    """Where the day's joiners of an attack by the challenger on j start in the scratch."""
    return JOINED + ((MAX_ACTORS if no_warnings else 0) + j) * JOINED_WIDTH


@jit
def new_log(rows):
    """A day's event log of at most `rows` rows (0: no log, as in the ensemble engine): row 0
    holds the count, rows 1.. the events (`log_rows`)."""
    return np.zeros((rows + 1, LOG_WIDTH))


def log_rows(log: np.ndarray) -> np.ndarray:
    """The events in a day's log, one row each."""
    return log[1 : 1 + int(log[0, 0])]


def clear_log(log: np.ndarray) -> None:
    """Empty a day's log (before the next day)."""
    log[0, 0] = 0.0


@helper
def logging(log):
    """Whether the log has room for events (the ensemble keeps none)."""
    return log.shape[0] > 1


@helper
def write(log, kind, actor, other, v1, v2, v3, v4, v5):
    """Add a row to the day's log, if it keeps one and has room."""
    k = int(log[0, 0]) + 1
    if k < log.shape[0]:
        log[k, 0], log[k, 1], log[k, 2] = kind, actor, other
        log[k, 3], log[k, 4], log[k, 5], log[k, 6], log[k, 7] = v1, v2, v3, v4, v5
        log[0, 0] = k


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
def diverge(S, road, day):
    """Mark the first day on which `road`'s twin would differ from this run."""
    if S[DIVERGED + road] < 0:
        S[DIVERGED + road] = day


@helper
def strength(P, S, k, gain):
    """Actor k's strength F̃ = F·(1 + Γ·mobilised)."""
    return P[k, FORCES] * (1.0 + gain * S[actor_at(k, A_MOBILISED)])
