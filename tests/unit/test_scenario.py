"""Scenario validation: every bad input gives one line naming the field and the problem."""

import math
import tomllib
from pathlib import Path

import pytest

from sim.scenario import (
    ActorParams,
    ScenarioError,
    World,
    list_scenario_files,
    load_scenario,
    parse_scenario,
)


def minimal(**actor_changes):
    return {
        "name": "t",
        "actors": [
            {"name": "R", "role": "challenger", **actor_changes},
            {"name": "U", "role": "protege"},
        ],
    }


BAD = [
    (minimal(resolve="0.5"), "actors['R'].resolve: Input should be a valid number"),
    (minimal(resolve=True), "actors['R'].resolve: Input should be a valid number"),
    (minimal(troops=2.5), "actors['R'].troops: Input should be a valid integer"),
    (minimal(resolve=1.5), "actors['R'].resolve: Input should be less than or equal to 1"),
    (minimal(threat_perception=-0.1), "actors['R'].threat_perception: Input should be greater"),
    (minimal(resolve=math.nan), "actors['R'].resolve: Input should be a finite number"),
    (minimal(restraint=math.inf), "actors['R'].restraint: Input should be a finite number"),
    (minimal(resolv=0.5), "actors['R'].resolv: unknown key (did you mean 'resolve'?)"),
    ({**minimal(), "wrld": {}}, "wrld: unknown key (did you mean 'world'?)"),
    ({**minimal(), "world": {"hotline": 0.5}}, "world.hotline: unknown key (did you mean"),
    ({**minimal(), "mechanisms": {"misstep": False}}, "did you mean 'missteps'?"),
    ({"name": "t", "actors": [{"role": "challenger"}]}, "actors[0].name: required field"),
    ({"actors": minimal()["actors"]}, "name: required field is missing"),
    ({"name": "t"}, "actors: required field is missing"),
    (
        {
            "name": "t",
            "actors": [{"name": "A", "role": "challenger"}, {"name": "A", "role": "protege"}],
        },
        "duplicate actor names: A",
    ),
    (
        {
            "name": "t",
            "actors": [{"name": "A", "role": "challenger"}, {"name": "B", "role": "challenger"}],
        },
        "exactly one actor must have role 'challenger'",
    ),
    (minimal(role="boss"), "actors['R'].role: Input should be 'challenger', 'protege' or"),
    ({**minimal(), "world": {"thresholds": [1, 2, 3, 3, 5, 6]}}, "strictly increasing"),
    ({**minimal(), "world": {"days": 0}}, "world.days: Input should be greater than or equal"),
]


@pytest.mark.parametrize(("data", "message"), BAD)
def test_bad_scenarios_get_one_clear_line(data, message):
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(data)
    text = str(caught.value)
    assert message in text
    assert "\n" not in text


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
    assert {"baseline", "reassurance", "hotline", "hardline"} <= names
    for name in names:
        spec = load_scenario(name)
        assert spec.name == name
        assert spec.description


def test_shipped_scenarios_differ_only_where_they_should():
    base, reassure = load_scenario("baseline"), load_scenario("reassurance")
    hotline, hard = load_scenario("hotline"), load_scenario("hardline")
    assert sum(a.troops for a in base.actors) == 0
    assert sum(a.troops for a in reassure.actors) > 0
    assert hotline.world.hotline_quality > reassure.world.hotline_quality
    assert hotline.actors == reassure.actors
    assert all(a.resolve >= 0.9 and a.threat_perception >= 0.9 for a in hard.actors)


def test_scenario_files_set_only_known_keys():
    # the files are the documentation of a scenario: no key the schema would refuse
    for path in list_scenario_files():
        data = tomllib.loads(path.read_text())
        for actor in data["actors"]:
            assert set(actor) <= set(ActorParams.model_fields)
        assert set(data.get("world", {})) <= set(World.model_fields)
