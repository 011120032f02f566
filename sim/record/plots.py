"""Figures of the record: a calibration's posterior (marginals and pairs) and thresholds, and
a scenario's statistics beside a reference class's (`plot_comparison`).

As in `sim.analysis.plots`, each figure has a data function (tested) and a drawing function.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import NullFormatter

from sim.analysis.plots.style import NOT_A_FORECAST, OKABE_ITO, plt


def posterior_data(
    table: pd.DataFrame, bins: int = 20, logs: frozenset[str] = frozenset()
) -> dict[str, pd.DataFrame]:
    """Per parameter, its weighted histogram on its sample's range (bins even in logs for
    the parameters in `logs`): bin edges and each bin's share of the weight."""
    weights = table["weight"].to_numpy()
    out = {}
    for column in table.columns.drop("weight"):
        values = table[column].to_numpy()
        low, high = float(values.min()), float(values.max())
        if low == high:
            low, high = low * 0.9 - 0.5, high * 1.1 + 0.5
        edges = (
            np.geomspace(low, high, bins + 1)
            if column in logs and low > 0
            else np.linspace(low, high, bins + 1)
        )
        density, edges = np.histogram(values, bins=edges, weights=weights)
        out[column] = pd.DataFrame(
            {"left": edges[:-1], "right": edges[1:], "weight": density / density.sum()}
        )
    return out


def plot_posterior(
    table: pd.DataFrame,
    bounds: dict[str, tuple[float, float]],
    title: str,
    logs: frozenset[str] = frozenset(),
) -> Figure:
    """Marginal posteriors on the diagonal (over the prior's range), weighted pairs below;
    parameters in `logs` (log-uniform priors) on log axes."""
    names = list(table.columns.drop("weight"))
    k = len(names)
    figure, axes = plt.subplots(k, k, figsize=(2.6 * k + 1, 2.6 * k + 0.6), squeeze=False)
    histograms = posterior_data(table, logs=logs)
    size = 8 + 200 * table["weight"].to_numpy()
    for i, row_name in enumerate(names):
        for j, column_name in enumerate(names):
            ax = axes[i][j]
            if j > i:
                ax.set_visible(False)
                continue
            if i == j:
                bars = histograms[row_name]
                ax.bar(bars["left"], bars["weight"], width=bars["right"] - bars["left"],
                       align="edge", color=OKABE_ITO[0], alpha=0.8)  # fmt: skip
                ax.set_xlim(*bounds[row_name])
                ax.set_yticks([])
                if row_name in logs:
                    _log_axis(ax.xaxis, ax.set_xscale)
            else:
                ax.scatter(table[column_name], table[row_name], s=size, color=OKABE_ITO[1],
                           alpha=0.5, edgecolors="none")  # fmt: skip
                ax.set_xlim(*bounds[column_name])
                ax.set_ylim(*bounds[row_name])
                if column_name in logs:
                    _log_axis(ax.xaxis, ax.set_xscale)
                if row_name in logs:
                    _log_axis(ax.yaxis, ax.set_yscale)
            if i == k - 1:
                ax.set_xlabel(column_name, fontsize=9)
            if j == 0 and i > 0:
                ax.set_ylabel(row_name, fontsize=9)
            ax.tick_params(labelsize=8)
    figure.suptitle(f"{title}\nPosterior over the prior's range. {NOT_A_FORECAST}", fontsize=10)
    figure.tight_layout()
    return figure


def _log_axis(axis, set_scale) -> None:
    """A log axis labelled at its decades only (minor labels collide in a small panel)."""
    set_scale("log")
    axis.set_minor_formatter(NullFormatter())


def plot_thresholds(frame: pd.DataFrame, title: str) -> Figure:
    """The acceptance threshold of each generation (generation 0 accepts every prior draw)."""
    figure, ax = plt.subplots(figsize=(6, 3.6))
    finite = frame[np.isfinite(frame["threshold"])]
    ax.plot(finite["generation"], finite["threshold"], marker="o", color=OKABE_ITO[0])
    ax.set_xlabel("generation")
    ax.set_ylabel("threshold (distance to the record)")
    ax.set_xticks(frame["generation"])
    ax.set_ylim(bottom=0)
    ax.set_title(f"{title}\ngeneration 0 accepts every prior draw", fontsize=10)
    figure.tight_layout()
    return figure


