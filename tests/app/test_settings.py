"""The app's settings without a browser: sliders, the address, presets, and the words.

Sliders start at the scenario and stay within the schema's ranges; slider values and switches
reach the scenario exactly; the address carries the settings, the lesson shown and the kept A
and B, and names what it cannot use; the lesson presets are the lessons' scenario files; the
notes beside extreme settings say what those settings do, checked on the model's own runs.
"""

import re

import pytest
from pydantic import ValidationError

from sim.app.lessons import lessons
from sim.app.many import many_runs, run_table, war_risk
from sim.app.settings import (
    PRESETS,
    SLIDERS,
    SWITCHES,
    caption,
    defaults,
    from_address,
    from_query,
    parse_seed,
    scenario_for,
    scenario_names,
    scenario_of,
    slider_bounds,
    to_address,
    to_query,
    value_words,
    with_value,
)
from sim.app.words import SWITCH_HELP, TOOLTIPS, slider_note, switch_help, switch_note
from sim.experiments.experiment import read_path
from sim.model.scenario import Mechanisms, field_bounds, load_scenario

LESSONS = "docs/lessons/scenarios"


@pytest.fixture(scope="module")
def base():
    return load_scenario("reassurance")


def test_every_scenario_starts_its_sliders_at_its_values_within_the_allowed_ranges():
    for name in scenario_names():
        spec = load_scenario(name)
        settings = defaults(name)
        assert scenario_of(settings) == spec, name  # untouched settings: the scenario itself
        data = spec.model_dump(mode="json")
        for slider, info in SLIDERS.items():
            value, field = read_path(data, info.path)
            low, high = slider_bounds(slider)
            assert settings[slider] == value
            assert field_bounds(field)[0] <= low <= value <= high <= field_bounds(field)[1]
    assert set(SWITCHES) == set(Mechanisms.model_fields)
    assert defaults()["troops"] == 5000 and defaults()["seed"] == 1
    assert slider_bounds("troops") == (0, 30_000)  # Korea's 28,500 fits


def test_slider_values_and_switches_reach_the_scenario_exactly(base):
    values = {
        "troops": 1500.0,  # a float, as a slider may send it: troops are whole
        "challenger_resolve": 0.35,
        "challenger_threat_perception": 0.95,
        "protege_threat_perception": 0.25,
        "guarantor_resolve": 0.9,
        "guarantor_threat_perception": 0.15,
        "hotline_quality": 0.85,
        "misstep_rate": 0.0012,
        "audience_cost": 1.25,
        "precision": 2.5,
    }
    switches = {name: False for name in Mechanisms.model_fields}
    spec = scenario_for(base, **values, **switches)
    expected = base.model_dump(mode="json")  # the same changes made by hand
    for actor in expected["actors"]:
        actor["audience_cost"] = 1.25
        if actor["role"] == "guarantor":
            actor.update(troops=1500, resolve=0.9, threat_perception=0.15)
        if actor["role"] == "challenger":
            actor.update(resolve=0.35, threat_perception=0.95)
        if actor["role"] == "protege":
            actor.update(threat_perception=0.25)
    expected["world"].update(hotline_quality=0.85, misstep_rate=0.0012, precision=2.5)
    expected["mechanisms"] = switches
    assert spec.model_dump(mode="json") == expected
    only = scenario_for(base, misreading=False).mechanisms.model_dump()
    assert only == {**base.mechanisms.model_dump(), "misreading": False}
    with pytest.raises(ValueError, match="not a slider or a mechanism: 'trops'"):
        scenario_for(base, trops=100)
    with pytest.raises(ValidationError):
        scenario_for(base, hotline_quality=1.5)


def test_every_actors_price_of_backing_down_sets_each_side_and_a_sides_own_overrides_it():
    moved = with_value(defaults(), "audience_cost", 1.2)
    assert moved["challenger_audience_cost"] == moved["guarantor_audience_cost"] == 1.2
    costs = {a.role.value: a.audience_cost for a in scenario_of(moved).actors}
    assert costs == {"challenger": 1.2, "protege": 1.2, "guarantor": 1.2}
    own = with_value(moved, "guarantor_audience_cost", 0.0)  # the guarantors' alone
    assert own["audience_cost"] == 1.2 and own["challenger_audience_cost"] == 1.2
    costs = {a.role.value: a.audience_cost for a in scenario_of(own).actors}
    assert costs == {"challenger": 1.2, "protege": 1.2, "guarantor": 0.0}
    # Given in any order, a side's own slider wins over "every actor".
    reordered = {"guarantor_audience_cost": 0.0, **own}
    assert scenario_of(reordered) == scenario_of(own)


