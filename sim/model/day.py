"""One day of a crisis, phase by phase, for one run: the logic both engines schedule.

The Mesa engine (`sim.model.mesa_model`, `sim.model.agents`) calls the per-actor phases from its
agents with `AgentSet.do` and the theatre phases from the model; the ensemble engine
(`sim.model.ensemble`) calls the same functions in a compiled loop over runs. Each phase only reads
the state, calls rule functions (`sim.model.rules`) and writes the state back; every random number
comes from `sim.model.chance`, keyed by (seed, run, day, stream, slot).

A run's state is a tuple of arrays (`new_state`), so a twin forks by copying it:

- `actor[n, ·]`: troops, deaths, mobilised, today's choice and its target, withdrawal day;
- `pair[·, n, n]`: for i toward j, hostility x, perceived hostility ŷ, belief b that j is
  aggressive, day of i's public warning to j (−1: none), remembered harm H from j, today's
  pending shock and the product of today's signals;
- `dyad[·, n]`: for the dyad challenger–k (row k ≥ 1), its rung, calm days, battle deaths,
  who used force, the offensive under way (attacker, first day) and today's marks;
- the run's metrics and per-dyad metrics (`sim.model.outcomes`) and, per road, the first day on
  which that road's twin differs from the run (−1: not yet).

The challenger is actor 0; every other actor is on the other side, so the dyads are the pairs
(0, k), k ≥ 1, and an actor's opponents are 0 (for k ≥ 1) or every k ≥ 1 (for 0).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from sim.model.chance import Stream, uniform_at
from sim.model.ladder import ACTION_LEVEL, Action
from sim.model.outcomes import (
    DM_ATTACK_DAY,
    DM_BATTLE_DEATHS,
    DM_COMBAT_DAYS,
    DM_MAX_RUNG,
    DM_WAR_DAY,
    N_DYAD_METRICS,
    N_METRICS,
    N_ROADS,
    NEVER,
    Event,
    Road,
    new_dyad_metrics,
    new_metrics,
    note_act,
    note_active,
    note_day,
    note_event,
    note_incident,
)
from sim.model.rules import beliefs, combat, crisis, decisions, hostility, incidents
from sim.model.scenario import MAX_ACTORS, Role, Scenario

jit = njit(cache=True, error_model="numpy")
helper = njit(cache=True, error_model="numpy", inline="always")  # small: inlined where called
# A phase is called once a day per actor; inlined into the ensemble's day, it costs no call
# (its arguments are a dozen arrays); the Mesa engine calls its own compiled copy.
phase = njit(cache=True, error_model="numpy", inline="always")

# Columns of the packed actor parameters (`pack`).
(
    X0, B0, RESOLVE, TAU, KAPPA, RESTRAINT, GRIEVANCE, AUDIENCE, STAKES, FORCES, TROOPS,
    EXPOSURE, TOLERANCE, FRAMING, HARDENING, SOLIDARITY, ARMED, WARNED, GUARANTOR,
) = range(19)  # fmt: skip
# Entries of the packed world vector, in the order of sim.model.scenario.World's fields.
(
    DAYS, PRECISION, ANGER, MOVE_COST, STRIKE_COST, WAR_COST, NUCLEAR_COST, FIRST_STRIKE,
    RETALIATION, HARM_MEMORY, PEACE, SIGNAL_HOSTILE, SIGNAL_RESTRAINT, DETERRENCE, MOB_GAIN,
    HOTLINE, RATE, HARASSMENT, INTENSITY0, OFF_INTENSITY, HARM, BIAS, NOISE, S_MISREAD,
    S_ACCIDENT, S_STRIKE, S_OFFENSIVE, C_MISSTEP, C_STRIKE, C_COMBAT, OFF_DAYS, WAR_DEATHS,
    CALM_DAYS, LOCK_IN, ESCALATION_RUNG,
) = range(35)  # fmt: skip
# Entries of the switch vector, in the order of sim.model.scenario.Mechanisms' fields.
(
    SW_REACTION, SW_FRAMING, SW_MISSTEPS, SW_MISREADING, SW_TRIPWIRE, SW_WARNING, SW_LOCK_IN,
    SW_WITHDRAWAL, SW_RETALIATION, SW_DELIBERATE, SW_BELIEFS, SW_MISPERCEPTION, SW_NOISE,
    SW_DECISIONS,
) = range(14)  # fmt: skip

# State layout.
A_TROOPS, A_DEATHS, A_MOBILISED, A_CHOICE, A_TARGET, A_WITHDRAWN = range(6)
N_ACTOR_STATE = 6
P_HOST, P_PERC, P_BELIEF, P_COMMIT, P_HARM, P_SHOCK, P_SIGNAL = range(7)
N_PAIR_STATE = 7
(
    D_RUNG, D_CALM, D_BATTLE, D_FORCE_C, D_FORCE_K, D_OFF_BY, D_OFF_DAY, D_LEVEL, D_ATTACKED,
    D_FOUGHT, D_DEESC, D_MISREAD,
) = range(12)  # fmt: skip
N_DYAD_STATE = 12
NO_ONE = -1.0
# Actions and events as plain ints: numba stores no enum member into a float array.
HOLD, DEESCALATE, WARN, MOBILISE, PROBE, STRIKE, ATTACK, WITHDRAW, NUCLEAR = (
    a.value for a in Action
)
MAX_OPTIONS = 2 + 7 * (MAX_ACTORS - 1)
# Log rows: kind, actor, other, then five numbers (see sim.analysis.timeline).
LOG_WIDTH = 8
LOG_ACTION = 100  # a decision is logged as LOG_ACTION + its action
LOG_RUNG = 200  # a dyad's rung changed: actor 0, other k, old, new
LOG_MISSTEP, LOG_CULMINATION, LOG_WAR = int(Event.MISSTEP), int(Event.CULMINATION), int(Event.WAR)


def pack(scenario: Scenario) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The scenario as arrays: actor parameters, world vector, switches."""
    params = np.array(
        [
            [
                a.initial_hostility,
                a.initial_belief,
                a.resolve,
                a.threat_perception,
                a.reactivity,
                a.restraint,
                a.grievance,
                a.audience_cost,
                a.stakes,
                a.forces,
                a.troops,
                a.exposure,
                a.casualty_tolerance,
                a.framing,
                a.hardening,
                a.solidarity,
                float(a.nuclear_armed),
                float(a.warned),
                float(a.role == Role.GUARANTOR),
            ]
            for a in scenario.actors
        ],
        dtype=np.float64,
    )
    world = np.array(list(scenario.world.model_dump().values()), dtype=np.float64)
    switches = np.array(list(scenario.mechanisms.model_dump().values()), dtype=np.bool_)
    return params, world, switches


