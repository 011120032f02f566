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
    O_UTILITY,
    O_WARNINGS,
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
    actor_at,
    dyad_at,
    dyad_of,
    logging,
    opponent,
    opponent_count,
    pair_at,
    phase,
    strength,
    write,
)


@phase
def balance(P, W, SW, S, i, j):
    """(p, Σ credibility): i's chance to win against j with the allies j's tripwires would
    bring in, and how many of them (their credibility summed)."""
    gain = W[MOB_GAIN]
    support = 0.0
    wider = 0.0
    if SW[SW_TRIPWIRE] and j != 0:
        for k in range(1, P.shape[0]):
            if k != j:
                cred = combat.credibility(S[actor_at(k, A_TROOPS)], P[k, RESOLVE], W[DETERRENCE])
                support += cred * strength(P, S, k, gain)
                wider += cred
    own, other = strength(P, S, i, gain), strength(P, S, j, gain)
    return combat.win_probability(own, other, support), wider


@phase
def decide(i, P, W, SW, S, dkey, day, suppress, scratch, log):
    """Choose today's action by quantal response over the menu's short-sighted utilities
    (brief §3). In the attacks twin an attack drawn becomes holding; in the warnings twin
    backing down from a warning costs nothing, in the face twin holding after harm does not."""
    n = P.shape[0]
    r, V = S[actor_at(i, A_RESOLVE)], P[i, STAKES]
    h, kappa = W[ANGER], W[MOVE_COST]
    rho = W[RETALIATION] if SW[SW_RETALIATION] else 0.0
    pain = combat.casualty_pain(S[actor_at(i, A_DEATHS)], P[i, TOLERANCE], r)
    weary = decisions.weariness(pain, r) if SW[SW_WITHDRAWAL] else 0.0
    no_warnings = suppress & (1 << Road.WARNINGS)
    hold = decisions.hold_utility()
    count = option(scratch, 0, hold, HOLD, -1, hold, hold)
    worst = 0.0  # the dearest warning i would back down from
    unanswered = 0.0  # the dearest warning whose author, harmed, would back down by holding
    for m in range(opponent_count(i, n)):
        j = opponent(i, m)
        d = dyad_of(i, j)
        rung = S[dyad_at(n, d, D_RUNG)]
        b = S[pair_at(n, i, j, P_BELIEF)]
        x = decisions.felt_anger(S[pair_at(n, i, j, P_HOST)])
        harm = decisions.felt_harm(S[pair_at(n, i, j, P_HARM)])
        warned = S[pair_at(n, i, j, P_COMMIT)]
        committed = SW[SW_WARNING] and warned >= 0.0
        held = day - warned if (committed and SW[SW_LOCK_IN]) else 0.0
        backdown = decisions.backdown_cost(P[i, AUDIENCE], committed, held, W[LOCK_IN])
        worst = max(worst, backdown)
        if S[pair_at(n, i, j, P_HARM)] > 0.5 and not suppress & (1 << Road.FACE):
            unanswered = max(unanswered, backdown)  # harmed, as for the restraint signal in act
        paid = 0.0 if no_warnings else backdown
        own_offensive = S[dyad_at(n, d, D_OFF_BY)] == i
        if rung >= 2.0 or committed:
            u = decisions.deescalate_utility(b, W[PEACE], rung, h, x, kappa, paid, weary)
            free = decisions.deescalate_utility(b, W[PEACE], rung, h, x, kappa, 0.0, weary)
            count = option(scratch, count, u, DEESCALATE, j, free, u)
        if SW[SW_WARNING] and warned < 0.0:
            u = decisions.warn_utility(b, V, h, x, kappa, W[WARN_WEIGHT])
            count = option(scratch, count, u, WARN, j, u, u)
        if rung >= 1.0 and S[actor_at(i, A_MOBILISED)] == 0.0:
            u = decisions.mobilise_utility(b, V, h, x, kappa, r, W[MOB_WEIGHT])
            count = option(scratch, count, u, MOBILISE, j, u, u)
        # Force needs something within reach: a party to the front, or troops in theatre.
        reach = P[j, GUARANTOR] == 0.0 or S[actor_at(j, A_TROOPS)] > 0.0
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
            win, wider = balance(P, W, SW, S, i, j)
        if attack:
            u = decisions.attack_utility(
                win, V, W[FIRST_STRIKE], b, h, x, W[WAR_COST], r, wider, weary
            )
            count = option(scratch, count, u, ATTACK, j, u, u)
        if nuclear:
            u = decisions.nuclear_utility(win, V, h, x, W[NUCLEAR_COST])
            count = option(scratch, count, u, NUCLEAR, j, u, u)
    if SW[SW_WITHDRAWAL] and S[actor_at(i, A_TROOPS)] > 0.0:
        u = decisions.withdraw_utility(pain, r, V, kappa, 0.0 if no_warnings else worst)
        free = decisions.withdraw_utility(pain, r, V, kappa, 0.0)
        count = option(scratch, count, u, WITHDRAW, -1, free, u)
    scratch[O_UTILITY] = scratch[O_WARNINGS] = hold - unanswered
    choose(i, W, S, dkey, day, suppress, scratch, count, worst > 0.0, unanswered > 0.0)
    choice, target = int(S[actor_at(i, A_CHOICE)]), int(S[actor_at(i, A_TARGET)])
    if choice != HOLD and logging(log):  # the ensemble keeps no log: skip its numbers
        j = target if target >= 0 else 0
        win, wider = balance(P, W, SW, S, i, j) if target >= 0 else (0.0, 0.0)
        face = worst
        warned = S[pair_at(n, i, j, P_COMMIT)]
        if target >= 0 and SW[SW_WARNING] and warned >= 0.0:
            held = day - warned if SW[SW_LOCK_IN] else 0.0
            face = decisions.backdown_cost(P[i, AUDIENCE], True, held, W[LOCK_IN])
        elif target >= 0:
            face = 0.0
        write(
            log, LOG_ACTION + choice, i, target, S[pair_at(n, i, j, P_BELIEF)],
            S[pair_at(n, i, j, P_HOST)],
            win, wider, face,
        )  # fmt: skip
