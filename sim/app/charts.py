"""The page's charts, drawn by the browser: SVG lines and HTML text, made from the run's data.

A matplotlib drawing of the run cost about 0.3 s of the server's time on a quiet machine and
2 s at load 8-11: drawn each frame of Play it made the chart trail the day and held up every
other session. These charts are a few kilobytes of markup made in about a millisecond; the
browser draws them. Their lines live in an SVG stretched to the width of the page
(`preserveAspectRatio="none"`, strokes kept at their width by `vector-effect`), and all their
text is HTML set in CSS pixels, so it keeps its size (at least 12 px) at every width of the
window. Colours are the Okabe-Ito palette, with dashes, so no line is told by colour alone.
"""

from __future__ import annotations

import html
import math

import numpy as np
import pandas as pd

from sim.analysis.plots.style import OKABE_ITO, OUTCOME_COLOURS
from sim.app.many import (
    ROAD_COLUMNS,
    TABLE_ROWS,
    ManyResult,
    shown_columns,
    war_lines,
    war_risk,
)
from sim.app.session import History, war_spans
from sim.model.ladder import LADDER
from sim.model.outcomes import Road

RUNG_COLOURS = ("#009E73", "#56B4E9", "#0072B2", "#E69F00", "#D55E00", "#CC79A7", "#000000")
RUNG_DASHES = ("2 6", "2 6", "8 4", "8 4", "", "", "")  # dashed below strikes, solid above
LINE_DASHES = ("", "7 4", "2 3", "9 3 2 3", "4 4", "1 2")  # per actor, with its colour
LOG_FROM = 10.0  # hostility above this puts the axis on a log scale above 1
DAY_TICKS = 6  # about this many day labels along the axis


def _e(text: object) -> str:
    return html.escape(str(text))


