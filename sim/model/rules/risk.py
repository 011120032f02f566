"""The threat that leaves something to chance: every rung above a show of force carries a daily
chance of slipping out of control, higher up the ladder and against nuclear arms, and the
expected cost of that chance weighs on every choice that climbs (Schelling 1960; Powell 1990;
Sagan 1993)."""

from sim.model.rules import rule

INCIDENT_RUNG, COMBAT_RUNG, WAR_RUNG = 3, 4, 5


@rule
def slip_chance(rung, base, growth, nuclear_factor, nuclear_opponent):
    """Daily slip s₀·g^(R−3) at rungs 3-4, ×ν against nuclear arms (Schelling 1960; Sagan 1993)."""
    if rung < INCIDENT_RUNG or rung >= WAR_RUNG:
        return 0.0
    chance = base * (growth if rung >= COMBAT_RUNG else 1.0)
    if nuclear_opponent:
        chance *= nuclear_factor
    return min(1.0, chance)


@rule
def nuclear_slip_chance(nuclear_slip, nuclear_opponent, at_war):
    """Daily chance that a war against a nuclear-armed side goes nuclear unbidden (Powell 1990)."""
    return nuclear_slip if (nuclear_opponent and at_war) else 0.0


@rule
def power(base, exponent):
    """b^n for a whole n ≥ 0 by squaring: only ×, so every machine rounds it alike (brief §3)."""
    result = 1.0
    n = int(exponent)
    while n > 0:
        if n & 1:
            result *= base
        base *= base
        n >>= 1
    return result


@rule
def risk_cost(chance, days, cost):
    """Expected cost of D days at daily slip chance s: (1 − (1 − s)^D)·C (Powell 1990)."""
    return (1.0 - power(1.0 - chance, days)) * cost
