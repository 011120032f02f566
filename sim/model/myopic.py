"""The myopic decision rule (Model 2), kept as the alternative the strategic rule is checked
against: each day each actor draws a logit choice over short-sighted scores that expect no
reply; deterrence enters through a hand-set credibility δ·T·r (docs/model.md §3.4.2).
"""

from sim.model.choice import choose, option
from sim.model.outcomes import Road
from sim.model.rules import combat, decisions
from sim.model.state import (
    A_CHOICE,
    A_DEATHS,
    A_MOBILISED,
    A_RESOLVE,
    A_TARGET,
    A_TROOPS,
    ANGER,
    ARMED,
    ATTACK,
    AUDIENCE,
    D_OFF_BY,
    D_RUNG,
    DEESCALATE,
    DETERRENCE,
    FIRST_STRIKE,
    FORCES,
    GUARANTOR,
    HOLD,
    LOCK_IN,
    LOG_ACTION,
    MOB_GAIN,
    MOB_WEIGHT,
    MOBILISE,
    MOVE_COST,
    NUCLEAR,
    NUCLEAR_COST,
    P_BELIEF,
    P_COMMIT,
    P_HARM,
    P_HOST,
    PEACE,
    PROBE,
    PROBE_WEIGHT,
    RESOLVE,
    RETALIATION,
    STAKES,
    STRIKE,
    STRIKE_COST,
    SW_DELIBERATE,
    SW_LOCK_IN,
    SW_RETALIATION,
    SW_TRIPWIRE,
    SW_WARNING,
    SW_WITHDRAWAL,
    TOLERANCE,
    WAR_COST,
    WARN,
    WARN_WEIGHT,
    WITHDRAW,
    dyad_of,
    opponent,
    opponent_count,
    phase,
    strength,
    write,
)


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
                support += cred * strength(P, actor, k, gain)
                wider += cred
    own, other = strength(P, actor, i, gain), strength(P, actor, j, gain)
    return combat.win_probability(own, other, support), wider


