"""One browser session of the teaching app, without Solara: its run, safe under any timing.

The page's controls, its Play loop and its many-runs worker reach the model only through a
`Session`, whose lock lets one of them at a time step or replace the model. What the page
draws is a `View`: an immutable picture of the run taken under that lock after each change,
so the page never reads a model while it steps (the Mesa DataCollector's dictionaries are
not safe to read while they grow: SolaraViz's Play crashed on exactly that).
"""

from __future__ import annotations

import html
import io
import math
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.text import Text

from sim.analysis.plots.run import dyad_data, plot_dyads, plot_trajectory, trajectory_data
from sim.analysis.plots.style import NOT_A_FORECAST as PLOT_NOTE
from sim.analysis.timeline import describe, outcome_line, timeline_lines, twin_lines
from sim.app.settings import caption, scenario_of
from sim.model.ladder import LADDER
from sim.model.mesa_model import EscalationModel, road_mask
from sim.model.outcomes import Road

FIGURE_DPI = 72  # one point is one pixel: the figure's text sizes are its pixel sizes
FIGURE_WIDTH = 1000  # pixels; the page shows the figure at this width or narrower
MIN_TEXT = 14  # pixels: chart text readable when projected (issue 12)
LOG_LINES = 14  # the event log shows the newest lines only
SPEEDS = (1, 2, 5, 10, 20, 40)  # days per second of Play
FRAME_SECONDS = 0.25  # Play draws at most this often (drawing costs more than stepping)
# Sessions not yet closed, by id (a count for the tests; weak: it keeps none alive).
OPEN: weakref.WeakValueDictionary = weakref.WeakValueDictionary()


def dyad_lines(model: EscalationModel) -> list[str]:
    """Each dyad's rung today, e.g. 'Russia–France: rung 3, incidents and harassment'."""
    return [
        f"{c.name}–{o.name}: rung {model.rung_of(o)}, {LADDER[model.rung_of(o)].name}"
        for c, o in model.dyads
    ]


def actor_rung(model: EscalationModel, actor) -> int:
    """The highest rung of the dyads the actor is in (the card's colour)."""
    return model.rung if actor.index == 0 else model.rung_of(actor)


def actor_lines(actor) -> list[str]:
    """A card's lines: name and role, troops, losses, today's action and its target."""
    today = actor.action + (f" → {actor.target}" if actor.target else "")
    return [
        f"{actor.name} ({actor.role.value})",
        f"troops {actor.troops:,}",
        f"losses {int(actor.casualties):,}",
        f"today: {today}",
    ]


def decision_lines(model: EscalationModel) -> list[str]:
    """Today's decisions other than holding, each with its reason, and today's events."""
    roles = {a.name: a.role.value for a in model.actors}
    lines = []
    for event in model.events:
        if event.day == model.day and (text := describe(event, roles)) is not None:
            lines.append(text)
    return lines or ["Everyone holds: no decision to tell today."]


def deaths(model: EscalationModel) -> int:
    """Deaths of every actor so far."""
    return int(sum(a.casualties for a in model.actors))


def readable(figure: Figure) -> Figure:
    """Every text of the figure at least MIN_TEXT pixels high (at FIGURE_DPI)."""
    smallest = MIN_TEXT * 72 / FIGURE_DPI
    for ax in figure.get_axes():
        ax.tick_params(labelsize=smallest)
    for text in figure.findobj(Text):
        if text.get_text() and text.get_fontsize() < smallest:
            text.set_fontsize(smallest)
    return figure


def png(figure: Figure) -> bytes:
    """The figure as PNG bytes."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=FIGURE_DPI)
    return buffer.getvalue()


@dataclass(frozen=True, eq=False)  # compared by identity (it holds frames)
class ChartData:
    """A copy of what the run's chart shows, taken under the lock and drawn outside it."""

    day: int
    horizon: int
    title: str
    dyads: pd.DataFrame  # EscalationModel.dyad_trajectory()
    trajectory: pd.DataFrame  # EscalationModel.trajectory()
    events: tuple


def chart_data(model: EscalationModel, title: str) -> ChartData:
    """The chart's data now (call it with the session's lock held)."""
    return ChartData(
        model.day,
        model.world.days,
        title,
        model.dyad_trajectory(),
        model.trajectory(),
        tuple(model.events),
    )


