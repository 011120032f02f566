"""Decisions: each action's expected utility, and the quantal-response choice among them
(McKelvey & Palfrey 1995; Signorino 1999; M6-M10).

Utilities are measured in units of the actor's stakes-free payoff, relative to holding (0).
Each rule below is one action's utility, written as a sum of named terms (brief §3): stakes V
and the balance of forces p, casualty costs weighted by (1 − r), the belief b that the
opponent is aggressive, deterrent credibility (troops × resolve), the audience cost B of
backing down from a public commitment, and anger: hostility x biases towards force.
"""

from sim.rules import rule

# The exponential of the choice rule is cut at z = −40 (a weight below 4e-18 of the best
# action's; an action that far behind is never chosen).
EXP_FLOOR = -40.0


# 1/k! for k = 10, 9, ..., 0, as the nearest doubles: Horner's scheme needs no division.
_TAYLOR = (
    1.0 / 3628800.0, 1.0 / 362880.0, 1.0 / 40320.0, 1.0 / 5040.0, 1.0 / 720.0, 1.0 / 120.0,
    1.0 / 24.0, 1.0 / 6.0, 0.5, 1.0, 1.0,
)  # fmt: skip


@rule
def exp_neg(z):
    """e^z for z ≤ 0 from + and × only: a degree-10 Taylor polynomial of e^(z/64) by Horner's
    scheme, then six squarings; 0 below z = −40. No library exp, so every machine gives the
    same last bit (relative error below 2e-8 on [−40, 0], far below any effect on a choice)."""
    if z < EXP_FLOOR:
        return 0.0
    t = z * 0.015625  # z/64, exact
    p = _TAYLOR[0]
    for k in range(1, 11):
        p = p * t + _TAYLOR[k]
    for _ in range(6):
        p = p * p
    return p


@rule
def backdown_cost(audience_cost, committed, days_committed, lock_in_days):
    """Backing down from a public warning costs B = c·(1 + d/(d + D)) d days on: audience
    costs, dearer the longer the commitment stands (Fearon 1994; M6, M7)."""
    if not committed:
        return 0.0
    return audience_cost * (1.0 + days_committed / (days_committed + lock_in_days))


@rule
def hold_utility():
    """Holding is the reference: U = 0."""
    return 0.0


@rule
def deescalate_utility(belief, peace_value, rung, anger, hostility, move_cost, backdown):
    """U = (1 − b)·P·R/4 − h·x/4 − κ/2 − B: ending the crisis is worth more the higher it
    stands and the less the opponent seems aggressive; backing down from a warning costs B
    (Kydd 2005; Fearon 1994)."""
    return (
        (1.0 - belief) * peace_value * rung / 4.0
        - anger * hostility / 4.0
        - move_cost / 2.0
        - backdown
    )


@rule
def warn_utility(belief, stakes, anger, hostility, move_cost):
    """U = 0.3·b·V + h·x/4 − κ: a warning deters an aggressive opponent; its later audience
    cost is not weighed when it is made (the commitment trap; Fearon 1994)."""
    return 0.3 * belief * stakes + anger * hostility / 4.0 - move_cost


@rule
def mobilise_utility(belief, stakes, anger, hostility, move_cost, resolve):
    """U = 0.5·b·V + h·x/2 − 2κ·(1 − r): readiness against an aggressive opponent (Jervis 1976)."""
    return 0.5 * belief * stakes + anger * hostility / 2.0 - 2.0 * move_cost * (1.0 - resolve)


@rule
def probe_utility(anger, hostility, retaliation, harm, move_cost, resolve):
    """U = ¾·h·x + ½·ρ·H − 3κ·(1 − r): deniable harassment vents anger and answers harm."""
    return 0.75 * anger * hostility + 0.5 * retaliation * harm - 3.0 * move_cost * (1.0 - resolve)


@rule
def strike_utility(anger, hostility, retaliation, harm, strike_cost, resolve, belief, stakes):
    """U = h·x + ρ·H − (1 − r)·C_s − ½·b·V: a limited strike answers harm done (tit for tat,
    Axelrod 1984) against its casualty cost and an aggressive opponent's reprisal."""
    return (
        anger * hostility
        + retaliation * harm
        - (1.0 - resolve) * strike_cost
        - 0.5 * belief * stakes
    )


@rule
def attack_utility(win, stakes, first_strike, belief, anger, hostility, war_cost, resolve, wider):
    """U = (2p − 1)·V + A·b·V + h·x − (1 − r)·C_w·(1 + Σ credibility): the expected gain of an
    offensive, the edge of striking first an opponent believed aggressive, against the cost of
    war, dearer for every guarantor a tripwire would bring in (Fearon 1995; Powell 2006)."""
    return (
        (2.0 * win - 1.0) * stakes
        + first_strike * belief * stakes
        + anger * hostility
        - (1.0 - resolve) * war_cost * (1.0 + wider)
    )


@rule
def withdraw_utility(pain, resolve, stakes, move_cost, backdown):
    """U = 2·(1 − r)·pain − V − κ − B: losses past tolerance bring troops home, against what
    the commitment is worth and the face lost (Mueller 1973; Beirut 1983)."""
    return 2.0 * (1.0 - resolve) * pain - stakes - move_cost - backdown


@rule
def nuclear_utility(win, stakes, nuclear_cost):
    """U = 2·(1 − 2p)·V − C_n: only a side losing a war has a motive, weighed against an
    enormous cost (Schelling 1966; the tradition of non-use, Tannenwald 1999)."""
    return 2.0 * (1.0 - 2.0 * win) * stakes - nuclear_cost


@rule
def quantal_choice(utilities, count, precision, u):
    """Pick option k with chance e^(λ·U_k) / Σ e^(λ·U): quantal response (McKelvey & Palfrey
    1995), by one uniform draw u over the cumulative weights, in option order. The weights
    replace the utilities in place."""
    best = utilities[0]
    for k in range(1, count):
        best = max(best, utilities[k])
    total = 0.0
    for k in range(count):
        utilities[k] = exp_neg(precision * (utilities[k] - best))
        total += utilities[k]
    target = u * total
    running = 0.0
    for k in range(count):
        running += utilities[k]
        if target < running:
            return k
    return count - 1