@jit
def new_state(n):
    """Empty state arrays for a run of n actors (filled by `start`)."""
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
    """Scratch arrays for the options of one decision: utilities, actions, targets, and the
    utilities without audience costs (the commitments twin's)."""
    size = MAX_OPTIONS
    return np.zeros(size), np.zeros(size, np.int64), np.zeros(size, np.int64), np.zeros(size)


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
def _write(log, kind, actor, other, v1, v2, v3, v4, v5):
    rows, count = log
    if count[0] < rows.shape[0]:
        k = count[0]
        rows[k, 0], rows[k, 1], rows[k, 2] = kind, actor, other
        rows[k, 3], rows[k, 4], rows[k, 5], rows[k, 6], rows[k, 7] = v1, v2, v3, v4, v5
        count[0] += 1


@helper
def _dyad(i, j):
    """The dyad of a pair: the row of its non-challenger actor."""
    return j if i == 0 else i


@helper
def _opponent_count(i, n):
    return n - 1 if i == 0 else 1


@helper
def _opponent(i, m):
    """i's m-th opponent."""
    return m + 1 if i == 0 else 0


@helper
def _diverge(state, road, day):
    """Mark the first day on which `road`'s twin would differ from this run."""
    if state[5][road] < 0:
        state[5][road] = day


# ---------------------------------------------------------------------------- day 0


