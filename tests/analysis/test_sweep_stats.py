"""Sweep analysis: exact values for the survival curve, the per-point summary, the figure data."""

import math

import numpy as np
import pandas as pd
import pytest

from sim.analysis import sweep_stats as analysis
from sim.experiments.experiment import BOOLEAN_OUTCOMES
from sim.model.outcomes import (
    DM_WAR_DAY,
    N_DYAD_METRICS,
    N_ROADS,
    OUTCOME_LABELS,
    ROAD_LABELS,
    new_dyad_metrics,
    new_metrics,
    note_day,
    run_table,
)


def test_slug_makes_column_names():
    assert analysis.slug("crisis contained") == "crisis_contained"
    assert analysis.slug("escalated") == "escalated"


# ---------------------------------------------------------------------------- survival


def test_kaplan_meier_matches_a_hand_computed_curve():
    # 5 runs: escalations on days 2, 2 and 4; two censored at the horizon (day 6)
    curve = analysis.kaplan_meier(np.array([2, 2, 4, 6, 6]), np.array([1, 1, 1, 0, 0]))
    assert curve["day"].tolist() == [0, 2, 4, 6]
    assert curve["at_risk"].tolist() == [5, 5, 3, 2]
    assert curve["escalated"].tolist() == [0, 2, 1, 0]
    assert curve["survival"].tolist() == pytest.approx([1.0, 3 / 5, 3 / 5 * 2 / 3, 0.4])


def test_kaplan_meier_with_censoring_before_an_event():
    # censored on day 1 leaves 3 at risk for the event on day 3: S = 1 − 1/3
    curve = analysis.kaplan_meier(np.array([1, 3, 5, 5]), np.array([0, 1, 0, 0]))
    assert curve.set_index("day").loc[3, "survival"] == pytest.approx(2 / 3)
    assert curve.set_index("day").loc[1, "survival"] == 1.0


def test_kaplan_meier_without_escalations_stays_at_one():
    curve = analysis.kaplan_meier(np.array([9, 9, 9]), np.array([0, 0, 0]))
    assert curve["survival"].tolist() == [1.0, 1.0]


def test_kaplan_meier_shows_escalations_on_day_zero_on_day_zero():
    # two of three runs escalated on day 0 (rung 1 from a warning), one censored on day 5
    curve = analysis.kaplan_meier(np.array([0, 0, 5]), np.array([1, 1, 0])).set_index("day")
    assert curve.loc[0, "survival"] == pytest.approx(1 / 3)


def grid_runs():
    # three levels; per level four runs: escalations on days 2 and 4, two censored
    rows = []
    for level, shift in ((0.0, 0), (0.5, 1), (1.0, 2)):
        for day, end in ((2 + shift, 2 + shift), (4 + shift, 4 + shift), (-1, 10), (-1, 99)):
            rows.append({"h": level, "first_rung_5_day": day, "end_day": end})
    return pd.DataFrame(rows)


def test_survival_data_gives_one_curve_per_grid_level():
    data = analysis.survival_data(grid_runs(), "h", escalation_rung=5, horizon=10)
    assert list(data["group"].unique()) == ["h = 0", "h = 0.5", "h = 1"]
    first = data[data["group"] == "h = 0"]
    assert first["day"].tolist() == [0, 2, 4, 10]  # censored at min(end day, horizon)
    assert first["at_risk"].tolist() == [4, 4, 3, 2]
    assert first["survival"].tolist() == pytest.approx([1.0, 0.75, 0.5, 0.5])
    assert data[data["group"] == "h = 1"]["day"].tolist() == [0, 4, 6, 10]


def test_survival_data_keeps_a_few_evenly_spaced_grid_levels():
    runs = pd.DataFrame({"h": np.repeat(np.arange(7.0), 2), "first_rung_5_day": 3, "end_day": 3})
    data = analysis.survival_data(runs, "h", escalation_rung=5, horizon=10, groups=4)
    assert list(data["group"].unique()) == ["h = 0", "h = 2", "h = 4", "h = 6"]


def test_survival_data_bins_a_continuous_parameter_into_quantiles():
    runs = pd.DataFrame({"h": np.linspace(0.0, 1.0, 20), "first_rung_5_day": -1, "end_day": 50})
    data = analysis.survival_data(runs, "h", escalation_rung=5, horizon=30, groups=4)
    starts = data[data["day"] == 0]
    assert len(starts) == 4
    assert starts["at_risk"].tolist() == [5, 5, 5, 5]
    assert data["survival"].eq(1.0).all()
    assert data["day"].max() == 30


# ---------------------------------------------------------------------------- one point


