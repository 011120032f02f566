"""Each lesson walked in the browser as its "In the app" steps say: the lesson's own text
beside the run (read from its file), and on the page every number its steps and questions
need. The numbers are computed here by the page's own functions (`sim.app.many`, the session),
as tests/docs/test_lessons.py computes those the lessons quote, so this test keeps working
when the model's rules, and with them the lessons' numbers, change."""

import re

from tests.app.browser.conftest import (
    body,
    button,
    expect,
    move_slider,
    page_numbers,
    run_many,
    squeeze,
    switch,
    table_cells,
    wait_day,
)


def plain(markdown: str) -> str:
    """A lesson line as the page shows it: Markdown's marks gone, spaces squeezed."""
    return " ".join(re.sub(r"[*`]", "", markdown).split())


def open_lesson(tab, number: str) -> dict:
    """Press the lesson's button; check its text is beside the run; its settings."""
    from sim.app.lessons import lesson
    from sim.app.settings import PRESETS

    preset = next(p for p in PRESETS if p.lesson == number)
    button(tab, f"Lesson {number}: {preset.title}").click()
    shown = lesson(number)
    expect(tab.locator(".lesson-steps li")).to_have_text([plain(s) for s in shown.steps])
    expect(tab.locator(".lesson-questions li")).to_have_text([plain(q) for q in shown.questions])
    expect(tab.locator(".lesson")).to_contain_text(plain(shown.question))
    settings = preset.settings()
    shows(tab, settings)
    return settings


def shows(tab, settings: dict) -> None:
    from sim.app.settings import caption

    expect(tab.locator(".run-chart")).to_contain_text(f"Chart of this run: {caption(settings)},")


def numbers_on_the_page(tab, settings: dict, timings=None) -> list[tuple[str, ...]]:
    """Press "Run 300 runs"; P(war), the war risks and the roads table are the page's own
    numbers for these settings. Returns the roads table's rows."""
    run_many(tab, 300, timings)
    risks, roads = page_numbers(settings)
    text = body(tab)
    for line in risks:
        assert line in text, line
    assert table_cells(tab, "roads") == [list(row) for row in roads]
    return roads


def days_cited_are_told(questions: str, told: list[str]) -> bool:
    """The timeline has a line on each day the questions name ("on day N") and within each
    span they name ("from day A to day B"), as the lesson's text says (it moves with it)."""
    days = [int(day) for line in told for day in re.findall(r"^Day (\d+):", line)]
    points = [int(n) for n in re.findall(r"on day (\d+)", questions)]
    spans = [(int(a), int(b)) for a, b in re.findall(r"from day (\d+) to day (\d+)", questions)]
    assert points or spans, "the questions cite no day: nothing to look for"
    return all(n in days for n in points) and all(any(a <= d <= b for d in days) for a, b in spans)


def test_lesson_1_the_tripwire(open_page, timings):
    from sim.app.many import compare
    from sim.app.settings import defaults, with_value

    tab = open_page(1440)
    first = open_lesson(tab, "1")
    numbers_on_the_page(tab, first, timings)
    button(tab, "Keep these settings as A").click()
    move_slider(tab, "troops per guarantor", ["ArrowRight"] * 4)
    expect(tab.locator(".restart-notice")).to_contain_text("the run restarted at day 0")
    shows(tab, with_value(first, "troops", 2000))
    numbers_on_the_page(tab, with_value(first, "troops", 2000), timings)
    button(tab, "Restore defaults").click()
    numbers_on_the_page(tab, defaults(), timings)
    button(tab, "Keep these settings as B").click()
    button(tab, "Compare A and B (300 runs each)").click()
    tab.locator("table.compare").wait_for(timeout=120_000)
    table, title = compare(first, defaults(), 300)
    assert " ".join(title.split()) in body(tab)
    shares = [row[2] for row in table_cells(tab, "compare")]
    assert shares == [f"{share:.1%}" for share in table["share"]]
    # Question 1: who kills whom with no troops: the per-run table's dyad and actor columns,
    # and the section of docs/model.md the question sends the reader to.
    button(tab, "Show the per-run table").click()
    tab.locator("table.per-run").wait_for()
    header = tab.locator("table.per-run th").all_inner_texts()
    assert {"Russia-France_battle_deaths", "casualties_France", "casualties_Russia"} <= set(header)
    from sim.app.lessons import lesson, model_sections

    for number in lesson("1").cited:  # each section the lesson cites, by its title
        title = f"docs/model.md §{number}: {model_sections()[number][0]}"
        expect(tab.locator(".lesson details summary", has_text=title)).to_have_count(1)
    expect(tab.locator(".lesson .whole-lesson img")).to_have_count(1)  # the lesson's figure
    # Question 2: the guarantors' resolve is a control of the page.
    expect(tab.get_by_role("slider", name="guarantors' resolve")).to_have_count(1)


