"""The app's logic without a browser: settings, the address, presets, the session and views.

Sliders start at the scenario and stay within the schema's ranges; slider values and switches
reach the scenario exactly; the lesson presets are the lessons' scenario files; a session is
safe when Play, Step and a change of settings race; the charts' text is projector-sized; the
numbers of the many-runs panel are those of a direct count of the same runs.
"""

import threading
import time

import numpy as np
import pytest
from matplotlib.text import Text
from pydantic import ValidationError

from sim.analysis.summaries import Tally, impossible_without, wilson_interval
from sim.analysis.timeline import outcome_line
from sim.app.many import (
    MANY_RUNS,
    compare,
    many_runs,
    outcome_figure,
    outcome_table,
    road_rows,
    war_lines,
)
from sim.app.session import (
    FIGURE_DPI,
    MIN_TEXT,
    Session,
    actor_lines,
    chart_data,
    decision_lines,
    dyad_lines,
    network_svg,
    run_csv,
    run_figure,
)
from sim.app.settings import (
    PRESETS,
    SLIDERS,
    SWITCHES,
    caption,
    defaults,
    from_query,
    parse_seed,
    scenario_for,
    scenario_names,
    scenario_of,
    slider_bounds,
    to_query,
    value_words,
)
from sim.experiments.experiment import read_path
from sim.experiments.runs import Chunk, simulate_chunk
from sim.model.ladder import LADDER
from sim.model.mesa_model import EscalationModel
from sim.model.outcomes import WAR_OUTCOMES, Road
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


def test_each_lesson_preset_is_its_lessons_starting_scenario():
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


def test_the_views_say_what_the_model_holds():
    session = Session(defaults())
    view = session.view
    assert view.dyads == [
        f'Russia–{name}: rung 1, warnings ("legitimate targets")'
        for name in ("Ukraine", "France", "United Kingdom")
    ]
    assert view.cards[2] == (["France (guarantor)", "troops 5,000", "losses 0", "today: hold"], 1)
    assert view.decisions[0].startswith("Russia warns publicly")
    session.step(until=30)
    model = session.model
    for (challenger, other), line in zip(model.dyads, dyad_lines(model), strict=True):
        rung = model.rung_of(other)
        assert line == f"{challenger.name}–{other.name}: rung {rung}, {LADDER[rung].name}"
        assert f"rung {rung}: {LADDER[rung].name}" in network_svg(model).replace("&quot;", '"')
    for actor in model.actors:
        assert actor_lines(actor)[2] == f"losses {int(actor.casualties):,}"
    assert session.view.decisions == decision_lines(model)
    csv = run_csv(chart_data(model, "t")).splitlines()
    assert len(csv) == 32 and csv[0].split(",")[:2] == ["day", "Russia-France rung"]


def test_a_run_stops_at_its_horizon_and_its_twins_are_the_cli_s():
    session = Session({**defaults(), "seed": 273})
    assert session.step(until=10_000) is False  # asked past the end: stops at the horizon
    assert session.view.day == 365 and session.view.running is False
    assert session.step() is False and session.view.day == 365
    assert session.view.outcome == outcome_line(EscalationModel(session.model.spec, 273).run())
    lines = session.show_twins().twins
    assert lines[1].startswith("Twins (the same random numbers")
    assert "The run escalated because of missteps." in " ".join(lines)  # lesson 3's story


def test_play_step_and_a_change_of_settings_can_race_without_an_error():
    session = Session(defaults())
    stop, errors, frames = threading.Event(), [], []

    def play() -> None:
        try:
            session.play(400, stop, lambda: frames.append(session.view.day))
        except Exception as error:  # any error fails the test
            errors.append(error)

    player = threading.Thread(target=play)
    player.start()
    for k in range(6):  # Step and restart from this thread while Play steps the other run
        session.step()
        session.restart({**defaults(), "seed": k, "decisions": k % 2 == 0})
        time.sleep(0.05)
    player.join(timeout=60)
    stop.set()
    assert not errors and not player.is_alive()
    assert frames  # it drew at least once, then stopped: its run was replaced
    assert session.view.day <= 1 and session.model.spec == scenario_of(session.settings)


