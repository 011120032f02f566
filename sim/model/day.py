"""One day of a crisis, phase by phase, for one run: the logic both engines schedule.

The Mesa engine (`sim.model.mesa_model`, `sim.model.agents`) calls the per-actor phases from
its agents with `AgentSet.do` and the theatre phases from the model; the ensemble engine
(`sim.model.ensemble`) calls the same functions in a compiled loop over runs. Each phase only
reads the state (laid out in `sim.model.state`), calls rule functions (`sim.model.rules`) and
writes the state back; every random number comes from `sim.model.chance`, keyed by (seed, run,
day, stream, slot). The day's decision is the strategic rule's (`sim.model.strategic`) or the
myopic one's (`sim.model.myopic`), as the world says; both end in `sim.model.choice`.
"""

from __future__ import annotations

import numpy as np

from sim.model import myopic, strategic
from sim.model.chance import Stream, day_key, uniform_at
from sim.model.ladder import ACTION_LEVEL
from sim.model.outcomes import (
    DM_ATTACK_DAY,
    DM_BATTLE_DEATHS,
    DM_COMBAT_DAYS,
    DM_MAX_RUNG,
    DM_SETTLED,
    DM_WAR_DAY,
    DM_WAR_END,
    HOSTILITY_LIMIT,
    N_DYAD_METRICS,
    N_METRICS,
    N_ROADS,
    NEVER,
    RUNAWAY,
    TERMINATED,
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
from sim.model.rules import beliefs, combat, crisis, hostility, incidents, risk, types
from sim.model.scenario import MAX_ACTORS
from sim.model.state import (
    A_CHOICE,
    A_DEATHS,
    A_MOBILISED,
    A_RESOLVE,
    A_SIGNAL,
    A_TARGET,
    A_TROOPS,
    A_WITHDRAWN,
    ARMED,
    ATTACK,
    B0,
    BIAS,
    BY_CHALLENGER,
    BY_OTHER,
    C_COMBAT,
    C_MISSTEP,
    C_STRIKE,
    CALM_DAYS,
    D_ATTACKED,
    D_BATTLE,
    D_CALM,
    D_DEESC,
    D_FORCE_C,
    D_FORCE_K,
    D_FOUGHT,
    D_LEVEL,
    D_MISREAD,
    D_OFF_BY,
    D_OFF_DAY,
    D_RUNG,
    D_SETTLED,
    DEESCALATE,
    DIVERGED,
    EXPOSURE,
    FORCE_LETHALITY,
    FRAMING,
    GRIEVANCE,
    HARASSMENT,
    HARDENING,
    HARM,
    HARM_MEMORY,
    HOLD,
    HOTLINE,
    INTENSITY0,
    KAPPA,
    LETHALITY,
    LOG_CULMINATION,
    LOG_MISSTEP,
    LOG_RUNG,
    LOG_SLIP,
    LOG_WAR,
    METRICS,
    MOB_GAIN,
    MOBILISE,
    NO_ONE,
    NOISE,
    NUCLEAR,
    NUCLEAR_SLIP,
    NUCLEAR_SLIP_FACTOR,
    OFF_DAYS,
    OFF_INTENSITY,
    P_BELIEF,
    P_COMMIT,
    P_HARM,
    P_HOST,
    P_PERC,
    P_RISK3,
    P_RISK4,
    P_RISK_WAR,
    P_SHOCK,
    P_SIGNAL,
    PROBE,
    RATE,
    RESOLVE,
    RESTRAINT,
    RULE,
    S_ACCIDENT,
    S_MISREAD,
    S_OFFENSIVE,
    S_STRIKE,
    SIGNAL_HOSTILE,
    SIGNAL_RESTRAINT,
    SLIP_GROWTH,
    SLIP_RATE,
    SOLIDARITY,
    SPREAD,
    STRATEGIC,
    STRIKE,
    SW_BELIEFS,
    SW_DECISIONS,
    SW_FRAMING,
    SW_MISPERCEPTION,
    SW_MISREADING,
    SW_MISSTEPS,
    SW_NOISE,
    SW_REACTION,
    SW_SLIPS,
    SW_TERMINATION,
    SW_TRIPWIRE,
    SW_TYPES,
    SW_WARNING,
    TAU,
    TROOPS,
    WAR_DEATHS,
    WARN,
    WARNED,
    WITHDRAW,
    X0,
    actor_at,
    diverge,
    dyad_at,
    dyad_metric_at,
    dyad_of,
    helper,
    jit,
    opponent,
    opponent_count,
    pair_at,
    phase,
    strength,
    write,
)  # fmt: skip

# ---------------------------------------------------------------------------- day 0


@helper
def _nuclear_sides(P, i, j):
    """How many sides of the dyad of i and j are nuclear-armed (0, 1 or 2)."""
    return (1 if P[i, ARMED] > 0.0 else 0) + (1 if P[j, ARMED] > 0.0 else 0)


@jit
def slip_factors(P, W, SW, i, j):
    """(F₃, F₄, F_war): the chance of at least one slip while a rung is held, at rungs 3 and 4
    for D_c days and in war for Dₒ days (Powell 1990); each times its cost is the rung's risk."""
    if not SW[SW_SLIPS]:
        return 0.0, 0.0, 0.0
    nuclear = _nuclear_sides(P, i, j)
    base, growth, factor = W[SLIP_RATE], W[SLIP_GROWTH], W[NUCLEAR_SLIP_FACTOR]
    f3 = risk.risk_cost(risk.slip_chance(3, base, growth, factor, nuclear), W[CALM_DAYS], 1.0)
    f4 = risk.risk_cost(risk.slip_chance(4, base, growth, factor, nuclear), W[CALM_DAYS], 1.0)
    at_war = risk.nuclear_slip_chance(W[NUCLEAR_SLIP], nuclear, True)
    return f3, f4, risk.risk_cost(at_war, W[OFF_DAYS], 1.0)


@jit
def start(P, W, SW, S, key):
    """Day 0: each actor's resolve drawn for the crisis (stream TYPE), hostility and beliefs at
    their initial values, warnings standing, rungs set."""
    n = P.shape[0]
    for k in range(S.shape[0]):
        S[k] = 0.0
    fresh = new_metrics()
    for m in range(N_METRICS):
        S[METRICS + m] = fresh[m]
    fresh_dyads = np.empty((n, N_DYAD_METRICS))
    new_dyad_metrics(fresh_dyads)
    for k in range(n):
        for f in range(N_DYAD_METRICS):
            S[dyad_metric_at(n, k, f)] = fresh_dyads[k, f]
    for road in range(N_ROADS):
        S[DIVERGED + road] = -1.0
    for i in range(n):
        for j in range(n):
            S[pair_at(n, i, j, P_COMMIT)] = NEVER
            S[pair_at(n, i, j, P_SIGNAL)] = 1.0
        S[dyad_at(n, i, D_OFF_BY)] = NO_ONE
    dkey = day_key(key, 0)
    for i in range(n):
        S[actor_at(i, A_TROOPS)] = P[i, TROOPS]
        S[actor_at(i, A_CHOICE)] = HOLD
        S[actor_at(i, A_TARGET)] = NO_ONE
        S[actor_at(i, A_WITHDRAWN)] = NEVER
        S[actor_at(i, A_SIGNAL)] = 1.0
        S[actor_at(i, A_RESOLVE)] = P[i, RESOLVE]
        if SW[SW_TYPES]:
            u = uniform_at(dkey, Stream.TYPE, i)
            S[actor_at(i, A_RESOLVE)] = types.drawn_resolve(P[i, RESOLVE], P[i, SPREAD], u)
        for m in range(opponent_count(i, n)):
            j = opponent(i, m)
            S[pair_at(n, i, j, P_HOST)] = P[i, X0]
            S[pair_at(n, i, j, P_BELIEF)] = P[i, B0]
            risks = slip_factors(P, W, SW, i, j)  # the scenario's, for the whole run
            f3, f4, f_war = risks
            S[pair_at(n, i, j, P_RISK3)] = f3
            S[pair_at(n, i, j, P_RISK4)] = f4
            S[pair_at(n, i, j, P_RISK_WAR)] = f_war
            if P[i, WARNED] > 0.0 and SW[SW_WARNING]:
                d = dyad_of(i, j)
                S[pair_at(n, i, j, P_COMMIT)] = 0.0
                S[dyad_at(n, d, D_RUNG)] = 1.0
                note_event(S, Event.WARNING, 0)
                note_act(S, dyad_metric_at(n, d, 0), i == 0, 0)
                note_active(S, dyad_metric_at(n, d, 0), 0)
    top = 0
    for k in range(1, n):
        S[dyad_metric_at(n, k, DM_MAX_RUNG)] = S[dyad_at(n, k, D_RUNG)]
        top = max(top, int(S[dyad_at(n, k, D_RUNG)]))
    return note_day(S, 0, top)


# ---------------------------------------------------------------------------- actors' phases


@phase
def perceive(i, P, W, SW, S, dkey):
    """Read each opponent's hostility through threat perception (M1)."""
    n = P.shape[0]
    noise = W[NOISE] if SW[SW_NOISE] else 0.0
    bias = W[BIAS] if SW[SW_MISPERCEPTION] else 0.0
    for m in range(opponent_count(i, n)):
        j = opponent(i, m)
        u = uniform_at(dkey, Stream.NOISE, i * MAX_ACTORS + j) if noise > 0.0 else 0.5
        S[pair_at(n, i, j, P_PERC)] = hostility.perceived_hostility(
            S[pair_at(n, j, i, P_HOST)], P[i, TAU], bias, noise, u
        )


@phase
def decide(i, P, W, SW, S, dkey, day, suppress, scratch, log):
    """Choose today's action by the world's decision rule: strategic (types, anticipated
    replies, signals) or myopic (Model 2); both draw once from stream DECISION (brief §3)."""
    S[actor_at(i, A_CHOICE)] = HOLD
    S[actor_at(i, A_TARGET)] = NO_ONE
    if not SW[SW_DECISIONS]:
        return
    if W[RULE] == STRATEGIC:
        strategic.decide(i, P, W, SW, S, dkey, day, suppress, scratch, log)
    else:
        myopic.decide(i, P, W, SW, S, dkey, day, suppress, scratch, log)


@phase
def felt_gain(P, W, k):
    """The resolve that scales how hard k reacts and how much a shock hurts: its own under the
    myopic rule (Model 2); neutral (½) under the strategic one, where resolve weighs costs only."""
    return P[k, RESOLVE] if W[RULE] != STRATEGIC else 0.5


@jit
def _signal(P, W, SW, S, observer, about, ratio):
    """`observer` sees `about` send a signal of likelihood ratio `ratio`, and its allies see it
    at their solidarity's share (beliefs move at the end of the day; M11)."""
    n = P.shape[0]
    for k in range(n):
        if k == about or (k == 0) != (observer == 0):
            continue  # only the observer's side reads signals about `about`
        share = 1.0 if k == observer else P[k, SOLIDARITY]
        tau = P[k, TAU] if SW[SW_MISPERCEPTION] else 0.0
        seen = beliefs.shared_likelihood(beliefs.perceived_likelihood(ratio, tau, W[BIAS]), share)
        S[pair_at(n, k, about, P_SIGNAL)] *= seen


@phase
def _tell(P, W, SW, S, i, j, myopic_ratio):
    """What i's choice tells its opponents: under the strategic rule, the choice's likelihood
    ratio (the target reads it, or every opponent for a posture); under the myopic rule, the
    signal of the action itself (Kydd 2005)."""
    if W[RULE] != STRATEGIC:
        _signal(P, W, SW, S, j, i, myopic_ratio)
        return
    ratio = S[actor_at(i, A_SIGNAL)]
    if j >= 0:
        _signal(P, W, SW, S, j, i, ratio)
        return
    for m in range(opponent_count(i, P.shape[0])):
        _signal(P, W, SW, S, opponent(i, m), i, ratio)


@jit
def _shock(P, W, S, victim, source, size, harmful):
    """The victim feels the shock in full, its allies σ of it; a harm read as deliberate is
    remembered (H, the motive to retaliate) at the same shares."""
    n = P.shape[0]
    for k in range(n):
        if k == source or (k == 0) != (victim == 0):
            continue
        share = 1.0 if k == victim else P[k, SOLIDARITY]
        S[pair_at(n, k, source, P_SHOCK)] += hostility.felt_shock(size, felt_gain(P, W, k), share)
        if harmful:
            S[pair_at(n, k, source, P_HARM)] += share


@phase
def act(i, P, W, SW, S, dkey, day, log):
    """Carry out today's choice: warnings commit, strikes and attacks hurt, de-escalation and
    withdrawal back down; every move marks its dyad's level for the day and tells the
    opponents something about i (brief §3)."""
    n = P.shape[0]
    choice, j = int(S[actor_at(i, A_CHOICE)]), int(S[actor_at(i, A_TARGET)])
    d = 0
    if j >= 0:
        d = dyad_of(i, j)
        S[dyad_at(n, d, D_LEVEL)] = max(S[dyad_at(n, d, D_LEVEL)], ACTION_LEVEL[choice])
        if ACTION_LEVEL[choice] > 0:
            note_act(S, dyad_metric_at(n, d, 0), i == 0, day)
    if choice == HOLD:
        if W[RULE] == STRATEGIC:
            _tell(P, W, SW, S, i, -1, 1.0)
        for m in range(opponent_count(i, n)):
            o = opponent(i, m)
            if S[pair_at(n, i, o, P_HARM)] > 0.5 and W[RULE] != STRATEGIC:
                _signal(P, W, SW, S, o, i, W[SIGNAL_RESTRAINT])  # restraint when harmed
    elif choice == WARN:
        S[pair_at(n, i, j, P_COMMIT)] = day
        if W[RULE] == STRATEGIC:
            _tell(P, W, SW, S, i, j, 1.0)
        note_event(S, Event.WARNING, day)
    elif choice == MOBILISE:
        S[actor_at(i, A_MOBILISED)] = 1.0
        if W[RULE] == STRATEGIC:
            _tell(P, W, SW, S, i, j, 1.0)
        note_event(S, Event.MOBILISATION, day)
    elif choice == PROBE:
        S[pair_at(n, j, i, P_SHOCK)] += hostility.felt_shock(W[S_ACCIDENT], felt_gain(P, W, j), 1.0)
        _tell(P, W, SW, S, i, j, 1.0 + (W[SIGNAL_HOSTILE] - 1.0) / 4.0)
        note_event(S, Event.HARASSMENT, day)
    elif choice == STRIKE:
        deaths = combat.force_deaths(
            W[C_STRIKE], W[FORCE_LETHALITY], uniform_at(dkey, Stream.STRIKE_CASUALTIES, i)
        )
        S[actor_at(j, A_DEATHS)] += deaths
        S[dyad_at(n, d, D_BATTLE)] += deaths
        S[dyad_metric_at(n, d, DM_BATTLE_DEATHS)] += deaths
        S[dyad_at(n, d, D_FORCE_C if i == 0 else D_FORCE_K)] = 1.0
        S[dyad_at(n, d, D_FOUGHT)] = 1.0
        _shock(P, W, S, j, i, W[S_STRIKE], True)
        _tell(P, W, SW, S, i, j, W[SIGNAL_HOSTILE])
        note_event(S, Event.STRIKE, day)
    elif choice == ATTACK:
        S[dyad_at(n, d, D_OFF_BY)], S[dyad_at(n, d, D_OFF_DAY)] = i, day
        S[dyad_at(n, d, D_ATTACKED)] = 1.0
        # the attacked defend themselves
        S[dyad_at(n, d, D_FORCE_C)] = S[dyad_at(n, d, D_FORCE_K)] = 1.0
        note_act(S, dyad_metric_at(n, d, 0), j == 0, day)
        if S[dyad_metric_at(n, d, DM_ATTACK_DAY)] < 0:
            S[dyad_metric_at(n, d, DM_ATTACK_DAY)] = day
        _shock(P, W, S, j, i, W[S_OFFENSIVE], True)
        _tell(P, W, SW, S, i, j, W[SIGNAL_HOSTILE] * W[SIGNAL_HOSTILE])
        note_event(S, Event.ATTACK, day)
    elif choice == DEESCALATE:
        # flags: 3 when both offer
        S[dyad_at(n, d, D_DEESC)] += BY_CHALLENGER if i == 0 else BY_OTHER
        S[pair_at(n, i, j, P_COMMIT)] = NEVER  # backed down: the warning no longer stands
        _tell(P, W, SW, S, i, j, W[SIGNAL_RESTRAINT])
        note_event(S, Event.DEESCALATION, day)
    elif choice == WITHDRAW:
        S[actor_at(i, A_TROOPS)] = 0.0
        S[actor_at(i, A_WITHDRAWN)] = day
        for m in range(opponent_count(i, n)):
            o = opponent(i, m)
            S[pair_at(n, i, o, P_COMMIT)] = NEVER
            if W[RULE] != STRATEGIC:
                _signal(P, W, SW, S, o, i, W[SIGNAL_RESTRAINT] * W[SIGNAL_RESTRAINT])
        if W[RULE] == STRATEGIC:
            _tell(P, W, SW, S, i, -1, 1.0)
        note_event(S, Event.WITHDRAWAL, day)
    elif choice == NUCLEAR:
        note_event(S, Event.NUCLEAR, day)


# ---------------------------------------------------------------------------- the theatre


@jit
def offensive_on(P, S):
    """Whether any offensive is under way in the theatre."""
    n = P.shape[0]
    for k in range(1, n):  # noqa: SIM110 - a loop compiles to less than any()
        if S[dyad_at(n, k, D_OFF_BY)] >= 0.0:
            return True
    return False


@phase
def fight(P, W, SW, S, dkey, day, log):
    """Each offensive under way costs both sides battle deaths, then may culminate (brief §4)."""
    n = P.shape[0]
    for k in range(1, n):
        if S[dyad_at(n, k, D_OFF_BY)] < 0.0:
            continue
        attacker = int(S[dyad_at(n, k, D_OFF_BY)])
        defender = k if attacker == 0 else 0
        total = combat.casualty_count(W[C_COMBAT], uniform_at(dkey, Stream.COMBAT, k))
        gain = W[MOB_GAIN]
        share = combat.attacker_share(
            strength(P, S, attacker, gain), strength(P, S, defender, gain)
        )
        lost = np.floor(total * share)
        S[actor_at(attacker, A_DEATHS)] += lost
        S[actor_at(defender, A_DEATHS)] += total - lost
        S[dyad_at(n, k, D_BATTLE)] += total
        S[dyad_metric_at(n, k, DM_BATTLE_DEATHS)] += total
        S[dyad_at(n, k, D_FOUGHT)] = 1.0
        if day - S[dyad_at(n, k, D_OFF_DAY)] + 1.0 >= W[OFF_DAYS]:
            S[dyad_at(n, k, D_OFF_BY)] = NO_ONE
            note_event(S, Event.CULMINATION, day)
            write(log, LOG_CULMINATION, attacker, defender, S[dyad_at(n, k, D_BATTLE)], 0, 0, 0, 0)


@phase
def slip(P, W, SW, S, dkey, day, suppress, log):
    """Each dyad at rung 3 or 4 may slip out of anyone's control (a clash, or a day of battle,
    nobody ordered), and a war with a nuclear-armed state may go nuclear unbidden: the risk
    left to chance (Schelling 1960; Powell 1990; Sagan 1993)."""
    if not SW[SW_SLIPS] or suppress & (1 << Road.SLIPS):
        return
    n = P.shape[0]
    for k in range(1, n):
        rung = S[dyad_at(n, k, D_RUNG)]
        nuclear = _nuclear_sides(P, 0, k)
        if rung >= 5.0:
            chance = risk.nuclear_slip_chance(W[NUCLEAR_SLIP], nuclear, True)
        else:
            chance = risk.slip_chance(
                rung, W[SLIP_RATE], W[SLIP_GROWTH], W[NUCLEAR_SLIP_FACTOR], nuclear
            )
        if chance <= 0.0 or uniform_at(dkey, Stream.SLIP, k) >= chance:
            continue
        diverge(S, Road.SLIPS, day)
        note_event(S, Event.SLIP, day)
        if rung >= 5.0:
            S[dyad_at(n, k, D_LEVEL)] = 6.0  # nuclear use nobody chose
            note_event(S, Event.NUCLEAR, day)
            write(log, LOG_SLIP, 0, k, 0, rung, 1, 0, 0)
            continue
        mean = W[C_STRIKE] if rung < 4.0 else W[C_COMBAT]
        total = combat.force_deaths(
            mean, W[FORCE_LETHALITY], uniform_at(dkey, Stream.SLIP_CASUALTIES, k)
        )
        half = np.floor(total / 2.0)
        S[actor_at(0, A_DEATHS)] += half
        S[actor_at(k, A_DEATHS)] += total - half
        S[dyad_at(n, k, D_BATTLE)] += total
        S[dyad_metric_at(n, k, DM_BATTLE_DEATHS)] += total
        S[dyad_at(n, k, D_FORCE_C)] = S[dyad_at(n, k, D_FORCE_K)] = 1.0
        S[dyad_at(n, k, D_FOUGHT)] = 1.0
        S[dyad_at(n, k, D_LEVEL)] = max(S[dyad_at(n, k, D_LEVEL)], 4.0)
        note_act(S, dyad_metric_at(n, k, 0), True, day)  # both sides' forces fired
        note_act(S, dyad_metric_at(n, k, 0), False, day)
        _shock(P, W, S, k, 0, W[S_STRIKE], True)
        _shock(P, W, S, 0, k, W[S_STRIKE], True)
        write(log, LOG_SLIP, 0, k, total, rung, 0, 0, 0)


@phase
def suffer_incidents(v, P, W, SW, S, dkey, day, suppress, log):
    """Incidents strike v where its forces meet each opponent's, with a hazard that grows with
    exposure, troops in contact, fighting and harassment (M3); v reads each as an accident or
    a deliberate attack (M4)."""
    if not SW[SW_MISSTEPS] or suppress & (1 << Road.MISSTEPS):
        return
    n = P.shape[0]
    war_on = offensive_on(P, S)
    harm = W[HARM] if (war_on and SW[SW_TRIPWIRE]) else 1.0
    intensity = incidents.front_intensity(W[INTENSITY0], war_on, W[OFF_INTENSITY])
    for m in range(opponent_count(v, n)):
        j = opponent(v, m)
        slot = v * MAX_ACTORS + j
        # Incidents happen where the two sides' forces meet: both exposures, both troops.
        exposure = incidents.exposure_of(
            (P[v, EXPOSURE] + P[j, EXPOSURE]) / 2.0,
            S[actor_at(v, A_TROOPS)] + S[actor_at(j, A_TROOPS)],
            harm,
        )
        if exposure <= 0.0:
            continue
        harassed = S[actor_at(j, A_CHOICE)] == PROBE and S[actor_at(j, A_TARGET)] == v
        factor = W[HARASSMENT] if harassed else 1.0
        chance = incidents.incident_probability(W[RATE], intensity, exposure, factor)
        if uniform_at(dkey, Stream.MISSTEP, slot) >= chance:
            continue
        diverge(S, Road.MISSTEPS, day)
        u = uniform_at(dkey, Stream.MISSTEP_CASUALTIES, slot)
        deaths = combat.incident_deaths(W[C_MISSTEP], W[LETHALITY], u)
        S[actor_at(v, A_DEATHS)] += deaths
        d = dyad_of(v, j)
        note_incident(S, dyad_metric_at(n, d, 0), day, deaths, combat.is_clash(W[LETHALITY], u))
        misread = False
        if SW[SW_MISREADING]:
            chance = incidents.misread_probability(P[v, TAU], W[HOTLINE])
            misread = uniform_at(dkey, Stream.MISREAD, slot) < chance
            if misread:
                diverge(S, Road.MISREADING, day)
                if suppress & (1 << Road.MISREADING):
                    misread = False
        shock = incidents.incident_shock(misread, deaths, W[C_MISSTEP], W[S_MISREAD], W[S_ACCIDENT])
        _shock(P, W, S, v, j, shock, misread)
        if misread:
            _signal(P, W, SW, S, v, j, W[SIGNAL_HOSTILE])
            # read as harassment: one rung
            S[dyad_at(n, d, D_LEVEL)] = max(S[dyad_at(n, d, D_LEVEL)], 3.0)
            S[dyad_at(n, d, D_MISREAD)] = 1.0
            note_event(S, Event.MISREAD, day)
        note_event(S, Event.MISSTEP, day)
        write(log, LOG_MISSTEP, v, j, deaths, misread, 0, 0, 0)


@phase
def update_beliefs(i, P, W, SW, S):
    """Bayes' rule on the day's signals about each opponent (Kydd 2005; M11)."""
    n = P.shape[0]
    for m in range(opponent_count(i, n)):
        j = opponent(i, m)
        if SW[SW_BELIEFS]:
            S[pair_at(n, i, j, P_BELIEF)] = beliefs.bayes_update(
                S[pair_at(n, i, j, P_BELIEF)], S[pair_at(n, i, j, P_SIGNAL)]
            )
        S[pair_at(n, i, j, P_SIGNAL)] = 1.0


@phase
def update_hostility(i, P, W, SW, S):
    """Richardson's update toward each opponent with framing, warnings and the day's shocks
    (M1, M2, M6); remembered harm fades."""
    n = P.shape[0]
    reaction = (
        hostility.reaction_coefficient(P[i, KAPPA], felt_gain(P, W, i)) if SW[SW_REACTION] else 0.0
    )
    for m in range(opponent_count(i, n)):
        j = opponent(i, m)
        framing = 0.0
        if SW[SW_FRAMING]:
            framing = hostility.framing_grievance(P[i, FRAMING], S[actor_at(j, A_TROOPS)])
        hardening = 0.0
        if SW[SW_WARNING]:
            hardening = hostility.hardening_grievance(
                P[i, HARDENING], 1.0 if S[pair_at(n, j, i, P_COMMIT)] >= 0.0 else 0.0
            )
        grievance = P[i, GRIEVANCE] + framing + hardening + S[pair_at(n, i, j, P_SHOCK)]
        S[pair_at(n, i, j, P_HOST)] = hostility.richardson_step(
            S[pair_at(n, i, j, P_HOST)],
            reaction,
            S[pair_at(n, i, j, P_PERC)],
            P[i, RESTRAINT],
            grievance,
        )
        S[pair_at(n, i, j, P_SHOCK)] = 0.0
        S[pair_at(n, i, j, P_HARM)] *= W[HARM_MEMORY]


@phase
def settle(P, W, SW, S, day, log):
    """Each dyad's rung: climbs by the day's moves, war once reciprocal combat has cost W battle
    deaths, one rung down after D_c calm days (brief §4). Returns True if the run ended: in
    nuclear use, or stopped because a hostility passed HOSTILITY_LIMIT (sim.model.finite)."""
    n = P.shape[0]
    top = 0
    for k in range(1, n):
        old = S[dyad_at(n, k, D_RUNG)]
        level = S[dyad_at(n, k, D_LEVEL)]
        attacked = S[dyad_at(n, k, D_ATTACKED)] > 0.0
        rung = crisis.climb(old, level, attacked)
        fought = S[dyad_at(n, k, D_FOUGHT)] > 0.0
        if fought:
            S[dyad_metric_at(n, k, DM_COMBAT_DAYS)] += 1.0
        reciprocal = S[dyad_at(n, k, D_FORCE_C)] > 0.0 and S[dyad_at(n, k, D_FORCE_K)] > 0.0
        # War is reached from combat (rung 4) held since yesterday, or by an attack today:
        # never two rungs in a day without an attack decision.
        from_combat = old >= 4.0 or attacked
        battle = S[dyad_at(n, k, D_BATTLE)]
        if (
            fought
            and from_combat
            and rung < 5.0
            and combat.is_war(battle, W[WAR_DEATHS], reciprocal)
        ):
            rung = 5.0
            if S[dyad_metric_at(n, k, DM_WAR_DAY)] < 0:
                S[dyad_metric_at(n, k, DM_WAR_DAY)] = day
            S[dyad_metric_at(n, k, DM_WAR_END)] = NEVER  # at war again, until it ends
            note_event(S, Event.WAR, day)
            write(log, LOG_WAR, 0, k, battle, 0, 0, 0, 0)
        deescalated = S[dyad_at(n, k, D_DEESC)]
        quiet = (
            level == 0.0
            and not fought
            and S[dyad_at(n, k, D_OFF_BY)] < 0.0
            and S[dyad_at(n, k, D_MISREAD)] == 0.0
        )
        if not quiet:
            note_active(S, dyad_metric_at(n, k, 0), day)
        # A ceasefire halts the offensive: both sides offering it the same day, or, under the
        # strategic rule's war termination, either side yielding (a war of attrition ends
        # when one side gives up; Fearon 1998; Slantchev 2003).
        agreed = deescalated == BY_CHALLENGER + BY_OTHER
        at_war = S[dyad_at(n, k, D_OFF_BY)] >= 0.0 or old >= 5.0
        if W[RULE] == STRATEGIC and SW[SW_TERMINATION] and at_war and deescalated > 0.0:
            # One side yielding settles the dyad's war: the winner has what it fought for,
            # the loser has conceded it, and neither uses force across the dyad again.
            agreed = True
            S[dyad_at(n, k, D_SETTLED)] = deescalated
            S[dyad_metric_at(n, k, DM_SETTLED)] = deescalated
        if agreed and S[dyad_at(n, k, D_OFF_BY)] >= 0.0:
            S[dyad_at(n, k, D_OFF_BY)] = NO_ONE
            note_event(S, Event.CEASEFIRE, day)
        calm = crisis.calm_days_after(S[dyad_at(n, k, D_CALM)], quiet, deescalated > 0.0)
        settled = crisis.settled_rung(rung, calm, W[CALM_DAYS])
        if settled < rung:
            calm = 0.0
        S[dyad_at(n, k, D_CALM)] = calm
        S[dyad_at(n, k, D_RUNG)] = settled
        if old >= 5.0 and settled < 5.0:  # the war is over: D_c calm days since its fighting
            S[dyad_metric_at(n, k, DM_WAR_END)] = day
        if settled < 4.0:  # combat has died down: a later war is a new episode (brief §4)
            S[dyad_at(n, k, D_BATTLE)] = 0.0
            S[dyad_at(n, k, D_FORCE_C)] = S[dyad_at(n, k, D_FORCE_K)] = 0.0
        if settled != old:
            write(log, LOG_RUNG, 0, k, old, settled, 0, 0, 0)
        S[dyad_metric_at(n, k, DM_MAX_RUNG)] = max(S[dyad_metric_at(n, k, DM_MAX_RUNG)], settled)
        for field in (D_LEVEL, D_ATTACKED, D_FOUGHT, D_DEESC, D_MISREAD):  # today's marks
            S[dyad_at(n, k, field)] = 0.0
        top = max(top, int(settled))
    ended = note_day(S, day, top)
    for k in range(1, n):  # once a day: a run never carries a hostility to overflow
        x_ck, x_kc = S[pair_at(n, 0, k, P_HOST)], S[pair_at(n, k, 0, P_HOST)]
        if not (x_ck < HOSTILITY_LIMIT and x_kc < HOSTILITY_LIMIT):
            S[METRICS + TERMINATED] = RUNAWAY
            return True
    return ended
