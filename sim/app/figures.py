"""The app's downloads: its charts as PNG files (matplotlib) and their data as CSV.

The page draws its charts in the browser (`sim.app.charts`); these files are made only when a
download is asked for, from the same immutable data the page showed, with the project's plot
functions (`sim.analysis.plots`) and text at least MIN_TEXT pixels high.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.text import Text

from sim.analysis.plots.run import dyad_data, plot_dyads, plot_trajectory, trajectory_data
from sim.analysis.plots.style import NOT_A_FORECAST as PLOT_NOTE
from sim.analysis.plots.style import OUTCOME_COLOURS
from sim.analysis.timeline import describe
from sim.app.session import View
from sim.model.outcomes import OUTCOME_LABELS

FIGURE_DPI = 72  # one point is one pixel: the figure's text sizes are its pixel sizes
FIGURE_WIDTH = 1000  # pixels
MIN_TEXT = 14  # pixels: chart text readable when projected


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


def frames(view: View) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The run's history as the plot functions take it: per day and dyad (rung, battle deaths,
    offensive), per day and actor (hostility)."""
    h = view.history
    days = np.arange(len(h.rungs))
    dyads = pd.DataFrame(
        {
            "day": np.repeat(days, len(h.dyads)),
            "dyad": np.tile(h.dyads, len(days)),
            "rung": h.rungs.ravel(),
            "battle_deaths": h.battle_deaths.ravel(),
            "offensive": h.offensive.ravel(),
        }
    )
    actors = pd.DataFrame(
        {
            "day": np.repeat(days, len(h.actors)),
            "actor": np.tile(h.actors, len(days)),
            "hostility": h.hostility.ravel(),
        }
    )
    return dyads, actors


def run_figure(view: View) -> Figure:
    """Each dyad's rung, a row per dyad, above each actor's hostility, so far."""
    # Figure, not pyplot: the server draws for many sessions, and pyplot's state is global.
    dyads, actors = frames(view)
    n = len(view.history.dyads)
    figure = Figure(figsize=(FIGURE_WIDTH / FIGURE_DPI, 2.2 + 1.7 * n + 4.6), layout="constrained")
    top, bottom = figure.subfigures(2, 1, height_ratios=[1.7 * n + 1.2, 4.6])
    plot_dyads(
        dyad_data(dyads),
        title=f"Each dyad's rung, day {view.day}",
        ax=list(np.atleast_1d(top.subplots(n, 1, sharex=True))),
    )
    for ax in top.get_axes():  # said once, under the hostility chart
        for text in ax.texts:
            if text.get_text() == PLOT_NOTE:
                text.remove()
    ax = bottom.subplots()
    plot_trajectory(
        trajectory_data(actors, view.events),
        title=f"Each actor's hostility, day {view.day}",
        ax=ax,
    )
    markers = "os^Dvx"  # lines that coincide (two guarantors alike) stay apart by markers
    for k, line in enumerate(ax.get_lines()):
        line.set_marker(markers[k % len(markers)])
        line.set_markevery((7 * k, 30))
        line.set_markersize(7)
    for axis in figure.get_axes():  # the whole year on the axis
        axis.set_xlim(0, view.horizon + 1)
    figure.suptitle(view.caption, wrap=True)
    return readable(figure)


def run_csv(view: View) -> str:
    """Per day: each dyad's rung and battle deaths, each actor's hostility, and the day's
    events and decisions in words (as the timeline tells them, holding left out)."""
    dyads, actors = frames(view)
    wide = dyads.pivot(index="day", columns="dyad", values=["rung", "battle_deaths"])
    wide.columns = [f"{dyad} {what}" for what, dyad in wide.columns]
    hostility = actors.pivot(index="day", columns="actor", values="hostility")
    hostility.columns = [f"{actor} hostility" for actor in hostility.columns]
    told: dict[int, list[str]] = {}
    for event in view.events:
        if (text := describe(event, view.roles)) is not None:
            told.setdefault(event.day, []).append(text)
    table = wide.join(hostility)
    table["events"] = [" | ".join(told.get(int(d), [])) for d in table.index]
    return table.to_csv(float_format="%.6g")


def outcome_figure(table: pd.DataFrame, title: str) -> Figure:
    """The outcome distributions, side by side per settings, as bars with 95% intervals; each
    share written beside its bar, clear of the interval."""
    names = list(dict.fromkeys(table["settings"]))
    figure = Figure(
        figsize=(FIGURE_WIDTH / FIGURE_DPI, 1.6 + 0.55 * len(OUTCOME_LABELS) * len(names))
    )
    figure.set_layout_engine("constrained")
    ax = figure.subplots()
    bar = 0.8 / len(names)
    hatches = ("", "//", "..")
    for k, name in enumerate(names):
        rows = table[table["settings"] == name].reset_index(drop=True)
        y = np.arange(len(rows)) + k * bar
        errors = np.clip([rows["share"] - rows["low"], rows["high"] - rows["share"]], 0, None)
        ax.barh(
            y,
            rows["share"],
            height=bar * 0.9,
            xerr=errors,
            capsize=4,
            color=[OUTCOME_COLOURS[o] for o in rows["outcome"]],
            hatch=hatches[k % len(hatches)],
            edgecolor="black",
            linewidth=0.6,
            label=name,
        )
        for yy, row in zip(y, rows.itertuples(), strict=True):
            ax.text(
                row.high + 0.01,
                yy,
                (f"{name}: " if len(names) > 1 else "")
                + f"{row.share:.1%} ({row.low:.1%} to {row.high:.1%})",
                va="center",
            )
    ax.set_yticks(np.arange(len(OUTCOME_LABELS)) + bar * (len(names) - 1) / 2, OUTCOME_LABELS)
    ax.invert_yaxis()
    ax.set_xlim(0, 1.45)
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0], ["0%", "25%", "50%", "75%", "100%"])
    ax.set_xlabel(f"share of runs (bars: 95% Wilson interval)\n{PLOT_NOTE}")
    ax.set_title(title, wrap=True)
    return readable(figure)


def table_csv(table: pd.DataFrame) -> str:
    """A table of many runs as CSV."""
    return table.to_csv(index=False, float_format="%.6g")