@jit
def start(P, W, SW, state):
    """Day 0: hostility and beliefs at their initial values, warnings standing, rungs set."""
    actor, pair, dyad, metrics, dyad_metrics, div = state
    n = P.shape[0]
    actor[:] = 0.0
    pair[:] = 0.0
    dyad[:] = 0.0
    metrics[:] = new_metrics()
    new_dyad_metrics(dyad_metrics)
    div[:] = -1
    pair[P_COMMIT] = NEVER
    pair[P_SIGNAL] = 1.0
    dyad[D_OFF_BY] = NO_ONE
    for i in range(n):
        actor[i, A_TROOPS] = P[i, TROOPS]
        actor[i, A_CHOICE] = HOLD
        actor[i, A_TARGET] = NO_ONE
        actor[i, A_WITHDRAWN] = NEVER
        for m in range(_opponent_count(i, n)):
            j = _opponent(i, m)
            pair[P_HOST, i, j] = P[i, X0]
            pair[P_BELIEF, i, j] = P[i, B0]
            if P[i, WARNED] > 0.0 and SW[SW_WARNING]:
                pair[P_COMMIT, i, j] = 0.0
                dyad[D_RUNG, _dyad(i, j)] = 1.0
                note_event(metrics, Event.WARNING, 0)
                note_act(dyad_metrics, _dyad(i, j), i == 0, 0)
                note_active(dyad_metrics, _dyad(i, j), 0)
    top = 0
    for k in range(1, n):
        dyad_metrics[k, DM_MAX_RUNG] = dyad[D_RUNG, k]
        top = max(top, int(dyad[D_RUNG, k]))
    return note_day(metrics, 0, top)


# ---------------------------------------------------------------------------- actors' phases


@phase
def perceive(i, P, W, SW, state, dkey):
    """Read each opponent's hostility through threat perception (M1)."""
    pair = state[1]
    noise = W[NOISE] if SW[SW_NOISE] else 0.0
    bias = W[BIAS] if SW[SW_MISPERCEPTION] else 0.0
    for m in range(_opponent_count(i, P.shape[0])):
        j = _opponent(i, m)
        u = uniform_at(dkey, Stream.NOISE, i * MAX_ACTORS + j) if noise > 0.0 else 0.5
        pair[P_PERC, i, j] = hostility.perceived_hostility(
            pair[P_HOST, j, i], P[i, TAU], bias, noise, u
        )


@helper
def _strength(P, actor, k, gain):
    return P[k, FORCES] * (1.0 + gain * actor[k, A_MOBILISED])


@phase
def balance(P, W, SW, state, i, j):
    """(p, Σ credibility): i's chance to win against j with the allies j's tripwires would
    bring in, and how many of them (their credibility summed)."""
    actor = state[0]
    gain = W[MOB_GAIN]
    support = 0.0
    wider = 0.0
    if SW[SW_TRIPWIRE] and j != 0:
        for k in range(1, P.shape[0]):
            if k != j:
                cred = combat.credibility(actor[k, A_TROOPS], P[k, RESOLVE], W[DETERRENCE])
                support += cred * _strength(P, actor, k, gain)
                wider += cred
    own, other = _strength(P, actor, i, gain), _strength(P, actor, j, gain)
    return combat.win_probability(own, other, support), wider


@helper
def _option(scratch, count, utility, action, target, free):
    """Add an option; `free` is its utility without audience costs (the commitments twin's)."""
    util, acts, targets, frees = scratch
    util[count], acts[count], targets[count], frees[count] = utility, action, target, free
    return count + 1