@phase
def decide(i, P, W, SW, state, dkey, day, suppress, scratch, log):
    """Choose today's action by quantal response over the menu's short-sighted utilities
    (brief §3). In the attacks twin an attack drawn becomes holding; in the warnings twin
    backing down from a warning costs nothing, in the face twin holding after harm does not."""
    actor, pair, dyad = state[0], state[1], state[2]
    n = P.shape[0]
    r, V = actor[i, A_RESOLVE], P[i, STAKES]
    h, kappa = W[ANGER], W[MOVE_COST]
    rho = W[RETALIATION] if SW[SW_RETALIATION] else 0.0
    pain = combat.casualty_pain(actor[i, A_DEATHS], P[i, TOLERANCE], r)
    weary = decisions.weariness(pain, r) if SW[SW_WITHDRAWAL] else 0.0
    no_warnings = suppress & (1 << Road.WARNINGS)
    hold = decisions.hold_utility()
    count = option(scratch, 0, hold, HOLD, -1, hold, hold)
    worst = 0.0  # the dearest warning i would back down from
    unanswered = 0.0  # the dearest warning whose author, harmed, would back down by holding
    for m in range(opponent_count(i, n)):
        j = opponent(i, m)
        d = dyad_of(i, j)
        rung = dyad[D_RUNG, d]
        b = pair[P_BELIEF, i, j]
        x = decisions.felt_anger(pair[P_HOST, i, j])
        harm = decisions.felt_harm(pair[P_HARM, i, j])
        committed = SW[SW_WARNING] and pair[P_COMMIT, i, j] >= 0.0
        held = day - pair[P_COMMIT, i, j] if (committed and SW[SW_LOCK_IN]) else 0.0
        backdown = decisions.backdown_cost(P[i, AUDIENCE], committed, held, W[LOCK_IN])
        worst = max(worst, backdown)
        if pair[P_HARM, i, j] > 0.5 and not suppress & (1 << Road.FACE):
            unanswered = max(unanswered, backdown)  # harmed, as for the restraint signal in act
        paid = 0.0 if no_warnings else backdown
        own_offensive = dyad[D_OFF_BY, d] == i
        if rung >= 2.0 or committed:
            u = decisions.deescalate_utility(b, W[PEACE], rung, h, x, kappa, paid, weary)
            free = decisions.deescalate_utility(b, W[PEACE], rung, h, x, kappa, 0.0, weary)
            count = option(scratch, count, u, DEESCALATE, j, free, u)
        if SW[SW_WARNING] and pair[P_COMMIT, i, j] < 0.0:
            u = decisions.warn_utility(b, V, h, x, kappa, W[WARN_WEIGHT])
            count = option(scratch, count, u, WARN, j, u, u)
        if rung >= 1.0 and actor[i, A_MOBILISED] == 0.0:
            u = decisions.mobilise_utility(b, V, h, x, kappa, r, W[MOB_WEIGHT])
            count = option(scratch, count, u, MOBILISE, j, u, u)
        # Force needs something within reach: a party to the front, or troops in theatre.
        reach = P[j, GUARANTOR] == 0.0 or actor[j, A_TROOPS] > 0.0
        if reach and rung >= 2.0:
            u = decisions.probe_utility(h, x, rho, harm, kappa, r, W[PROBE_WEIGHT])
            count = option(scratch, count, u, PROBE, j, u, u)
        if reach and rung >= 3.0:
            u = decisions.strike_utility(h, x, rho, harm, W[STRIKE_COST], r, weary)
            count = option(scratch, count, u, STRIKE, j, u, u)
        attack = reach and SW[SW_DELIBERATE] and not own_offensive and P[i, FORCES] > 0.0
        nuclear = P[i, ARMED] > 0.0 and rung >= 5.0
        win = wider = 0.0
        if attack or nuclear:  # the balance of forces, once for both options
            win, wider = balance(P, W, SW, state, i, j)
        if attack:
            u = decisions.attack_utility(
                win, V, W[FIRST_STRIKE], b, h, x, W[WAR_COST], r, wider, weary
            )
            count = option(scratch, count, u, ATTACK, j, u, u)
        if nuclear:
            u = decisions.nuclear_utility(win, V, h, x, W[NUCLEAR_COST])
            count = option(scratch, count, u, NUCLEAR, j, u, u)
    if SW[SW_WITHDRAWAL] and actor[i, A_TROOPS] > 0.0:
        u = decisions.withdraw_utility(pain, r, V, kappa, 0.0 if no_warnings else worst)
        free = decisions.withdraw_utility(pain, r, V, kappa, 0.0)
        count = option(scratch, count, u, WITHDRAW, -1, free, u)
    scratch[0][0] = scratch[3][0] = hold - unanswered
    choose(i, W, state, dkey, day, suppress, scratch, count, worst > 0.0, unanswered > 0.0)
    choice, target = int(actor[i, A_CHOICE]), int(actor[i, A_TARGET])
    if choice != HOLD and log[0].shape[0] > 0:  # the ensemble keeps no log: skip its numbers
        j = target if target >= 0 else 0
        win, wider = balance(P, W, SW, state, i, j) if target >= 0 else (0.0, 0.0)
        face = worst
        if target >= 0 and SW[SW_WARNING] and pair[P_COMMIT, i, j] >= 0.0:
            held = day - pair[P_COMMIT, i, j] if SW[SW_LOCK_IN] else 0.0
            face = decisions.backdown_cost(P[i, AUDIENCE], True, held, W[LOCK_IN])
        elif target >= 0:
            face = 0.0
        write(
            log, LOG_ACTION + choice, i, target, pair[P_BELIEF, i, j], pair[P_HOST, i, j],
            win, wider, face,
        )  # fmt: skip
