"""Hostility of one actor toward one opponent: Richardson's update, perceived through threat
perception, fed by framing, warnings and the day's shocks (M1, M2, M6)."""

from sim.model.rules import rule


@rule
def resolve_gain(resolve):
    """Resolve scales reactions: gain = ½ + r, so r = ½ is neutral (brief §1)."""
    return 0.5 + resolve


@rule
def reaction_coefficient(reactivity, resolve):
    """Richardson's reaction a = κ·(½ + r): resolute actors react harder (Richardson 1960)."""
    return reactivity * resolve_gain(resolve)


@rule
def perceived_hostility(hostility, threat_perception, bias, noise, u):
    """ŷ = max(0, y·(1 + β·τ) + ν·τ·(2u − 1)): threat perception biases and blurs (Jervis 1976)."""
    blur = noise * threat_perception * (2.0 * u - 1.0)
    return max(0.0, hostility * (1.0 + bias * threat_perception) + blur)


@rule
def framing_grievance(framing, opposing_troops):
    """The opponent's troops in theatre read as provocation: φ·T/1000 a day (Jervis 1976)."""
    return framing * opposing_troops / 1000.0


@rule
def hardening_grievance(hardening, opponent_warned):
    """A public warning by the opponent hardens positions: η a day (Fearon 1994)."""
    return hardening * opponent_warned


@rule
def felt_shock(shock, resolve, share):
    """Harm felt: share·S·(½ + r), share 1 for oneself and σ for an ally (Snyder 1984)."""
    return share * shock * resolve_gain(resolve)


@rule
def richardson_step(hostility, reaction, perceived, restraint, grievance):
    """x' = max(0, x + a·ŷ − m·x + G): the discrete Richardson update (Richardson 1960)."""
    return max(0.0, hostility + reaction * perceived - restraint * hostility + grievance)
