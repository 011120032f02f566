"""The app's logic without a browser: its inputs, the run views' text and the many-runs panel.

Sliders start at the base scenario and stay within the schema's ranges; slider values and
switches reach the scenario exactly; the numbers of the many-runs panel are those of a direct
count of the same runs.
"""

import numpy as np
import pytest
from pydantic import ValidationError

from sim.app import (
    BASE,
    MANY_RUNS,
    SLIDERS,
    TeachingModel,
    actor_lines,
    dyad_lines,
    many_runs,
    model_params,
    road_rows,
    scenario_for,
    war_lines,
)
from sim.experiment import read_path
from sim.ladder import LADDER
from sim.outcomes import WAR_OUTCOMES, Road
from sim.runs import Chunk, simulate_chunk
from sim.scenario import Mechanisms, World, field_bounds, load_scenario
from sim.summaries import Tally, impossible_without, wilson_interval


@pytest.fixture(scope="module")
def base():
    return load_scenario(BASE)


def defaults(params: dict) -> dict:
    """The values SolaraViz passes to the model on Reset when nothing was moved."""
    return {name: spec["value"] for name, spec in params.items()}


def inputs(params: dict) -> dict:
    """The sliders' and switches' starting values (all inputs but the seed)."""
    return {name: value for name, value in defaults(params).items() if name != "seed"}


def test_sliders_start_at_the_base_scenario_within_the_allowed_ranges(base):
    params = model_params(base)
    data = base.model_dump(mode="json")
    assert set(params) == {"seed", *SLIDERS, *Mechanisms.model_fields}
    for name, path in SLIDERS.items():
        value, info = read_path(data, path)
        low, high = field_bounds(info)
        slider = params[name]
        assert slider["value"] == value, name
        assert low <= slider["min"] <= slider["value"] <= slider["max"] <= high, name
        assert slider["type"] == ("SliderInt" if info.annotation is int else "SliderFloat")
    # the values of experiments/reassurance.toml and of the defaults object
    assert params["troops"]["value"] == 5000 and params["troops"]["type"] == "SliderInt"
    assert (params["troops"]["min"], params["troops"]["max"]) == (0, 20_000)
    assert params["troops"]["label"] == "troops per guarantor (T)"
    assert params["challenger_resolve"]["value"] == 0.7
    assert params["guarantor_threat_perception"]["value"] == 0.4
    assert params["hotline_quality"]["value"] == 0.3
    assert (params["hotline_quality"]["min"], params["hotline_quality"]["max"]) == (0, 1)
    assert params["audience_cost"]["value"] == 0.3
    assert params["precision"]["value"] == World().precision == 8.0
    assert params["precision"]["label"] == "decision precision (λ)"


def test_every_mechanism_has_a_checkbox_starting_as_the_base_scenario_has_it(base):
    params = model_params(base)
    assert len(Mechanisms.model_fields) == 14
    for name, info in Mechanisms.model_fields.items():
        assert params[name] == {
            "type": "Checkbox",
            "value": getattr(base.mechanisms, name),
            "label": info.description,
        }
    assert params["deliberate"]["label"] == "M10 attacks chosen by expected utility."


def test_untouched_inputs_give_the_base_scenario_itself(base):
    params = model_params(base)
    assert scenario_for(base, **inputs(params)) == base
    assert TeachingModel().spec == base  # the model a new browser session starts with
    # on Reset SolaraViz passes every input (the seed as text) and Mesa's own scenario
    reset = {**defaults(params), "seed": "7"}
    model = TeachingModel(scenario=object(), **reset)
    assert model.spec == base and model.seed == 7


def test_slider_values_and_switches_reach_the_scenario_exactly(base):
    values = {
        "troops": 1500.0,  # a float, as a slider may send it: troops are whole
        "challenger_resolve": 0.35,
        "challenger_threat_perception": 0.95,
        "guarantor_resolve": 0.9,
        "guarantor_threat_perception": 0.15,
        "hotline_quality": 0.85,
        "misstep_rate": 0.0012,
        "audience_cost": 1.25,
        "precision": 2.5,
    }
    switches = {name: False for name in Mechanisms.model_fields}
    spec = scenario_for(base, **values, **switches)
    # the same changes made by hand: nothing else may differ
    expected = base.model_dump(mode="json")
    for actor in expected["actors"]:
        actor["audience_cost"] = 1.25
        if actor["role"] == "guarantor":
            actor.update(troops=1500, resolve=0.9, threat_perception=0.15)
        if actor["role"] == "challenger":
            actor.update(resolve=0.35, threat_perception=0.95)
    expected["world"].update(hotline_quality=0.85, misstep_rate=0.0012, precision=2.5)
    expected["mechanisms"] = switches
    assert spec.model_dump(mode="json") == expected
    assert [a.troops for a in spec.actors if a.role == "guarantor"] == [1500, 1500]
    # one switch alone changes that switch alone
    only = scenario_for(base, misreading=False).mechanisms.model_dump()
    assert only == {**base.mechanisms.model_dump(), "misreading": False}