# Panels of the comparison figure: the statistics' groups, shares in percent, days on a log axis.
PANELS = {
    "hostility level": "highest hostility level (% of disputes)",
    "fatality band (known)": "fatality band (% of disputes)",
    "outcome (coded)": "outcome (% of coded outcomes)",
    "reciprocation": "reciprocated (% of disputes)",
    "reciprocation by level": "reciprocated (% of disputes)",
    "given use of force": "given use of force (%)",
    "duration (days)": "duration (days)",
    "median duration by level (days)": "duration (days)",
}


def comparison_data(table: pd.DataFrame) -> pd.DataFrame:
    """The comparison table (`sim.record.comparison.compare`) as the figure draws it: per
    statistic its panel, its row label and both sides' values and intervals (shares in %)."""
    scale = np.where(table["unit"] == "share", 100.0, 1.0)
    label = np.select(
        [table["group"] == "reciprocation by level", table["group"].str.startswith("median")],
        ["at " + table["label"], "median at " + table["label"]],
        table["label"],
    )
    frame = pd.DataFrame({"panel": table["group"].map(PANELS), "row": label})
    for side in ("record", "model"):
        for suffix in ("", "_low", "_high"):
            frame[f"{side}{suffix}"] = table[f"{side}{suffix}"].to_numpy() * scale
    frame["verdict"] = table["verdict"].to_numpy()
    return frame


def plot_comparison(table: pd.DataFrame, title: str) -> Figure:
    """Model against record, statistic by statistic: each a row with the record's value and
    the model's, each with its 95% interval; one panel per kind of statistic."""
    data = comparison_data(table)
    panels = list(dict.fromkeys(data["panel"]))
    heights = [max(2, (data["panel"] == p).sum()) for p in panels]
    figure, axes = plt.subplots(
        len(panels), 1, figsize=(8, 0.34 * sum(heights) + 1.2 * len(panels) + 1),
        gridspec_kw={"height_ratios": heights}, layout="constrained",
    )  # fmt: skip
    for ax, panel in zip(np.atleast_1d(axes), panels, strict=True):
        rows = data[data["panel"] == panel].reset_index(drop=True)
        y = np.arange(len(rows))[::-1]
        for side, offset, marker, colour_ in (("record", 0.15, "o", OKABE_ITO[0]),
                                              ("model", -0.15, "s", OKABE_ITO[1])):  # fmt: skip
            value = rows[side].to_numpy(dtype=float)
            error = np.vstack([value - rows[f"{side}_low"], rows[f"{side}_high"] - value])
            ax.errorbar(value, y + offset, xerr=np.nan_to_num(np.abs(error)), fmt=marker,
                        color=colour_, capsize=3, markersize=5, label=side)  # fmt: skip
        ax.set_yticks(y, [f"{r}{' *' if v.startswith('model') else ''}"
                          for r, v in zip(rows["row"], rows["verdict"], strict=True)])  # fmt: skip
        ax.set_title(panel, fontsize=10, loc="left")
        if panel.startswith("duration"):
            ax.set_xscale("log")
            ax.xaxis.set_minor_formatter(NullFormatter())
        else:
            ax.set_xlim(-2, 102)
        ax.grid(axis="x", color="0.9")
        ax.tick_params(labelsize=9)
    handles, labels = np.atleast_1d(axes)[0].get_legend_handles_labels()
    figure.legend(handles, labels, loc="outside lower center", fontsize=9, ncols=2)
    figure.suptitle(f"{title}\n95% intervals; * the model's value differs from the record's "
                    f"beyond both samples' noise\n{NOT_A_FORECAST}", fontsize=10)  # fmt: skip
    return figure
