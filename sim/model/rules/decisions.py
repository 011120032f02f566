"""Decisions: each action's expected utility, and the quantal-response choice among them
(McKelvey & Palfrey 1995; Signorino 1999; M6-M10).

Utilities are in units of the stakes, relative to holding (0). Each action's utility is a sum
of named terms (brief §3): stakes V and the balance of forces p, costs weighted by (1 − r),
the belief b that the opponent is aggressive, deterrent credibility (troops × resolve), the
audience cost B of backing down from a public warning, war weariness, and anger: hostility x
biases towards force. The equations are written out in docs/model.md §3.4.
"""

from sim.model.rules import rule

# The exponential of the choice rule is cut at z = −40 (a weight below 4e-18 of the best
# action's; an action that far behind is never chosen).
EXP_FLOOR = -40.0
# 1/k! for k = 10, 9, ..., 0, as the nearest doubles: Horner's scheme needs no division.
_TAYLOR = (
    1.0 / 3628800.0, 1.0 / 362880.0, 1.0 / 40320.0, 1.0 / 5040.0, 1.0 / 720.0, 1.0 / 120.0,
    1.0 / 24.0, 1.0 / 6.0, 0.5, 1.0, 1.0,
)  # fmt: skip
ANGER_SCALE = 4.0  # hostility at which felt anger is half its ceiling of 4


@rule
def exp_neg(z):
    """e^z for z ≤ 0 by + and × only (Taylor of e^(z/64), six squarings), 0 below −40 (brief §3)."""
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
def felt_anger(hostility):
    """Anger saturates, x/(1 + x/4): runaway hostility cannot outweigh all (Richardson 1960)."""
    return hostility / (1.0 + hostility / ANGER_SCALE)


@rule
def felt_harm(harm):
    """The urge to answer remembered harm saturates, H/(1 + H) ≤ 1 (Axelrod 1984)."""
    return harm / (1.0 + harm)


@rule
def weariness(pain, resolve):
    """War weariness (1 − r)·pain weighs against force and for de-escalation (Mueller 1973)."""
    return (1.0 - resolve) * pain


@rule
def backdown_cost(audience_cost, committed, days_committed, lock_in_days):
    """Backing down d days after a warning costs B = c·(1 + d/(d + D)): lock-in (Fearon 1994)."""
    if not committed:
        return 0.0
    return audience_cost * (1.0 + days_committed / (days_committed + lock_in_days))


@rule
def hold_utility():
    """Holding is the reference, U = 0 (McKelvey & Palfrey 1995)."""
    return 0.0


@rule
def deescalate_utility(belief, peace_value, rung, anger, hostility, move_cost, backdown, weary):
    """U = (1 − b)·P·R/4 + weariness − h·x/4 − κₘ/2 − B (Kydd 2005; Fearon 1994)."""
    return (
        (1.0 - belief) * peace_value * rung / 4.0
        + weary
        - anger * hostility / 4.0
        - move_cost / 2.0
        - backdown
    )


@rule
def warn_utility(belief, stakes, anger, hostility, move_cost, weight):
    """U = ω_w·b·V + h·x/4 − κₘ: its later audience cost is not weighed when made (Fearon 1994)."""
    return weight * belief * stakes + anger * hostility / 4.0 - move_cost


@rule
def mobilise_utility(belief, stakes, anger, hostility, move_cost, resolve, weight):
    """U = ω_m·b·V + h·x/2 − 2κₘ·(1 − r): readiness against an aggressive type (Jervis 1976)."""
    return weight * belief * stakes + anger * hostility / 2.0 - 2.0 * move_cost * (1.0 - resolve)


@rule
def probe_utility(anger, hostility, retaliation, harm, move_cost, resolve, weight):
    """U = ω_p·h·x + ½·ρ·H − 3κₘ·(1 − r): deniable harassment vents anger (Posen 1991)."""
    return weight * anger * hostility + 0.5 * retaliation * harm - 3.0 * move_cost * (1.0 - resolve)