def _day_ticks(horizon: int) -> list[int]:
    """Day labels: every month or so, and the horizon (unless it would touch the last)."""
    step = max(1, round(horizon / DAY_TICKS / 30) * 30) if horizon > 60 else max(1, horizon // 6)
    ticks = list(range(0, horizon, step))
    if horizon - ticks[-1] < step / 2:
        ticks.pop()
    return [*ticks, horizon]


def _x_axis(horizon: int, label: str) -> str:
    ticks = "".join(  # the last one ends at the axis's end instead of sticking out past it
        f'<span style="left:{100 * d / (horizon + 1):.2f}%'
        + (";transform:translateX(-100%)" if d == horizon else "")
        + f'">{d}</span>'
        for d in _day_ticks(horizon)
    )
    return f'<div class="x-axis" aria-hidden="true">{ticks}</div><div class="x-label">{label}</div>'


def _today(day: int, horizon: int, height: float) -> str:
    x = day + 1
    return (
        f'<line x1="{x}" x2="{x}" y1="0" y2="{height}" stroke="#555" stroke-dasharray="3 3" '
        f'vector-effect="non-scaling-stroke"/>'
    )


def _step_points(values: np.ndarray, top: float) -> str:
    """A step line: each day's value held from that day to the next (y grows downward)."""
    points = []
    for d, v in enumerate(values):
        y = top - float(v)
        points.append(f"{d},{y:g} {d + 1},{y:g}")
    return " ".join(points)


def dyad_rows(history: History, horizon: int) -> str:
    """Each dyad's rung by day, one strip per dyad; open war shaded."""
    top = len(LADDER) - 1
    rows = []
    for k, name in enumerate(history.dyads):
        rungs = history.rungs[:, k]
        shades = "".join(
            f'<rect x="{a}" y="0" width="{b - a + 1}" height="{top}" fill="#D55E00" '
            f'fill-opacity="0.18"/>'
            for a, b in war_spans(rungs)
        )
        grid = "".join(
            f'<line x1="0" x2="{horizon + 1}" y1="{r}" y2="{r}" stroke="#ddd" '
            f'vector-effect="non-scaling-stroke"/>'
            for r in range(top + 1)
        )
        colour = RUNG_COLOURS[int(rungs.max())] if len(rungs) else RUNG_COLOURS[0]
        line = (
            f'<polyline points="{_step_points(rungs, top)}" fill="none" stroke="{OKABE_ITO[0]}" '
            f'stroke-width="2.5" vector-effect="non-scaling-stroke"/>'
        )
        ticks = "".join(
            f'<span style="bottom:{100 * r / top:.1f}%">{r}</span>' for r in range(top + 1)
        )
        now = int(rungs[-1]) if len(rungs) else 0
        deaths = int(history.battle_deaths[-1, k]) if len(rungs) else 0
        rows.append(
            f'<div class="chart-row" data-colour="{colour}">'
            f'<div class="row-label">{_e(name.replace("-", "–"))}: rung {now} '
            f"({_e(LADDER[now].name)}), {deaths:,} battle deaths</div>"
            f'<div class="plot rung-plot"><div class="y-axis" aria-hidden="true">{ticks}</div>'
            f'<svg viewBox="0 0 {horizon + 1} {top}" preserveAspectRatio="none" '
            f'aria-hidden="true">{grid}{shades}{line}{_today(len(rungs) - 1, horizon, top)}'
            f"</svg></div></div>"
        )
    legend = " · ".join(f"{r} {_e(rung.name)}" for r, rung in enumerate(LADDER))
    return "".join(rows) + f'<div class="chart-note">Rungs: {legend}. Shaded: open war.</div>'


def hostility_scale(top: float) -> tuple[str, list[float], callable]:
    """The hostility axis: (its label, its ticks, value -> height in 0..1). Linear up to
    LOG_FROM; above, linear to 1 and logarithmic beyond (each step ×10), said in the label."""
    if top <= LOG_FROM:
        high = max(1.0, math.ceil(top * 2) / 2)
        ticks = [t for t in (0, 0.25, 0.5, 0.75, 1, 2, 3, 4, 5, 6, 8, 10) if t <= high]
        return "hostility (linear scale)", ticks, lambda v: max(0.0, v) / high
    decades = math.ceil(math.log10(top))
    span = 1 + decades

    def height(v: float) -> float:
        v = max(0.0, v)
        return (v if v <= 1 else 1 + math.log10(v)) / span

    ticks = [0, 1] + [10.0**d for d in range(1, decades + 1)]
    label = "hostility (linear from 0 to 1, then a log scale: each step is ×10)"
    return label, ticks, height


def hostility_plot(history: History, horizon: int) -> str:
    """Each actor's hostility to its most hated opponent by day, a line per actor."""
    values = history.hostility
    top = float(values.max()) if values.size else 1.0
    label, ticks, height = hostility_scale(top)
    size = 100.0
    lines, legend = [], []
    for k, actor in enumerate(history.actors):
        colour, dash = OKABE_ITO[k % len(OKABE_ITO)], LINE_DASHES[k % len(LINE_DASHES)]
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        points = " ".join(
            f"{d + 0.5},{size * (1 - height(float(v))):.2f}" for d, v in enumerate(values[:, k])
        )
        lines.append(
            f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2.5"'
            f'{dashes} vector-effect="non-scaling-stroke"/>'
        )
        now = f"{values[-1, k]:.2f}" if len(values) else "0"
        legend.append(
            f'<span class="legend-item"><svg width="36" height="10" aria-hidden="true">'
            f'<line x1="0" x2="36" y1="5" y2="5" stroke="{colour}" stroke-width="3"{dashes}/>'
            f"</svg>{_e(actor)} {now}</span>"
        )
    grid = "".join(
        f'<line x1="0" x2="{horizon + 1}" y1="{size * (1 - height(t)):.2f}" '
        f'y2="{size * (1 - height(t)):.2f}" stroke="#ddd" vector-effect="non-scaling-stroke"/>'
        for t in ticks
    )
    y_ticks = "".join(f'<span style="bottom:{100 * height(t):.1f}%">{t:g}</span>' for t in ticks)
    return (
        f'<div class="y-label">{_e(label)}, to the opponent it is most hostile to</div>'
        f'<div class="plot hostility-plot"><div class="y-axis" aria-hidden="true">{y_ticks}</div>'
        f'<svg viewBox="0 0 {horizon + 1} {size}" preserveAspectRatio="none" aria-hidden="true">'
        f"{grid}{''.join(lines)}{_today(len(values) - 1, horizon, size)}</svg></div>"
        f'<div class="legend">{"".join(legend)}</div>'
    )


def run_chart(history: History, horizon: int, caption: str) -> str:
    """The run's chart: each dyad's rung, then each actor's hostility, up to today."""
    day = len(history.rungs) - 1
    summary = (
        f"Each dyad's rung and each actor's hostility from day 0 to day {day} of {horizon}; "
        "the numbers are in the timeline and the chart's data (CSV)."
    )
    return (
        f'<figure class="esc-chart run-chart" data-day="{day}" role="img" '
        f'aria-label="{_e(summary)}">'
        f'<figcaption class="chart-caption">Chart of this run: {_e(caption)}, day {day}.'
        f"</figcaption>"
        f'<div class="chart-title">Each dyad\'s rung, day {day}</div>'
        f"{dyad_rows(history, horizon)}{_x_axis(horizon, 'day')}"
        f'<div class="chart-title">Each actor\'s hostility, day {day}</div>'
        f"{hostility_plot(history, horizon)}{_x_axis(horizon, 'day')}</figure>"
    )


def network(rungs: list[tuple[str, str, int]], challenger: str) -> str:
    """The actors as a small network: the challenger, an edge to each opponent drawn by the
    dyad's rung (colour, width, dash) and labelled with it in words."""
    items = []
    for name, role, rung in rungs:
        dash = "dashed" if RUNG_DASHES[rung] else "solid"
        items.append(
            f'<li><span class="edge" style="border-top:{2 + rung}px {dash} {RUNG_COLOURS[rung]}">'
            f'</span><span class="edge-label">rung {rung}: {_e(LADDER[rung].name)}</span>'
            f'<span class="node">{_e(name)} ({_e(role)})</span></li>'
        )
    return (
        f'<div class="network" role="img" aria-label="The actors and each dyad\'s rung">'
        f'<div class="node hub">{_e(challenger)}</div><ul>{"".join(items)}</ul></div>'
    )


def outcome_bars(table: pd.DataFrame, title: str) -> str:
    """The outcome distribution of each settings (A and B side by side when compared): a bar
    per outcome, its 95% interval as a whisker, and the share in words beside it."""
    names = list(dict.fromkeys(table["settings"]))
    rows = []
    for outcome in dict.fromkeys(table["outcome"]):
        for k, name in enumerate(names):
            row = table[(table["settings"] == name) & (table["outcome"] == outcome)].iloc[0]
            words = f"{row.share:.1%} (95% interval {row.low:.1%} to {row.high:.1%})"
            label = f"{outcome}" + (f", {name}" if len(names) > 1 else "")
            pattern = " striped" if k % 2 else ""
            rows.append(
                f'<tr><th scope="row">{_e(label)}</th><td><div class="track">'
                f'<div class="bar{pattern}" style="width:{100 * row.share:.2f}%;'
                f'background-color:{OUTCOME_COLOURS[outcome]}"></div>'
                f'<div class="whisker" style="left:{100 * row.low:.2f}%;'
                f'width:{100 * (row.high - row.low):.2f}%"></div></div>'
                f'<span class="share">{_e(words)}</span></td></tr>'
            )
    return (
        f'<table class="outcome-bars"><caption>{_e(title)}</caption>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


DARK_RUNGS = (2, 6)  # white text on these colours of RUNG_COLOURS (Okabe-Ito); black on the rest


def _list(lines: list[str], name: str, tag: str = "ul") -> str:
    return f'<{tag} class="{name}">' + "".join(f"<li>{_e(t)}</li>" for t in lines) + f"</{tag}>"


def card(lines: list[str], rung: int) -> str:
    """An actor's card: its lines over the colour of its rung."""
    colour = "white" if rung in DARK_RUNGS else "black"
    shown = [_e(line) for line in lines]
    return (
        f'<div class="actor-card" style="background:{RUNG_COLOURS[rung]};color:{colour}">'
        f"<b>{shown[0]}</b><br>{'<br>'.join(shown[1:])}<br>rung {rung}</div>"
    )


def bar_html(view) -> tuple[str, str]:
    """The Play bar's live part: (the notice, the day and the deaths; the outcome so far and
    P(war), which screen readers are told as they change)."""
    notice = (
        f'<div class="esc-notice restart-notice">{_e(view.notice)}</div>' if view.notice else ""
    )
    day = f"Day {view.day} of {view.horizon} · crisis rung {view.rung}"
    return (
        f'{notice}<div class="day-monitor">{_e(day)}</div>'
        f'<div class="deaths-monitor">{_e(view.deaths.capitalize())}</div>',
        f'<div class="outcome-now">{_e(view.outcome)}</div>',
    )


def run_panel(view) -> str:
    """The run as the page shows it at one moment, in one piece of HTML (one update a frame):
    the chart, each dyad's state, the network, the cards, the day's decisions, the whole
    timeline, and once the run has ended its outcome, its record and its twins."""
    history = view.history
    rungs = [
        (name, view.roles[name], int(history.rungs[-1, k]))
        for k, name in enumerate(history.actors[1:])
    ]
    parts = [
        run_chart(history, view.horizon, view.caption),
        _list(view.dyads, "dyad-monitor"),
        "<h3>The actors and each dyad's rung</h3>",
        network(rungs, history.actors[0]),
        '<div class="esc-two"><div>',
        f"<h3>The actors on day {view.day}</h3>",
        '<div class="cards">' + "".join(card(lines, r) for lines, r in view.cards) + "</div>",
        f"</div><div><h3>Decisions of day {view.day}</h3>",
        _list(view.decisions, "decisions"),
        "</div></div>",
        f"<h3>Event log: the whole timeline of this run, to day {view.day}</h3>",
        _list(
            view.timeline or ["Nothing has happened yet: press Step or Play."],
            "timeline event-log",
            "ol",
        ),
    ]
    if not view.running:
        parts.append(f'<p class="outcome"><b>{_e(view.outcome)}</b></p>')
    if view.result is not None:
        rows = "".join(
            f"<tr><th scope='row'>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in view.result.items()
        )
        parts.append(
            "<details class='run-record'><summary>This run in numbers (its row of the "
            f"per-run table)</summary><table>{rows}</table></details>"
        )
    if view.twins:
        parts.append(
            f'<div class="esc-two twins"><div><b>This run, to its end</b><p>{_e(view.twins[0])}'
            f"</p></div><div><b>{_e(view.twins[1])}</b>{_list(view.twins[2:], 'twin-lines')}"
            "</div></div>"
        )
    return "".join(parts)


def html_table(header: tuple[str, ...], rows: list[tuple], name: str) -> str:
    """A table as HTML, every cell escaped, in a box that scrolls sideways if it must."""
    cells = "".join(f"<th scope='col'>{_e(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>" for row in rows)
    return (
        f"<div class='esc-scroll'><table class='{name}'><thead><tr>{cells}</tr></thead>"
        f"<tbody>{body}</tbody></table></div>"
    )


def many_html(many: ManyResult) -> str:
    """What the page shows of many runs: the war risks, the outcome bars, the roads, which
    roads each war needed, wars that needed two roads, and when wars start."""
    risks = [war_risk(many.tally), *war_lines(many.tally)]
    return (
        f"<p><b>{_e(many.title)}</b> (each run counted once, at its highest outcome)</p>"
        + _list(risks, "war-risks big-risks")
        + f'<div class="outcome-chart">{outcome_bars(many.outcomes, many.title)}</div>'
        + "<p><b>Roads to war</b>: each run against its twin without that road.</p>"
        + html_table(ROAD_COLUMNS, many.roads, "roads")
        + "<p><b>Which roads each war needed</b> (the road's twin did not reach war); one war "
        "can need several.</p>"
        + html_table(("roads", "wars"), many.needed or [("no war in these runs", "0")], "needed")
        + "<p><b>Wars that needed two roads at once</b>: each cell counts the wars that needed "
        "both the row's road and the column's; on the diagonal, the wars each road caused.</p>"
        + html_table(("road", *(road.label for road in Road)), many.both, "both")
        + "<p><b>When wars start</b> (the day a dyad first reached open war).</p>"
        + html_table(("days", "runs whose war began then"), many.war_days, "war-days")
    )


def runs_html(many: ManyResult) -> str:
    """The per-run table: a row per run (the first TABLE_ROWS), the columns a lesson reads."""
    columns = shown_columns(many.table)
    rows = list(many.table[columns].head(TABLE_ROWS).itertuples(index=False))
    return f"<div class='per-run'>{html_table(tuple(columns), rows, 'per-run')}</div>"


def compare_html(table: pd.DataFrame, title: str) -> str:
    """The comparison of A and B: a table of each outcome's share and the bars side by side."""
    rows = [
        (r.settings, r.outcome, f"{r.share:.1%}", f"{r.low:.1%} to {r.high:.1%}")
        for r in table.itertuples()
    ]
    return (
        f"<p><b>{_e(title)}</b></p>"
        + html_table(("settings", "outcome", "share", "95% interval"), rows, "compare")
        + f'<div class="compare-chart">{outcome_bars(table, title)}</div>'
    )
