"""Figures of one run: each actor's hostility over time, and each dyad's rung."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.analysis.plots.style import (
    OFFENSIVE_SHADE,
    OKABE_ITO,
    WAR_SHADE,
    colour,
    footer,
    line_style,
    plt,
)
from sim.model.ladder import LADDER, WAR_RUNG, Action
from sim.model.outcomes import Event


def trajectory_data(trajectory: pd.DataFrame, events: Sequence) -> dict[str, pd.DataFrame]:
    """Hostility by day and actor (wide); missteps and offensives placed on their actor's line."""
    wide = trajectory.pivot(index="day", columns="actor", values="hostility")
    wide = wide[list(dict.fromkeys(trajectory["actor"]))]  # keep the scenario's actor order
    # Match kinds by identity: Action and Event numbers overlap (Action.NUCLEAR and MISSTEP: 8).
    steps = [
        {"day": e.day, "actor": e.actor, "misread": bool(e.details["misread"])}
        for e in events
        if e.kind is Event.MISSTEP
    ]
    missteps = pd.DataFrame(steps, columns=["day", "actor", "misread"])
    missteps["hostility"] = [float(wide.at[r.day, r.actor]) for r in missteps.itertuples()]
    launched = [
        {"day": e.day, "actor": e.actor, "target": e.other}
        for e in events
        if e.kind is Action.ATTACK
    ]
    attacks = pd.DataFrame(launched, columns=["day", "actor", "target"])
    attacks["hostility"] = [float(wide.at[r.day, r.actor]) for r in attacks.itertuples()]
    return {"hostility": wide, "missteps": missteps, "attacks": attacks}


def plot_trajectory(
    data: dict[str, pd.DataFrame], title: str = "", ax: Axes | None = None
) -> Figure:
    """Hostility over time with missteps (misread filled, accident hollow) and offensives."""
    # A symmetric-log scale once a spiral takes hostility past 10, so the start stays readable.
    made = ax is None
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 5.5), layout="constrained")
    wide = data["hostility"]
    for k, actor in enumerate(wide.columns):
        ax.plot(
            wide.index,
            wide[actor],
            label=actor,
            linewidth=1.6,
            color=colour(k),
            linestyle=line_style(k),
        )
    steps = data["missteps"]
    for misread, label in ((True, "misstep, misread as an attack"), (False, "misstep, accident")):
        chosen = steps[steps["misread"] == misread]
        if len(chosen):
            ax.scatter(
                chosen["day"],
                chosen["hostility"],
                marker="o",
                s=55,
                zorder=3,
                color="black" if misread else "white",
                edgecolors="black",
                label=label,
            )
    attacks = data.get("attacks", pd.DataFrame())
    if len(attacks):
        ax.scatter(
            attacks["day"],
            attacks["hostility"],
            marker="^",
            s=80,
            zorder=4,
            color=OKABE_ITO[1],
            edgecolors="black",
            label="offensive launched",
        )
    top = float(np.nanmax(wide.to_numpy())) if wide.size else 1.0
    if top > 10.0:
        ax.set_yscale("symlog", linthresh=1.0)
        ax.set_ylabel("hostility to its most hated opponent\n(log scale above 1)")
    else:
        ax.set_ylabel("hostility to its most hated opponent")
    ax.set_ylim(0, max(top, 1.0) * 1.08)
    ax.set_xlabel("day")
    ax.set_title(title)
    ax.legend(loc="best", fontsize=8, ncols=2, framealpha=0.9)
    footer(ax.figure, ax, made)
    return ax.figure


def _spans(flags: pd.Series) -> list[tuple[int, int]]:
    """(first, last) day of each run of consecutive True values of a day-indexed series."""
    spans: list[tuple[int, int]] = []
    start = previous = None
    for day, flag in flags.items():
        if flag and start is None:
            start = day
        elif not flag and start is not None:
            spans.append((int(start), int(previous)))
            start = None
        previous = day
    if start is not None:
        spans.append((int(start), int(previous)))
    return spans