@phase
def decide(i, P, W, SW, state, dkey, day, suppress, scratch, log):
    """Choose today's action by quantal response over the menu's expected utilities (brief §3).

    One draw per actor and day (stream DECISION). In a twin with attacks suppressed an attack
    drawn becomes holding; with commitments suppressed backing down costs nothing.
    """
    actor, pair, dyad = state[0], state[1], state[2]
    actor[i, A_CHOICE], actor[i, A_TARGET] = HOLD, NO_ONE
    if not SW[SW_DECISIONS]:
        return
    n = P.shape[0]
    r, V = P[i, RESOLVE], P[i, STAKES]
    h, kappa = W[ANGER], W[MOVE_COST]
    rho = W[RETALIATION] if SW[SW_RETALIATION] else 0.0
    pain = combat.casualty_pain(actor[i, A_DEATHS], P[i, TOLERANCE], r)
    weary = decisions.weariness(pain, r) if SW[SW_WITHDRAWAL] else 0.0
    count = _option(scratch, 0, decisions.hold_utility(), HOLD, -1, decisions.hold_utility())
    worst_backdown = 0.0
    unanswered = 0.0  # the dearest warning whose author, harmed, would back down by holding
    for m in range(_opponent_count(i, n)):
        j = _opponent(i, m)
        d = _dyad(i, j)
        rung = dyad[D_RUNG, d]
        b = pair[P_BELIEF, i, j]
        x = decisions.felt_anger(pair[P_HOST, i, j])
        harm = decisions.felt_harm(pair[P_HARM, i, j])
        committed = SW[SW_WARNING] and pair[P_COMMIT, i, j] >= 0.0
        held = day - pair[P_COMMIT, i, j] if (committed and SW[SW_LOCK_IN]) else 0.0
        backdown = decisions.backdown_cost(P[i, AUDIENCE], committed, held, W[LOCK_IN])
        if suppress & (1 << Road.COMMITMENTS):
            backdown = 0.0
        worst_backdown = max(worst_backdown, backdown)
        if pair[P_HARM, i, j] > 0.5:  # harmed, as for the restraint signal in `act`
            unanswered = max(unanswered, backdown)
        own_offensive = dyad[D_OFF_BY, d] == i
        if rung >= 2.0 or committed:
            u = decisions.deescalate_utility(b, W[PEACE], rung, h, x, kappa, backdown, weary)
            free = decisions.deescalate_utility(b, W[PEACE], rung, h, x, kappa, 0.0, weary)
            count = _option(scratch, count, u, DEESCALATE, j, free)
        if SW[SW_WARNING] and pair[P_COMMIT, i, j] < 0.0:
            u = decisions.warn_utility(b, V, h, x, kappa)
            count = _option(scratch, count, u, WARN, j, u)
        if rung >= 1.0 and actor[i, A_MOBILISED] == 0.0:
            u = decisions.mobilise_utility(b, V, h, x, kappa, r)
            count = _option(scratch, count, u, MOBILISE, j, u)
        # Force needs something within reach: a party to the front, or troops in theatre.
        reach = P[j, GUARANTOR] == 0.0 or actor[j, A_TROOPS] > 0.0
        if reach and rung >= 2.0:
            u = decisions.probe_utility(h, x, rho, harm, kappa, r)
            count = _option(scratch, count, u, PROBE, j, u)
        if reach and rung >= 3.0:
            u = decisions.strike_utility(h, x, rho, harm, W[STRIKE_COST], r, weary)
            count = _option(scratch, count, u, STRIKE, j, u)
        attack = reach and SW[SW_DELIBERATE] and not own_offensive and P[i, FORCES] > 0.0
        nuclear = P[i, ARMED] > 0.0 and rung >= 5.0
        win = wider = 0.0
        if attack or nuclear:  # the balance of forces, once for both options
            win, wider = balance(P, W, SW, state, i, j)
        if attack:
            u = decisions.attack_utility(
                win, V, W[FIRST_STRIKE], b, h, x, W[WAR_COST], r, wider, weary
            )
            count = _option(scratch, count, u, ATTACK, j, u)
        if nuclear:
            u = decisions.nuclear_utility(win, V, h, x, W[NUCLEAR_COST])
            count = _option(scratch, count, u, NUCLEAR, j, u)
    if SW[SW_WITHDRAWAL] and actor[i, A_TROOPS] > 0.0:
        u = decisions.withdraw_utility(pain, r, V, kappa, worst_backdown)
        free = decisions.withdraw_utility(pain, r, V, kappa, 0.0)
        count = _option(scratch, count, u, WITHDRAW, -1, free)
    util, acts, targets, frees = scratch
    util[0] = decisions.hold_utility() - unanswered
    # The commitments twin is this run until the first choice that audience costs decide:
    # the same draw over the utilities without them (computed as the twin computes them)
    # picks another option.
    faced = suppress == 0 and worst_backdown > 0.0 and state[5][Road.COMMITMENTS] < 0
    u = uniform_at(dkey, Stream.DECISION, i)
    if faced:
        other = decisions.quantal_choice(frees, count, W[PRECISION], u)
    k = decisions.quantal_choice(util, count, W[PRECISION], u)
    if faced and (acts[other] != acts[k] or targets[other] != targets[k]):
        _diverge(state, Road.COMMITMENTS, day)
    choice, target = acts[k], targets[k]
    if choice == ATTACK:
        _diverge(state, Road.ATTACKS, day)
        if suppress & (1 << Road.ATTACKS):
            choice, target = HOLD, -1
    actor[i, A_CHOICE], actor[i, A_TARGET] = choice, target
    if choice != HOLD and log[0].shape[0] > 0:  # the ensemble keeps no log: skip its numbers
        j = target if target >= 0 else 0
        win, wider = balance(P, W, SW, state, i, j) if target >= 0 else (0.0, 0.0)
        face = worst_backdown
        if target >= 0 and SW[SW_WARNING] and pair[P_COMMIT, i, j] >= 0.0:
            held = day - pair[P_COMMIT, i, j] if SW[SW_LOCK_IN] else 0.0
            face = decisions.backdown_cost(P[i, AUDIENCE], True, held, W[LOCK_IN])
        elif target >= 0:
            face = 0.0
        _write(
            log, LOG_ACTION + choice, i, target, pair[P_BELIEF, i, j], pair[P_HOST, i, j],
            win, wider, face,
        )  # fmt: skip


