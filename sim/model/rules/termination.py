"""How wars end: a war of attrition with private types. Each day at war each side weighs what
fighting on costs it against what fighting on may win: ground, if it is winning, and the chance
that the opponent gives up. At the attrition game's equilibrium the opponent quits just often
enough that a side of average resolve is indifferent (Hendricks, Weiss & Wilson 1988); a side
more irresolute than that quits sooner, and the longer the other side fights on, the more
resolute it is believed, the less it is expected to quit: beliefs converge through fighting
until one side yields (Wagner 2000; Slantchev 2003; Reiter 2009). Costs and gains are counted
over what is left of the war, in the units of the attack's utility, so that yielding and
attacking are weighed on one scale."""

from sim.model.rules import rule


@rule
def fighting_cost(resolve, war_cost):
    """Fighting on costs the war's cost at the actor's resolve, (1 − r)·C_w (Fearon 1995)."""
    return (1.0 - resolve) * war_cost


@rule
def fighting_worth(win, stakes):
    """What fighting on may gain a side that is winning: max(0, 2p − 1)·V (Slantchev 2003)."""
    return max(0.0, 2.0 * win - 1.0) * stakes


@rule
def concession_gain(belief, mean_cost):
    """The opponent may quit: (1 − b)·2·c̄, the average type indifferent at b = ½ (Wagner 2000)."""
    return (1.0 - belief) * 2.0 * mean_cost


@rule
def ceasefire_utility(cost, weary, worth, gain, backdown):
    """Yield: U = the cost ahead + weariness − what war may win − quitting's face (Reiter 2009)."""
    return cost + weary - worth - gain - backdown
