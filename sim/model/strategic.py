"""The strategic decision rule (Model 3): actors with private types who expect replies.

Each actor's resolve r was drawn once for the crisis (`sim.model.day.start`) and is known only
to itself; each opponent believes it resolute with probability b and reasons about it as one
of two types, r̄ ± Δ/2 (`sim.model.rules.types`). An option's utility counts the reply it
expects from the opponent at each of its two types, mixed by the belief (a level-1 look-ahead;
Signorino 1999): a strike expects retaliation, an attack expects the guarantors whose troops
it hits to join, a warning is priced by the two-type warning game it opens (Fearon 1997), a
ceasefire offer in war weighs a day's cost against what fighting on may win (Wagner 2000),
and every step up the ladder carries the risk left to chance (Schelling 1960). The choice is
the quantal response of `sim.model.choice` at the world's precision. Opponents then learn from
it: the likelihood ratio of the chosen option under the two types (its probability at
r̄ + Δ/2 over its probability at r̄ − Δ/2) is the signal they read (Kydd 2005).

The per-opponent context (beliefs, replies, risks) is priced once per decision; the options are
priced at the actor's own resolve and at the two types, and, until each commitment twin has
forked, as that twin would price them (context rows of the run, then of the warnings twin,
in the scratch: `sim.model.state.context_at`).

The heavier functions are compiled once each, not inlined (inlined, they multiplied the first
compile's time and memory), and each starts by taking views of its arrays with no reference
count (`sim.model.state.unowned`), so that, like the inlined phases, it makes no count in the day.
"""

from sim.model.choice import choose, option
from sim.model.outcomes import Road
from sim.model.rules import combat, decisions, risk, signalling, strategy, termination, types
from sim.model.rules.hostility import felt_shock

from sim.model.state import (  # isort: skip  (one screen, not one name a line)
    A_CHOICE, A_DEATHS, A_MOBILISED, A_RESOLVE, A_SIGNAL, A_TARGET, A_TROOPS, ANGER, ARMED,
    ATTACK, AUDIENCE, C_COMBAT,
    CONTEXT_WIDTH, D_BATTLE, D_OFF_BY, D_RUNG, D_SETTLED, DEESCALATE, DIVERGED, FIRST_STRIKE,
    FORCES, GUARANTOR, HARM, HOLD, LOCK_IN, LOG_ACTION, MOB_GAIN, MOB_WEIGHT, MOBILISE, MOVE_COST,
    NUCLEAR, NUCLEAR_COST, O_HIGH, O_LOW, O_UTILITY, O_WARNINGS, OFF_DAYS, P_BELIEF, P_COMMIT,
    P_HARM, P_HOST, P_RISK3, P_RISK4, P_RISK_WAR, PEACE, PRECISION, PROBE, PROBE_WEIGHT, RESOLVE,
    RETALIATION, S_STRIKE, SPREAD, STAKES, STRIKE, STRIKE_COST, SW_BELIEFS, SW_DELIBERATE,
    SW_LOCK_IN, SW_LOOKAHEAD, SW_RETALIATION, SW_TERMINATION, SW_TRIPWIRE, SW_TYPES, SW_WARNING,
    SW_WITHDRAWAL, TOLERANCE, WAR_COST, WARN, WARN_WEIGHT, WITHDRAW, actor_at, context_at, diverge,
    dyad_at, dyad_of, helper, jit, joined_at, logging, opponent, opponent_count, pair_at, strength,
    unowned, write,
)  # fmt: skip

# Columns of a context row: what i knows of opponent j before pricing its options.
(
    C_BELIEF, C_ANGER, C_HARM, C_COMMITTED, C_BACKDOWN, C_RUNG, C_REACH, C_ATTACK, C_WIN,
    C_JOINERS, C_RETALIATION, C_CONCESSION, C_Q_WARN, C_Q_SILENT, C_AT_WAR, C_RISK3, C_RISK4,
    C_RISK_WAR, C_NUCLEAR_REPLY, C_AUDIENCE, C_THREAT, C_WAR_HIGH, C_WAR_LOW,
) = range(23)  # fmt: skip
N_CONTEXT = 23
assert N_CONTEXT <= CONTEXT_WIDTH


