"""The lessons' "In the app" parts: every control they name is one the page shows, and every
number they quote is what the page gives for those settings (300 runs, seed 1), computed here.
"""

import re
from pathlib import Path

import pytest

from sim.app.many import RUN_COUNTS, many_runs, road_rows, war_lines
from sim.app.session import Session
from sim.app.settings import PRESETS, SLIDERS, SWITCHES, defaults, scenario_of, with_value

LESSONS = Path(__file__).resolve().parents[2] / "docs" / "lessons"
# The page's controls by the names it shows (the browser tests click the buttons by these).
BUTTONS = {
    "Play",
    "Step",
    "Reset",
    "Restore defaults",
    "Show this run's twins",
    "Keep these settings as A",
    "Keep these settings as B",
    "Compare A and B (300 runs each)",
    "Scenario",
    "40",
}
SHOWN = (
    BUTTONS
    | {f"Lesson {p.lesson}: {p.title}" for p in PRESETS}
    | {f"Run {n:,} runs" for n in RUN_COUNTS}
    | {s.label for s in SLIDERS.values()}
    | set(SWITCHES.values())
)
PRESET = {p.lesson: p.settings() for p in PRESETS}


def in_the_app(number: str) -> str:
    """The lesson's "In the app" part, whitespace squeezed."""
    path = next(LESSONS.glob(f"{number}-*.md"))
    text = path.read_text()
    part = text[text.index("**In the app") : text.index("**The figure.**")]
    return " ".join(part.split())


def runs(settings: dict) -> tuple[list[str], list[tuple[str, ...]]]:
    """What the page shows after "Run 300 runs": the war risks and the roads table."""
    tally = many_runs(scenario_of(settings), settings["seed"], 300)
    return war_lines(tally), road_rows(tally, scenario_of(settings))


@pytest.mark.parametrize("number", ["1", "2", "3", "4", "5"])
def test_every_control_a_lesson_names_is_on_the_page(number):
    part = in_the_app(number)
    named = re.findall(r"\*\*(.+?)\*\*", part)[1:]  # the first is the heading
    assert named, number
    for name in named:
        assert name in SHOWN, name


def test_lesson_1_numbers():
    part = in_the_app("1")
    risks, roads = runs(PRESET["1"])
    assert risks[0] in part and risks[1] in part
    assert f"by {roads[2][3]}" in part  # the attacks row's risk difference
    for settings in ({**PRESET["1"], "troops": 2000}, defaults()):
        risks, _ = runs(settings)
        assert risks[0] in part and risks[1] in part


def test_lesson_2_numbers():
    part = in_the_app("2")
    risks, roads = runs(PRESET["2"])
    assert risks[1] in part and f"missteps caused {roads[0][4]}" in part
    risks, roads = runs({**PRESET["2"], "troops": 8000})
    assert risks[0] in part and risks[1] in part
    assert f"missteps now caused {roads[0][4]}" in part


def test_lesson_3_story():
    part = in_the_app("3")
    session = Session(PRESET["3"])
    session.step(until=365)
    assert session.view.outcome in part
    twins = session.show_twins().twins
    for road in ("without missteps (no incidents): ", "without deliberate attacks"):
        line = next(t for t in twins if road in t)
        told = line.split(": ", 1)[1]
        assert told in part
    session.restart({**PRESET["3"], "hotline_quality": 0.8})
    session.step(until=365)
    assert session.view.outcome.split(". The run")[0] + "." in part


def test_lesson_4_numbers():
    part = in_the_app("4")
    risks, _ = runs(PRESET["4"])
    assert risks[0] in part and risks[1] in part
    risks, roads = runs(with_value(PRESET["4"], "audience_cost", 1.2))
    assert risks[1] in part and f"by {roads[3][3]}" in part


def test_lesson_5_numbers():
    part = in_the_app("5")
    _, roads = runs(PRESET["5"])
    assert f"{roads[2][4]} of the wars needed a deliberate attack" in part
    _, roads = runs(defaults("korea"))
    assert f"{roads[0][4]} of the wars needed a misstep" in part
    assert f"{roads[2][4]} a deliberate attack" in part
