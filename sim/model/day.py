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
    EXPOSURE,
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
    diverge,
    dyad_of,
    jit,
    opponent,
    opponent_count,
    phase,
    strength,
    write,
)  # fmt: skip

# ---------------------------------------------------------------------------- day 0


@jit
def start(P, W, SW, state, key):
    """Day 0: each actor's resolve drawn for the crisis (stream TYPE), hostility and beliefs at
    their initial values, warnings standing, rungs set."""
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
    dkey = day_key(key, 0)
    for i in range(n):
        actor[i, A_TROOPS] = P[i, TROOPS]
        actor[i, A_CHOICE] = HOLD
        actor[i, A_TARGET] = NO_ONE
        actor[i, A_WITHDRAWN] = NEVER
        actor[i, A_SIGNAL] = 1.0
        actor[i, A_RESOLVE] = P[i, RESOLVE]
        if SW[SW_TYPES]:
            u = uniform_at(dkey, Stream.TYPE, i)
            actor[i, A_RESOLVE] = types.drawn_resolve(P[i, RESOLVE], P[i, SPREAD], u)
        for m in range(opponent_count(i, n)):
            j = opponent(i, m)
            pair[P_HOST, i, j] = P[i, X0]
            pair[P_BELIEF, i, j] = P[i, B0]
            risks = strategic.slip_factors(P, W, SW, i, j)  # the scenario's, for the whole run
            pair[P_RISK3, i, j], pair[P_RISK4, i, j], pair[P_RISK_WAR, i, j] = risks
            if P[i, WARNED] > 0.0 and SW[SW_WARNING]:
                pair[P_COMMIT, i, j] = 0.0
                dyad[D_RUNG, dyad_of(i, j)] = 1.0
                note_event(metrics, Event.WARNING, 0)
                note_act(dyad_metrics, dyad_of(i, j), i == 0, 0)
                note_active(dyad_metrics, dyad_of(i, j), 0)
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
    for m in range(opponent_count(i, P.shape[0])):
        j = opponent(i, m)
        u = uniform_at(dkey, Stream.NOISE, i * MAX_ACTORS + j) if noise > 0.0 else 0.5
        pair[P_PERC, i, j] = hostility.perceived_hostility(
            pair[P_HOST, j, i], P[i, TAU], bias, noise, u
        )


@phase
def decide(i, P, W, SW, state, dkey, day, suppress, scratch, log):
    """Choose today's action by the world's decision rule: strategic (types, anticipated
    replies, signals) or myopic (Model 2); both draw once from stream DECISION (brief §3)."""
    state[0][i, A_CHOICE] = HOLD
    state[0][i, A_TARGET] = NO_ONE
    if not SW[SW_DECISIONS]:
        return
    if W[RULE] == STRATEGIC:
        strategic.decide(i, P, W, SW, state, dkey, day, suppress, scratch, log)
    else:
        myopic.decide(i, P, W, SW, state, dkey, day, suppress, scratch, log)


@phase
def felt_gain(P, W, k):
    """The resolve that scales how hard k reacts and how much a shock hurts: its own under the
    myopic rule (Model 2); neutral (½) under the strategic one, where resolve weighs costs only."""
    return P[k, RESOLVE] if W[RULE] != STRATEGIC else 0.5


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


@phase
def _tell(P, W, SW, state, i, j, myopic_ratio):
    """What i's choice tells its opponents: under the strategic rule, the choice's likelihood
    ratio (the target reads it, or every opponent for a posture); under the myopic rule, the
    signal of the action itself (Kydd 2005)."""
    if W[RULE] != STRATEGIC:
        _signal(P, W, SW, state, j, i, myopic_ratio)
        return
    ratio = state[0][i, A_SIGNAL]
    if j >= 0:
        _signal(P, W, SW, state, j, i, ratio)
        return
    for m in range(opponent_count(i, P.shape[0])):
        _signal(P, W, SW, state, opponent(i, m), i, ratio)


@jit
def _shock(P, W, state, victim, source, size, harmful):
    """The victim feels the shock in full, its allies σ of it; a harm read as deliberate is
    remembered (H, the motive to retaliate) at the same shares."""
    pair = state[1]
    for k in range(P.shape[0]):
        if k == source or (k == 0) != (victim == 0):
            continue
        share = 1.0 if k == victim else P[k, SOLIDARITY]
        pair[P_SHOCK, k, source] += hostility.felt_shock(size, felt_gain(P, W, k), share)
        if harmful:
            pair[P_HARM, k, source] += share