@helper
def type_of(P, SW, k, resolute):
    """The resolve of k's resolute or irresolute type, as others reason about it."""
    if not SW[SW_TYPES]:
        return P[k, RESOLVE]
    return types.type_resolve(P[k, RESOLVE], P[k, SPREAD], resolute)


@helper
def pain_of(P, S, k):
    """k's losses as felt pain, at the tolerance's neutral resolve (resolve weighs it later)."""
    return combat.casualty_pain(S[actor_at(k, A_DEATHS)], P[k, TOLERANCE], 0.5)


@helper
def weary_at(SW, pain, resolve):
    """War weariness (1 − r)·pain at resolve r; none without withdrawal (M8)."""
    return decisions.weariness(pain, resolve) if SW[SW_WITHDRAWAL] else 0.0


@helper
def standing_backdown(P, W, SW, S, k, j, day):
    """What backing down from k's standing warning to j would cost k today (0: none)."""
    warned = S[pair_at(P.shape[0], k, j, P_COMMIT)]
    committed = SW[SW_WARNING] and warned >= 0.0
    held = day - warned if (committed and SW[SW_LOCK_IN]) else 0.0
    return decisions.backdown_cost(P[k, AUDIENCE], committed, held, W[LOCK_IN])


@jit
def joiners(P, W, SW, S, i, j, day, no_warnings):
    """For an attack by i on j: (Σ J, Σ J·F̃, F_join) over the guarantors k ≠ j with troops in
    theatre, J the chance k joins the war, expected under i's belief about k (Schelling 1966),
    and F_join the chance that some joiner's war with i goes nuclear, each at the chance J."""
    P, W, SW, S = unowned(P), unowned(W), unowned(SW), unowned(S)
    n = P.shape[0]
    total = support = widened = 0.0
    if j == 0 or not (SW[SW_TRIPWIRE] and SW[SW_LOOKAHEAD]):
        return total, support, widened
    rho = W[RETALIATION] if SW[SW_RETALIATION] else 0.0
    for k in range(1, n):
        troops = S[actor_at(k, A_TROOPS)]
        if k == j or P[k, GUARANTOR] == 0.0 or troops <= 0.0:
            continue
        hit = decisions.felt_harm(S[pair_at(n, k, i, P_HARM)] + W[HARM] * troops / 1000.0)
        face = 0.0 if no_warnings else standing_backdown(P, W, SW, S, k, i, day)
        pain = pain_of(P, S, k)
        chance = 0.0
        for resolute in (True, False):
            r = type_of(P, SW, k, resolute)
            u = strategy.join_utility(
                P[k, STAKES], rho, hit, face, W[WAR_COST], r, weary_at(SW, pain, r)
            )
            belief = S[pair_at(n, i, k, P_BELIEF)]
            share = belief if resolute else 1.0 - belief
            chance += share * strategy.reply_chance(u, W[PRECISION])
        total += chance
        support += chance * strength(P, S, k, W[MOB_GAIN])
        widened = risk.either_risk(widened, chance * S[pair_at(n, i, k, P_RISK_WAR)])
    return total, support, widened


@helper
def joiners_today(P, W, SW, S, i, j, day, no_warnings, scratch):
    """`joiners`, once a day: the challenger's attack on j is priced by it and by j's warning
    game, and no decision changes what it reads (troops, harm, warnings, beliefs, forces, the
    chances of nuclear war)."""
    if i != 0:  # only the challenger has opponents' allies to fear
        return joiners(P, W, SW, S, i, j, day, no_warnings)
    at = joined_at(no_warnings, j)
    if scratch[at] == 0.0:  # cleared by the challenger's first decision of the day
        total, support, widened = joiners(P, W, SW, S, i, j, day, no_warnings)
        scratch[at], scratch[at + 1] = 1.0, total
        scratch[at + 2], scratch[at + 3] = support, widened
    return scratch[at + 1], scratch[at + 2], scratch[at + 3]


