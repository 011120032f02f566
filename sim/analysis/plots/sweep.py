"""Figures of a sweep: a quantity over the swept parameters, survival curves, Sobol and Morris
indices, and daily quantile bands."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.analysis.plots.style import (
    OKABE_ITO,
    OUTCOME_COLOURS,
    colour,
    line_style,
    not_a_forecast_below,
    plt,
)
from sim.model.ladder import LADDER


def plot_heatmap(data: pd.DataFrame, label: str, title: str = "", ax: Axes | None = None) -> Figure:
    """A quantity over two swept parameters, as a colour grid with the values written in."""
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 6), layout="constrained")
    image = ax.imshow(data.to_numpy(), origin="lower", aspect="auto", cmap="viridis")
    ax.set_xticks(range(len(data.columns)), [f"{v:g}" for v in data.columns], rotation=45)
    ax.set_yticks(range(len(data.index)), [f"{v:g}" for v in data.index])
    ax.set_xlabel(str(data.columns.name))
    ax.set_ylabel(str(data.index.name))
    if data.size <= 150:
        for (row, col), value in np.ndenumerate(data.to_numpy()):
            ax.text(
                col,
                row,
                f"{value:.2f}",
                ha="center",
                va="center",
                fontsize=6,
                color="white" if value < np.nanmax(data.to_numpy()) / 2 else "black",
            )
    ax.figure.colorbar(image, ax=ax, label=label)
    ax.set_title(title)
    return ax.figure


def plot_lines(
    data: pd.DataFrame,
    x: str,
    quantity: str,
    by: str | None = None,
    label: str = "",
    title: str = "",
    ax: Axes | None = None,
) -> Figure:
    """A quantity over one parameter with its 95% band, one line per level of `by`."""
    # Lines already on `ax` keep their colours and styles: several calls may share one Axes.
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4.5), layout="constrained")
    groups = [(None, data)] if by is None else list(data.groupby(by, sort=True))
    if len(groups) > 6:  # keep the figure readable: six evenly spaced levels
        groups = [groups[k] for k in np.linspace(0, len(groups) - 1, 6).round().astype(int)]
    start = len(ax.lines)
    for k, (level, part) in enumerate(groups, start=start):
        name = quantity if level is None else f"{by} = {level:g}"
        ax.plot(
            part[x],
            part[quantity],
            marker="o",
            markersize=3,
            label=name,
            color=colour(k),
            linestyle=line_style(k),
        )
        ax.fill_between(
            part[x], part[f"{quantity}_low"], part[f"{quantity}_high"], alpha=0.2, color=colour(k)
        )
    ax.set_xlabel(x)
    ax.set_ylabel(label or quantity)
    ax.legend(fontsize=8)
    ax.set_title(title)
    not_a_forecast_below(ax, -0.15)
    return ax.figure


def plot_outcome_mix(data: pd.DataFrame, title: str = "", ax: Axes | None = None) -> Figure:
    """The outcome distribution over one parameter, as stacked shares."""
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4.5), layout="constrained")
    colours = [OUTCOME_COLOURS.get(str(c), colour(k)) for k, c in enumerate(data.columns)]
    ax.stackplot(data.index, data.to_numpy().T, labels=data.columns, colors=colours, alpha=0.85)
    ax.set_xlabel(str(data.index.name))
    ax.set_ylabel("share of runs")
    ax.set_ylim(0, 1)
    ax.legend(loc="upper left", fontsize=8, bbox_to_anchor=(1.0, 1.0))
    ax.set_title(title)
    return ax.figure


def plot_survival(data: pd.DataFrame, title: str = "", ax: Axes | None = None) -> Figure:
    """Kaplan-Meier curves: the share of runs not yet escalated, by day (with 95% bands
    where the data give them)."""
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4.5), layout="constrained")
    for k, (group, curve) in enumerate(data.groupby("group", sort=False)):
        if "low" in curve:
            ax.fill_between(curve["day"], curve["low"], curve["high"], step="post",
                            color=colour(k), alpha=0.15, linewidth=0)  # fmt: skip
        ax.step(
            curve["day"],
            curve["survival"],
            where="post",
            label=group,
            color=colour(k),
            linestyle=line_style(k),
        )
    ax.set_xlabel("day")
    ax.set_ylabel("share of runs not escalated (Kaplan-Meier, 95% band)")
    ax.legend(fontsize=8)
    ax.set_title(title)
    return ax.figure


def plot_sobol(data: pd.DataFrame, title: str = "", ax: Axes | None = None) -> Figure:
    """Sobol first-order and total indices with their 95% intervals."""
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4.5), layout="constrained")
    x = np.arange(len(data))
    ax.bar(
        x - 0.2,
        data["S1"],
        0.4,
        yerr=data["S1_conf"],
        capsize=3,
        label="first order S1",
        color=OKABE_ITO[0],
    )
    ax.bar(
        x + 0.2,
        data["ST"],
        0.4,
        yerr=data["ST_conf"],
        capsize=3,
        label="total ST",
        color=OKABE_ITO[4],
        hatch="//",
    )
    ax.set_xticks(x, data["parameter"], rotation=20)
    ax.set_ylabel("Sobol index")
    ax.axhline(0, color="black", linewidth=0.5)
    ax.legend(fontsize=8)
    ax.set_title(title)
    return ax.figure


def plot_morris(data: pd.DataFrame, title: str = "", ax: Axes | None = None) -> Figure:
    """Morris screening: each parameter's mean absolute elementary effect μ* (with its 95%
    interval) against their spread σ."""
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4.5), layout="constrained")
    for k, row in enumerate(data.itertuples()):
        ax.errorbar(row.mu_star, row.sigma, xerr=row.mu_star_conf, fmt="o", capsize=3,
                    color=colour(k), label=row.parameter)  # fmt: skip
    ax.set_xlabel("μ* (mean absolute elementary effect)")
    ax.set_ylabel("σ (spread of the effects)")
    ax.set_xlim(left=0)
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=8)
    ax.set_title(title)
    return ax.figure


def plot_series(
    series: pd.DataFrame, labels: dict[int, str], title: str = "", axes: Sequence | None = None
) -> Figure:
    """Daily quantile bands of many runs, one column a point: each dyad's median rung and
    hostility with its 10-90% band."""
    chosen = list(labels)
    if axes is None:
        size = (3.6 * len(chosen) + 1, 6)
        _, grid = plt.subplots(2, len(chosen), figsize=size, layout="constrained", squeeze=False)
        axes = [grid[0], grid[1]]
    for column, point in enumerate(chosen):
        data = series[series["point"] == point]
        for row, quantity in enumerate(("rung", "hostility")):
            ax = axes[row][column]
            for k, (dyad, curve) in enumerate(data.groupby("dyad", sort=False)):
                ax.fill_between(curve["day"], curve[f"{quantity}_q10"], curve[f"{quantity}_q90"],
                                color=colour(k), alpha=0.2, linewidth=0, step="post")  # fmt: skip
                ax.step(curve["day"], curve[f"{quantity}_q50"], where="post", color=colour(k),
                        linestyle=line_style(k), label=dyad)  # fmt: skip
            if row == 0:
                ax.set_title(textwrap.fill(labels[point], 40), fontsize=8)
                ax.set_ylim(-0.2, len(LADDER) - 0.8)
            ax.set_xlabel("day")
        axes[0][column].set_ylabel("rung (median, 10-90%)")
        axes[1][column].set_ylabel("hostility (median, 10-90%)")
    axes[0][0].legend(fontsize=7)
    figure = axes[0][0].figure
    figure.suptitle(title)
    return figure