def run_figure(data: ChartData) -> Figure:
    """Each dyad's rung, a row per dyad, above each actor's hostility, so far."""
    # Figure, not pyplot: the server draws for many sessions, and pyplot's state is global.
    n = data.dyads["dyad"].nunique()
    width = FIGURE_WIDTH / FIGURE_DPI
    figure = Figure(figsize=(width, 2.2 + 1.7 * n + 4.6), layout="constrained")
    top, bottom = figure.subfigures(2, 1, height_ratios=[1.7 * n + 1.2, 4.6])
    plot_dyads(
        dyad_data(data.dyads),
        title=f"Each dyad's rung, day {data.day}",
        ax=list(np.atleast_1d(top.subplots(n, 1, sharex=True))),
    )
    for ax in top.get_axes():  # said once, under the hostility chart
        for text in ax.texts:
            if text.get_text() == PLOT_NOTE:
                text.remove()
    ax = bottom.subplots()
    plot_trajectory(
        trajectory_data(data.trajectory, data.events),
        title=f"Each actor's hostility, day {data.day}",
        ax=ax,
    )
    # Lines that coincide (two guarantors alike) stay apart by their markers.
    markers = "os^Dvx"
    for k, line in enumerate(ax.get_lines()):
        line.set_marker(markers[k % len(markers)])
        line.set_markevery((7 * k, 30))
        line.set_markersize(7)
    for axis in figure.get_axes():  # the whole year on the axis: the chart fills as it runs
        axis.set_xlim(0, data.horizon + 1)
    figure.suptitle(data.title, wrap=True)
    return readable(figure)


def chart_png(data: ChartData) -> bytes:
    """The run's chart as PNG bytes."""
    return png(run_figure(data))


def run_csv(data: ChartData) -> str:
    """The chart's data: per day each dyad's rung and battle deaths, each actor's hostility."""
    wide = data.dyads.pivot(index="day", columns="dyad", values=["rung", "battle_deaths"])
    wide.columns = [f"{dyad} {what}" for what, dyad in wide.columns]
    hostility = data.trajectory.pivot(index="day", columns="actor", values="hostility")
    hostility.columns = [f"{actor} hostility" for actor in hostility.columns]
    return wide.join(hostility).to_csv(float_format="%.6g")


RUNG_COLOURS = ("#009E73", "#56B4E9", "#0072B2", "#E69F00", "#D55E00", "#CC79A7", "#000000")
RUNG_DASHES = ("2 6", "2 6", "8 4", "8 4", "", "", "")  # dashed below strikes, solid above


