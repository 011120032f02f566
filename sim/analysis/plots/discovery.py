"""Figures of scenario discovery and robustness: PRIM's peeling trajectory, a CART tree,
feature scores, and policies across states of the world."""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.analysis.plots.style import (
    OKABE_ITO,
    colour,
    plt,
)


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