@jit
def retaliation(P, W, SW, S, i, j):
    """The chance j strikes back after a strike by i, expected under i's belief about j."""
    P, W, SW, S = unowned(P), unowned(W), unowned(SW), unowned(S)
    n = P.shape[0]
    if not SW[SW_LOOKAHEAD]:
        return 0.0
    rho = W[RETALIATION] if SW[SW_RETALIATION] else 0.0
    x = decisions.felt_anger(S[pair_at(n, j, i, P_HOST)] + felt_shock(W[S_STRIKE], 0.5, 1.0))
    harm = decisions.felt_harm(S[pair_at(n, j, i, P_HARM)] + 1.0)
    pain = pain_of(P, S, j)
    high = type_of(P, SW, j, True)
    low = type_of(P, SW, j, False)
    u_high = decisions.strike_utility(
        W[ANGER], x, rho, harm, W[STRIKE_COST], high, weary_at(SW, pain, high)
    )
    u_low = decisions.strike_utility(
        W[ANGER], x, rho, harm, W[STRIKE_COST], low, weary_at(SW, pain, low)
    )
    return types.expected_reply(
        S[pair_at(n, i, j, P_BELIEF)],
        strategy.reply_chance(u_high, W[PRECISION]),
        strategy.reply_chance(u_low, W[PRECISION]),
    )


@jit
def threat(P, W, SW, S, i, j):
    """The chance j attacks i today, expected under i's belief about j's type: j's own utility
    of an attack at each type, weighing its chance to win, its anger and its cost of war, but
    no reply (what j's attack would look like to a level-0 attacker; Kydd 2005)."""
    P, W, SW, S = unowned(P), unowned(W), unowned(SW), unowned(S)
    n = P.shape[0]
    reach = P[i, GUARANTOR] == 0.0 or S[actor_at(i, A_TROOPS)] > 0.0
    settled = S[dyad_at(n, dyad_of(i, j), D_SETTLED)] > 0.0
    if settled or not (SW[SW_LOOKAHEAD] and SW[SW_DELIBERATE] and reach and P[j, FORCES] > 0.0):
        return 0.0
    gain = W[MOB_GAIN]
    win = combat.win_probability(strength(P, S, j, gain), strength(P, S, i, gain), 0.0)
    x = decisions.felt_anger(S[pair_at(n, j, i, P_HOST)])
    pain = pain_of(P, S, j)
    chance = 0.0
    for resolute in (True, False):
        r = type_of(P, SW, j, resolute)
        u = strategy.attack_utility(
            win, P[j, STAKES], 0.0, 0.0, W[ANGER], x, W[WAR_COST], r, 0.0,
            weary_at(SW, pain, r), 0.0,
        )  # fmt: skip
        belief = S[pair_at(n, i, j, P_BELIEF)]
        share = belief if resolute else 1.0 - belief
        chance += share * strategy.reply_chance(u, W[PRECISION])
    return chance


@helper
def rung_risk(W, scratch, c, rung, resolve):
    """The risk of holding `rung` for its stay: a clash priced as a strike, a slide into war as
    a war, a war gone nuclear as nuclear use (Schelling 1960; Powell 1990)."""
    if rung >= 5.0:
        return scratch[c + C_RISK_WAR] * W[NUCLEAR_COST]
    if rung >= 4.0:
        return scratch[c + C_RISK4] * (1.0 - resolve) * W[WAR_COST]
    if rung >= 3.0:
        return scratch[c + C_RISK3] * (1.0 - resolve) * W[STRIKE_COST]
    return 0.0


@jit
def war_payoff_of(P, W, SW, S, k, other, resolve, joined, support, widened):
    """What a war with `other` is worth to k at resolve r, `joined` of k's opponents' allies
    expected in, with its nuclear risk, the joiners' (`widened`) included (Fearon 1995)."""
    P, W, SW, S = unowned(P), unowned(W), unowned(SW), unowned(S)
    gain = W[MOB_GAIN]
    win = combat.win_probability(strength(P, S, k, gain), strength(P, S, other, gain), support)
    f_war = risk.either_risk(S[pair_at(P.shape[0], k, other, P_RISK_WAR)], widened)
    weary = weary_at(SW, pain_of(P, S, k), resolve)
    return strategy.war_payoff(
        win, P[k, STAKES], W[WAR_COST], resolve, joined, weary, f_war * W[NUCLEAR_COST]
    )


