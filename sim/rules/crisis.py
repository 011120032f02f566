"""The rung of a dyad: it climbs at most one rung a day unless someone attacks, becomes open
war only with sustained combat, and falls back when both sides stay calm (brief §4)."""

from sim.rules import rule

COMBAT_RUNG = 4
WAR_RUNG = 5


@rule
def climb(rung, level, attacked):
    """New rung = max(R, min(level, R + 1)); an attack opens combat at once: max(R, 4)."""
    if attacked:
        return max(rung, COMBAT_RUNG)
    return max(rung, min(level, rung + 1))


@rule
def calm_days_after(calm, quiet, deescalated):
    """Calm builds by one a quiet day (two if someone offered de-escalation) and breaks on any
    move up the ladder or any fighting (Schelling 1966)."""
    if not quiet:
        return 0
    return calm + 1 + deescalated


@rule
def settled_rung(rung, calm, calm_days):
    """After D_c calm days the dyad steps one rung down: ceasefires can be restored (brief §4)."""
    if rung > 0 and calm >= calm_days:
        return rung - 1
    return rung