def runs_table():
    table = pd.DataFrame(
        {
            "point": 7,
            "outcome": pd.Categorical(
                ["limited war", "ceasefire held", "wider war", "crisis contained"],
                categories=OUTCOME_LABELS,
            ),
            "escalated": [True, False, True, False],
            "widened": [False, False, True, False],
            "misstep_happened": [True, True, False, False],
            "first_rung_5_day": [10, -1, 30, -1],
            "first_misstep_day": [5, 8, -1, -1],
            "first_attack_day": [-1, -1, -1, -1],
            "crisis_end_day": [-1, 3, -1, 7],
            "casualties_A": [10, 0, 20, 2],
            "casualties_B": [0, 0, 10, 0],
        }
    )
    twins = {
        "missteps": [False, False, True, False],  # caused run 0
        "misreading": [True, False, True, False],  # caused none
        "attacks": [False, True, False, False],  # caused runs 0 and 2; run 1 only in its twin
        "warnings": [True, False, True, True],  # caused none; run 3 only in its twin
        "face": [True, False, True, False],  # caused none
        "slips": [True, False, False, False],  # caused run 2
    }
    for road, twin in twins.items():
        table[f"twin_{road}_escalated"] = twin
        table[f"caused_by_{road}"] = table["escalated"] & ~np.array(twin)
    return table


def test_summarise_point_gives_exact_outcome_shares():
    row = analysis.summarise_point(runs_table(), escalation_rung=5)
    assert row["point"] == 7 and row["runs"] == 4
    for label in ("ceasefire held", "crisis contained", "limited war", "wider war"):
        assert row[f"p_{analysis.slug(label)}"] == 0.25
    assert row["p_nuclear_use"] == 0.0
    assert row["p_limited_war_low"] < 0.25 < row["p_limited_war_high"]
    assert (row["p_limited_war_low"], row["p_limited_war_high"]) == pytest.approx(
        (0.0456, 0.6994), abs=1e-4
    )  # Wilson, 1 of 4


def test_summarise_point_gives_every_boolean_outcome():
    row = analysis.summarise_point(runs_table(), escalation_rung=5)
    for name in BOOLEAN_OUTCOMES:
        assert f"p_{name}" in row and f"p_{name}_low" in row and f"p_{name}_high" in row
    assert row["p_escalated"] == 0.5
    assert row["p_misstep_happened"] == 0.5
    assert row["p_caused_by_attacks"] == 0.5
    assert row["p_twin_misreading_escalated"] == 0.5


def test_summarise_point_gives_each_roads_caused_share_and_risk_difference():
    row = analysis.summarise_point(runs_table(), escalation_rung=5)
    shares = [row[f"caused_share_{road}"] for road in ROAD_LABELS]
    assert shares == [0.5, 0.0, 1.0, 0.0, 0.0, 0.5]  # of the 2 escalations
    differences = [row[f"rd_{road}"] for road in ROAD_LABELS]
    assert differences == [0.25, 0.0, 0.25, -0.25, 0.0, 0.25]
    # attacks: 2 discordant pairs one way, 1 the other, 4 pairs:
    # d = 0.25 ± z·√((3/4 − 1/16)/4) = 0.25 ± 1.95996·0.414578 = 0.25 ± 0.812558
    assert row["rd_attacks_low"] == pytest.approx(0.25 - 0.812558, abs=1e-6)
    assert row["rd_attacks_high"] == 1.0  # clipped
    assert (row["rd_misreading_low"], row["rd_misreading_high"]) == (0.0, 0.0)


def test_summarise_point_gives_exact_spreads_of_days_and_casualties():
    row = analysis.summarise_point(runs_table(), escalation_rung=5)
    assert row["escalation_day_mean"] == 20
    assert (row["escalation_day_q10"], row["escalation_day_q50"]) == (12, 20)
    assert row["escalation_day_q90"] == 28
    assert row["misstep_day_mean"] == 6.5
    assert row["crisis_end_day_mean"] == 5
    assert math.isnan(row["attack_day_mean"]) and math.isnan(row["attack_day_q50"])
    assert row["casualties_mean"] == 10.5  # totals 10, 0, 30, 2
    assert row["casualties_q50"] == 6