def dyad_data(dyad_trajectory: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Per dyad: rung by day (wide), spans of war and of offensives, and how it ended."""
    order = list(dict.fromkeys(dyad_trajectory["dyad"]))
    rungs = dyad_trajectory.pivot(index="day", columns="dyad", values="rung")[order]
    offensive = dyad_trajectory.pivot(index="day", columns="dyad", values="offensive")[order]
    deaths = dyad_trajectory.pivot(index="day", columns="dyad", values="battle_deaths")[order]
    wars, offensives, ends = [], [], []
    for dyad in order:
        at_war = rungs[dyad] >= WAR_RUNG
        wars += [{"dyad": dyad, "first": a, "last": b} for a, b in _spans(at_war)]
        offensives += [
            {"dyad": dyad, "first": a, "last": b} for a, b in _spans(offensive[dyad].astype(bool))
        ]
        ends.append(
            {
                "dyad": dyad,
                "max_rung": int(rungs[dyad].max()),
                "battle_deaths": int(deaths[dyad].iloc[-1]),
                "war_day": int(at_war.idxmax()) if at_war.any() else -1,
            }
        )
    columns = ["dyad", "first", "last"]
    return {
        "rungs": rungs,
        "wars": pd.DataFrame(wars, columns=columns),
        "offensives": pd.DataFrame(offensives, columns=columns),
        "ends": pd.DataFrame(ends, columns=["dyad", "max_rung", "battle_deaths", "war_day"]),
    }


def plot_dyads(
    data: dict[str, pd.DataFrame],
    title: str = "",
    ax: Axes | Sequence[Axes] | None = None,
) -> Figure:
    """Each dyad's rung over time, one row per pair; war shaded, battle deaths written in."""
    # Given one Axes (the app), the dyads share it, told apart by colour and line style.
    rungs, ends = data["rungs"], data["ends"].set_index("dyad")
    n = len(rungs.columns)
    if ax is None:
        _, made = plt.subplots(
            max(n, 1), 1, figsize=(11, 1.2 + 2.0 * max(n, 1)), sharex=True, layout="constrained"
        )
        axes = list(np.atleast_1d(made))
    elif isinstance(ax, Axes):
        axes = [ax] * max(n, 1)
    else:
        axes = list(ax)
    shared = len(set(map(id, axes))) == 1 and n > 1
    names = [f"{k} {rung.name}" for k, rung in enumerate(LADDER)]
    for k, dyad in enumerate(rungs.columns):
        row = axes[k]
        row.step(
            rungs.index,
            rungs[dyad],
            where="post",
            color=colour(k) if shared else OKABE_ITO[0],
            linestyle=line_style(k) if shared else "-",
            linewidth=1.8,
            label=dyad,
        )
        for span in data["wars"][data["wars"]["dyad"] == dyad].itertuples():
            row.axvspan(span.first, span.last + 1, color=WAR_SHADE, alpha=0.18, linewidth=0)
        for span in data["offensives"][data["offensives"]["dyad"] == dyad].itertuples():
            row.axvspan(
                span.first, span.last + 1, ymax=0.08, color=OFFENSIVE_SHADE, alpha=0.8, linewidth=0
            )
        end = ends.loc[dyad]
        note = f"{int(end['battle_deaths']):,} battle deaths"
        if end["war_day"] >= 0:
            note += f"; open war from day {int(end['war_day'])}"
        if shared:
            row.plot([], [], " ", label=f"  {note}")
        else:
            row.set_title(dyad, loc="left", fontsize=10)
            row.text(
                0.995,
                0.9,
                note,
                transform=row.transAxes,
                ha="right",
                va="top",
                fontsize=8,
                bbox={"facecolor": "white", "alpha": 0.8, "linewidth": 0},
            )
        row.set_yticks(range(len(LADDER)), names, fontsize=7)
        row.set_ylim(-0.3, len(LADDER) - 0.5)
        row.grid(axis="y", color="lightgrey", linewidth=0.5)
    bottom = axes[-1]
    bottom.set_xlabel("day (shaded: open war; bar at the foot: an offensive under way)")
    if shared:
        bottom.legend(loc="upper left", fontsize=8)
    figure = axes[0].figure
    if ax is None:
        figure.suptitle(title or "Each dyad's rung over time")
    else:  # the caller's figure may hold other panels: title the panel, not the figure
        axes[0].set_title(title or "Each dyad's rung over time")
    footer(figure, bottom, made=ax is None)
    return figure