def test_values_read_in_words_and_units_and_captions_name_what_changed():
    assert value_words("troops", 2000) == "troops per guarantor: 2,000"
    assert value_words("hotline_quality", 0.8) == "hotline quality: 0.80 of 1 (good)"
    assert value_words("challenger_threat_perception", 0.2).endswith("0.20 of 1 (calm)")
    assert value_words("misstep_rate", 0.0003) == (
        "misstep rate: 0.0003 incidents a day per unit of exposure"
    )
    assert value_words("audience_cost", 1.2) == (
        "price of backing down (every actor): 1.20 × the stakes"
    )
    assert caption(defaults()) == (
        "scenario reassurance, seed 1, every other setting as in the scenario"
    )
    changed = {**defaults(), "troops": 0, "seed": 3, "missteps": False}
    assert caption(changed) == (
        "scenario reassurance, seed 3, troops per guarantor: 0, switched off: Missteps "
        "(random incidents), the rest as in the scenario"
    )
    assert all(not any(c in s for c in "τλ") for s in SWITCHES.values())  # plain names


def test_a_bad_seed_is_one_line_saying_what_is_wrong():
    assert parse_seed(" 1,234 ") == 1234
    for bad, why in (("abc", "is not"), ("-3", "is not"), ("1e9", "is not"), ("9" * 20, "big")):
        with pytest.raises(ValueError, match=why) as error:
            parse_seed(bad)
        assert "\n" not in str(error.value) and "whole number from 0 to" in str(error.value)


def test_the_address_carries_the_settings_and_names_what_it_cannot_use():
    settings = {**defaults("hotline"), "seed": 7, "troops": 0, "warning": False}
    query = to_query(settings)
    assert query == "scenario=hotline&seed=7&troops=0&warning=0"
    assert from_query(query) == (settings, [])
    assert to_query(defaults()) == "" and from_query("") == (defaults(), [])
    got, problems = from_query("troops=99999&seed=abc&x=1&hotline_quality=0.5&scenario=mars")
    assert got == {**defaults(), "hotline_quality": 0.5}
    assert problems == [
        "the address names no shipped scenario 'mars': reassurance used",
        "troops per guarantor must be from 0 to 30000, not '99999': ignored",
        "The seed must be a whole number from 0 to 9,223,372,036,854,775,807: 'abc' is not: "
        "ignored",
        "the address has an unknown setting 'x': ignored",
    ]


def test_the_address_holds_the_lesson_and_the_kept_a_and_b_and_gives_them_back():
    shown = {**defaults(), "seed": 3, "troops": 0}
    b = {**defaults("korea"), "hotline_quality": 0.8}
    query = to_address(shown, "1", {"A": defaults(), "B": b})
    assert query == "seed=3&troops=0&lesson=1&A=&B=scenario%3Dkorea%26hotline_quality%3D0.8"
    back = from_address(query)
    assert back.settings == shown and back.lesson == "1" and back.problems == ()
    assert dict(back.kept) == {"A": defaults(), "B": b}
    assert to_address(defaults(), None, {"A": None, "B": None}) == ""
    odd = from_address("lesson=9&A=troops%3Dmany&B=")
    assert odd.lesson is None and dict(odd.kept) == {"A": defaults(), "B": defaults()}
    assert odd.problems == (
        "the address names no lesson '9': ignored",
        "in the settings kept as A: troops per guarantor must be a number, not 'many': ignored",
    )


