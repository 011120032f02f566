"""Summary statistics of coded disputes, their bootstrap intervals, and model against record."""

import math

import numpy as np
import pandas as pd
import pytest

from sim.record.coding import OUTCOMES
from sim.record.comparison import compare, markdown, newcombe_interval, verdict_counts
from sim.record.statistics import (
    NAMES,
    describe,
    point_values,
    resample_weights,
    run_statistics,
)


def coded(rows: list[tuple]) -> pd.DataFrame:
    """A coded frame from (hostility, fatality, reciprocated, duration, outcome) rows."""
    frame = pd.DataFrame(
        rows, columns=["hostility", "fatality", "reciprocated", "duration", "outcome"]
    )
    frame["fatality"] = frame["fatality"].astype(float)
    frame["censored"] = False
    frame["outcome"] = pd.Categorical(frame["outcome"], categories=OUTCOMES)
    return frame


# Ten disputes with every answer countable by hand.
TEN = coded(
    [
        (2, 0, False, 1, "stalemate"),
        (3, 0, False, 10, "stalemate"),
        (3, 0, True, 20, "yield"),
        (4, 0, False, 30, "stalemate"),
        (4, 1, True, 40, "compromise"),
        (4, 2, True, 50, None),
        (4, np.nan, False, 60, "victory"),
        (4, 0, True, 70, "stalemate"),
        (5, 6, True, 400, "victory"),
        (5, 6, True, 800, "other"),
    ]
)


def test_point_values_are_the_shares_and_quantiles_counted_by_hand():
    v = point_values(TEN)
    assert list(v.index) == list(NAMES)
    assert [v[f"level_{k}"] for k in (2, 3, 4, 5)] == [0.1, 0.2, 0.5, 0.2]
    assert v["fatality_0"] == pytest.approx(5 / 9)  # of the 9 with a known band
    assert v["fatality_6"] == pytest.approx(2 / 9)
    assert v["reciprocated"] == 0.6
    assert v["outcome_stalemate"] == pytest.approx(4 / 9) and v["outcome_victory"] == 2 / 9
    assert v["deaths_given_force"] == pytest.approx(4 / 6)  # levels 4-5 with a known band
    assert v["war_given_force"] == pytest.approx(2 / 7)
    assert v["reciprocated_level_3"] == 0.5 and v["reciprocated_level_5"] == 1.0
    # Inverted-CDF quantiles (the smallest value whose cumulative share reaches q)
    assert (v["duration_p25"], v["duration_median"], v["duration_p75"]) == (20, 40, 70)
    assert v["duration_median_level_4"] == 50 and v["duration_median_level_5"] == 400
    assert v["duration_median_level_2"] == 1


def test_an_empty_level_gives_no_value_rather_than_zero():
    v = point_values(TEN[TEN["hostility"] != 2])
    assert math.isnan(v["duration_median_level_2"]) and math.isnan(v["reciprocated_level_2"])
    assert v["level_2"] == 0.0


def test_quantiles_agree_with_numpys_inverted_cdf():
    rng = np.random.default_rng(4)
    durations = rng.integers(1, 500, size=301).astype(float)
    frame = coded([(4, 0, False, d, "stalemate") for d in durations])
    v = point_values(frame)
    for name, q in (("duration_p25", 0.25), ("duration_median", 0.5), ("duration_p75", 0.75)):
        assert v[name] == np.quantile(durations, q, method="inverted_cdf")


def test_resamples_are_seeded_counts_of_n_disputes():
    one = np.vstack(resample_weights(50, 250, seed=3))
    again = np.vstack(resample_weights(50, 250, seed=3))
    assert one.shape == (250, 50) and (one.sum(axis=1) == 50).all()
    assert (one == again).all() and not (one == np.vstack(resample_weights(50, 250, 4))).all()


def test_bootstrap_intervals_cover_the_value_and_shrink_with_more_disputes():
    small = describe(TEN, resamples=400, seed=1).table.set_index("statistic")
    big = describe(pd.concat([TEN] * 40, ignore_index=True), 400, 1).table.set_index("statistic")
    for name in ("level_4", "reciprocated", "duration_median", "war_given_force"):
        assert small.at[name, "low"] <= small.at[name, "value"] <= small.at[name, "high"]
        width = small.at[name, "high"] - small.at[name, "low"]
        assert big.at[name, "high"] - big.at[name, "low"] < width / 2  # 40x the disputes
    assert big.at["level_4", "value"] == 0.5 and big.at["level_4", "basis"] == "200 of 400"


