"""How wars end: a war of attrition with private types. Each day at war each side weighs what
fighting on costs it against what fighting on may win: ground, if it is winning, and the chance
that the opponent gives up today. At the attrition game's equilibrium each type quits at a time
that rises smoothly with its resolve, the lowest type at once and the most resolute never
(Hendricks, Weiss & Wilson 1988; Fudenberg & Tirole 1986): the longer the opponent has fought,
the more resolute its surviving types (Bayes on its survival), the lower its daily hazard of
quitting, so a side quits once the hazard no longer pays its own daily cost: beliefs converge
through fighting until one side yields (Fearon 1998; Slantchev 2003; Powell 2004). The war's
clock is its battle deaths in days of combat; costs and gains are counted over what is left of
the war (an offensive's Dₒ days), in the units of the attack's utility, so that yielding and
attacking are weighed on one scale."""

from sim.model.rules import rule
from sim.model.rules.decisions import exp_neg


@rule
def fighting_cost(resolve, war_cost):
    """Fighting on costs the war's cost at the actor's resolve, (1 − r)·C_w (Fearon 1995)."""
    return (1.0 - resolve) * war_cost


@rule
def fighting_worth(win, stakes):
    """What fighting on may gain a side that is winning: max(0, 2p − 1)·V (Slantchev 2003)."""
    return max(0.0, 2.0 * win - 1.0) * stakes


@rule
def attrition_time(battle, daily_deaths, war_cost, offensive_days, stakes):
    """The war's time in units of the prize, τ = (N/C_c)·(C_w/Dₒ)/V (Hendricks et al. 1988)."""
    if daily_deaths <= 0.0:
        return 0.0
    if stakes <= 0.0:  # nothing to fight for: every type quits at once
        return 1e9
    return battle / daily_deaths * war_cost / offensive_days / stakes


@rule
def marginal_type(low, high, elapsed):
    """The type quitting at τ, uniform on [a, b]: x = (b − q)/(1 − q) (Fudenberg & Tirole 1986)."""
    # T′(x) = V·f(x)/((1 − F(x))·(1 − x)·κ) integrated from T(a) = 0 and inverted, with
    # q = e^(−(1 − b)·τ)·(b − a)/(1 − a); for b = 1, x = 1 − 1/(1/(1 − a) + τ).
    if high <= low or low >= 1.0:
        return low  # complete information: every type alike, a constant hazard
    if high >= 1.0:
        return 1.0 - 1.0 / (1.0 / (1.0 - low) + elapsed)
    q = exp_neg(-(1.0 - high) * elapsed) * (high - low) / (1.0 - low)
    return (high - q) / (1.0 - q)


@rule
def quit_hazard(marginal, war_cost, offensive_days, stakes):
    """The opponent's daily hazard of quitting, min(1, (1 − x)·C_w/(Dₒ·V)) (HWW 1988)."""
    cost = (1.0 - marginal) * war_cost / offensive_days
    if cost >= stakes:
        return 1.0
    return cost / stakes


@rule
def concession_gain(hazard, stakes, offensive_days):
    """The opponent may quit: its hazard × the prize over the war ahead, h·V·Dₒ (Wagner 2000)."""
    return hazard * stakes * offensive_days


@rule
def ceasefire_utility(cost, weary, worth, gain, backdown):
    """Yield: U = the cost ahead + weariness − what war may win − quitting's face (Reiter 2009)."""
    return cost + weary - worth - gain - backdown