@phase
def act(i, P, W, SW, state, dkey, day, log):
    """Carry out today's choice: warnings commit, strikes and attacks hurt, de-escalation and
    withdrawal back down; every move marks its dyad's level for the day and tells the
    opponents something about i (brief §3)."""
    actor, pair, dyad, metrics, dyad_metrics = state[0], state[1], state[2], state[3], state[4]
    choice, j = int(actor[i, A_CHOICE]), int(actor[i, A_TARGET])
    d = 0
    if j >= 0:
        d = dyad_of(i, j)
        dyad[D_LEVEL, d] = max(dyad[D_LEVEL, d], ACTION_LEVEL[choice])
        if ACTION_LEVEL[choice] > 0:
            note_act(dyad_metrics, d, i == 0, day)
    if choice == HOLD:
        if W[RULE] == STRATEGIC:
            _tell(P, W, SW, state, i, -1, 1.0)
        for m in range(opponent_count(i, P.shape[0])):
            o = opponent(i, m)
            if pair[P_HARM, i, o] > 0.5 and W[RULE] != STRATEGIC:
                _signal(P, W, SW, state, o, i, W[SIGNAL_RESTRAINT])  # restraint when harmed
    elif choice == WARN:
        pair[P_COMMIT, i, j] = day
        if W[RULE] == STRATEGIC:
            _tell(P, W, SW, state, i, j, 1.0)
        note_event(metrics, Event.WARNING, day)
    elif choice == MOBILISE:
        actor[i, A_MOBILISED] = 1.0
        if W[RULE] == STRATEGIC:
            _tell(P, W, SW, state, i, j, 1.0)
        note_event(metrics, Event.MOBILISATION, day)
    elif choice == PROBE:
        pair[P_SHOCK, j, i] += hostility.felt_shock(W[S_ACCIDENT], felt_gain(P, W, j), 1.0)
        _tell(P, W, SW, state, i, j, 1.0 + (W[SIGNAL_HOSTILE] - 1.0) / 4.0)
        note_event(metrics, Event.HARASSMENT, day)
    elif choice == STRIKE:
        deaths = combat.casualty_count(W[C_STRIKE], uniform_at(dkey, Stream.STRIKE_CASUALTIES, i))
        actor[j, A_DEATHS] += deaths
        dyad[D_BATTLE, d] += deaths
        dyad_metrics[d, DM_BATTLE_DEATHS] += deaths
        dyad[D_FORCE_C if i == 0 else D_FORCE_K, d] = 1.0
        dyad[D_FOUGHT, d] = 1.0
        _shock(P, W, state, j, i, W[S_STRIKE], True)
        _tell(P, W, SW, state, i, j, W[SIGNAL_HOSTILE])
        note_event(metrics, Event.STRIKE, day)
    elif choice == ATTACK:
        dyad[D_OFF_BY, d], dyad[D_OFF_DAY, d] = i, day
        dyad[D_ATTACKED, d] = 1.0
        dyad[D_FORCE_C, d] = dyad[D_FORCE_K, d] = 1.0  # the attacked defend themselves
        note_act(dyad_metrics, d, j == 0, day)
        if dyad_metrics[d, DM_ATTACK_DAY] < 0:
            dyad_metrics[d, DM_ATTACK_DAY] = day
        _shock(P, W, state, j, i, W[S_OFFENSIVE], True)
        _tell(P, W, SW, state, i, j, W[SIGNAL_HOSTILE] * W[SIGNAL_HOSTILE])
        note_event(metrics, Event.ATTACK, day)
    elif choice == DEESCALATE:
        dyad[D_DEESC, d] += BY_CHALLENGER if i == 0 else BY_OTHER  # flags: 3 when both offer
        pair[P_COMMIT, i, j] = NEVER  # backed down: the warning no longer stands
        _tell(P, W, SW, state, i, j, W[SIGNAL_RESTRAINT])
        note_event(metrics, Event.DEESCALATION, day)
    elif choice == WITHDRAW:
        actor[i, A_TROOPS] = 0.0
        actor[i, A_WITHDRAWN] = day
        for m in range(opponent_count(i, P.shape[0])):
            o = opponent(i, m)
            pair[P_COMMIT, i, o] = NEVER
            if W[RULE] != STRATEGIC:
                _signal(P, W, SW, state, o, i, W[SIGNAL_RESTRAINT] * W[SIGNAL_RESTRAINT])
        if W[RULE] == STRATEGIC:
            _tell(P, W, SW, state, i, -1, 1.0)
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
            strength(P, actor, attacker, gain), strength(P, actor, defender, gain)
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
            write(log, LOG_CULMINATION, attacker, defender, dyad[D_BATTLE, k], 0, 0, 0, 0)


