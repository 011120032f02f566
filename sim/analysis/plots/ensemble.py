"""Figures of many runs of one scenario: the outcome distribution, what each road to war
caused, and when escalation came."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.analysis.plots.style import (
    OKABE_ITO,
    OUTCOME_COLOURS,
    colour,
    footer,
    not_a_forecast_below,
    plt,
)

if TYPE_CHECKING:
    from sim.analysis.summaries import Tally


def outcome_data(tally: Tally) -> pd.DataFrame:
    """Each outcome's share of runs with its 95% Wilson interval."""
    return tally.outcome_shares()[["quantity", "share", "low", "high"]].rename(
        columns={"quantity": "outcome"}
    )


def plot_outcomes(data: pd.DataFrame, title: str = "", ax: Axes | None = None) -> Figure:
    """The outcome distribution as bars with their 95% intervals."""
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4.5), layout="constrained")
    x = range(len(data))
    # rounding can leave a Wilson bound a hair past the share at 0 or 1
    errors = np.clip([data["share"] - data["low"], data["high"] - data["share"]], 0, None)
    colours = [OUTCOME_COLOURS.get(label, "grey") for label in data["outcome"]]
    ax.bar(x, data["share"], yerr=errors, capsize=4, color=colours, alpha=0.85)
    ax.set_xticks(list(x), data["outcome"], rotation=15)
    ax.set_ylabel("share of runs (95% Wilson interval)")
    ax.set_ylim(0, 1)
    for k, share in enumerate(data["share"]):
        ax.annotate(
            f"{share:.1%}",
            (k, share),
            xytext=(0, 4),
            textcoords="offset points",
            ha="center",
            fontsize=8,
        )
    ax.set_title(title)
    not_a_forecast_below(ax, -0.2)
    return ax.figure


def _road_label(r: object) -> str:
    """P(escalation) in the runs and in the twin; the difference in points; the caused share."""
    if np.isnan(r.risk_difference):
        return "no twins"
    caused = (
        "no escalation to cause"
        if np.isnan(r.caused_share)
        else f"caused {r.caused_share:.0%} of escalations"
    )
    return (
        f"P(escalation) {r.p_escalation:.1%}, in the twin {r.p_twin:.1%}\n"
        f"{100 * r.risk_difference:+.1f} points ({100 * r.rd_low:+.1f} to "
        f"{100 * r.rd_high:+.1f}); {caused}"
    )


def road_data(roads: pd.DataFrame) -> pd.DataFrame:
    """Per road: risk difference and interval, caused share, a label, any by-construction note."""
    keep = [
        "road",
        "p_escalation",
        "p_twin",
        "risk_difference",
        "rd_low",
        "rd_high",
        "caused_share",
        "caused_low",
        "caused_high",
    ]
    data = roads[keep].reset_index(drop=True).copy()
    notes = roads["by_construction"] if "by_construction" in roads else pd.Series([""] * len(roads))
    data["note"] = notes.fillna("").astype(str).to_numpy()
    data["label"] = [_road_label(r) for r in data.itertuples()]
    return data


def plot_roads(data: pd.DataFrame, title: str = "", ax: Axes | None = None) -> Figure:
    """Each road's risk difference against its twin with its paired 95% interval."""
    made = ax is None
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 1.8 + 1.0 * max(len(data), 1)), layout="constrained")
    y = np.arange(len(data))[::-1]  # the first road on top
    for k, (row, at) in enumerate(zip(data.itertuples(), y, strict=True)):
        if np.isnan(row.risk_difference):
            continue
        errors = np.clip(
            [[row.risk_difference - row.rd_low], [row.rd_high - row.risk_difference]], 0, None
        )
        ax.errorbar(
            row.risk_difference,
            at,
            xerr=errors,
            fmt="s",
            markersize=8,
            capsize=5,
            color=colour(k),
            ecolor=colour(k),
            linewidth=2,
        )
    marks, noted = [], 0
    for note in data["note"]:
        noted += bool(note)
        marks.append("†" * noted if note else "")
    ticks = [
        f"{row.road}{mark}\n{row.label}" for row, mark in zip(data.itertuples(), marks, strict=True)
    ]
    ax.set_yticks(y, ticks, fontsize=8)
    ax.set_ylim(-0.6, len(data) - 0.4)
    ax.axvline(0, color="black", linewidth=0.8)
    notes = [f"{mark} {note}" for mark, note in zip(marks, data["note"], strict=True) if note]
    ax.set_xlabel(
        "risk difference in points: P(escalation) − P(escalation in the twin without the road)"
        "\n(paired 95% interval)" + "".join(f"\n{textwrap.fill(note, 80)}" for note in notes)
    )
    ax.xaxis.set_major_formatter(lambda value, _: f"{100 * value:+.3g}")  # points, no rounding to 0
    ax.set_title("What each road to war adds" + (f"\n{title}" if title else ""))
    footer(ax.figure, ax, made)
    return ax.figure


def escalation_day_data(tally: Tally, bin_days: int = 7) -> pd.DataFrame:
    """Escalated runs by the day they escalated, in bins of `bin_days`, and cumulatively."""
    counts = tally.escalation_days
    edges = np.arange(0, len(counts) + bin_days, bin_days)
    binned = np.add.reduceat(counts, edges[:-1][edges[:-1] < len(counts)])
    frame = pd.DataFrame({"from_day": edges[: len(binned)], "runs": binned})
    frame["cumulative_share"] = frame["runs"].cumsum() / max(tally.runs, 1)
    return frame


def plot_escalation_days(
    data: pd.DataFrame, bin_days: int = 7, title: str = "", ax: Axes | None = None
) -> Figure:
    """How many runs escalated in each week, and the cumulative share of all runs."""
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4.5), layout="constrained")
    ax.bar(
        data["from_day"],
        data["runs"],
        width=bin_days,
        align="edge",
        color=OKABE_ITO[1],
        alpha=0.7,
        label=f"runs escalating ({bin_days}-day bins)",
    )
    ax.set_xlabel("day of escalation")
    ax.set_ylabel("runs")
    share = ax.twinx()
    share.step(
        data["from_day"] + bin_days,
        data["cumulative_share"],
        where="pre",
        color="black",
        linestyle="--",
        label="cumulative share of all runs",
    )
    share.set_ylabel("cumulative share of all runs")
    share.set_ylim(0, max(0.01, float(data["cumulative_share"].max()) * 1.15))
    lines = ax.get_legend_handles_labels()
    more = share.get_legend_handles_labels()
    ax.legend(lines[0] + more[0], lines[1] + more[1], loc="upper left", fontsize=8)
    ax.set_title(title)
    not_a_forecast_below(ax, -0.15)
    return ax.figure