@jit
def warning_game(P, W, SW, S, i, j, day, no_warnings, scratch):
    """The challenge chances after a warning of i to j and after silence, from the two-type
    warning game's equilibrium (Fearon 1997), and the sender's war at its two types (fought
    alone)."""
    P, W, SW, S, scratch = unowned(P), unowned(W), unowned(SW), unowned(S), unowned(scratch)
    n = P.shape[0]
    audience = 0.0 if no_warnings else P[i, AUDIENCE]
    high, low = type_of(P, SW, i, True), type_of(P, SW, i, False)
    w_high = war_payoff_of(P, W, SW, S, i, j, high, 0.0, 0.0, 0.0)
    w_low = war_payoff_of(P, W, SW, S, i, j, low, 0.0, 0.0, 0.0)
    joined, support, widened = joiners_today(P, W, SW, S, j, i, day, no_warnings, scratch)
    j_high, j_low = type_of(P, SW, j, True), type_of(P, SW, j, False)
    th_high = signalling.challenge_threshold(
        P[j, STAKES], war_payoff_of(P, W, SW, S, j, i, j_high, joined, support, widened)
    )
    th_low = signalling.challenge_threshold(
        P[j, STAKES], war_payoff_of(P, W, SW, S, j, i, j_low, joined, support, widened)
    )
    _, q_warn, q_silent = signalling.warning_equilibrium(
        w_high, w_low, S[pair_at(n, j, i, P_BELIEF)], P[i, STAKES], audience, W[MOVE_COST],
        th_high, th_low, S[pair_at(n, i, j, P_BELIEF)],
    )  # fmt: skip
    return q_warn, q_silent, w_high, w_low


@helper
def concession(P, W, SW, S, i, j, d):
    """What j's quitting may win i over the war ahead: j's hazard at the attrition equilibrium,
    its marginal type after the war's battle deaths so far (Hendricks, Weiss & Wilson 1988)."""
    spread = P[j, SPREAD] if SW[SW_TYPES] else 0.0
    low = types.drawn_resolve(P[j, RESOLVE], spread, 0.0)
    high = types.drawn_resolve(P[j, RESOLVE], spread, 1.0)
    days, cost = W[OFF_DAYS], W[WAR_COST]
    n = P.shape[0]
    elapsed = termination.attrition_time(
        S[dyad_at(n, d, D_BATTLE)], W[C_COMBAT], cost, days, P[j, STAKES]
    )
    marginal = termination.marginal_type(low, high, elapsed)
    hazard = termination.quit_hazard(marginal, cost, days, P[j, STAKES])
    return termination.concession_gain(hazard, P[i, STAKES], days)


