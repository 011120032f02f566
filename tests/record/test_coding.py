"""Runs coded as MID disputes: bands, levels and a hand-made runs table with planted answers."""

import numpy as np
import pandas as pd
import pytest

from sim.model.outcomes import DYAD_METRIC_NAMES
from sim.record.coding import (
    CODED,
    code_disputes,
    code_dyads,
    code_runs,
    fatality_band,
    hostility_level,
    needed_columns,
)
from sim.record.dataset import load_record


def test_fatality_bands_have_the_mid_boundaries():
    deaths = [0, 1, 25, 26, 100, 101, 250, 251, 500, 501, 999, 1000, 50_000]
    assert fatality_band(np.array(deaths)).tolist() == [0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6]


def test_rungs_map_to_the_ladders_mid_levels_and_deaths_or_clashes_mean_use_of_force():
    rungs, none = np.arange(7), np.zeros(7)
    assert hostility_level(rungs, none, none).tolist() == [1, 2, 3, 4, 4, 5, 5]
    assert hostility_level(rungs, np.ones(7), none).tolist() == [4, 4, 4, 4, 4, 5, 5]
    assert hostility_level(rungs, none, np.ones(7)).tolist() == [4, 4, 4, 4, 4, 5, 5]


NAMES = ("A", "B", "C")
DYADS = ("A-B", "A-C")


def runs_table(rows: list[dict]) -> pd.DataFrame:
    """A runs table in the engine's layout: each row gives what differs from a calm run."""
    calm = {"end_day": 365, "terminated": 0, "n_ceasefire": 0}
    calm |= {f"casualties_{a}": 0 for a in NAMES} | {f"withdrawal_day_{a}": -1 for a in NAMES}
    for d in DYADS:
        calm |= {f"{d}_{m}": 0 for m in DYAD_METRIC_NAMES}
        calm |= {f"{d}_{m}": -1 for m in DYAD_METRIC_NAMES if "_day" in m}
    return pd.DataFrame([calm | row for row in rows]).assign(run=range(len(rows)))


def warned(dyad: str, last: int = 0) -> dict:
    """A's standing warning to the other side of `dyad` from day 0."""
    return {
        f"{dyad}_max_rung": 1,
        f"{dyad}_first_act_day_challenger": 0,
        f"{dyad}_first_active_day": 0,
        f"{dyad}_last_active_day": last,
    }


PLANTED = runs_table(
    [
        {},  # 0: nothing happened: not a dispute
        warned("A-B") | warned("A-C"),  # 1: a threat, one day, unanswered
        {
            "A-B_max_rung": 2,
            "A-B_first_act_day_challenger": 3,
            "A-B_first_act_day_other": 5,
            "A-B_first_active_day": 3,
            "A-B_last_active_day": 40,
            "withdrawal_day_B": 30,
        },  # 2: shows of force on both sides; B withdrew: B yields
        warned("A-C", last=360)
        | {
            "A-C_incident_deaths": 3,
            "A-C_clashes": 1,
            "casualties_C": 3,
            "A-C_first_act_day_other": 10,
        },  # 3: a deadly incident; still going at the horizon
        {
            "A-B_max_rung": 5,
            "A-B_battle_deaths": 1200,
            "casualties_A": 700,
            "casualties_B": 500,
            "A-B_first_act_day_challenger": 4,
            "A-B_first_act_day_other": 2,
            "A-B_first_active_day": 2,
            "A-B_last_active_day": 200,
            "n_ceasefire": 1,
        },  # 4: war, B first; a ceasefire: compromise
        warned("A-B", last=100)
        | {"A-B_max_rung": 6, "terminated": 1, "end_day": 100},  # 5: nuclear use
    ]
)