@jit
def _signal(P, W, SW, state, observer, about, ratio):
    """`observer` sees `about` send a signal of likelihood ratio `ratio`, and its allies see it
    at their solidarity's share (beliefs move at the end of the day; M11)."""
    pair = state[1]
    for k in range(P.shape[0]):
        if k == about or (k == 0) != (observer == 0):
            continue  # only the observer's side reads signals about `about`
        share = 1.0 if k == observer else P[k, SOLIDARITY]
        tau = P[k, TAU] if SW[SW_MISPERCEPTION] else 0.0
        seen = beliefs.shared_likelihood(beliefs.perceived_likelihood(ratio, tau, W[BIAS]), share)
        pair[P_SIGNAL, k, about] *= seen


@jit
def _shock(P, state, victim, source, size, harmful):
    """The victim feels the shock in full, its allies σ of it; a harm read as deliberate is
    remembered (H, the motive to retaliate) at the same shares."""
    pair = state[1]
    for k in range(P.shape[0]):
        if k == source or (k == 0) != (victim == 0):
            continue
        share = 1.0 if k == victim else P[k, SOLIDARITY]
        pair[P_SHOCK, k, source] += hostility.felt_shock(size, P[k, RESOLVE], share)
        if harmful:
            pair[P_HARM, k, source] += share


