"""Figures of a calibration: the posterior (marginals and pairs) and the thresholds.

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
