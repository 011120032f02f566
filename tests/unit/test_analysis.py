"""Sweep analysis: exact values for the survival curve, the per-point summary, the figures."""

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from sim import analysis, plots
from sim.outcomes import OUTCOME_LABELS


def test_kaplan_meier_matches_a_hand_computed_curve():
    # 5 runs: escalations on days 2, 2 and 4; two censored at the horizon (day 6)
    curve = analysis.kaplan_meier(np.array([2, 2, 4, 6, 6]), np.array([1, 1, 1, 0, 0]))
    assert curve["day"].tolist() == [0, 2, 4, 6]
    assert curve["at_risk"].tolist() == [5, 5, 3, 2]
    assert curve["survival"].tolist() == pytest.approx([1.0, 3 / 5, 3 / 5 * 2 / 3, 0.4])


def test_kaplan_meier_with_censoring_before_an_event():
    # censored on day 1 leaves 3 at risk for the event on day 3: S = 1 − 1/3
    curve = analysis.kaplan_meier(np.array([1, 3, 5, 5]), np.array([0, 1, 0, 0]))
    assert curve.set_index("day").loc[3, "survival"] == pytest.approx(2 / 3)


def runs_table():
    return pd.DataFrame(
        {
            "point": 7,
            "outcome": pd.Categorical(
                ["open war", "ceasefire held", "open war", "limited clashes"],
                categories=OUTCOME_LABELS,
            ),
            "escalated": [True, False, True, False],
            "misstep_happened": [True, True, False, False],
            "caused_by_misstep": [True, False, False, False],
            "twin_escalated": [False, False, True, False],
            "first_rung_5_day": [10, -1, 30, -1],
            "first_misstep_day": [5, 8, -1, -1],
            "first_offensive_day": [-1, -1, -1, -1],
            "casualties_A": [10, 0, 20, 2],
            "casualties_B": [0, 0, 10, 0],
        }
    )


def test_summarise_point_gives_exact_shares_and_spreads():
    row = analysis.summarise_point(runs_table(), escalation_rung=5)
    assert row["point"] == 7 and row["runs"] == 4
    assert row["p_open_war"] == 0.5 and row["p_limited_clashes"] == 0.25
    assert row["p_escalated"] == 0.5 and row["caused_share"] == 0.5
    assert row["p_open_war_low"] < 0.5 < row["p_open_war_high"]
    assert row["escalation_day_mean"] == 20 and row["escalation_day_q50"] == 20
    assert np.isnan(row["offensive_day_mean"])
    assert row["casualties_mean"] == 10.5


def test_heatmap_line_and_mix_data():
    summary = pd.DataFrame(
        {
            "x": [0, 1, 0, 1],
            "y": [0, 0, 1, 1],
            "p": [0.1, 0.2, 0.3, 0.4],
            "p_low": [0.0] * 4,
            "p_high": [0.5] * 4,
        }
    )
    grid = analysis.heatmap_data(summary, "x", "y", "p")
    assert grid.to_numpy().tolist() == [[0.1, 0.2], [0.3, 0.4]]
    lines = analysis.line_data(summary, "x", "p", by="y")
    assert lines[lines["y"] == 1]["p"].tolist() == [0.3, 0.4]
    assert isinstance(plots.plot_heatmap(grid, "p"), Figure)
    assert isinstance(plots.plot_lines(lines, "x", "p", by="y"), Figure)
    for label in OUTCOME_LABELS:
        summary[f"p_{analysis.slug(label)}"] = 0.2
    mix = analysis.outcome_mix(summary, "x")
    assert mix.loc[0].tolist() == [0.2] * 5
    assert isinstance(plots.plot_outcome_mix(mix), Figure)


def test_sobol_indices_find_the_one_parameter_that_matters():
    from sim.experiment import Experiment, points

    experiment = Experiment.model_validate(
        {
            "name": "s",
            "base": "reassurance",
            "design": "sobol",
            "samples": 256,
            "seed": 1,
            "parameters": [
                {"path": "world.hotline_quality", "low": 0.0, "high": 1.0},
                {"path": "challenger.resolve", "low": 0.0, "high": 1.0},
            ],
        }
    )
    design = points(experiment).reset_index()
    design["p"] = design["world.hotline_quality"] ** 2  # depends on the first parameter only
    indices = analysis.sobol_indices(design, experiment, "p").set_index("parameter")
    # tolerance: SALib's own 95% intervals at 256 base samples are about ±0.1
    assert indices.loc["world.hotline_quality", "S1"] == pytest.approx(1.0, abs=0.1)
    assert indices.loc["world.hotline_quality", "ST"] == pytest.approx(1.0, abs=0.1)
    assert abs(indices.loc["challenger.resolve", "ST"]) < 0.05
