"""Anticipated replies: under the strategic rule an action's utility includes the reply it
expects from the opponent, under the belief about the opponent's type: a strike expects
retaliation, an attack expects war with the guarantors whose troops it hits, nuclear use
expects a nuclear reply (Signorino 1999; Schelling 1966; Fearon 1995). The opponent's reply is
its own utility of replying, at each of its two types (a level-1 look-ahead)."""

from sim.model.rules import rule
from sim.model.rules.decisions import exp_neg, felt_harm


@rule
def logistic(z):
    """σ(z) = 1/(1 + e^−z), with e^−z by + and × only (Signorino 1999)."""
    if z >= 0.0:
        return 1.0 / (1.0 + exp_neg(-z))
    e = exp_neg(z)
    return e / (1.0 + e)


@rule
def reply_chance(utility, precision):
    """The chance an opponent replies rather than holds back: σ(λ·U) (McKelvey & Palfrey 1995)."""
    return logistic(precision * utility)


@rule
def troop_harm(troops, harm_multiplier):
    """Harm felt when an offensive hits T troops: felt harm of k·T/1000 (Schelling 1966)."""
    return felt_harm(harm_multiplier * troops / 1000.0)


@rule
def join_utility(stakes, retaliation, harm, backdown, war_cost, resolve, weary):
    """Joining when troops are hit: U = V + ρH + B − (1 − r)C_w − weariness (Schelling 1966)."""
    return stakes + retaliation * harm + backdown - (1.0 - resolve) * war_cost - weary


@rule
def strike_utility(anger, hostility, retaliation, harm, strike_cost, resolve, weary, reply, risk):
    """U = hx + ρH − (1 − r)Cₛ(1 + q) − weariness − risk: q the reply expected (Signorino 1999)."""
    return (
        anger * hostility
        + retaliation * harm
        - (1.0 - resolve) * strike_cost * (1.0 + reply)
        - weary
        - risk
    )


@rule
def attack_utility(
    win, stakes, first_strike, belief, anger, hostility, war_cost, resolve, joiners, weary, risk
):
    """U = (2p − 1)V + AbV + hx − (1 − r)C_w(1 + ΣJ) − weariness − risk (Signorino 1999)."""
    return (
        (2.0 * win - 1.0) * stakes
        + first_strike * belief * stakes
        + anger * hostility
        - (1.0 - resolve) * war_cost * (1.0 + joiners)
        - weary
        - risk
    )


@rule
def nuclear_utility(win, stakes, anger, hostility, nuclear_cost, reply):
    """U = 2(1 − 2p)V + hx − Cₙ(1 + q): q a nuclear reply expected (Schelling 1966)."""
    return 2.0 * (1.0 - 2.0 * win) * stakes + anger * hostility - nuclear_cost * (1.0 + reply)


@rule
def war_payoff(win, stakes, war_cost, resolve, joiners, weary, risk):
    """War over the status quo: (2p − 1)V − (1 − r)C_w(1 + ΣJ) − weariness − risk (Fearon 1995)."""
    return (2.0 * win - 1.0) * stakes - (1.0 - resolve) * war_cost * (1.0 + joiners) - weary - risk