@phase
def act(i, P, W, SW, state, dkey, day, log):
    """Carry out today's choice: warnings commit, strikes and attacks hurt, de-escalation and
    withdrawal signal restraint; every move marks its dyad's level for the day (brief §3)."""
    actor, pair, dyad, metrics, dyad_metrics = state[0], state[1], state[2], state[3], state[4]
    choice, j = int(actor[i, A_CHOICE]), int(actor[i, A_TARGET])
    d = 0
    if j >= 0:
        d = _dyad(i, j)
        dyad[D_LEVEL, d] = max(dyad[D_LEVEL, d], ACTION_LEVEL[choice])
        if ACTION_LEVEL[choice] > 0:
            note_act(dyad_metrics, d, i == 0, day)
    if choice == HOLD:
        for m in range(_opponent_count(i, P.shape[0])):
            o = _opponent(i, m)
            if pair[P_HARM, i, o] > 0.5:  # holding back although harmed: a costly signal
                _signal(P, W, SW, state, o, i, W[SIGNAL_RESTRAINT])
    elif choice == WARN:
        pair[P_COMMIT, i, j] = day
        note_event(metrics, Event.WARNING, day)
    elif choice == MOBILISE:
        actor[i, A_MOBILISED] = 1.0
        note_event(metrics, Event.MOBILISATION, day)
    elif choice == PROBE:
        pair[P_SHOCK, j, i] += hostility.felt_shock(W[S_ACCIDENT], P[j, RESOLVE], 1.0)
        _signal(P, W, SW, state, j, i, 1.0 + (W[SIGNAL_HOSTILE] - 1.0) / 4.0)
        note_event(metrics, Event.HARASSMENT, day)
    elif choice == STRIKE:
        deaths = combat.casualty_count(W[C_STRIKE], uniform_at(dkey, Stream.STRIKE_CASUALTIES, i))
        actor[j, A_DEATHS] += deaths
        dyad[D_BATTLE, d] += deaths
        dyad_metrics[d, DM_BATTLE_DEATHS] += deaths
        dyad[D_FORCE_C if i == 0 else D_FORCE_K, d] = 1.0
        dyad[D_FOUGHT, d] = 1.0
        _shock(P, state, j, i, W[S_STRIKE], True)
        _signal(P, W, SW, state, j, i, W[SIGNAL_HOSTILE])
        note_event(metrics, Event.STRIKE, day)
    elif choice == ATTACK:
        dyad[D_OFF_BY, d], dyad[D_OFF_DAY, d] = i, day
        dyad[D_ATTACKED, d] = 1.0
        dyad[D_FORCE_C, d] = dyad[D_FORCE_K, d] = 1.0  # the attacked defend themselves
        note_act(dyad_metrics, d, j == 0, day)
        if dyad_metrics[d, DM_ATTACK_DAY] < 0:
            dyad_metrics[d, DM_ATTACK_DAY] = day
        _shock(P, state, j, i, W[S_OFFENSIVE], True)
        _signal(P, W, SW, state, j, i, W[SIGNAL_HOSTILE] * W[SIGNAL_HOSTILE])
        note_event(metrics, Event.ATTACK, day)
    elif choice == DEESCALATE:
        dyad[D_DEESC, d] += 1.0  # both sides offering the same day make a ceasefire
        pair[P_COMMIT, i, j] = NEVER  # backed down: the warning no longer stands
        _signal(P, W, SW, state, j, i, W[SIGNAL_RESTRAINT])
        note_event(metrics, Event.DEESCALATION, day)
    elif choice == WITHDRAW:
        actor[i, A_TROOPS] = 0.0
        actor[i, A_WITHDRAWN] = day
        for m in range(_opponent_count(i, P.shape[0])):
            o = _opponent(i, m)
            pair[P_COMMIT, i, o] = NEVER
            _signal(P, W, SW, state, o, i, W[SIGNAL_RESTRAINT] * W[SIGNAL_RESTRAINT])
        note_event(metrics, Event.WITHDRAWAL, day)
    elif choice == NUCLEAR:
        note_event(metrics, Event.NUCLEAR, day)


# ---------------------------------------------------------------------------- the theatre


@jit
def offensive_on(dyad):
    """Whether any offensive is under way in the theatre."""
    for k in range(1, dyad.shape[1]):  # noqa: SIM110 - a loop compiles to less than any()
        if dyad[D_OFF_BY, k] >= 0.0:
            return True
    return False


@phase
def fight(P, W, SW, state, dkey, day, log):
    """Each offensive under way costs both sides battle deaths, then may culminate (brief §4)."""
    actor, dyad, metrics = state[0], state[2], state[3]
    for k in range(1, P.shape[0]):
        if dyad[D_OFF_BY, k] < 0.0:
            continue
        attacker = int(dyad[D_OFF_BY, k])
        defender = k if attacker == 0 else 0
        total = combat.casualty_count(W[C_COMBAT], uniform_at(dkey, Stream.COMBAT, k))
        gain = W[MOB_GAIN]
        share = combat.attacker_share(
            _strength(P, actor, attacker, gain), _strength(P, actor, defender, gain)
        )
        lost = np.floor(total * share)
        actor[attacker, A_DEATHS] += lost
        actor[defender, A_DEATHS] += total - lost
        dyad[D_BATTLE, k] += total
        state[4][k, DM_BATTLE_DEATHS] += total
        dyad[D_FOUGHT, k] = 1.0
        if day - dyad[D_OFF_DAY, k] + 1.0 >= W[OFF_DAYS]:
            dyad[D_OFF_BY, k] = NO_ONE
            note_event(metrics, Event.CULMINATION, day)
            _write(log, LOG_CULMINATION, attacker, defender, dyad[D_BATTLE, k], 0, 0, 0, 0)