@phase
def slip(P, W, SW, state, dkey, day, suppress, log):
    """Each dyad at rung 3 or 4 may slip out of anyone's control (a clash, or a day of battle,
    nobody ordered), and a war with a nuclear-armed state may go nuclear unbidden: the risk
    left to chance (Schelling 1960; Powell 1990; Sagan 1993)."""
    if not SW[SW_SLIPS] or suppress & (1 << Road.SLIPS):
        return
    actor, dyad, metrics, dyad_metrics = state[0], state[2], state[3], state[4]
    for k in range(1, P.shape[0]):
        rung = dyad[D_RUNG, k]
        nuclear = P[0, ARMED] > 0.0 or P[k, ARMED] > 0.0
        if rung >= 5.0:
            chance = risk.nuclear_slip_chance(W[NUCLEAR_SLIP], nuclear, True)
        else:
            chance = risk.slip_chance(
                rung, W[SLIP_RATE], W[SLIP_GROWTH], W[NUCLEAR_SLIP_FACTOR], nuclear
            )
        if chance <= 0.0 or uniform_at(dkey, Stream.SLIP, k) >= chance:
            continue
        diverge(state, Road.SLIPS, day)
        note_event(metrics, Event.SLIP, day)
        if rung >= 5.0:
            dyad[D_LEVEL, k] = 6.0  # nuclear use nobody chose
            note_event(metrics, Event.NUCLEAR, day)
            write(log, LOG_SLIP, 0, k, 0, rung, 1, 0, 0)
            continue
        mean = W[C_STRIKE] if rung < 4.0 else W[C_COMBAT]
        total = combat.casualty_count(mean, uniform_at(dkey, Stream.SLIP_CASUALTIES, k))
        half = np.floor(total / 2.0)
        actor[0, A_DEATHS] += half
        actor[k, A_DEATHS] += total - half
        dyad[D_BATTLE, k] += total
        dyad_metrics[k, DM_BATTLE_DEATHS] += total
        dyad[D_FORCE_C, k] = dyad[D_FORCE_K, k] = 1.0
        dyad[D_FOUGHT, k] = 1.0
        dyad[D_LEVEL, k] = max(dyad[D_LEVEL, k], 4.0)
        note_act(dyad_metrics, k, True, day)  # both sides' forces fired
        note_act(dyad_metrics, k, False, day)
        _shock(P, W, state, k, 0, W[S_STRIKE], True)
        _shock(P, W, state, 0, k, W[S_STRIKE], True)
        write(log, LOG_SLIP, 0, k, total, rung, 0, 0, 0)


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
    for m in range(opponent_count(v, P.shape[0])):
        j = opponent(v, m)
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
        diverge(state, Road.MISSTEPS, day)
        deaths = combat.incident_deaths(
            W[C_MISSTEP], W[LETHALITY], uniform_at(dkey, Stream.MISSTEP_CASUALTIES, slot)
        )
        actor[v, A_DEATHS] += deaths
        note_incident(state[4], dyad_of(v, j), day, deaths)
        misread = False
        if SW[SW_MISREADING]:
            chance = incidents.misread_probability(P[v, TAU], W[HOTLINE])
            misread = uniform_at(dkey, Stream.MISREAD, slot) < chance
            if misread:
                diverge(state, Road.MISREADING, day)
                if suppress & (1 << Road.MISREADING):
                    misread = False
        shock = incidents.incident_shock(misread, deaths, W[C_MISSTEP], W[S_MISREAD], W[S_ACCIDENT])
        _shock(P, W, state, v, j, shock, misread)
        if misread:
            _signal(P, W, SW, state, v, j, W[SIGNAL_HOSTILE])
            d = dyad_of(v, j)
            dyad[D_LEVEL, d] = max(dyad[D_LEVEL, d], 3.0)  # read as harassment: one rung
            dyad[D_MISREAD, d] = 1.0
            note_event(metrics, Event.MISREAD, day)
        note_event(metrics, Event.MISSTEP, day)
        write(log, LOG_MISSTEP, v, j, deaths, misread, 0, 0, 0)


