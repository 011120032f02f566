"""The page's charts (HTML and SVG drawn by the browser) and its downloads (PNG and CSV).

The run's chart draws exactly the run's history (a step line per dyad, war shaded, a line per
actor), labels its axes as what they are (a log scale says so), and its text is HTML sized in
CSS pixels (the browser tests measure it on screen); the downloadable figures have text of at
least 14 px; the run's CSV has each day's events in words; the outcome bars are the shares.
"""

import re

import numpy as np
import pytest
from matplotlib.text import Text

from sim.analysis.plots.style import OKABE_ITO
from sim.analysis.timeline import describe
from sim.app.charts import (
    DARK_RUNGS,
    RUNG_COLOURS,
    hostility_scale,
    network,
    outcome_bars,
    run_chart,
    run_panel,
)
from sim.app.figures import FIGURE_DPI, MIN_TEXT, outcome_figure, run_csv, run_figure
from sim.app.many import many_runs, outcome_table
from sim.app.session import Session
from sim.app.settings import defaults
from sim.model.ladder import LADDER
from sim.model.scenario import load_scenario


@pytest.fixture(scope="module")
def view():
    session = Session({**defaults(), "seed": 89})
    session.step(until=200)
    return session.view


def _polylines(markup: str) -> list[list[tuple[float, float]]]:
    found = re.findall(r'<polyline points="([^"]+)"', markup)
    return [[tuple(map(float, p.split(","))) for p in points.split()] for points in found]


def test_the_run_chart_draws_the_runs_history_day_by_day(view):
    markup = run_chart(view.history, view.horizon, view.caption)
    lines = _polylines(markup)
    n_dyads, n_actors = len(view.history.dyads), len(view.history.actors)
    assert len(lines) == n_dyads + n_actors
    top = len(LADDER) - 1
    for k in range(n_dyads):  # a step per day: (d, top - rung) to (d + 1, top - rung)
        rungs = [top - y for _, y in lines[k][::2]]
        assert rungs == list(view.history.rungs[:, k])
        assert [x for x, _ in lines[k][::2]] == list(range(view.day + 1))
    assert f'data-day="{view.day}"' in markup and f"day {view.day}." in markup
    shaded = markup.count('fill="#D55E00"')  # open war, shaded once per stretch
    assert shaded == sum(len(re.findall(r"from day \d+", line)) for line in view.dyads)
    assert all(len(points) == view.day + 1 for points in lines[n_dyads:])  # a point a day


def test_the_hostility_axis_says_when_it_is_logarithmic():
    label, ticks, height = hostility_scale(3.2)
    assert label == "hostility (linear scale)" and ticks[-1] == 3 and height(3.5) == 1.0
    label, ticks, height = hostility_scale(250.0)
    assert "log scale" in label and ticks == [0, 1, 10.0, 100.0, 1000.0]
    assert height(0) == 0 and height(1) == pytest.approx(1 / 4) and height(1000) == 1
    assert height(10) - height(1) == pytest.approx(height(100) - height(10))  # ×10 a step


def test_the_charts_text_is_html_and_the_lines_are_told_apart_without_colour(view):
    markup = run_chart(view.history, view.horizon, view.caption)
    svg_text = re.findall(r"<svg[^>]*>(.*?)</svg>", markup, flags=re.S)
    assert svg_text and not any("<text" in s for s in svg_text)  # no text scaled with lines
    dashes = re.findall(r'<polyline[^>]*stroke="(#[0-9A-F]+)"[^>]*?(stroke-dasharray="[^"]+")?',
                        markup)  # fmt: skip
    actors = dashes[len(view.history.dyads) :]
    assert len({(c, d) for c, d in actors}) == len(actors)  # colour and dash, each its own
    assert {c for c, _ in actors} <= set(OKABE_ITO)


def test_the_run_panel_shows_the_whole_timeline_and_at_the_end_the_record_and_twins():
    session = Session({**defaults(), "seed": 89})
    session.step(until=365)
    view = session.show_twins()
    markup = run_panel(view)
    for line in view.timeline:
        assert line.replace("'", "&#x27;").replace('"', "&quot;") in markup
    assert "This run in numbers" in markup and "n_strike" in markup
    assert "Twin without missteps" in markup and 'class="outcome"' in markup


def test_the_network_labels_each_edge_with_its_rung_in_words():
    markup = network([("Ukraine", "protege", 5), ("France", "guarantor", 0)], "Russia")
    assert "rung 5: open war" in markup and "rung 0: ceasefire holds" in markup
    assert f"solid {RUNG_COLOURS[5]}" in markup and f"dashed {RUNG_COLOURS[0]}" in markup


def _text_pixels(figure) -> list[float]:
    figure.canvas.draw()  # tick labels exist once drawn
    return [
        t.get_fontsize() * FIGURE_DPI / 72
        for t in figure.findobj(Text)
        if t.get_text() and t.get_visible()
    ]


def test_downloaded_figures_have_text_of_at_least_14_pixels(view):
    assert min(_text_pixels(run_figure(view))) >= MIN_TEXT
    tally = many_runs(load_scenario("reassurance"), 1, 50)
    table = outcome_table([("A", tally), ("B", tally)])
    assert min(_text_pixels(outcome_figure(table, "t"))) >= MIN_TEXT


def test_the_runs_csv_has_each_days_numbers_and_events_in_words(view):
    rows = run_csv(view).splitlines()
    header = rows[0].split(",")
    assert header[:2] == ["day", "Russia-France rung"] and header[-1] == "events"
    assert len(rows) == 1 + view.day + 1
    day_145 = next(r for r in rows if r.startswith("145,"))  # seed 89's first misstep
    misstep = next(e for e in view.events if e.day == 145 and describe(e, view.roles))
    assert describe(misstep, view.roles) in day_145


def test_the_outcome_bars_are_the_shares_with_their_intervals():
    tally = many_runs(load_scenario("reassurance"), 1, 100)
    table = outcome_table([("A", tally), ("B", tally)])
    markup = outcome_bars(table, "t")
    widths = [float(w) for w in re.findall(r'class="bar[^"]*" style="width:([\d.]+)%', markup)]
    shares = [  # outcome by outcome, A then B
        table[(table.outcome == o) & (table.settings == n)]["share"].iloc[0]
        for o in dict.fromkeys(table.outcome)
        for n in ("A", "B")
    ]
    assert np.allclose(widths, 100 * np.array(shares), atol=0.01)
    assert markup.count('class="bar striped"') == len(table) // 2  # B's bars hatched
    first = table.iloc[0]
    assert f"{first.share:.1%} (95% interval {first.low:.1%} to {first.high:.1%})" in markup


def _luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a #RRGGBB colour."""
    channels = [int(colour[k : k + 2], 16) / 255 for k in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_every_rung_colour_is_okabe_ito_and_its_card_text_has_aa_contrast():
    assert len(set(RUNG_COLOURS)) == len(LADDER) and set(RUNG_COLOURS) <= set(OKABE_ITO)
    for rung, background in enumerate(RUNG_COLOURS):
        text = "#FFFFFF" if rung in DARK_RUNGS else "#000000"
        light, dark = sorted((_luminance(text), _luminance(background)), reverse=True)
        assert (light + 0.05) / (dark + 0.05) >= 4.5, (rung, background)
