"""Force: deterrent credibility, the balance of forces, casualties and the test for war
(M5, M8, M10; Correlates of War)."""

import math

from sim.model.rules import rule


@rule
def credibility(troops, resolve, deterrence):
    """Tripwire credibility: the chance a guarantor fights, min(1, δ·T/1000·r) (Huth 1988)."""
    return min(1.0, deterrence * troops / 1000.0 * resolve)


@rule
def win_probability(own, other, support):
    """p = F_i/(F_i + F_j + Σ credibility·F of j's allies); ½ without forces (Fearon 1995)."""
    total = own + other + support
    return own / total if total > 0.0 else 0.5


@rule
def casualty_count(mean, u):
    """Deaths in one event, uniform on 0..2C: ⌊u·(2C + 1)⌋ (brief §5, M3 and M9)."""
    return math.floor(u * (2.0 * mean + 1.0))


@rule
def is_clash(lethality, u):
    """An incident is a clash (forces fire: MID action 17) if u ≥ 1 − ℓ (Jones et al. 1996)."""
    return u >= 1.0 - lethality


@rule
def incident_deaths(mean, lethality, u):
    """Only a clash kills, ⌊u′·(2Cₘ+1)⌋ at u′ = (u−1+ℓ)/ℓ, 0 included (Frear et al. 2014)."""
    if not is_clash(lethality, u):
        return 0
    return casualty_count(mean, (u - (1.0 - lethality)) / lethality)


@rule
def force_deaths(mean, lethality, u):
    """A strike or clash kills only if u ≥ 1 − ℓ_f, as incidents do (MID; Palmer et al. 2015)."""
    return incident_deaths(mean, lethality, u)


@rule
def attacker_share(attacker, defender):
    """The attacker bears F_j/(F_i + F_j) of the battle deaths (Mearsheimer 1989)."""
    total = attacker + defender
    return defender / total if total > 0.0 else 0.5


@rule
def is_war(battle_deaths, threshold, reciprocal):
    """Open war: reciprocal combat with battle deaths ≥ W (Sarkees & Wayman 2010)."""
    return reciprocal and battle_deaths >= threshold


@rule
def casualty_pain(deaths, tolerance, resolve):
    """How much losses hurt: deaths/(L·(½ + r) + 1), about 1 at the tolerance (Mueller 1973)."""
    return deaths / (tolerance * (0.5 + resolve) + 1.0)
