"""The rung of a dyad: it climbs at most one rung a day unless someone attacks, becomes open
war only with sustained combat, and falls back when both sides stay calm (brief §4)."""

from sim.model.rules import rule

COMBAT_RUNG = 4


@rule
def climb(rung, level, attacked):
    """New rung max(R, min(level, R + 1)); an attack opens combat at once, max(R, 4) (Kahn 1965)."""
    if attacked:
        return max(rung, COMBAT_RUNG)
    return max(rung, min(level, rung + 1))


@rule
def calm_days_after(calm, quiet, deescalated):
    """Calm grows 1 a quiet day (2 with an offer of de-escalation), else resets (Schelling 1966)."""
    if not quiet:
        return 0
    return calm + 1 + deescalated


@rule
def settled_rung(rung, calm, calm_days):
    """After D_c calm days the dyad steps one rung down: ceasefires can be restored (brief §4)."""
    if rung > 0 and calm >= calm_days:
        return rung - 1
    return rung