def test_lesson_2_protection_or_provocation(open_page, timings):
    from sim.app.settings import with_value

    tab = open_page(1440)
    first = open_lesson(tab, "2")
    numbers_on_the_page(tab, first, timings)
    move_slider(tab, "troops per guarantor", ["PageUp"] + ["ArrowRight"] * 4)  # 1,000 → 8,000
    shows(tab, with_value(first, "troops", 8000))  # (many runs are of the settings shown)
    numbers_on_the_page(tab, with_value(first, "troops", 8000), timings)
    # Question 1: `framing` in the parameters, and its switch's tooltip in words.
    expect(tab.locator(".parameters")).to_contain_text("framing")
    tip = tab.locator(".esc-help", has=tab.get_by_label("Troops read as provocation"))
    assert "provocation" in tip.get_attribute("data-tip")
    # Question 2: the challenger's threat perception alone is a control of the page.
    expect(tab.get_by_role("slider", name="challenger's threat perception")).to_have_count(1)


def test_lesson_3_the_misstep_play_a_year_its_twins_and_a_hotline(open_page, timings):
    from sim.app.lessons import lesson
    from sim.app.many import both_rows, run_table, war_day_rows
    from sim.app.session import Session
    from sim.app.settings import defaults, scenario_of

    tab = open_page(1440)
    first = open_lesson(tab, "3")
    for day in (1, 2, 3):
        button(tab, "Step").click()
        wait_day(tab, day)
    story = Session(first)
    story.step(until=3)
    expect(tab.locator(".decisions li")).to_have_text(squeeze(story.view.decisions))
    expect(tab.locator(".event-log li")).to_have_text(squeeze(story.view.timeline))
    tab.get_by_role("button", name="40 days per second").click()
    button(tab, "Play").click()
    expect(tab.locator(".outcome")).to_be_visible(timeout=60_000)
    story.step(until=365)
    expect(tab.locator(".outcome")).to_have_text(story.view.outcome)
    expect(tab.locator(".run-chart")).to_have_attribute("data-day", "365")
    expect(button(tab, "Play")).to_be_disabled()  # the run stopped at its horizon
    assert "Day 366" not in body(tab)
    # Questions 1 and 2: the whole timeline is there, with lines on the days they cite.
    told = tab.locator(".event-log li").all_inner_texts()
    assert squeeze(told) == squeeze(story.view.timeline)
    assert days_cited_are_told(" ".join(lesson("3").questions), told)
    button(tab, "Show this run's twins").click()
    expect(tab.locator(".twins")).to_contain_text("Twin without missteps", timeout=30_000)
    for line in story.show_twins().twins[2:]:
        assert " ".join(line.split()) in body(tab)
    move_slider(tab, "hotline quality", ["PageUp"])  # 0.30 → 0.80
    shows(tab, {**first, "hotline_quality": 0.8})
    button(tab, "Play").click()
    expect(tab.locator(".outcome")).to_be_visible(timeout=60_000)
    hotline = Session({**first, "hotline_quality": 0.8})
    hotline.step(until=365)
    expect(tab.locator(".outcome")).to_have_text(hotline.view.outcome)
    other = open_page(1440)  # another student's page is another run
    button(other, "Step").click()
    wait_day(other, 1)
    assert tab.locator(".run-chart").get_attribute("data-day") == "365"
    # Questions 3 and 4, on the reassurance scenario at seed 1: wars that needed both
    # missteps and warnings, and when in the year wars start.
    button(tab, "Restore defaults").click()
    numbers_on_the_page(tab, defaults(), timings)
    table = run_table(scenario_of(defaults()), 1, 300)
    assert table_cells(tab, "both") == [list(row) for row in both_rows(table)]
    spec = scenario_of(defaults())
    assert table_cells(tab, "war-days") == [list(row) for row in war_day_rows(table, spec)]


def test_lesson_4_the_commitment_trap(open_page, timings):
    from sim.app.settings import with_value

    tab = open_page(1440)
    first = open_lesson(tab, "4")
    numbers_on_the_page(tab, first, timings)
    keys = ["PageUp", "PageUp"] + ["ArrowRight"] * 4  # 0.00 → 1.20
    move_slider(tab, "price of backing down (every actor)", keys)
    high = with_value(first, "audience_cost", 1.2)
    shows(tab, high)
    numbers_on_the_page(tab, high, timings)
    note = tab.locator(".extreme-note", has_text="Backing down costs more than the dispute")
    expect(note).to_be_visible()
    # Question 3: the challenger's and the guarantors' prices are controls of their own.
    for label in ("challenger's price of backing down", "guarantors' price of backing down"):
        expect(tab.get_by_role("slider", name=label)).to_have_attribute("aria-valuenow", "1.2")


def test_lesson_5_three_roads_to_war(open_page, timings):
    from sim.app.settings import defaults

    tab = open_page(1440)
    first = open_lesson(tab, "5")
    numbers_on_the_page(tab, first, timings)
    tab.get_by_label("Scenario").click(force=True)
    tab.get_by_role("option", name="korea").click()
    numbers_on_the_page(tab, defaults("korea"), timings)
    open_lesson(tab, "5")
    switch(tab, "Deliberate attacks").click()
    from sim.model.outcomes import Road

    roads = numbers_on_the_page(tab, {**first, "deliberate": False}, timings)
    # said in words, no share:
    assert roads[Road.ATTACKS][4].startswith("no one can decide to attack")