@phase
def suffer_incidents(v, P, W, SW, state, dkey, day, suppress, log):
    """Incidents strike v where its forces meet each opponent's, with a hazard that grows with
    exposure, troops in contact, fighting and harassment (M3); v reads each as an accident or
    a deliberate attack (M4)."""
    if not SW[SW_MISSTEPS] or suppress & (1 << Road.MISSTEPS):
        return
    actor, dyad, metrics = state[0], state[2], state[3]
    war_on = offensive_on(dyad)
    harm = W[HARM] if (war_on and SW[SW_TRIPWIRE]) else 1.0
    intensity = incidents.front_intensity(W[INTENSITY0], war_on, W[OFF_INTENSITY])
    for m in range(_opponent_count(v, P.shape[0])):
        j = _opponent(v, m)
        slot = v * MAX_ACTORS + j
        # Incidents happen where the two sides' forces meet: both exposures, both troops.
        exposure = incidents.exposure_of(
            (P[v, EXPOSURE] + P[j, EXPOSURE]) / 2.0, actor[v, A_TROOPS] + actor[j, A_TROOPS], harm
        )
        if exposure <= 0.0:
            continue
        harassed = actor[j, A_CHOICE] == PROBE and actor[j, A_TARGET] == v
        factor = W[HARASSMENT] if harassed else 1.0
        chance = incidents.incident_probability(W[RATE], intensity, exposure, factor)
        if uniform_at(dkey, Stream.MISSTEP, slot) >= chance:
            continue
        _diverge(state, Road.MISSTEPS, day)
        deaths = combat.casualty_count(
            W[C_MISSTEP], uniform_at(dkey, Stream.MISSTEP_CASUALTIES, slot)
        )
        actor[v, A_DEATHS] += deaths
        note_incident(state[4], _dyad(v, j), day, deaths)
        misread = False
        if SW[SW_MISREADING]:
            chance = incidents.misread_probability(P[v, TAU], W[HOTLINE])
            misread = uniform_at(dkey, Stream.MISREAD, slot) < chance
            if misread:
                _diverge(state, Road.MISREADING, day)
                if suppress & (1 << Road.MISREADING):
                    misread = False
        shock = incidents.incident_shock(misread, deaths, W[C_MISSTEP], W[S_MISREAD], W[S_ACCIDENT])
        _shock(P, state, v, j, shock, misread)
        if misread:
            _signal(P, W, SW, state, v, j, W[SIGNAL_HOSTILE])
            d = _dyad(v, j)
            dyad[D_LEVEL, d] = max(dyad[D_LEVEL, d], 3.0)  # read as harassment: one rung
            dyad[D_MISREAD, d] = 1.0
            note_event(metrics, Event.MISREAD, day)
        note_event(metrics, Event.MISSTEP, day)
        _write(log, LOG_MISSTEP, v, j, deaths, misread, 0, 0, 0)


@phase
def update_beliefs(i, P, W, SW, state):
    """Bayes' rule on the day's signals about each opponent (Kydd 2005; M11)."""
    pair = state[1]
    for m in range(_opponent_count(i, P.shape[0])):
        j = _opponent(i, m)
        if SW[SW_BELIEFS]:
            pair[P_BELIEF, i, j] = beliefs.bayes_update(pair[P_BELIEF, i, j], pair[P_SIGNAL, i, j])
        pair[P_SIGNAL, i, j] = 1.0


