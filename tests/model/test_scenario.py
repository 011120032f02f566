"""Scenario validation: every bad input gives one line naming the field and the problem."""

import math
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings

from sim.model.scenario import (
    MAX_ACTORS,
    ActorParams,
    Mechanisms,
    Role,
    Scenario,
    ScenarioError,
    World,
    field_bounds,
    list_scenario_files,
    load_scenario,
    parse_scenario,
)
from tests.strategies import scenarios


def minimal(**actor_changes):
    return {
        "name": "t",
        "actors": [
            {"name": "R", "role": "challenger", **actor_changes},
            {"name": "U", "role": "protege"},
        ],
    }


def cast(*roles):
    return {"name": "t", "actors": [{"name": f"A{k}", "role": r} for k, r in enumerate(roles)]}


BAD = [
    # strict types: no strings, booleans or floats where numbers, integers or booleans go
    (minimal(resolve="0.5"), "actors['R'].resolve: Input should be a valid number"),
    (minimal(resolve=True), "actors['R'].resolve: Input should be a valid number"),
    (minimal(troops=2.5), "actors['R'].troops: Input should be a valid integer"),
    (minimal(troops=True), "actors['R'].troops: Input should be a valid integer (got True)"),
    (minimal(nuclear_armed=1), "actors['R'].nuclear_armed: Input should be a valid boolean"),
    ({**minimal(), "world": {"days": 10.0}}, "world.days: Input should be a valid integer"),
    ({**minimal(), "mechanisms": {"decisions": "no"}}, "mechanisms.decisions: Input should be"),
    # ranges
    (minimal(resolve=1.5), "actors['R'].resolve: Input should be less than or equal to 1"),
    (minimal(threat_perception=-0.1), "actors['R'].threat_perception: Input should be greater"),
    (minimal(initial_belief=1.2), "actors['R'].initial_belief: Input should be less than or"),
    (minimal(audience_cost=5.1), "actors['R'].audience_cost: Input should be less than or equal"),
    (minimal(stakes=101.0), "actors['R'].stakes: Input should be less than or equal to 100"),
    (minimal(forces=-1.0), "actors['R'].forces: Input should be greater than or equal to 0"),
    (minimal(resolve=math.nan), "actors['R'].resolve: Input should be a finite number"),
    (minimal(restraint=math.inf), "actors['R'].restraint: Input should be a finite number"),
    ({**minimal(), "world": {"days": 0}}, "world.days: Input should be greater than or equal"),
    ({**minimal(), "world": {"precision": -1.0}}, "world.precision: Input should be greater"),
    ({**minimal(), "world": {"signal_restraint": 0.0}}, "world.signal_restraint: Input should"),
    ({**minimal(), "world": {"signal_hostile": 0.5}}, "world.signal_hostile: Input should be"),
    ({**minimal(), "world": {"lock_in_days": 0.0}}, "world.lock_in_days: Input should be greater"),
    ({**minimal(), "world": {"escalation_rung": 7}}, "world.escalation_rung: Input should be less"),
    # names
    (minimal(name=""), "actors[0].name: String should have at least 1 character"),
    (minimal(name="x" * 101), "].name: String should have at most 100 characters"),
    ({**minimal(), "name": "y" * 101}, "name: String should have at most 100 characters"),
    # unknown keys, with a hint when one is close; the old model's fields are gone
    (minimal(resolv=0.5), "actors['R'].resolv: unknown key (did you mean 'resolve'?)"),
    (minimal(initial_beleif=0.3), "unknown key (did you mean 'initial_belief'?)"),
    (minimal(offensive_hazard=0.01), "actors['R'].offensive_hazard: unknown key"),
    (minimal(strike_probability=0.1), "actors['R'].strike_probability: unknown key"),
    ({**minimal(), "world": {"thresholds": [1, 2, 3, 4, 5, 7]}}, "world.thresholds: unknown key"),
    ({**minimal(), "wrld": {}}, "wrld: unknown key (did you mean 'world'?)"),
    ({**minimal(), "world": {"hotline": 0.5}}, "world.hotline: unknown key (did you mean"),
    ({**minimal(), "mechanisms": {"misstep": False}}, "did you mean 'missteps'?"),
    # required fields
    ({"name": "t", "actors": [{"role": "challenger"}]}, "actors[0].name: required field"),
    ({"actors": minimal()["actors"]}, "name: required field is missing"),
    ({"name": "t"}, "actors: required field is missing"),
    (minimal(role="boss"), "actors['R'].role: Input should be 'challenger', 'protege' or"),
    # the cast
    (
        {
            "name": "t",
            "actors": [{"name": "A", "role": "challenger"}, {"name": "A", "role": "protege"}],
        },
        "duplicate actor names: A",
    ),
    (cast("challenger", "challenger"), "exactly one actor must have role 'challenger'"),
    (cast("protege", "guarantor"), "exactly one actor must have role 'challenger'"),
    (cast("challenger", "protege", "protege"), "at most one actor may have role 'protege'"),
    (cast("protege", "challenger"), "list the challenger first"),
    (cast("challenger"), "a scenario needs the challenger and at least one other actor"),
    ({"name": "t", "actors": []}, "exactly one actor must have role 'challenger'"),
    (cast("challenger", *["guarantor"] * MAX_ACTORS), "a scenario has at most 8 actors"),
]


