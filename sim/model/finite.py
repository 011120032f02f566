"""Runs whose state leaves the finite range, and the parameters that drove them there.

Every value of a scenario lies within its bounds (`sim.model.scenario`), yet values can combine
into runaway growth. Richardson's update x' = x + a·ŷ − m·x + G (`sim.model.rules.hostility`),
with a = κ(½ + r) and the perceived ŷ up to x(1 + β·τ), grows geometrically when a(1 + β·τ)
exceeds the restraint m: by a factor of up to 1 + a(1 + β·τ) − m a day, so that over a long
horizon it would overflow double precision (about 1.8e308) and turn to infinity and then to no
number at all. Both engines check once a day (`sim.model.day.settle`) that every hostility is
below HOSTILITY_LIMIT; a run that passes it stops there, its metric `terminated` set to RUNAWAY,
while every number is still finite. The commands then say so, naming the parameters below:
`run` refuses to tell such a run, and ensembles and sweeps count these runs apart and leave
them out of every share.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.model.outcomes import HOSTILITY_LIMIT, RUNAWAY
from sim.model.rules.hostility import reaction_coefficient
from sim.model.scenario import Scenario

__all__ = ["HOSTILITY_LIMIT", "RUNAWAY", "drivers", "growth", "kept"]


def growth(scenario: Scenario) -> list[tuple[float, str]]:
    """Per actor whose hostility can grow geometrically: its largest daily growth rate
    a(1 + β·τ) − m (> 0) and the parameters that make it, in words; largest first."""
    world, switches = scenario.world, scenario.mechanisms
    found = []
    for actor in scenario.actors:
        a = reaction_coefficient(actor.reactivity, actor.resolve) if switches.reaction else 0.0
        bias = world.misperception_bias * actor.threat_perception if switches.misperception else 0.0
        rate = a * (1.0 + bias) - actor.restraint
        if rate > 0:
            words = (
                f"{actor.name}'s reactivity κ = {actor.reactivity:g} with resolve r = "
                f"{actor.resolve:g} and threat perception τ = {actor.threat_perception:g} "
                f"(misperception β = {world.misperception_bias:g}) against restraint m = "
                f"{actor.restraint:g}: hostility up to ×{1 + rate:.3g} a day"
            )
            found.append((rate, words))
    return sorted(found, reverse=True)


def drivers(scenario: Scenario) -> str:
    """The parameters that drove a run's hostility out of the finite range, in one phrase."""
    rates = growth(scenario)
    horizon = f"over a horizon of H = {scenario.world.days:,} days"
    if rates:
        return "; ".join(words for _, words in rates[:2]) + f", {horizon}"
    return (
        "grievances and shocks (grievance g, framing φ, hardening η, the shocks S) outpacing "
        f"restraint m, {horizon}"
    )


def kept(table: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """The runs of a per-run table that ran with finite state (with their twins), and how many
    were stopped (their `terminated` is RUNAWAY)."""
    if "terminated" not in table:
        return table, 0
    stopped = table["terminated"].to_numpy() == RUNAWAY
    count = int(np.count_nonzero(stopped))
    return (table[~stopped] if count else table), count