def test_unknown_inputs_and_values_out_of_range_are_errors(base):
    with pytest.raises(ValueError, match="not a slider or a mechanism: 'trops'"):
        scenario_for(base, trops=100)
    with pytest.raises(ValidationError):
        scenario_for(base, hotline_quality=1.5)
    with pytest.raises(ValueError, match="the seed must be a whole number, got 'x1'"):
        TeachingModel(seed="x1")


def test_the_cards_and_the_dyads_say_what_the_model_holds():
    model = TeachingModel(seed=1)
    assert dyad_lines(model) == [
        f'Russia–{name}: rung 1, warnings ("legitimate targets")'
        for name in ("Ukraine", "France", "United Kingdom")
    ]  # Russia's public warning puts every dyad on rung 1 before day 1
    france = next(a for a in model.actors if a.name == "France")
    assert actor_lines(france) == [
        "France (guarantor)",
        "troops 5,000",
        "losses 0",
        "today: hold",
    ]
    for _ in range(30):
        model.step()
    for (challenger, other), line in zip(model.dyads, dyad_lines(model), strict=True):
        rung = model.rung_of(other)
        assert line == f"{challenger.name}–{other.name}: rung {rung}, {LADDER[rung].name}"
    for actor in model.actors:
        today = actor.action + (f" → {actor.target}" if actor.target else "")
        assert actor_lines(actor)[1:] == [
            f"troops {actor.troops:,}",
            f"losses {int(actor.casualties):,}",
            f"today: {today}",
        ]


def test_a_run_that_has_ended_stays_ended_when_stepped():
    model = TeachingModel(seed=1).run()
    day, events = model.day, len(model.events)
    model.step()  # as Play does, Render Interval times between two drawings
    assert (model.day, len(model.events), model.running) == (day, events, False)
    assert day == model.world.days


def test_the_many_runs_numbers_equal_a_direct_count_of_the_same_runs(base):
    tally = many_runs(base, seed=1)
    table = simulate_chunk(Chunk(base, 1, 0, MANY_RUNS))
    direct = Tally(base.world.days, base.world.escalation_rung)
    direct.add(table)
    assert tally.runs == direct.runs == MANY_RUNS
    assert np.array_equal(tally.outcomes, direct.outcomes)
    assert np.array_equal(tally.caused, direct.caused)
    for label, line in zip(WAR_OUTCOMES, war_lines(tally), strict=True):
        k = int((table["outcome"] == label).sum())
        low, high = wilson_interval(k, MANY_RUNS)
        share = k / MANY_RUNS
        assert line == f"P({label}) = {share:.1%} (95% interval {low:.1%} to {high:.1%})"
    wars = table["escalated"].to_numpy()
    assert wars.sum() > 0  # the check below is about something
    rows = road_rows(tally, base)
    assert [row[0].split(" (")[0] for row in rows] == [road.label for road in Road]
    for road, row in zip(Road, rows, strict=True):
        twin = table[f"twin_{road.label}_escalated"].to_numpy()
        caused = int((wars & ~twin).sum())
        difference = (caused - int((twin & ~wars).sum())) / MANY_RUNS
        assert row[1] == f"{wars.mean():.1%}"
        assert row[2] == f"{twin.mean():.1%}"
        assert row[3].startswith(f"{difference * 100:+.1f} points (")
        assert row[4].startswith(f"{caused / wars.sum():.0%} (")


def test_a_road_whose_twin_cannot_reach_war_says_why_instead_of_a_share(base):
    spec = scenario_for(base, decisions=False)
    tally = many_runs(spec, seed=1)
    assert war_lines(tally) == [
        f"P({label}) = 0.0% (95% interval 0.0% to 1.3%)" for label in WAR_OUTCOMES
    ]
    for road, row in zip(Road, road_rows(tally, spec), strict=True):
        assert row[4] == impossible_without(spec, road) != ""
    # no war in the runs, though one was possible: no share to give, and no reason either
    empty = Tally(base.world.days, base.world.escalation_rung, runs=10, twins=10)
    assert all(row[4] == "no war in these runs" for row in road_rows(empty, base))