@phase
def update_hostility(i, P, W, SW, state):
    """Richardson's update toward each opponent with framing, warnings and the day's shocks
    (M1, M2, M6); remembered harm fades."""
    actor, pair = state[0], state[1]
    reaction = (
        hostility.reaction_coefficient(P[i, KAPPA], P[i, RESOLVE]) if SW[SW_REACTION] else 0.0
    )
    for m in range(_opponent_count(i, P.shape[0])):
        j = _opponent(i, m)
        framing = 0.0
        if SW[SW_FRAMING]:
            framing = hostility.framing_grievance(P[i, FRAMING], actor[j, A_TROOPS])
        hardening = 0.0
        if SW[SW_WARNING]:
            hardening = hostility.hardening_grievance(
                P[i, HARDENING], 1.0 if pair[P_COMMIT, j, i] >= 0.0 else 0.0
            )
        grievance = P[i, GRIEVANCE] + framing + hardening + pair[P_SHOCK, i, j]
        pair[P_HOST, i, j] = hostility.richardson_step(
            pair[P_HOST, i, j], reaction, pair[P_PERC, i, j], P[i, RESTRAINT], grievance
        )
        pair[P_SHOCK, i, j] = 0.0
        pair[P_HARM, i, j] *= W[HARM_MEMORY]


@phase
def settle(P, W, SW, state, day, log):
    """Each dyad's rung: climbs by the day's moves, war once reciprocal combat has cost W battle
    deaths, one rung down after D_c calm days (brief §4). Returns True if the run ended."""
    dyad, metrics, dyad_metrics = state[2], state[3], state[4]
    top = 0
    for k in range(1, P.shape[0]):
        old = dyad[D_RUNG, k]
        rung = crisis.climb(old, dyad[D_LEVEL, k], dyad[D_ATTACKED, k] > 0.0)
        fought = dyad[D_FOUGHT, k] > 0.0
        if fought:
            dyad_metrics[k, DM_COMBAT_DAYS] += 1.0
        reciprocal = dyad[D_FORCE_C, k] > 0.0 and dyad[D_FORCE_K, k] > 0.0
        # War is reached from combat (rung 4) held since yesterday, or by an attack today:
        # never two rungs in a day without an attack decision.
        from_combat = old >= 4.0 or dyad[D_ATTACKED, k] > 0.0
        battle = dyad[D_BATTLE, k]
        if (
            fought
            and from_combat
            and rung < 5.0
            and combat.is_war(battle, W[WAR_DEATHS], reciprocal)
        ):
            rung = 5.0
            if dyad_metrics[k, DM_WAR_DAY] < 0:
                dyad_metrics[k, DM_WAR_DAY] = day
            note_event(metrics, Event.WAR, day)
            _write(log, LOG_WAR, 0, k, dyad[D_BATTLE, k], 0, 0, 0, 0)
        quiet = (
            dyad[D_LEVEL, k] == 0.0
            and not fought
            and dyad[D_OFF_BY, k] < 0.0
            and dyad[D_MISREAD, k] == 0.0
        )
        if not quiet:
            note_active(dyad_metrics, k, day)
        if dyad[D_DEESC, k] >= 2.0 and dyad[D_OFF_BY, k] >= 0.0:
            dyad[D_OFF_BY, k] = NO_ONE  # a ceasefire halts the offensive
            note_event(metrics, Event.CEASEFIRE, day)
        calm = crisis.calm_days_after(dyad[D_CALM, k], quiet, dyad[D_DEESC, k] > 0.0)
        settled = crisis.settled_rung(rung, calm, W[CALM_DAYS])
        if settled < rung:
            calm = 0.0
        dyad[D_CALM, k] = calm
        dyad[D_RUNG, k] = settled
        if settled < 4.0:  # combat has died down: a later war is a new episode (brief §4)
            dyad[D_BATTLE, k] = dyad[D_FORCE_C, k] = dyad[D_FORCE_K, k] = 0.0
        if settled != old:
            _write(log, LOG_RUNG, 0, k, old, settled, 0, 0, 0)
        dyad_metrics[k, DM_MAX_RUNG] = max(dyad_metrics[k, DM_MAX_RUNG], settled)
        dyad[D_LEVEL, k] = dyad[D_ATTACKED, k] = dyad[D_FOUGHT, k] = 0.0
        dyad[D_DEESC, k] = dyad[D_MISREAD, k] = 0.0
        top = max(top, int(settled))
    return note_day(metrics, day, top)
