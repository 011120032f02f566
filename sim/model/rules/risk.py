"""The threat that leaves something to chance: every rung above a show of force carries a daily
chance of slipping out of control, higher up the ladder and the more sides of the dyad hold
nuclear arms, and the expected cost of that chance weighs on every choice that climbs
(Schelling 1960; Powell 1990; Jervis 1989; Sagan 1993)."""

from sim.model.rules import rule

INCIDENT_RUNG, COMBAT_RUNG, WAR_RUNG = 3, 4, 5


@rule
def slip_chance(rung, base, growth, nuclear_factor, nuclear_sides):
    """Daily slip s₀·g^(R−3)·ν^n at rungs 3-4, n the dyad's nuclear-armed sides (Schelling 1960)."""
    if rung < INCIDENT_RUNG or rung >= WAR_RUNG:
        return 0.0
    chance = base * (growth if rung >= COMBAT_RUNG else 1.0)
    return min(1.0, chance * power(nuclear_factor, nuclear_sides))


@rule
def nuclear_slip_chance(nuclear_slip, nuclear_sides, at_war):
    """Daily chance 1 − (1 − s_N)^n that a war with n armed sides goes nuclear (Powell 1990)."""
    if not at_war:
        return 0.0
    # s·Σ_{m<n} (1 − s)^m, equal to 1 − (1 − s)^n and exact (s itself) for one side
    chance, spared = 0.0, 1.0
    for _ in range(int(nuclear_sides)):
        chance += nuclear_slip * spared
        spared *= 1.0 - nuclear_slip
    return chance


@rule
def either_risk(first, second):
    """Chance that one of two independent slips happens, 1 − (1 − a)(1 − b) (Powell 1990)."""
    return first + second - first * second  # the same, and exactly a when b = 0


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
