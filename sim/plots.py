"""Figures. Each is split in two: a function that prepares the data (tested for exact
values) and a function that draws it (`ax=None`, returns the figure)."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")  # files, not windows: the CLI and the tests run without a screen

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.ladder import LADDER
from sim.outcomes import Event
from sim.summaries import Tally

NOT_A_FORECAST = "Illustrative parameters; a teaching model, not a forecast."


def trajectory_data(trajectory: pd.DataFrame, events: Sequence) -> dict[str, pd.DataFrame]:
    """Hostility by day and actor (wide), and the missteps with the victim's hostility that day."""
    wide = trajectory.pivot(index="day", columns="actor", values="hostility")
    wide = wide[list(dict.fromkeys(trajectory["actor"]))]  # keep the scenario's actor order
    rows = [
        {"day": e.day, "actor": e.actor, "misread": bool(e.details["misread"])}
        for e in events
        if e.kind == Event.MISSTEP
    ]
    missteps = pd.DataFrame(rows, columns=["day", "actor", "misread"])
    missteps["hostility"] = [wide.at[r.day, r.actor] for r in missteps.itertuples()]
    return {"hostility": wide, "missteps": missteps}


def plot_trajectory(
    data: dict[str, pd.DataFrame],
    thresholds: Sequence[float],
    title: str = "",
    ax: plt.Axes | None = None,
) -> Figure:
    """Each actor's hostility over time, the rung thresholds, and the missteps marked."""
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 5.5), layout="constrained")
    wide = data["hostility"]
    for actor in wide.columns:
        ax.plot(wide.index, wide[actor], label=actor, linewidth=1.6)
    top = max(float(wide.to_numpy().max()), thresholds[-2]) * 1.08
    for rung, level in enumerate(thresholds, start=1):
        if level > top:
            break
        ax.axhline(level, color="grey", linestyle=":", linewidth=0.8)
        ax.annotate(
            f"rung {rung}: {LADDER[rung].name}",
            (wide.index.min(), level),
            xytext=(2, 2),
            textcoords="offset points",
            fontsize=7,
            color="dimgrey",
        )
    steps = data["missteps"]
    for misread, marker, label in ((True, "X", "misstep, misread"), (False, "o", "misstep")):
        chosen = steps[steps["misread"] == misread]
        if len(chosen):
            ax.scatter(
                chosen["day"],
                chosen["hostility"],
                marker=marker,
                s=60,
                zorder=3,
                color="black" if misread else "white",
                edgecolors="black",
                label=label,
            )
    ax.set_xlabel("day")
    ax.set_ylabel("hostility toward the other side")
    ax.set_ylim(0, top)
    ax.set_title(title)
    ax.legend(loc="upper right", fontsize=8, ncols=2, framealpha=0.9)
    ax.text(
        1.0, -0.1, NOT_A_FORECAST, transform=ax.transAxes, ha="right", fontsize=7, color="dimgrey"
    )
    return ax.figure


def outcome_data(tally: Tally) -> pd.DataFrame:
    """Each outcome's share of runs with its 95% Wilson interval."""
    return tally.outcome_shares()[["quantity", "share", "low", "high"]].rename(
        columns={"quantity": "outcome"}
    )