@phase
def update_beliefs(i, P, W, SW, state):
    """Bayes' rule on the day's signals about each opponent (Kydd 2005; M11)."""
    pair = state[1]
    for m in range(opponent_count(i, P.shape[0])):
        j = opponent(i, m)
        if SW[SW_BELIEFS]:
            pair[P_BELIEF, i, j] = beliefs.bayes_update(pair[P_BELIEF, i, j], pair[P_SIGNAL, i, j])
        pair[P_SIGNAL, i, j] = 1.0


@phase
def update_hostility(i, P, W, SW, state):
    """Richardson's update toward each opponent with framing, warnings and the day's shocks
    (M1, M2, M6); remembered harm fades."""
    actor, pair = state[0], state[1]
    reaction = (
        hostility.reaction_coefficient(P[i, KAPPA], felt_gain(P, W, i)) if SW[SW_REACTION] else 0.0
    )
    for m in range(opponent_count(i, P.shape[0])):
        j = opponent(i, m)
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
    deaths, one rung down after D_c calm days (brief §4). Returns True if the run ended: in
    nuclear use, or stopped because a hostility passed HOSTILITY_LIMIT (sim.model.finite)."""
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
            dyad_metrics[k, DM_WAR_END] = NEVER  # at war again, until it ends
            note_event(metrics, Event.WAR, day)
            write(log, LOG_WAR, 0, k, dyad[D_BATTLE, k], 0, 0, 0, 0)
        quiet = (
            dyad[D_LEVEL, k] == 0.0
            and not fought
            and dyad[D_OFF_BY, k] < 0.0
            and dyad[D_MISREAD, k] == 0.0
        )
        if not quiet:
            note_active(dyad_metrics, k, day)
        # A ceasefire halts the offensive: both sides offering it the same day, or, under the
        # strategic rule's war termination, either side yielding (a war of attrition ends
        # when one side gives up; Fearon 1998; Slantchev 2003).
        agreed = dyad[D_DEESC, k] == BY_CHALLENGER + BY_OTHER
        at_war = dyad[D_OFF_BY, k] >= 0.0 or old >= 5.0
        if W[RULE] == STRATEGIC and SW[SW_TERMINATION] and at_war and dyad[D_DEESC, k] > 0.0:
            # One side yielding settles the dyad's war: the winner has what it fought for,
            # the loser has conceded it, and neither uses force across the dyad again.
            agreed = True
            dyad[D_SETTLED, k] = dyad[D_DEESC, k]
            dyad_metrics[k, DM_SETTLED] = dyad[D_DEESC, k]
        if agreed and dyad[D_OFF_BY, k] >= 0.0:
            dyad[D_OFF_BY, k] = NO_ONE
            note_event(metrics, Event.CEASEFIRE, day)
        calm = crisis.calm_days_after(dyad[D_CALM, k], quiet, dyad[D_DEESC, k] > 0.0)
        settled = crisis.settled_rung(rung, calm, W[CALM_DAYS])
        if settled < rung:
            calm = 0.0
        dyad[D_CALM, k] = calm
        dyad[D_RUNG, k] = settled
        if old >= 5.0 and settled < 5.0:  # the war is over: D_c calm days since its fighting
            dyad_metrics[k, DM_WAR_END] = day
        if settled < 4.0:  # combat has died down: a later war is a new episode (brief §4)
            dyad[D_BATTLE, k] = dyad[D_FORCE_C, k] = dyad[D_FORCE_K, k] = 0.0
        if settled != old:
            write(log, LOG_RUNG, 0, k, old, settled, 0, 0, 0)
        dyad_metrics[k, DM_MAX_RUNG] = max(dyad_metrics[k, DM_MAX_RUNG], settled)
        dyad[D_LEVEL, k] = dyad[D_ATTACKED, k] = dyad[D_FOUGHT, k] = 0.0
        dyad[D_DEESC, k] = dyad[D_MISREAD, k] = 0.0
        top = max(top, int(settled))
    ended = note_day(metrics, day, top)
    pair = state[1]
    for k in range(1, P.shape[0]):  # once a day: a run never carries a hostility to overflow
        if not (pair[P_HOST, 0, k] < HOSTILITY_LIMIT and pair[P_HOST, k, 0] < HOSTILITY_LIMIT):
            metrics[TERMINATED] = RUNAWAY
            return True
    return ended
