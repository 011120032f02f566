"""Hypothesis generators of valid scenarios, kept in one place.

Every field of the schema is drawn (a test in tests/model/test_scenario.py checks it), over
ranges wide enough to reach every rung within a short horizon: missteps and misreadings,
strikes and attacks, wars, withdrawals and nuclear use all occur among the drawn scenarios.
Edge values the schema allows (no forces, no troops, zero precision, certain beliefs) are
drawn on purpose.
"""

import string

from hypothesis import strategies as st

from sim.model.scenario import MAX_ACTORS, Mechanisms, parse_scenario

unit = st.floats(0.0, 1.0)
NAME_CHARACTERS = string.ascii_letters + string.digits + " -'.é"


def names(count: int) -> st.SearchStrategy[list[str]]:
    """`count` distinct display names of 1 to 100 characters."""
    return st.lists(
        st.text(NAME_CHARACTERS, min_size=1, max_size=100),
        min_size=count,
        max_size=count,
        unique=True,
    )


@st.composite
def actors(draw, role: str, name: str) -> dict:
    return {
        "name": name,
        "role": role,
        "initial_hostility": draw(st.floats(0.0, 3.0)),
        "initial_belief": draw(unit),
        "resolve": draw(unit),
        "threat_perception": draw(unit),
        "reactivity": draw(st.floats(0.0, 0.08)),
        "restraint": draw(st.floats(0.0, 0.2)),
        "grievance": draw(st.floats(0.0, 0.05)),
        "audience_cost": draw(st.floats(0.0, 5.0)),
        "stakes": draw(st.floats(0.0, 3.0)),
        "forces": draw(st.one_of(st.just(0.0), st.floats(0.1, 5.0))),
        "troops": draw(st.sampled_from([0, 0, 500, 3000, 10_000, 28_500])),
        "exposure": draw(st.floats(0.0, 2.0)),
        "casualty_tolerance": draw(st.floats(0.0, 300.0)),
        "framing": draw(st.floats(0.0, 0.02)),
        "hardening": draw(st.floats(0.0, 0.05)),
        "solidarity": draw(unit),
        "nuclear_armed": draw(st.booleans()),
        "warned": draw(st.booleans()),
        "resolve_spread": draw(st.floats(0.0, 0.5)),
    }


@st.composite
def worlds(draw, max_days: int = 120) -> dict:
    return {
        "days": draw(st.integers(1, max_days)),
        "precision": draw(st.one_of(st.floats(0.0, 20.0), st.just(1000.0))),
        "anger": draw(st.floats(0.0, 2.0)),
        "move_cost": draw(st.floats(0.0, 2.0)),
        "strike_cost": draw(st.floats(0.0, 6.0)),
        "war_cost": draw(st.floats(0.0, 12.0)),
        "nuclear_cost": draw(st.floats(0.0, 100.0)),
        "first_strike": draw(st.floats(0.0, 2.0)),
        "retaliation": draw(st.floats(0.0, 2.0)),
        "harm_memory": draw(unit),
        "peace_value": draw(st.floats(0.0, 3.0)),
        "signal_hostile": draw(st.floats(1.0, 5.0)),
        "signal_restraint": draw(st.floats(0.05, 1.0)),
        "deterrence": draw(st.floats(0.0, 2.0)),
        "mobilisation_gain": draw(st.floats(0.0, 1.0)),
        "hotline_quality": draw(unit),
        "misstep_rate": draw(st.floats(0.0, 0.02)),
        "harassment": draw(st.floats(1.0, 10.0)),
        "front_intensity": draw(st.floats(0.0, 3.0)),
        "offensive_intensity": draw(st.floats(1.0, 5.0)),
        "harm_multiplier": draw(st.floats(1.0, 5.0)),
        "misperception_bias": draw(st.floats(0.0, 1.0)),
        "perception_noise": draw(st.floats(0.0, 1.0)),
        "misread_shock": draw(st.floats(0.0, 4.0)),
        "accident_shock": draw(st.floats(0.0, 1.0)),
        "strike_shock": draw(st.floats(0.0, 3.0)),
        "offensive_shock": draw(st.floats(0.0, 4.0)),
        "misstep_casualties": draw(st.floats(0.0, 10.0)),
        "incident_lethality": draw(st.floats(0.0, 1.0)),
        "strike_casualties": draw(st.floats(0.0, 60.0)),
        "force_lethality": draw(st.floats(0.0, 1.0)),
        "combat_casualties": draw(st.floats(0.0, 150.0)),
        "offensive_days": draw(st.integers(1, 90)),
        "war_deaths": draw(st.floats(1.0, 2000.0)),
        "calm_days": draw(st.integers(1, 30)),
        "lock_in_days": draw(st.floats(0.5, 200.0)),
        "escalation_rung": draw(st.integers(1, 6)),
        "decision_rule": draw(st.sampled_from(["strategic", "myopic"])),
        "warn_weight": draw(st.floats(0.0, 2.0)),
        "mobilise_weight": draw(st.floats(0.0, 2.0)),
        "probe_weight": draw(st.floats(0.0, 2.0)),
        "slip_rate": draw(st.floats(0.0, 0.05)),
        "slip_growth": draw(st.floats(1.0, 10.0)),
        "nuclear_slip_factor": draw(st.floats(1.0, 5.0)),
        "nuclear_slip": draw(st.one_of(st.just(0.0), st.floats(0.0, 0.01))),
    }


@st.composite
def scenarios(draw, max_days: int = 120):
    """A valid scenario: the challenger first, maybe a protégé, then guarantors (2 to 8
    actors in all), random parameters and random switches."""
    protege = draw(st.booleans())
    n_guarantors = draw(st.integers(0 if protege else 1, MAX_ACTORS - 1 - protege))
    roles = ["challenger", *(["protege"] if protege else []), *["guarantor"] * n_guarantors]
    cast = [
        draw(actors(role, name)) for role, name in zip(roles, draw(names(len(roles))), strict=True)
    ]
    mechanisms = {name: draw(st.booleans()) for name in Mechanisms.model_fields}
    return parse_scenario(
        {"name": "drawn", "world": draw(worlds(max_days)), "mechanisms": mechanisms, "actors": cast}
    )