def test_each_planted_run_gets_its_mid_codes():
    coded = code_runs(PLANTED, calm_days=14)
    assert coded["dispute"].tolist() == [False, True, True, True, True, True]
    assert coded["hostility"].tolist() == [1, 2, 3, 4, 5, 5]
    assert coded["rung_level"].tolist() == [1, 2, 3, 2, 5, 5]  # run 3: raised by its deaths
    assert coded["fatality"].tolist() == [0, 0, 0, 1, 6, 0]
    assert coded["reciprocated"].tolist() == [False, False, True, True, True, False]
    assert coded["duration"].tolist()[1:] == [1, 38, 361, 199, 101]
    assert np.isnan(coded["duration"].iat[0])
    assert coded["censored"].tolist() == [False, False, False, True, False, False]
    assert coded["outcome"].astype(object).where(coded["outcome"].notna(), None).tolist() == [
        None,
        "stalemate",
        "yield",
        None,
        "compromise",
        None,
    ]
    assert coded["not_coded"].tolist() == [
        "not a dispute",
        "",
        "",
        "ongoing at the horizon",
        "",
        "nuclear use (beyond the MID scale)",
    ]
    assert coded["side_a"].tolist() == [
        "",
        "challenger",
        "challenger",
        "challenger",
        "other side",
        "challenger",
    ]


def test_a_longer_calm_window_makes_a_late_crisis_ongoing():
    assert not code_runs(PLANTED, calm_days=14)["censored"].iat[4]
    assert code_runs(PLANTED, calm_days=200)["censored"].iat[4]


def test_each_dyad_is_coded_on_its_own():
    dyads = code_dyads(PLANTED, calm_days=14)
    assert len(dyads) == 2 * len(PLANTED)
    run2 = dyads[dyads["run"] == 2].set_index("dyad")
    assert run2.loc["A-B", "hostility"] == 3 and run2.loc["A-C", "hostility"] == 1
    assert run2.loc["A-B", "outcome"] == "yield"  # B withdrew its troops
    assert pd.isna(run2.loc["A-C", "outcome"]) and not run2.loc["A-C", "dispute"]
    run3 = dyads[dyads["run"] == 3].set_index("dyad")
    assert run3.loc["A-C", "hostility"] == 4 and run3.loc["A-C", "fatality"] == 1
    assert bool(run3.loc["A-C", "censored"])


def test_a_bloodless_clash_is_a_use_of_force_without_deaths():
    clash = {"A-C_clashes": 1, "A-C_first_active_day": 7, "A-C_last_active_day": 7}
    table = runs_table([warned("A-B") | clash, warned("A-B")])
    coded = code_runs(table)
    assert coded["hostility"].tolist() == [4, 2] and coded["fatality"].tolist() == [0, 0]
    assert coded["duration"].tolist() == [8, 1]  # from the warning of day 0 to the clash
    dyads = code_dyads(table).set_index(["run", "dyad"])
    assert dyads.loc[(0, "A-C"), "hostility"] == 4 and dyads.loc[(0, "A-B"), "hostility"] == 2


def test_a_withdrawal_is_a_yield_in_the_withdrawing_actors_dyad_only():
    table = runs_table(
        [
            {
                "A-C_max_rung": 2,
                "A-C_first_active_day": 1,
                "A-C_last_active_day": 9,
                "A-C_first_act_day_challenger": 1,
                "withdrawal_day_C": 9,
                "A-B_max_rung": 2,
                "A-B_first_active_day": 1,
                "A-B_last_active_day": 9,
            }
        ]
    )
    dyads = code_dyads(table).set_index("dyad")
    assert dyads.loc["A-C", "outcome"] == "yield" and dyads.loc["A-B", "outcome"] == "stalemate"
    assert code_runs(table)["outcome"].iat[0] == "yield"


def test_the_coding_reads_only_the_columns_it_names():
    kept = PLANTED[needed_columns(PLANTED)]
    pd.testing.assert_frame_equal(
        code_runs(kept).drop(columns="run"), code_runs(PLANTED).drop(columns="run")
    )


def test_the_records_disputes_are_coded_in_the_same_frame():
    disputes = load_record().disputes
    coded = code_disputes(disputes)
    assert list(coded.columns) == list(CODED)
    assert coded["hostility"].tolist() == disputes["hostlev"].astype(int).tolist()
    assert int(coded["fatality"].isna().sum()) == 45
    assert coded["duration"].median() == pytest.approx(32)
    assert coded["outcome"].value_counts()["stalemate"] == 1362
    assert not coded["censored"].any()
