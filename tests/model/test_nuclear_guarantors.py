"""Nuclear-armed guarantors deter differently from conventional ones (issue 19): flipping only
the guarantors' `nuclear_armed` must reach the slip risks, the look-ahead and the runs.

Before the rule of `sim.model.rules.risk` counted the nuclear-armed sides of a dyad, every dyad
held the nuclear-armed challenger, so each risk asked "is some state in the dyad nuclear-armed?"
and got "yes" whatever the guarantors were: the only term that differed was the nuclear reply
the challenger expected from a guarantor, and nuclear use (at Cₙ = 50) was never chosen, so the
runs were bit-identical. These tests fail if that inertness comes back."""

import numpy as np
import pytest

from sim.experiments.runs import run_many
from sim.model import strategic
from sim.model.mesa_model import EscalationModel
from sim.model.rules import risk
from sim.model.scenario import Scenario, load_scenario
from sim.model.state import (
    A_RESOLVE,
    ATTACK,
    NUCLEAR,
    P_RISK3,
    P_RISK4,
    P_RISK_WAR,
    PROBE,
    STRIKE,
    context_at,
    opponent,
    opponent_count,
)

CONTEXT_NAMES = (
    "belief", "anger", "harm", "committed", "backdown", "rung", "reach", "attack", "win",
    "joiners", "retaliation", "concession", "q_warn", "q_silent", "at_war", "risk3", "risk4",
    "risk_war", "nuclear_reply", "audience", "threat",
)  # fmt: skip
PRICED = {"probe": PROBE, "strike": STRIKE, "attack": ATTACK, "nuclear use": NUCLEAR}
RISKS = {"F3": P_RISK3, "F4": P_RISK4, "F_war": P_RISK_WAR}


def conventional_guarantors(spec: Scenario) -> Scenario:
    """The scenario with every guarantor's `nuclear_armed` off, all else alike."""
    actors = [
        a.model_copy(update={"nuclear_armed": False}) if a.role == "guarantor" else a
        for a in spec.actors
    ]
    return spec.model_copy(update={"actors": actors})


def day_zero_terms(spec: Scenario) -> dict[str, float]:
    """Every slip risk, context term and option price of every actor toward every opponent on
    day 0 (seed 1), by name."""
    model = EscalationModel(spec, seed=1, record=False)
    P, W, SW = model.packed
    S, scratch = model.vector, model.scratch
    names = [a.name for a in spec.actors]
    terms: dict[str, float] = {}
    n = len(names)
    for i in range(n):
        for m in range(opponent_count(i, n)):
            j = opponent(i, m)
            pair = f"{names[i]}→{names[j]}"
            for term, column in RISKS.items():
                terms[f"{pair} {term}"] = float(model.state.pair[i, j, column])
            c = context_at(0, m)
            strategic.fill_context(P, W, SW, S, i, j, 0, False, scratch, c)
            for k, name in enumerate(CONTEXT_NAMES):
                terms[f"{pair} context {name}"] = float(scratch[c + k])
            r = model.state.actor[i, A_RESOLVE]
            for option, kind in PRICED.items():
                u = strategic.price(P, W, SW, S, i, j, scratch, c, kind, r)
                terms[f"{pair} price {option}"] = float(u)
    return terms


def differing_terms(a: Scenario, b: Scenario) -> list[str]:
    """The names of the day-0 terms that differ between two scenarios."""
    ta, tb = day_zero_terms(a), day_zero_terms(b)
    return sorted(k for k in ta if not np.isclose(ta[k], tb[k], rtol=0.0, atol=0.0))


# ---------------------------------------------------------------------------- the rule


def test_each_nuclear_armed_side_multiplies_the_slip_chance_by_nu():
    assert risk.slip_chance(3, 0.001, 3.0, 1.5, 0) == 0.001
    assert risk.slip_chance(3, 0.001, 3.0, 1.5, 1) == pytest.approx(0.0015)
    assert risk.slip_chance(4, 0.001, 3.0, 1.5, 2) == pytest.approx(0.003 * 2.25)
    assert risk.slip_chance(5, 0.001, 3.0, 1.5, 2) == 0.0  # war: the unbidden chance below


def test_each_nuclear_armed_side_may_lose_control_of_a_war_on_its_own():
    s = 1e-4
    assert risk.nuclear_slip_chance(s, 0, True) == 0.0
    assert risk.nuclear_slip_chance(s, 1, True) == s  # exactly the one side's chance
    assert risk.nuclear_slip_chance(s, 2, True) == pytest.approx(1.0 - (1.0 - s) ** 2, rel=1e-12)
    assert risk.nuclear_slip_chance(s, 2, False) == 0.0
    assert risk.nuclear_slip_chance(0.5, 2, True) == 0.75


def test_either_risk_is_the_chance_that_at_least_one_independent_slip_happens():
    assert risk.either_risk(0.0, 0.3) == pytest.approx(0.3)
    assert risk.either_risk(0.5, 0.5) == pytest.approx(0.75)


# ---------------------------------------------------------------------------- the model


@pytest.mark.parametrize("name", ["reassurance", "korea"])
def test_only_the_guarantors_nuclear_arms_move_their_risks_and_the_choices_priced(name):
    """The trace of issue 19: with only the guarantors' arms flipped, the challenger–guarantor
    dyads' slip risks differ (two armed sides against one), the challenger–protégé dyad's do
    not, and the difference reaches the prices of options actors choose: the challenger's
    attack on the protégé (the joiners' wars' nuclear risk) and the guarantors' own attack."""
    spec = load_scenario(name)
    challenger, protege, guarantor = (
        next(a.name for a in spec.actors if a.role == role)
        for role in ("challenger", "protege", "guarantor")
    )
    differ = differing_terms(spec, conventional_guarantors(spec))
    for term in ("F3", "F4", "F_war"):
        assert f"{challenger}→{guarantor} {term}" in differ
        assert f"{challenger}→{protege} {term}" not in differ
    assert f"{challenger}→{protege} price attack" in differ
    assert f"{guarantor}→{challenger} price attack" in differ
    assert f"{guarantor}→{challenger} price probe" in differ


def test_only_the_guarantors_nuclear_arms_change_the_runs():
    """300 runs of reassurance (seed 1) with nuclear-armed and with conventional guarantors,
    the challenger nuclear-armed in both: the runs differ (they were bit-identical before)."""
    spec = load_scenario("reassurance")
    nuclear = run_many(spec, 300, 1, twins=False, chunk_size=300)
    conventional = run_many(conventional_guarantors(spec), 300, 1, twins=False, chunk_size=300)
    assert not nuclear.equals(conventional)