@pytest.mark.parametrize(("data", "message"), BAD)
def test_bad_scenarios_get_one_clear_line(data, message):
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(data)
    text = str(caught.value)
    assert message in text
    assert "\n" not in text


def test_a_minimal_scenario_takes_every_default():
    spec = parse_scenario(minimal())
    assert spec.world == World()
    assert spec.mechanisms == Mechanisms()
    assert all(spec.mechanisms.model_dump().values())
    challenger = spec.actors[0]
    assert challenger.role == Role.CHALLENGER
    assert (challenger.initial_belief, challenger.stakes, challenger.forces) == (0.2, 1.0, 1.0)
    assert (challenger.troops, challenger.nuclear_armed, challenger.warned) == (0, False, False)


def test_the_cast_may_be_two_to_eight_actors_with_or_without_a_protege():
    assert len(parse_scenario(cast("challenger", "guarantor")).actors) == 2
    full = cast("challenger", "protege", *["guarantor"] * (MAX_ACTORS - 2))
    assert len(parse_scenario(full).actors) == MAX_ACTORS == 8


def test_names_up_to_a_hundred_characters_are_accepted():
    spec = parse_scenario({**minimal(name="x" * 100), "name": "y" * 100})
    assert spec.actors[0].name == "x" * 100


def test_integers_are_accepted_where_numbers_go():
    spec = parse_scenario(minimal(resolve=1, stakes=3))
    assert spec.actors[0].resolve == 1.0 and spec.actors[0].stakes == 3.0


def test_the_schema_has_the_new_models_fields():
    actor = set(ActorParams.model_fields)
    assert {"initial_belief", "stakes", "forces", "audience_cost"} <= actor
    assert not {"offensive_hazard", "strike_probability"} & actor
    world = set(World.model_fields)
    assert {"precision", "anger", "move_cost", "war_deaths", "calm_days"} <= world
    assert "thresholds" not in world
    assert len(Mechanisms.model_fields) == 18
    assert field_bounds(ActorParams.model_fields["audience_cost"]) == (0, 5)
    assert field_bounds(World.model_fields["signal_restraint"]) == (0, 1)


def test_scenarios_are_frozen():
    spec = parse_scenario(minimal())
    with pytest.raises(ValueError, match="frozen"):
        spec.name = "other"  # type: ignore[misc]


def test_with_changes_validates_and_merges_sections():
    spec = parse_scenario(minimal())
    changed = spec.with_changes(world={"precision": 2.0}, mechanisms={"noise": False})
    assert changed.world.precision == 2.0
    assert changed.world.days == spec.world.days
    assert not changed.mechanisms.noise and changed.mechanisms.missteps
    with pytest.raises(ValueError, match="less than or equal to 1000"):
        spec.with_changes(world={"precision": 1001.0})


def test_with_actor_changes_changes_every_actor_with_the_role():
    spec = parse_scenario(cast("challenger", "guarantor", "guarantor"))
    changed = spec.with_actor_changes("guarantor", troops=5000)
    assert [a.troops for a in changed.actors] == [0, 5000, 5000]
    with pytest.raises(ValueError, match="audience_cost"):
        spec.with_actor_changes(Role.CHALLENGER, audience_cost=6.0)