def test_each_lesson_preset_is_its_lessons_starting_scenario_and_title():
    files = {
        "1": f"{LESSONS}/tripwire-0.toml",
        "2": f"{LESSONS}/spiral-1000.toml",
        "3": "reassurance",
        "4": f"{LESSONS}/commitment-00.toml",
        "5": "baseline",
    }
    assert [p.lesson for p in PRESETS] == list(files)
    for preset in PRESETS:
        spec = scenario_of(preset.settings())
        lesson = load_scenario(files[preset.lesson])
        keep = {"name", "description"}
        assert spec.model_dump(exclude=keep) == lesson.model_dump(exclude=keep), preset.title
    assert PRESETS[2].settings()["seed"] == 89  # lesson 3 follows seed 89
    assert [(p.lesson, p.title) for p in PRESETS] == [(x.number, x.title) for x in lessons()]


def test_every_control_and_switch_has_a_tooltip_in_words_not_codes():
    assert set(TOOLTIPS) == {"scenario", "seed", *SLIDERS}
    assert set(SWITCH_HELP) == set(Mechanisms.model_fields)
    for name in Mechanisms.model_fields:
        assert not re.search(r"\bM\d+\b", switch_help(name)), name
        assert len(switch_help(name).split()) >= 8, name  # a sentence, not a label


def _share(tally, column: str) -> float:
    return tally.outcome_shares().set_index("quantity").loc[column, "share"]


def test_the_notes_beside_extreme_settings_say_what_the_model_then_does(base):
    """Each note's claim, checked on 300 runs of seed 1 (exact runs, no tolerance needed
    beyond the words: 'most' is more than half, 'several times' at least three)."""
    start = defaults()
    assert all(slider_note(n, start[n], start[n]) == "" for n in SLIDERS)  # ordinary: no note
    assert all(switch_note(n, True) == "" for n in Mechanisms.model_fields)

    def runs(**changes):
        settings = start
        for name, value in changes.items():
            settings = with_value(settings, name, value)
        return many_runs(scenario_of(settings), 1, 300)

    # The strategic rule at precision 0 (seed 1, 300 runs): every run reaches rung 4 and stays
    # in crisis ~364 days, none reaches open war (random offensives end in random ceasefires);
    # at precision 1, 10% do, against 25% at the scenario's precision (attrition rule).
    assert "Every run then climbs to strikes and combat" in slider_note("precision", 0.0, 8.0)
    assert "rarely if ever reach open war" in slider_note("precision", 0.0, 8.0)
    war = {}
    for precision, words in ((0.0, "stays in crisis nearly all year"), (1.0, "most of the year")):
        assert words in slider_note("precision", precision, 8.0)
        noisy = run_table(scenario_of(with_value(start, "precision", precision)), 1, 300)
        assert (noisy["max_rung"] >= 4).mean() > 0.5 and noisy["crisis_days"].mean() > 0.5 * 365
        war[precision] = noisy["escalated"].mean()
    assert war[0.0] < 0.05  # 'rarely if ever': under 5% of runs reach open war
    assert 0 < war[1.0] < runs().escalated  # 'less likely than with sharper choices'
    assert "open war is less likely" in slider_note("precision", 1.0, 8.0)
    # 'likelier': 1.65 times on these exact runs under the attrition rule (over 3 before it)
    assert "war becomes likelier" in slider_note("audience_cost", 1.0, 0.3)
    ratio = runs(audience_cost=1.0).escalated / runs().escalated
    assert ratio >= 1.3, ratio
    assert "no incident is ever misread" in slider_note("hotline_quality", 1.0, 0.3)
    assert run_table(scenario_of({**start, "hotline_quality": 1.0}), 1, 300)["n_misread"].sum() == 0
    calm = {f"{who}_threat_perception": 0.0 for who in ("challenger", "protege", "guarantor")}
    assert "never misreads" in slider_note("protege_threat_perception", 0.0, 0.6)
    assert run_table(scenario_of({**start, **calm}), 1, 300)["n_misread"].sum() == 0
    assert "No incidents" in slider_note("misstep_rate", 0.0, 0.0003)
    assert run_table(scenario_of({**start, "misstep_rate": 0.0}), 1, 300)["n_misstep"].sum() == 0
    assert slider_note("misstep_rate", 0.0012, 0.0003).startswith("4 times the scenario's rate")
    assert "no run can reach war" in switch_note("decisions", False)
    assert war_risk(runs(decisions=False)).startswith("P(war) = 0.0%")
    assert "Nobody launches an offensive" in switch_note("deliberate", False)
    assert run_table(scenario_of({**start, "deliberate": False}), 1, 300)["n_attack"].sum() == 0