def test_play_keeps_its_pace_in_days_per_second_and_never_passes_the_horizon():
    session = Session({**defaults(), "decisions": False})
    days = []
    began = time.monotonic()
    session.play(200, threading.Event(), lambda: days.append(session.view.day))
    took = time.monotonic() - began
    assert days[-1] == 365 and max(days) == 365 and days == sorted(days)
    assert took >= 365 / 200 - 0.3  # not faster than asked (drawing makes it slower)


def _text_pixels(figure) -> list[float]:
    figure.canvas.draw()  # tick labels exist once drawn
    return [
        t.get_fontsize() * FIGURE_DPI / 72
        for t in figure.findobj(Text)
        if t.get_text() and t.get_visible()
    ]


def test_chart_text_is_at_least_14_pixels_for_a_projector(base):
    session = Session({**defaults(), "seed": 273})
    session.step(until=120)
    assert min(_text_pixels(run_figure(session.view.chart))) >= MIN_TEXT
    tally = many_runs(base, 1, 50)
    table = outcome_table([("A", tally), ("B", tally)])
    assert min(_text_pixels(outcome_figure(table, "t"))) >= MIN_TEXT


def test_the_many_runs_numbers_equal_a_direct_count_of_the_same_runs(base):
    tally = many_runs(base, seed=1)
    table = simulate_chunk(Chunk(base, 1, 0, MANY_RUNS))
    assert tally.runs == MANY_RUNS
    for label, line in zip(WAR_OUTCOMES, war_lines(tally), strict=True):
        k = int((table["outcome"] == label).sum())
        low, high = wilson_interval(k, MANY_RUNS)
        assert line == f"P({label}) = {k / MANY_RUNS:.1%} (95% interval {low:.1%} to {high:.1%})"
    wars = table["escalated"].to_numpy()
    assert wars.sum() > 0  # the check below is about something
    rows = road_rows(tally, base)
    assert [row[0].split(" (")[0] for row in rows] == [road.label for road in Road]
    for road, row in zip(Road, rows, strict=True):
        twin = table[f"twin_{road.label}_escalated"].to_numpy()
        caused = int((wars & ~twin).sum())
        difference = (caused - int((twin & ~wars).sum())) / MANY_RUNS
        assert row[1:3] == (f"{wars.mean():.1%}", f"{twin.mean():.1%}")
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
    empty = Tally(base.world.days, base.world.escalation_rung, runs=10, twins=10)
    assert all(row[4] == "no war in these runs" for row in road_rows(empty, base))


def test_compare_runs_a_and_b_from_the_same_seed_and_run_numbers(base):
    a = {**defaults(), "seed": 5}
    b = {**defaults(), "seed": 9, "troops": 0}
    table, title = compare(a, b, 40)
    tally_a = many_runs(scenario_of(a), 5, 40)
    tally_b = many_runs(scenario_of(b), 5, 40)  # B on A's seed
    assert np.allclose(table[table.settings == "A"]["count"], tally_a.outcomes)
    assert np.allclose(table[table.settings == "B"]["count"], tally_b.outcomes)
    assert "seed 5" in title and "the same random numbers" in title


def test_the_seed_3_story_in_the_app_is_the_command_line_s(tmp_path):
    from typer.testing import CliRunner

    from sim.cli import app

    result = CliRunner().invoke(app, ["run", "reassurance", "--seed", "3", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    told = (tmp_path / "timeline.txt").read_text()
    session = Session({**defaults(), "seed": 3})
    session.step(until=365)
    view = session.view
    assert len(view.log) == 14
    for line in view.log:  # the newest lines of the story, as the command line tells them
        assert line in told
    assert view.outcome in told


def _luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a #RRGGBB colour."""
    channels = [int(colour[k : k + 2], 16) / 255 for k in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_every_rung_colour_is_okabe_ito_and_its_card_text_has_aa_contrast():
    from sim.analysis.plots.style import OKABE_ITO
    from sim.app.session import RUNG_COLOURS
    from sim.app.widgets import DARK_RUNGS

    assert len(set(RUNG_COLOURS)) == len(LADDER) and set(RUNG_COLOURS) <= set(OKABE_ITO)
    for rung, background in enumerate(RUNG_COLOURS):
        text = "#FFFFFF" if rung in DARK_RUNGS else "#000000"
        light, dark = sorted((_luminance(text), _luminance(background)), reverse=True)
        assert (light + 0.05) / (dark + 0.05) >= 4.5, (rung, background)