def test_summarise_point_reads_a_run_table():
    # the columns it needs are those sim.model.outcomes.run_table writes
    metrics = np.stack([new_metrics(), new_metrics()])
    note_day(metrics[0], 3, 5)
    dyads = np.zeros((2, 2, N_DYAD_METRICS))
    new_dyad_metrics(dyads[0])
    new_dyad_metrics(dyads[1])
    dyads[0, 1, DM_WAR_DAY] = 3
    twins = (np.stack([metrics] * N_ROADS), np.stack([dyads] * N_ROADS))
    zeros = np.zeros((2, 2))
    table = run_table(
        metrics, dyads, zeros, zeros - 1, ["C", "P"], ["challenger", "protege"], 5, 0,
        np.arange(2), twins,
    )  # fmt: skip
    row = analysis.summarise_point(table.assign(point=0), escalation_rung=5)
    assert row["p_limited_war"] == 0.5
    assert row["escalation_day_mean"] == 3
    assert row["rd_missteps"] == 0.0 and row["caused_share_missteps"] == 0.0


def test_outcome_shares_of_a_point_add_up_to_one_with_nuclear_use():
    table = runs_table()
    table["outcome"] = pd.Categorical(
        ["nuclear use", "ceasefire held", "wider war", "crisis contained"],
        categories=OUTCOME_LABELS,
    )
    table["widened"] = [True, False, True, False]  # a guarantor dyad at war in both
    row = analysis.summarise_point(table, escalation_rung=5)
    assert row["p_wider_war"] == 0.25
    assert sum(row[f"p_{analysis.slug(label)}"] for label in OUTCOME_LABELS) == 1.0


# ---------------------------------------------------------------------------- figure data


def summary():
    return pd.DataFrame(
        {
            "x": [0, 1, 0, 1, 0],
            "y": [0, 0, 1, 1, 1],
            "p": [0.1, 0.2, 0.3, 0.4, 0.5],
            "p_low": [0.0] * 5,
            "p_high": [0.5, 0.5, 0.5, 0.5, 0.7],
        }
    )


def test_heatmap_data_averages_over_other_parameters():
    grid = analysis.heatmap_data(summary(), "x", "y", "p")
    assert grid.to_numpy().ravel().tolist() == pytest.approx([0.1, 0.2, 0.4, 0.4])
    assert list(grid.index) == [0, 1] and list(grid.columns) == [0, 1]


def test_line_data_gives_one_line_per_level_with_its_interval():
    lines = analysis.line_data(summary(), "x", "p", by="y")
    assert lines[lines["y"] == 1]["p"].tolist() == pytest.approx([0.4, 0.4])
    assert lines[lines["y"] == 1]["p_high"].tolist() == pytest.approx([0.6, 0.5])
    single = analysis.line_data(summary(), "x", "p")
    assert single["p"].tolist() == pytest.approx([0.3, 0.3])
    assert list(single.columns) == ["x", "p", "p_low", "p_high"]


def test_outcome_mix_gives_each_outcomes_share_by_level():
    data = summary()
    for k, label in enumerate(OUTCOME_LABELS):
        data[f"p_{analysis.slug(label)}"] = [0.1 * k, 0.2, 0.1 * k, 0.2, 0.1 * k]
    mix = analysis.outcome_mix(data, "x")
    assert list(mix.columns) == OUTCOME_LABELS
    assert mix.loc[0].tolist() == pytest.approx([0.0, 0.1, 0.2, 0.3, 0.4])
    assert mix.loc[1].tolist() == pytest.approx([0.2] * 5)


def test_sobol_indices_find_the_one_parameter_that_matters():
    from sim.experiments.experiment import Experiment, points

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


def test_sobol_indices_need_a_sobol_design():
    from sim.experiments.experiment import Experiment

    experiment = Experiment.model_validate(
        {
            "name": "g",
            "base": "reassurance",
            "parameters": [{"path": "world.hotline_quality", "low": 0.0, "high": 1.0, "steps": 3}],
        }
    )
    with pytest.raises(ValueError, match="sobol design"):
        analysis.sobol_indices(pd.DataFrame({"point": [0], "p": [1.0]}), experiment, "p")


def test_summarise_point_gives_each_dyads_chance_of_war():
    table = runs_table()
    table["A-B_max_rung"] = [5, 0, 5, 3]
    table["A-B_war_day"] = [12, -1, 40, -1]
    table["A-C_max_rung"] = [4, 0, 5, 3]
    table["A-C_war_day"] = [-1, -1, 41, -1]
    table["max_rung"] = [5, 0, 5, 3]  # the run's own column is no dyad
    table["first_war_day"] = [12, -1, 40, -1]
    row = analysis.summarise_point(table, escalation_rung=5)
    assert analysis.dyads_of(table) == ["A-B", "A-C"]
    assert (row["p_war_A-B"], row["p_war_A-C"]) == (0.5, 0.25)
    assert row["p_war_A-C_low"] < 0.25 < row["p_war_A-C_high"]
    assert "p_war_first" not in row and "p_war_" not in row
