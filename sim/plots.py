"""Figures. Each is split in two: a function that prepares the data (tested for exact
values) and a function that draws it (`ax=None`, returns the figure)."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")  # files, not windows: the CLI and the tests run without a screen

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from sim.ladder import LADDER
from sim.outcomes import Event

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
