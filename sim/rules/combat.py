"""Force: deterrent credibility, the balance of forces, casualties and the test for war
(M5, M8, M10; Correlates of War)."""

import math

from sim.rules import rule


@rule
def credibility(troops, resolve, deterrence):
    """Troops as a tripwire: the chance a guarantor fights if its protégé is attacked,
    min(1, δ·T/1000·r) (Schelling 1966; Huth 1988)."""
    return min(1.0, deterrence * troops / 1000.0 * resolve)


@rule
def win_probability(own, other, support):
    """p = F_i / (F_i + F_j + Σ credibility·F of j's allies): the balance of forces, with the
    allies a tripwire would bring in (Fearon 1995; Huth 1988)."""
    return own / (own + other + support)


@rule
def casualty_count(mean, u):
    """Deaths in one event, uniform on 0..2C: ⌊u·(2C + 1)⌋ (brief M3, M9)."""
    return math.floor(u * (2.0 * mean + 1.0))


@rule
def attacker_share(attacker, defender):
    """The attacker bears the defender's share of the forces of the battle deaths:
    F_j / (F_i + F_j) (the attacker's disadvantage; Mearsheimer 1989)."""
    return defender / (attacker + defender)


@rule
def is_war(battle_deaths, threshold, reciprocal):
    """Open war: reciprocal combat whose battle deaths reach the threshold W (default 1,000;
    Correlates of War, Sarkees & Wayman 2010)."""
    return reciprocal and battle_deaths >= threshold


@rule
def casualty_pain(deaths, tolerance, resolve):
    """How much losses hurt: deaths / (L·(½ + r)), 1 at the tolerance (Mueller 1973)."""
    return deaths / (tolerance * (0.5 + resolve) + 1.0)
