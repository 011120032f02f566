"""Figures. Each is split in two: a function that prepares the data (tested for exact
values) and a function that draws it (`ax=None`, returns the figure).

Colours come from the Okabe-Ito palette, which readers with any common colour-vision
deficiency can tell apart, and lines differ by style as well as colour.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")  # files, not windows: the CLI and the tests run without a screen

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.ladder import LADDER, WAR_RUNG, Action
from sim.outcomes import Event

if TYPE_CHECKING:
    from sim.summaries import Tally

NOT_A_FORECAST = "Illustrative parameters; a teaching model, not a forecast."

# Okabe & Ito (2008): blue, vermillion, bluish green, reddish purple, orange, sky blue,
# yellow, black.
OKABE_ITO = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")
LINE_STYLES = ("-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1, 1, 1)))
OUTCOME_COLOURS = {
    "ceasefire held": "#009E73",
    "crisis contained": "#56B4E9",
    "limited war": "#E69F00",
    "wider war": "#D55E00",
    "nuclear use": "#000000",
}
WAR_SHADE = "#D55E00"
OFFENSIVE_SHADE = "#E69F00"


def colour(k: int) -> str:
    """The k-th colour of the palette, cycling."""
    return OKABE_ITO[k % len(OKABE_ITO)]


def line_style(k: int) -> str | tuple:
    """The k-th line style, cycling."""
    return LINE_STYLES[k % len(LINE_STYLES)]


def _not_a_forecast(ax: Axes, below: float) -> None:
    ax.text(
        1.0, below, NOT_A_FORECAST, transform=ax.transAxes, ha="right", fontsize=7, color="dimgrey"
    )


def _footer(figure: Figure, ax: Axes, made: bool) -> None:
    """NOT_A_FORECAST at the foot of a figure made here, or under the given Axes."""
    if made:
        figure.get_layout_engine().set(rect=(0, 0.035, 1, 0.965))
        figure.text(
            0.99, 0.005, NOT_A_FORECAST, ha="right", va="bottom", fontsize=7, color="dimgrey"
        )
    else:
        _not_a_forecast(ax, -0.25)


# ---------------------------------------------------------------------------- one run


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
    _footer(ax.figure, ax, made)
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
    _footer(figure, bottom, made=ax is None)
    return figure


# ---------------------------------------------------------------------------- many runs


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
    _not_a_forecast(ax, -0.2)
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
    _footer(ax.figure, ax, made)
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
    _not_a_forecast(ax, -0.15)
    return ax.figure


# ---------------------------------------------------------------------------- sweeps


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
    _not_a_forecast(ax, -0.15)
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


def plot_peeling(
    trajectory: pd.DataFrame, chosen: int, title: str = "", ax: Axes | None = None
) -> Figure:
    """PRIM's peeling trajectory: each box's coverage against its density, coloured by how
    many parameters it restricts; the chosen box circled."""
    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 4.5), layout="constrained")
    dims = trajectory["res_dim"].to_numpy()
    points = ax.scatter(
        trajectory["coverage"], trajectory["density"], c=dims, cmap="viridis", s=18, zorder=2
    )
    ax.plot(trajectory["coverage"], trajectory["density"], color="grey", lw=0.6, zorder=1)
    pick = trajectory.iloc[chosen]
    ax.scatter([pick["coverage"]], [pick["density"]], s=160, facecolors="none",
               edgecolors=OKABE_ITO[1], linewidths=2, zorder=3, label="chosen box")  # fmt: skip
    ax.figure.colorbar(points, ax=ax, label="restricted parameters")
    ax.set_xlabel("coverage (share of the outcome's runs inside the box)")
    ax.set_ylabel("density (share of the box's runs with the outcome)")
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    ax.legend(fontsize=8, loc="lower left")
    ax.set_title(title)
    return ax.figure


def plot_cart(
    tree: object, feature_names: list[str], title: str = "", ax: Axes | None = None
) -> Figure:
    """A CART tree: each split, and each leaf's runs and share with the outcome."""
    from sklearn.tree import plot_tree

    if ax is None:
        leaves = int(tree.get_n_leaves())  # type: ignore[attr-defined]
        _, ax = plt.subplots(figsize=(max(8, 1.6 * leaves), 6), layout="constrained")
    plot_tree(tree, feature_names=feature_names, class_names=["no", "yes"], filled=True,
              proportion=True, impurity=False, precision=4, fontsize=7, ax=ax)  # fmt: skip
    ax.set_title(title)
    return ax.figure


def plot_feature_scores(scores: pd.DataFrame, title: str = "", ax: Axes | None = None) -> Figure:
    """Extra-trees feature scores: one row a parameter, one column an outcome."""
    if ax is None:
        height = 1.2 + 0.45 * len(scores)
        _, ax = plt.subplots(figsize=(2.5 + 1.6 * scores.shape[1], height), layout="constrained")
    image = ax.imshow(scores.to_numpy(dtype=float), cmap="viridis", vmin=0, aspect="auto")
    values = scores.to_numpy(dtype=float)
    middle = 0.5 * np.nanmax(values) if np.isfinite(values).any() else 0.0
    for (i, j), value in np.ndenumerate(values):
        if np.isfinite(value):
            ink = "white" if value < middle else "black"
            ax.text(j, i, f"{value:.2f}", ha="center", va="center", fontsize=8, color=ink)
    ax.set_xticks(range(scores.shape[1]), scores.columns, rotation=20)
    ax.set_yticks(range(len(scores)), scores.index)
    ax.figure.colorbar(image, ax=ax, label="feature score")
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


def plot_robustness(
    matrix: pd.DataFrame,
    labels: list[str],
    threshold: float,
    quantity: str,
    title: str = "",
    ax: Axes | None = None,
) -> Figure:
    """Each policy's outcome across the states of the world (one dot a state, a box for the
    quartiles), its worst case marked, and the satisficing threshold."""
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 1.6 + 0.55 * len(matrix)), layout="constrained")
    rows = matrix.to_numpy(dtype=float)
    ax.boxplot(list(rows), orientation="horizontal", widths=0.5, showfliers=False)
    rng = np.random.default_rng(0)  # jitter only: where a dot sits vertically means nothing
    for k, row in enumerate(rows, start=1):
        ax.scatter(row, k + rng.uniform(-0.15, 0.15, len(row)), s=8, color=colour(0), alpha=0.5)
        ax.scatter([row.max()], [k], marker="x", s=60, color=OKABE_ITO[1],
                   label="worst case" if k == 1 else None, zorder=3)  # fmt: skip
    ax.axvline(threshold, color="black", linestyle="--", linewidth=1,
               label=f"satisficing threshold {threshold:g}")  # fmt: skip
    ax.set_yticks(range(1, len(labels) + 1), [textwrap.fill(lab, 40) for lab in labels])
    ax.set_xlabel(f"{quantity} in each state of the world")
    ax.invert_yaxis()  # the first policy (the most robust, as the report ranks them) on top
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