@jit
def fill_context(P, W, SW, S, i, j, day, no_warnings, scratch, c):
    """What i knows of opponent j before pricing its options, into the context row that starts
    at `c` of the scratch."""
    P, W, SW, S, scratch = unowned(P), unowned(W), unowned(SW), unowned(S), unowned(scratch)
    n = P.shape[0]
    d = dyad_of(i, j)
    warned = S[pair_at(n, i, j, P_COMMIT)]
    off_by = S[dyad_at(n, d, D_OFF_BY)]
    scratch[c + C_BELIEF] = S[pair_at(n, i, j, P_BELIEF)]
    scratch[c + C_ANGER] = decisions.felt_anger(S[pair_at(n, i, j, P_HOST)])
    scratch[c + C_HARM] = decisions.felt_harm(S[pair_at(n, i, j, P_HARM)])
    scratch[c + C_COMMITTED] = 1.0 if (SW[SW_WARNING] and warned >= 0.0) else 0.0
    backdown = standing_backdown(P, W, SW, S, i, j, day)
    scratch[c + C_BACKDOWN] = 0.0 if no_warnings else backdown
    rung = S[dyad_at(n, d, D_RUNG)]
    scratch[c + C_RUNG] = rung
    reach = P[j, GUARANTOR] == 0.0 or S[actor_at(j, A_TROOPS)] > 0.0
    scratch[c + C_REACH] = 1.0 if reach else 0.0
    scratch[c + C_ATTACK] = (
        1.0 if (reach and SW[SW_DELIBERATE] and off_by != i) and P[i, FORCES] > 0.0 else 0.0
    )
    joined, support, widened = joiners_today(P, W, SW, S, i, j, day, no_warnings, scratch)
    gain = W[MOB_GAIN]
    own, other = strength(P, S, i, gain), strength(P, S, j, gain)
    scratch[c + C_WIN] = combat.win_probability(own, other, support)
    scratch[c + C_JOINERS] = joined
    scratch[c + C_RETALIATION] = retaliation(P, W, SW, S, i, j) if rung >= 3.0 else 0.0
    at_war = rung >= 5.0 or off_by >= 0.0
    scratch[c + C_AT_WAR] = 1.0 if at_war else 0.0
    # The chance j quits today, as i expects it: the attrition equilibrium.
    scratch[c + C_CONCESSION] = 0.0
    if at_war and SW[SW_TERMINATION] and SW[SW_LOOKAHEAD]:
        scratch[c + C_CONCESSION] = concession(P, W, SW, S, i, j, d)
    scratch[c + C_Q_WARN] = scratch[c + C_Q_SILENT] = 0.0
    scratch[c + C_WAR_HIGH] = scratch[c + C_WAR_LOW] = 0.0
    if SW[SW_WARNING] and SW[SW_LOOKAHEAD] and warned < 0.0:
        q_warn, q_silent, w_high, w_low = warning_game(P, W, SW, S, i, j, day, no_warnings, scratch)
        scratch[c + C_Q_WARN], scratch[c + C_Q_SILENT] = q_warn, q_silent
        scratch[c + C_WAR_HIGH], scratch[c + C_WAR_LOW] = w_high, w_low
    f3, f4 = S[pair_at(n, i, j, P_RISK3)], S[pair_at(n, i, j, P_RISK4)]
    # the war's nuclear risk, with the wars of the guarantors expected to join it
    f_war = risk.either_risk(S[pair_at(n, i, j, P_RISK_WAR)], widened)
    scratch[c + C_RISK3], scratch[c + C_RISK4], scratch[c + C_RISK_WAR] = f3, f4, f_war
    scratch[c + C_NUCLEAR_REPLY] = 1.0 if (P[j, ARMED] > 0.0 and SW[SW_LOOKAHEAD]) else 0.0
    scratch[c + C_AUDIENCE] = P[i, AUDIENCE] if (SW[SW_WARNING] and not no_warnings) else 0.0
    scratch[c + C_THREAT] = threat(P, W, SW, S, i, j)


@jit
def prices(P, W, SW, S, i, j, scratch, c, kind, r, high, low):
    """`price` at the actor's resolve and at its two types, in one call (one call's arguments
    passed instead of three; each utility computed exactly as alone)."""
    P, W, SW, S, scratch = unowned(P), unowned(W), unowned(SW), unowned(S), unowned(scratch)
    if kind == WARN and SW[SW_LOOKAHEAD]:  # the types' wars are the warning game's, made today
        return (
            price(P, W, SW, S, i, j, scratch, c, kind, r),
            warn_gain(W, P, i, scratch, c, scratch[c + C_WAR_HIGH]),
            warn_gain(W, P, i, scratch, c, scratch[c + C_WAR_LOW]),
        )
    return (
        price(P, W, SW, S, i, j, scratch, c, kind, r),
        price(P, W, SW, S, i, j, scratch, c, kind, high),
        price(P, W, SW, S, i, j, scratch, c, kind, low),
    )


@helper
def warn_gain(W, P, i, scratch, c, war):
    """A warning's utility by the warning game, given what war is worth to the sender."""
    return signalling.warning_gain(
        war, P[i, STAKES], scratch[c + C_AUDIENCE], W[MOVE_COST], scratch[c + C_Q_WARN],
        scratch[c + C_Q_SILENT],
    )  # fmt: skip