def plot_outcomes(data: pd.DataFrame, title: str = "", ax: plt.Axes | None = None) -> Figure:
    """The outcome distribution as bars with their 95% intervals."""
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4.5), layout="constrained")
    x = range(len(data))
    # rounding can leave a Wilson bound a hair past the share at 0 or 1
    errors = np.clip([data["share"] - data["low"], data["high"] - data["share"]], 0, None)
    ax.bar(x, data["share"], yerr=errors, capsize=4, color="tab:blue", alpha=0.8)
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
    ax.text(
        1.0, -0.2, NOT_A_FORECAST, transform=ax.transAxes, ha="right", fontsize=7, color="dimgrey"
    )
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
    data: pd.DataFrame, bin_days: int = 7, title: str = "", ax: plt.Axes | None = None
) -> Figure:
    """How many runs escalated in each week, and the cumulative share of all runs."""
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4.5), layout="constrained")
    ax.bar(
        data["from_day"],
        data["runs"],
        width=bin_days,
        align="edge",
        color="tab:red",
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
        label="cumulative share of all runs",
    )
    share.set_ylabel("cumulative share of all runs")
    share.set_ylim(0, max(0.01, float(data["cumulative_share"].max()) * 1.15))
    lines = ax.get_legend_handles_labels()
    more = share.get_legend_handles_labels()
    ax.legend(lines[0] + more[0], lines[1] + more[1], loc="upper left", fontsize=8)
    ax.set_title(title)
    ax.text(
        1.0, -0.15, NOT_A_FORECAST, transform=ax.transAxes, ha="right", fontsize=7, color="dimgrey"
    )
    return ax.figure


def plot_heatmap(
    data: pd.DataFrame, label: str, title: str = "", ax: plt.Axes | None = None
) -> Figure:
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
    ax: plt.Axes | None = None,
) -> Figure:
    """A quantity over one parameter with its 95% band, one line per level of `by`."""
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4.5), layout="constrained")
    groups = [(None, data)] if by is None else list(data.groupby(by, sort=True))
    if len(groups) > 6:  # keep the figure readable: six evenly spaced levels
        groups = [groups[k] for k in np.linspace(0, len(groups) - 1, 6).round().astype(int)]
    for level, part in groups:
        name = quantity if level is None else f"{by} = {level:g}"
        ax.plot(part[x], part[quantity], marker="o", markersize=3, label=name)
        ax.fill_between(part[x], part[f"{quantity}_low"], part[f"{quantity}_high"], alpha=0.2)
    ax.set_xlabel(x)
    ax.set_ylabel(label or quantity)
    ax.legend(fontsize=8)
    ax.set_title(title)
    ax.text(
        1.0, -0.15, NOT_A_FORECAST, transform=ax.transAxes, ha="right", fontsize=7, color="dimgrey"
    )
    return ax.figure


def plot_outcome_mix(data: pd.DataFrame, title: str = "", ax: plt.Axes | None = None) -> Figure:
    """The outcome distribution over one parameter, as stacked shares."""
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4.5), layout="constrained")
    ax.stackplot(data.index, data.to_numpy().T, labels=data.columns, alpha=0.85)
    ax.set_xlabel(str(data.index.name))
    ax.set_ylabel("share of runs")
    ax.set_ylim(0, 1)
    ax.legend(loc="upper left", fontsize=8, bbox_to_anchor=(1.0, 1.0))
    ax.set_title(title)
    return ax.figure


def plot_survival(data: pd.DataFrame, title: str = "", ax: plt.Axes | None = None) -> Figure:
    """Kaplan-Meier curves: the share of runs not yet escalated, by day."""
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4.5), layout="constrained")
    for group, curve in data.groupby("group", sort=False):
        ax.step(curve["day"], curve["survival"], where="post", label=group)
    ax.set_xlabel("day")
    ax.set_ylabel("share of runs not escalated (Kaplan-Meier)")
    ax.legend(fontsize=8)
    ax.set_title(title)
    return ax.figure


def plot_sobol(data: pd.DataFrame, title: str = "", ax: plt.Axes | None = None) -> Figure:
    """Sobol first-order and total indices with their 95% intervals."""
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4.5), layout="constrained")
    x = np.arange(len(data))
    ax.bar(x - 0.2, data["S1"], 0.4, yerr=data["S1_conf"], capsize=3, label="first order S1")
    ax.bar(x + 0.2, data["ST"], 0.4, yerr=data["ST_conf"], capsize=3, label="total ST")
    ax.set_xticks(x, data["parameter"], rotation=20)
    ax.set_ylabel("Sobol index")
    ax.axhline(0, color="black", linewidth=0.5)
    ax.legend(fontsize=8)
    ax.set_title(title)
    return ax.figure