@rule
def strike_utility(anger, hostility, retaliation, harm, strike_cost, resolve, weary):
    """U = h·x + ρ·H − (1 − r)·Cₛ − weariness: a strike answers harm done (Axelrod 1984)."""
    return anger * hostility + retaliation * harm - (1.0 - resolve) * strike_cost - weary


@rule
def attack_utility(
    win, stakes, first_strike, belief, anger, hostility, war_cost, resolve, wider, weary
):
    """U = (2p − 1)V + AbV + hx − (1 − r)·C_w·(1 + Σ cred) − weariness (Fearon 1995)."""
    return (
        (2.0 * win - 1.0) * stakes
        + first_strike * belief * stakes
        + anger * hostility
        - (1.0 - resolve) * war_cost * (1.0 + wider)
        - weary
    )


@rule
def withdraw_utility(pain, resolve, stakes, move_cost, backdown):
    """U = 2·(1 − r)·pain − V − κₘ − B: losses bring troops home (Mueller 1973; Beirut 1983)."""
    return 2.0 * (1.0 - resolve) * pain - stakes - move_cost - backdown


@rule
def nuclear_utility(win, stakes, anger, hostility, nuclear_cost):
    """U = 2(1 − 2p)V + h·x − Cₙ: a losing side weighs an enormous cost (Tannenwald 1999)."""
    return 2.0 * (1.0 - 2.0 * win) * stakes + anger * hostility - nuclear_cost


@rule
def best_option(utilities, count, first=0):
    """The option of highest utility, the first of any tie (McKelvey & Palfrey 1995)."""
    # U_k is utilities[first + k] for k < count: the options' column of a longer vector.
    best = 0
    for k in range(1, count):
        if utilities[first + k] > utilities[first + best]:
            best = k
    return best


@rule
def choice_probability(utilities, count, precision, k, first=0):
    """P(k) = e^(λU_k)/Σ e^(λU), leaving the utilities as they are (McKelvey & Palfrey 1995)."""
    top = utilities[first + best_option(utilities, count, first)]
    total = 0.0
    for m in range(count):
        total += exp_neg(precision * (utilities[first + m] - top))
    return exp_neg(precision * (utilities[first + k] - top)) / total


@rule
def choice_probabilities(utilities, count, precision, k, first, second):
    """P(k) under two columns of utilities, as `choice_probability` (McKelvey & Palfrey 1995)."""
    # one pass: the two columns' exponentials interleave, each sum in the same order
    best_a = best_b = 0
    for m in range(1, count):
        if utilities[first + m] > utilities[first + best_a]:
            best_a = m
        if utilities[second + m] > utilities[second + best_b]:
            best_b = m
    top_a, top_b = utilities[first + best_a], utilities[second + best_b]
    total_a = total_b = mine_a = mine_b = 0.0
    for m in range(count):
        weight_a = exp_neg(precision * (utilities[first + m] - top_a))
        weight_b = exp_neg(precision * (utilities[second + m] - top_b))
        total_a += weight_a
        total_b += weight_b
        if m == k:
            mine_a, mine_b = weight_a, weight_b
    return mine_a / total_a, mine_b / total_b


@rule
def quantal_choice(utilities, count, precision, u, first=0):
    """Option k with chance e^(λU_k)/Σ e^(λU), from one draw u (McKelvey & Palfrey 1995)."""
    # U_k is utilities[first + k] for k < count; the utilities are replaced by their weights.
    best = utilities[first]
    for k in range(1, count):
        best = max(best, utilities[first + k])
    total = 0.0
    for k in range(count):
        utilities[first + k] = exp_neg(precision * (utilities[first + k] - best))
        total += utilities[first + k]
    target = u * total
    running = 0.0
    for k in range(count):
        running += utilities[first + k]
        if target < running:
            return k
    return count - 1
