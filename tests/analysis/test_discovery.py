"""Scenario discovery and feature scores on synthetic data with a planted answer."""

import numpy as np
import pandas as pd
import pytest

from sim.analysis import discovery
from sim.model.scenario import ScenarioError


def planted(n: int = 6000, seed: int = 1) -> tuple[pd.DataFrame, np.ndarray]:
    """Four inputs on [0, 1]; the outcome has chance 0.9 inside p0 > 0.6 and p2 < 0.3
    (a box of 12% of the space) and 0.02 outside."""
    rng = np.random.default_rng(seed)
    x = pd.DataFrame(rng.uniform(0, 1, (n, 4)), columns=["p0", "p1", "p2", "p3"])
    inside = ((x.p0 > 0.6) & (x.p2 < 0.3)).to_numpy()
    y = rng.uniform(size=n) < np.where(inside, 0.9, 0.02)
    return x, y


def test_prim_finds_the_planted_box_and_only_it():
    x, y = planted()
    found = discovery.prim_box(x, y)
    limits = found.limits.set_index("parameter")
    assert set(limits.index) == {"p0", "p2"}  # p1 and p3 are noise: dropped or never cut
    # The edges lie within a few peels (5% of the runs each) of the planted ones.
    assert limits.loc["p0", "low"] == pytest.approx(0.6, abs=0.05)
    assert limits.loc["p2", "high"] == pytest.approx(0.3, abs=0.05)
    assert limits.loc["p0", "qp_low"] < 1e-6 and limits.loc["p2", "qp_high"] < 1e-6
    # A cut of p0 from above (if peeling made one) is not significant: there is none planted.
    assert not limits.loc["p0", "qp_high"] < 0.05
    # Inside: about 0.9 (binomial, thousands of runs); the trajectory starts at everything.
    assert found.box["density"] > 0.8 and found.box["coverage"] >= 0.5
    assert found.trajectory.iloc[0]["coverage"] == 1.0
    assert found.trajectory.iloc[0]["mass"] == 1.0
    assert found.base_rate == pytest.approx(y.mean())


def test_cart_splits_on_the_planted_inputs():
    x, y = planted()
    tree = discovery.cart_tree(x, y)
    densest = tree.leaves.iloc[0]
    assert densest["density"] > 0.8
    assert "`p0` ≥ 0.6" in densest["box"] and "`p2` ≤ 0.3" in densest["box"]
    assert tree.leaves["mass"].sum() == pytest.approx(1.0)  # the leaves partition the runs


def test_the_input_that_drives_an_outcome_ranks_first():
    rng = np.random.default_rng(2)
    x = pd.DataFrame(rng.uniform(0, 1, (400, 4)), columns=["a", "b", "c", "d"])
    outcomes = pd.DataFrame({"driven by c": 3 * x.c + 0.1 * rng.normal(size=400),
                             "constant": np.zeros(400)})  # fmt: skip
    scores = discovery.feature_scores(x, outcomes, seed=0)
    assert scores["driven by c"].idxmax() == "c"
    others = scores["driven by c"].drop("c")
    assert scores["driven by c"]["c"] > 0.5 and scores["driven by c"]["c"] > 5 * others.max()
    assert scores["driven by c"].sum() == pytest.approx(1.0)
    assert scores["constant"].isna().all()  # nothing explains a constant


def test_an_outcome_no_run_has_cannot_be_discovered():
    x, _ = planted(200)
    with pytest.raises(ScenarioError, match="none has it"):
        discovery.prim_box(x, np.zeros(200, dtype=bool))


def test_an_unknown_outcome_is_one_line_with_a_hint():
    with pytest.raises(ScenarioError, match=r"unknown outcome 'wider wars' \(did you mean"):
        discovery.outcome_column("wider wars")
    assert discovery.outcome_column("wider war") == "outcome"
    assert discovery.outcome_column("caused_by_missteps") == "caused_by_missteps"


def test_the_discovery_figures_draw():
    from matplotlib.figure import Figure

    from sim.analysis.plots.discovery import plot_cart, plot_feature_scores, plot_peeling
    from sim.analysis.plots.style import plt

    x, y = planted(1500)
    found = discovery.prim_box(x, y)
    tree = discovery.cart_tree(x, y)
    scores = discovery.feature_scores(x, pd.DataFrame({"y": y.astype(float)}))
    for figure in (
        plot_peeling(found.trajectory, found.chosen),
        plot_cart(tree.tree, tree.feature_names),
        plot_feature_scores(scores),
    ):
        assert isinstance(figure, Figure)
        plt.close(figure)


def test_prim_finds_two_planted_boxes_one_after_the_other():
    rng = np.random.default_rng(4)
    n = 8000
    x = pd.DataFrame(rng.uniform(0, 1, (n, 4)), columns=["p0", "p1", "p2", "p3"])
    first = ((x.p0 > 0.7) & (x.p1 < 0.3)).to_numpy()
    second = ((x.p2 > 0.75) & (x.p3 > 0.75)).to_numpy()
    y = rng.uniform(size=n) < np.where(first | second, 0.9, 0.01)
    found = discovery.prim_boxes(x, y, boxes=3, min_coverage=0.3)
    restricted = [set(box.limits["parameter"]) for box in found[:2]]
    assert sorted(map(sorted, restricted)) == [["p0", "p1"], ["p2", "p3"]]
    assert all(box.box["density"] > 0.75 for box in found[:2])
