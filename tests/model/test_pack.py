"""The packed arrays the compiled phases read: each named index points at its own field.

sim.model.state addresses parameters by position; adding or moving a schema field without moving the
index would silently feed one parameter into another's rule. These tests fail then.
"""

import numpy as np

from sim.model import state as layout
from sim.model.scenario import Mechanisms, World, load_scenario

WORLD_INDEX = {
    "days": "DAYS", "precision": "PRECISION", "anger": "ANGER", "move_cost": "MOVE_COST",
    "strike_cost": "STRIKE_COST", "war_cost": "WAR_COST", "nuclear_cost": "NUCLEAR_COST",
    "first_strike": "FIRST_STRIKE", "retaliation": "RETALIATION", "harm_memory": "HARM_MEMORY",
    "peace_value": "PEACE", "signal_hostile": "SIGNAL_HOSTILE",
    "signal_restraint": "SIGNAL_RESTRAINT", "deterrence": "DETERRENCE",
    "mobilisation_gain": "MOB_GAIN", "hotline_quality": "HOTLINE", "misstep_rate": "RATE",
    "harassment": "HARASSMENT", "front_intensity": "INTENSITY0",
    "offensive_intensity": "OFF_INTENSITY", "harm_multiplier": "HARM",
    "misperception_bias": "BIAS", "perception_noise": "NOISE", "misread_shock": "S_MISREAD",
    "accident_shock": "S_ACCIDENT", "strike_shock": "S_STRIKE", "offensive_shock": "S_OFFENSIVE",
    "misstep_casualties": "C_MISSTEP", "incident_lethality": "LETHALITY",
    "strike_casualties": "C_STRIKE", "force_lethality": "FORCE_LETHALITY",
    "combat_casualties": "C_COMBAT", "offensive_days": "OFF_DAYS", "war_deaths": "WAR_DEATHS",
    "calm_days": "CALM_DAYS", "lock_in_days": "LOCK_IN", "escalation_rung": "ESCALATION_RUNG",
    "decision_rule": "RULE", "warn_weight": "WARN_WEIGHT", "mobilise_weight": "MOB_WEIGHT",
    "probe_weight": "PROBE_WEIGHT", "slip_rate": "SLIP_RATE", "slip_growth": "SLIP_GROWTH",
    "nuclear_slip_factor": "NUCLEAR_SLIP_FACTOR", "nuclear_slip": "NUCLEAR_SLIP",
}  # fmt: skip
ACTOR_INDEX = {
    "initial_hostility": "X0", "initial_belief": "B0", "resolve": "RESOLVE",
    "threat_perception": "TAU", "reactivity": "KAPPA", "restraint": "RESTRAINT",
    "grievance": "GRIEVANCE", "audience_cost": "AUDIENCE", "stakes": "STAKES",
    "forces": "FORCES", "troops": "TROOPS", "exposure": "EXPOSURE",
    "casualty_tolerance": "TOLERANCE", "framing": "FRAMING", "hardening": "HARDENING",
    "solidarity": "SOLIDARITY", "nuclear_armed": "ARMED", "warned": "WARNED",
    "resolve_spread": "SPREAD",
}  # fmt: skip


def test_every_world_field_is_read_at_its_own_index():
    spec = load_scenario("reassurance")
    world = layout.pack(spec)[1]
    assert set(WORLD_INDEX) == set(World.model_fields)
    assert len(world) == len(World.model_fields)
    for field, index in WORLD_INDEX.items():
        value = getattr(spec.world, field)
        expected = float(value == "strategic") if field == "decision_rule" else float(value)
        assert world[getattr(layout, index)] == expected, field


def test_every_actor_parameter_is_read_at_its_own_index():
    spec = load_scenario("korea")
    params = layout.pack(spec)[0]
    for k, actor in enumerate(spec.actors):
        for field, index in ACTOR_INDEX.items():
            assert params[k, getattr(layout, index)] == float(getattr(actor, field)), field
        assert params[k, layout.GUARANTOR] == float(actor.role == "guarantor")


def test_every_switch_is_read_at_its_own_index():
    names = list(Mechanisms.model_fields)
    for field in names:
        switches = layout.pack(load_scenario("baseline").with_changes(mechanisms={field: False}))[2]
        assert not switches[getattr(layout, f"SW_{field.upper()}")], field
        assert switches.sum() == len(names) - 1
    assert np.array_equal(layout.pack(load_scenario("baseline"))[2], np.ones(len(names), bool))