@helper
def price(P, W, SW, S, i, j, scratch, c, kind, resolve):
    """The utility of option `kind` toward the opponent of the context row at `c` at resolve r,
    against holding (docs/model.md §3.4.2, the strategic rule)."""
    h, kappa, V = W[ANGER], W[MOVE_COST], P[i, STAKES]
    rho = W[RETALIATION] if SW[SW_RETALIATION] else 0.0
    b, x = scratch[c + C_BELIEF], scratch[c + C_ANGER]
    harm, rung = scratch[c + C_HARM], scratch[c + C_RUNG]
    weary = weary_at(SW, pain_of(P, S, i), resolve)
    now = rung_risk(W, scratch, c, rung, resolve)
    if kind == DEESCALATE:
        if scratch[c + C_AT_WAR] > 0.0 and SW[SW_TERMINATION]:
            cost = termination.fighting_cost(resolve, W[WAR_COST])
            worth = termination.fighting_worth(scratch[c + C_WIN], V)
            return termination.ceasefire_utility(
                cost, weary, worth, scratch[c + C_CONCESSION], scratch[c + C_BACKDOWN]
            )
        lower = rung_risk(W, scratch, c, max(rung - 1.0, 0.0), resolve)
        u = decisions.deescalate_utility(
            scratch[c + C_THREAT], W[PEACE], rung, h, x, kappa, scratch[c + C_BACKDOWN], weary
        )
        return u + now - lower
    if kind == WARN:
        if not SW[SW_LOOKAHEAD]:
            return decisions.warn_utility(b, V, h, x, kappa, W[WARN_WEIGHT])
        w = war_payoff_of(P, W, SW, S, i, j, resolve, 0.0, 0.0, 0.0)
        return warn_gain(W, P, i, scratch, c, w)
    if kind == MOBILISE:
        return decisions.mobilise_utility(
            scratch[c + C_THREAT], V, h, x, kappa, resolve, W[MOB_WEIGHT]
        )
    if kind == PROBE:
        u = decisions.probe_utility(h, x, rho, harm, kappa, resolve, W[PROBE_WEIGHT])
        return u - (rung_risk(W, scratch, c, max(rung, 3.0), resolve) - now)
    if kind == STRIKE:
        step = rung_risk(W, scratch, c, max(rung, 4.0), resolve) - now
        return strategy.strike_utility(
            h, x, rho, harm, W[STRIKE_COST], resolve, weary, scratch[c + C_RETALIATION], step
        )
    if kind == ATTACK:
        step = rung_risk(W, scratch, c, 5.0, resolve) - now
        return strategy.attack_utility(
            scratch[c + C_WIN], V, W[FIRST_STRIKE], scratch[c + C_THREAT], h, x, W[WAR_COST],
            resolve, scratch[c + C_JOINERS], weary, step,
        )  # fmt: skip
    return strategy.nuclear_utility(
        scratch[c + C_WIN], V, h, x, W[NUCLEAR_COST], scratch[c + C_NUCLEAR_REPLY]
    )  # NUCLEAR