def network_svg(model: EscalationModel) -> str:
    """The actors as a small network: the challenger on the left, an edge to each opponent
    labelled with the dyad's rung (in words, and by colour, width and dash)."""
    others = [o for _, o in model.dyads]
    gap = 60
    height = gap * max(len(others) - 1, 0) + 60
    ys = [30 + gap * k for k in range(len(others))]
    cy, x0, x1, along = height / 2, 110, 550, 0.62  # labels sit 62% along their edge
    parts = [
        f'<svg role="img" aria-label="The actors and each dyad\'s rung" viewBox="0 0 760 '
        f'{height}" width="100%" style="max-width:760px;font-size:15px">'
    ]
    for other, y in zip(others, ys, strict=True):
        rung = model.rung_of(other)
        dash = f' stroke-dasharray="{RUNG_DASHES[rung]}"' if RUNG_DASHES[rung] else ""
        parts.append(
            f'<line x1="{x0}" y1="{cy}" x2="{x1}" y2="{y}" stroke="{RUNG_COLOURS[rung]}" '
            f'stroke-width="{2 + rung}"{dash}/>'
        )
        label = html.escape(f"rung {rung}: {LADDER[rung].name}")
        lx, ly = x0 + along * (x1 - x0), cy + along * (y - cy)
        parts.append(
            f'<text x="{lx:.0f}" y="{ly + 5:.0f}" text-anchor="middle" '
            f'style="paint-order:stroke;stroke:white;stroke-width:5px">{label}</text>'
        )
        name = html.escape(f"{other.name} ({other.role.value})")
        parts.append(f'<text x="{x1 + 8}" y="{y + 5}">{name}</text>')
    name = html.escape(model.actors[0].name)
    parts.append(
        f'<text x="{x0 - 8}" y="{cy + 5}" text-anchor="end" font-weight="bold">{name}</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


@dataclass(frozen=True, eq=False)
class View:
    """What the page shows of one run at one moment (taken under the session's lock)."""

    model: EscalationModel  # whose view this is (never read outside the lock)
    settings: dict[str, Any]
    caption: str
    day: int
    horizon: int
    running: bool
    rung: int
    deaths: int
    dyads: list[str]
    cards: list[tuple[list[str], int]]
    log: list[str]
    decisions: list[str]
    outcome: str | None
    network: str
    chart: ChartData
    twins: list[str] | None = None


def snapshot(model: EscalationModel, settings: dict[str, Any], twins: list[str] | None) -> View:
    """The view of the model now (call it with the session's lock held)."""
    title = caption(settings)
    return View(
        model=model,
        settings=dict(settings),
        caption=title,
        day=model.day,
        horizon=model.world.days,
        running=model.running,
        rung=model.rung,
        deaths=deaths(model),
        dyads=dyad_lines(model),
        cards=[(actor_lines(a), actor_rung(model, a)) for a in model.actors],
        log=timeline_lines(model)[-LOG_LINES:],
        decisions=decision_lines(model),
        outcome=None if model.running else outcome_line(model),
        network=network_svg(model),
        chart=chart_data(model, title),
        twins=twins,
    )


def run_twins(model: EscalationModel) -> list[str]:
    """The run's six twins played to the end, told beside it (twin_lines)."""
    twins = {
        road: EscalationModel(model.spec, model.seed, suppress=road_mask(road)).run()
        for road in Road
    }
    ended = EscalationModel(model.spec, model.seed).run()
    return [outcome_line(ended), *twin_lines(ended, twins)]


@dataclass
class Session:
    """A browser session's run. Every change goes through the lock; `view` is what to show."""

    settings: dict[str, Any]
    lock: threading.RLock = field(default_factory=threading.RLock)
    model: EscalationModel = field(init=False)
    view: View = field(init=False)
    notice: str = ""
    closed: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self.model = EscalationModel(scenario_of(self.settings), seed=self.settings["seed"])
        self.view = snapshot(self.model, self.settings, None)
        OPEN[id(self)] = self

    def close(self) -> None:
        """Free the session once its page has gone (the page's WebSocket closed and Solara
        closed its kernel): Play stops at its next frame and nothing steps the run again."""
        self.closed.set()
        OPEN.pop(id(self), None)

    def restart(self, settings: dict[str, Any], notice: str = "") -> View:
        """A new run with these settings (raises ValueError if they make no valid scenario)."""
        model = EscalationModel(scenario_of(settings), seed=settings["seed"])
        with self.lock:
            self.settings, self.model, self.notice = dict(settings), model, notice
            self.view = snapshot(model, settings, None)
            return self.view

    def step(self, model: EscalationModel | None = None, until: int | None = None) -> bool:
        """One day (or up to day `until`) of the run; False if `model` is no longer the run
        or the run has ended (Play then stops)."""
        with self.lock:
            if self.closed.is_set() or (model is not None and model is not self.model):
                return False
            if not self.model.running:
                return False
            target = self.model.day + 1 if until is None else min(until, self.view.horizon)
            while self.model.running and self.model.day < target:
                self.model.step()
            self.view = snapshot(self.model, self.settings, None)
            return self.model.running

    def show_twins(self) -> View:
        """The run's twins (the whole run and each twin to its end), beside the run."""
        with self.lock:
            model, settings = self.model, self.settings
        lines = run_twins(model)  # new models only: no lock needed while they run
        with self.lock:
            if model is self.model:
                self.view = snapshot(model, settings, lines)
            return self.view

    def play(self, days_per_second: float, stop: threading.Event, shown: Callable) -> None:
        """Step at `days_per_second` until the run ends, `stop` is set or the run is
        replaced; call `shown()` after each drawing. The day never passes the horizon."""
        with self.lock:
            model, start = self.model, self.model.day
        began = time.monotonic()
        while not stop.is_set():
            target = start + max(1, math.floor(days_per_second * (time.monotonic() - began)))
            going = self.step(model, until=target)
            shown()
            if not going:
                return
            stop.wait(FRAME_SECONDS)


def many_runs_csv(table: pd.DataFrame) -> str:
    """A many-runs table as CSV."""
    return table.to_csv(index=False, float_format="%.6g")