def test_field_bounds_read_each_limit():
    assert field_bounds(ActorParams.model_fields["resolve"]) == (0, 1)
    assert field_bounds(World.model_fields["lock_in_days"]) == (0, 1e6)
    assert field_bounds(World.model_fields["escalation_rung"]) == (1, 6)
    assert field_bounds(ActorParams.model_fields["name"]) == (None, None)


def test_a_missing_file_is_named(tmp_path: Path):
    with pytest.raises(ScenarioError, match="no such scenario file"):
        load_scenario(tmp_path / "nope.toml")


def test_a_non_toml_file_is_named(tmp_path: Path):
    path = tmp_path / "bad.toml"
    path.write_text("name = [unclosed\n")
    with pytest.raises(ScenarioError, match=r"bad\.toml: not valid TOML"):
        load_scenario(path)


def test_an_unreadable_file_is_named(tmp_path: Path):
    path = tmp_path / "binary.toml"
    path.write_bytes(b"\xff\xfe\x00name")
    with pytest.raises(ScenarioError, match=r"binary\.toml: cannot read"):
        load_scenario(path)


def test_a_folder_is_not_a_scenario(tmp_path: Path):
    folder = tmp_path / "folder.toml"
    folder.mkdir()
    with pytest.raises(ScenarioError, match="cannot read"):
        load_scenario(folder)


def test_errors_in_files_name_the_file(tmp_path: Path):
    path = tmp_path / "typo.toml"
    path.write_text('name = "t"\n[[actors]]\nname = "R"\nrole = "challenger"\nresolv = 1\n')
    with pytest.raises(ScenarioError, match=r"typo\.toml: actors\['R'\]\.resolv: unknown key"):
        load_scenario(path)


def test_shipped_scenarios_load_by_name_and_are_listed():
    names = {p.stem for p in list_scenario_files()}
    assert {"baseline", "reassurance", "hotline", "hardline", "korea"} <= names
    for name in names:
        spec = load_scenario(name)
        assert spec.name == name
        assert spec.description
        assert spec.actors[0].role == Role.CHALLENGER


def test_experiment_files_are_not_listed_as_scenarios():
    names = {p.stem for p in list_scenario_files()}
    assert not {"audience_costs", "hotline_threat", "sobol_main", "troops_threat"} & names


def test_shipped_scenarios_differ_only_where_they_should():
    base, reassure = load_scenario("baseline"), load_scenario("reassurance")
    hotline, hard = load_scenario("hotline"), load_scenario("hardline")
    assert sum(a.troops for a in base.actors) == 0
    assert not any(a.warned for a in base.actors)
    assert sum(a.troops for a in reassure.actors) > 0
    assert reassure.actors[0].warned  # the "legitimate targets" warning
    assert hotline.world.hotline_quality > reassure.world.hotline_quality
    assert hotline.actors == reassure.actors
    assert all(a.resolve >= 0.8 and a.threat_perception >= 0.8 for a in hard.actors)


def test_the_korean_tripwire_is_about_the_size_of_us_forces_korea():
    korea = load_scenario("korea")
    assert [a.role for a in korea.actors] == ["challenger", "protege", "guarantor"]
    assert korea.actors[2].troops == 28_500
    assert korea.actors[0].nuclear_armed and korea.actors[0].warned


def test_scenario_files_set_only_known_keys():
    # the files are the documentation of a scenario: no key the schema would refuse
    for path in list_scenario_files():
        data = tomllib.loads(path.read_text())
        assert set(data) <= {"kind", *Scenario.model_fields}
        for actor in data["actors"]:
            assert set(actor) <= set(ActorParams.model_fields)
        assert set(data.get("world", {})) <= set(World.model_fields)
        assert set(data.get("mechanisms", {})) <= set(Mechanisms.model_fields)


@settings(max_examples=30, deadline=None)
@given(spec=scenarios())
def test_the_scenario_generator_sets_every_field_of_the_schema(spec):
    # tests.strategies feeds the docking tests: it must draw every parameter, not rely on
    # defaults, so a new field of the schema is exercised there too
    assert spec.world.model_fields_set == set(World.model_fields)
    assert spec.mechanisms.model_fields_set == set(Mechanisms.model_fields)
    for actor in spec.actors:
        assert actor.model_fields_set == set(ActorParams.model_fields)
    assert 2 <= len(spec.actors) <= MAX_ACTORS