@jit
def decide(i, P, W, SW, S, dkey, day, suppress, scratch, log):
    """Choose today's action by quantal response over utilities that expect replies, and
    leave in A_SIGNAL the likelihood ratio opponents will read from the choice (Kydd 2005)."""
    P, W, SW, S, scratch, log = (
        unowned(P),
        unowned(W),
        unowned(SW),
        unowned(S),
        unowned(scratch),
        unowned(log),
    )
    n = P.shape[0]
    r = S[actor_at(i, A_RESOLVE)]
    high, low = type_of(P, SW, i, True), type_of(P, SW, i, False)
    no_warnings = (suppress & (1 << Road.WARNINGS)) != 0
    if i == 0:  # every day's decisions start with the challenger's: the day's joiners to come
        for j in range(1, n):
            scratch[joined_at(False, j)] = scratch[joined_at(True, j)] = 0.0
    # The warnings twin is this run until the first day some decision input differs without
    # audience costs; the face twin until the first day holding after harm costs face. Under
    # this rule a difference in any input moves what the choice signals, so the twins fork
    # there, not only when the choice itself would differ (as under the myopic rule).
    track = suppress == 0 and S[DIVERGED + Road.WARNINGS] < 0
    differs = False
    count = option(scratch, 0, 0.0, HOLD, -1, 0.0, 0.0)
    scratch[O_HIGH] = scratch[O_LOW] = 0.0
    worst = unanswered = 0.0
    pain = pain_of(P, S, i)
    for m in range(opponent_count(i, n)):
        j = opponent(i, m)
        c = context_at(0, m)
        fill_context(P, W, SW, S, i, j, day, no_warnings, scratch, c)
        if track:
            t = context_at(1, m)
            fill_context(P, W, SW, S, i, j, day, track, scratch, t)  # track: True
            for f in range(N_CONTEXT):
                differs = differs or scratch[t + f] != scratch[c + f]
        raw = standing_backdown(P, W, SW, S, i, j, day)
        worst = max(worst, raw)
        if S[pair_at(n, i, j, P_HARM)] > 0.5 and not suppress & (1 << Road.FACE):
            unanswered = max(unanswered, raw)
        rung = scratch[c + C_RUNG]
        force = S[dyad_at(n, dyad_of(i, j), D_SETTLED)] == 0.0  # a settled war stays settled
        reach = force and scratch[c + C_REACH] > 0.0
        kinds = (
            DEESCALATE if (rung >= 2.0 or scratch[c + C_COMMITTED] > 0.0) else -1,
            WARN if (SW[SW_WARNING] and S[pair_at(n, i, j, P_COMMIT)] < 0.0) else -1,
            MOBILISE if (rung >= 1.0 and S[actor_at(i, A_MOBILISED)] == 0.0) else -1,
            PROBE if (reach and rung >= 2.0) else -1,
            STRIKE if (reach and rung >= 3.0) else -1,
            ATTACK if (force and scratch[c + C_ATTACK] > 0.0) else -1,
            NUCLEAR if (P[i, ARMED] > 0.0 and rung >= 5.0) else -1,
        )
        for kind in kinds:
            if kind < 0:
                continue
            u, u_high, u_low = prices(P, W, SW, S, i, j, scratch, c, kind, r, high, low)
            scratch[O_HIGH + count], scratch[O_LOW + count] = u_high, u_low
            count = option(scratch, count, u, kind, j, u, u)
    if SW[SW_WITHDRAWAL] and S[actor_at(i, A_TROOPS)] > 0.0:
        paid = 0.0 if no_warnings else worst
        kappa, V = W[MOVE_COST], P[i, STAKES]
        u = decisions.withdraw_utility(pain, r, V, kappa, paid)
        scratch[O_HIGH + count] = decisions.withdraw_utility(pain, high, V, kappa, paid)
        scratch[O_LOW + count] = decisions.withdraw_utility(pain, low, V, kappa, paid)
        free = decisions.withdraw_utility(pain, r, V, kappa, 0.0)
        count = option(scratch, count, u, WITHDRAW, -1, free, u)
    scratch[O_UTILITY] = scratch[O_WARNINGS] = scratch[O_HIGH] = scratch[O_LOW] = -unanswered
    if track and (differs or worst > 0.0):
        diverge(S, Road.WARNINGS, day)
    if suppress == 0 and unanswered > 0.0:
        diverge(S, Road.FACE, day)
    k = choose(i, W, S, dkey, day, suppress, scratch, count, False, False)
    if S[actor_at(i, A_CHOICE)] == HOLD:
        k = 0  # the attacks twin holds instead of attacking: opponents see a hold
    S[actor_at(i, A_SIGNAL)] = 1.0
    if SW[SW_TYPES] and SW[SW_BELIEFS]:
        p_high, p_low = decisions.choice_probabilities(
            scratch, count, W[PRECISION], k, O_HIGH, O_LOW
        )
        S[actor_at(i, A_SIGNAL)] = types.choice_likelihood(p_high, p_low)
    choice, target = int(S[actor_at(i, A_CHOICE)]), int(S[actor_at(i, A_TARGET)])
    if choice != HOLD and logging(log):  # the ensemble keeps no log: skip its numbers
        j = target if target >= 0 else opponent(i, 0)
        c = context_at(0, 0 if i != 0 else j - 1)
        face = scratch[c + C_BACKDOWN] if target >= 0 else worst
        write(
            log, LOG_ACTION + choice, i, target, S[pair_at(n, i, j, P_BELIEF)],
            S[pair_at(n, i, j, P_HOST)], scratch[c + C_WIN], scratch[c + C_JOINERS], face,
        )  # fmt: skip
