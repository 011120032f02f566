"""How wars end: each day of fighting is a test of resolve; each side fights on while what
fighting may still win (an irresolute opponent giving up) outweighs what a day costs, and
beliefs converge as the other side keeps fighting, until both would rather stop (Wagner 2000;
Slantchev 2003; Reiter 2009)."""

from sim.model.rules import rule


@rule
def war_day_cost(resolve, war_cost, offensive_days):
    """One more day of war costs (1 − r)·C_w/Dₒ (Fearon 1995; Reiter 2009)."""
    return (1.0 - resolve) * war_cost / offensive_days


@rule
def concession_gain(belief, concede_chance, stakes):
    """One more day of war may win V if an irresolute foe quits: (1 − b)·c·V (Wagner 2000)."""
    return (1.0 - belief) * concede_chance * stakes


@rule
def ceasefire_utility(day_cost, weary, gain, backdown):
    """Offer a ceasefire: U = day's cost + weariness − what war may win − B (Reiter 2009)."""
    return day_cost + weary - gain - backdown