def test_a_share_of_0_or_1_gets_the_wilson_interval_not_a_point():
    table = describe(TEN, resamples=200, seed=1).table.set_index("statistic")
    assert table.at["reciprocated_level_5", "interval"] == "Wilson"
    assert table.at["reciprocated_level_5", "low"] == pytest.approx(0.3424, abs=1e-4)  # 2 of 2
    assert table.at["reciprocated_level_2", "high"] == pytest.approx(0.7935, abs=1e-4)  # 0 of 1
    assert table.at["level_4", "interval"] == "bootstrap"


def test_newcombes_interval_matches_his_worked_example():
    # Newcombe (1998), Statistics in Medicine 17: 56/70 against 48/80, method 10.
    from sim.analysis.summaries import wilson_interval

    p1, p2 = 56 / 70, 48 / 80
    low, high = newcombe_interval((p1, *wilson_interval(56, 70)), (p2, *wilson_interval(48, 80)))
    assert (round(low, 4), round(high, 4)) == (0.0524, 0.3339)


def test_a_model_equal_to_the_record_is_consistent_everywhere_it_has_data():
    record = describe(pd.concat([TEN] * 30, ignore_index=True), 300, 1)
    model = describe(pd.concat([TEN] * 30, ignore_index=True), 300, 2)
    table = compare(model, record)
    assert set(table["verdict"]) == {"consistent"}
    assert (table["difference"] == 0).all() and (table["distance"] == 0).all()


def test_a_shifted_model_is_told_too_high_or_too_low_beyond_both_samples_noise():
    record = describe(pd.concat([TEN] * 30, ignore_index=True), 300, 1)
    warlike = TEN.assign(hostility=np.where(TEN["hostility"] == 3, 5, TEN["hostility"]))
    model = describe(pd.concat([warlike] * 30, ignore_index=True), 300, 2)
    table = compare(model, record).set_index("statistic")
    assert table.at["level_5", "verdict"] == "model too high"
    assert table.at["level_3", "verdict"] == "model too low"  # 0 of 300: Newcombe's interval
    assert table.at["level_3", "difference"] == pytest.approx(-0.2)
    assert table.at["level_5", "distance"] > 2
    assert verdict_counts(table.reset_index()).startswith(
        f"{(table['verdict'] == 'consistent').sum()} consistent"
    )


def test_a_horizon_bound_below_the_record_gets_no_verdict():
    record = describe(pd.concat([TEN] * 30, ignore_index=True), 300, 1)
    short = TEN.assign(duration=TEN["duration"] / 10)
    model = describe(pd.concat([short] * 30, ignore_index=True), 300, 2)
    table = compare(model, record, frozenset({"duration_median"})).set_index("statistic")
    assert table.at["duration_median", "verdict"] == "censored"
    assert table.at["duration_p75", "verdict"] == "model too low"


def test_the_markdown_groups_statistics_and_footnotes_what_the_code_decides():
    record = describe(TEN, 100, 1)
    text = markdown(
        compare(describe(TEN, 100, 2), record), "T", "P.", {"outcome_victory": "0 by construction"}
    )
    assert "## hostility level" in text and "## reciprocation by level" in text
    assert "| victory ¹ |" in text and "- outcome_victory: 0 by construction." in text


def test_run_statistics_code_a_runs_table_and_keep_only_disputes():
    from tests.record.test_coding import PLANTED

    v = run_statistics(PLANTED, calm_days=14)
    assert v["level_2"] == 0.2 and v["level_5"] == 0.4  # 5 disputes: run 0 is not one
    assert v["outcome_compromise"] == pytest.approx(1 / 3)  # of the 3 coded outcomes


def test_the_figures_data_puts_shares_in_percent_and_names_each_level():
    from matplotlib.figure import Figure

    from sim.record.plots import comparison_data, plot_comparison

    table = compare(describe(TEN, 100, 2), describe(TEN, 100, 1))
    data = comparison_data(table).set_index(table["statistic"])
    assert data.at["level_4", "record"] == 50.0 and data.at["level_4", "model"] == 50.0
    assert data.at["duration_median", "record"] == 40.0  # days stay days
    assert data.at["reciprocated_level_3", "row"] == "at level 3 display of force"
    assert data.at["duration_median_level_5", "row"] == "median at level 5 war"
    assert data.at["level_2", "panel"] == "highest hostility level (% of disputes)"
    assert isinstance(plot_comparison(table, "T"), Figure)


def test_a_scenario_without_disputes_says_so_and_has_no_verdicts():
    from sim.model.scenario import load_scenario
    from sim.record.comparison import remarks
    from tests.record.test_coding import PLANTED, code_runs

    calm = code_runs(PLANTED.iloc[[0]])
    assert remarks(load_scenario("baseline"), calm)[0].startswith("No run became a dispute")
    empty = describe(TEN.iloc[0:0], 100, 1)
    table = compare(empty, describe(TEN, 100, 1))
    assert set(table["verdict"]) == {"no data"} and table["model"].isna().all()
