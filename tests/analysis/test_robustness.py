"""Robustness of levers across states of the world, on a table with known answers."""

import pandas as pd
import pytest

from sim.analysis import robustness
from sim.experiments.experiment import Experiment, points


def known_summary() -> pd.DataFrame:
    """Three policies (troops 0, 5000, 10000) in three states (resolve 0.2, 0.5, 0.8).

    P(wider war):      state 0   state 1   state 2
      troops 0          0.00      0.02      0.10
      troops 5000       0.01      0.01      0.03
      troops 10000      0.03      0.04      0.02
    """
    table = {0: (0.00, 0.02, 0.10), 5000: (0.01, 0.01, 0.03), 10000: (0.03, 0.04, 0.02)}
    rows = [
        {"guarantor.troops": t, "challenger.resolve": r, "p_wider_war": p}
        for t, ps in table.items()
        for r, p in zip((0.2, 0.5, 0.8), ps, strict=True)
    ]
    return pd.DataFrame(rows)


def test_regret_of_the_best_policy_is_zero_in_its_own_state():
    matrix = robustness.outcome_matrix(
        known_summary(), ["guarantor.troops"], ["challenger.resolve"], "p_wider_war"
    )
    regrets = robustness.regret(matrix)
    for state in matrix.columns:
        best = matrix[state].idxmin()
        assert regrets.loc[best, state] == 0
        assert (regrets[state] >= 0).all()
    assert regrets.loc[0, 2] == pytest.approx(0.08)  # 0.10 − 0.02


def test_worst_case_max_regret_and_satisficing_share():
    matrix = robustness.outcome_matrix(
        known_summary(), ["guarantor.troops"], ["challenger.resolve"], "p_wider_war"
    )
    table = robustness.robustness(matrix, threshold=0.025)
    assert table.loc[0, "worst case"] == pytest.approx(0.10)
    assert table.loc[5000, "worst case"] == pytest.approx(0.03)
    assert table.loc[5000, "max regret"] == pytest.approx(0.01)  # states 0 and 2: 0.01
    assert table.loc[10000, "max regret"] == pytest.approx(0.03)
    assert table.loc[0, "satisficing share"] == pytest.approx(2 / 3)
    assert table.loc[10000, "satisficing share"] == pytest.approx(1 / 3)
    assert table.index[0] == 5000  # least maximum regret first


def test_an_xlrm_design_crosses_every_policy_with_the_same_states():
    experiment = Experiment.model_validate(
        {
            "name": "x",
            "base": "reassurance",
            "design": "xlrm",
            "samples": 5,
            "parameters": [
                {"path": "guarantor.troops", "xlrm": "lever", "values": [0, 5000]},
                {"path": "mechanisms.warning", "xlrm": "lever", "values": [True, False]},
                {"path": "challenger.resolve", "xlrm": "uncertainty", "low": 0.2, "high": 0.9},
            ],
        }
    )
    design = points(experiment)
    assert len(design) == experiment.design_size() == 2 * 2 * 5
    states = [
        sorted(group["challenger.resolve"])
        for _, group in design.groupby(["guarantor.troops", "mechanisms.warning"])
    ]
    assert all(s == states[0] for s in states) and len(set(states[0])) == 5


@pytest.mark.parametrize(
    ("parameters", "message"),
    [
        ([{"path": "guarantor.troops", "values": [0, 1]}], "needs xlrm = \"lever\" or"),
        ([{"path": "guarantor.troops", "xlrm": "lever", "values": [0, 1]}],
         "needs at least one uncertainty"),
        ([{"path": "guarantor.troops", "xlrm": "lever", "low": 0, "high": 1},
          {"path": "challenger.resolve", "xlrm": "uncertainty", "low": 0, "high": 1}],
         "a grid needs steps"),
        ([{"path": "guarantor.troops", "xlrm": "lever", "values": [0, 1]},
          {"path": "challenger.resolve", "xlrm": "uncertainty", "values": [0.1, 0.2]}],
         "needs low and high, not values"),
    ],
)  # fmt: skip
def test_bad_xlrm_designs_are_refused(parameters, message):
    with pytest.raises(ValueError, match=message):
        Experiment.model_validate(
            {"name": "x", "base": "reassurance", "design": "xlrm", "parameters": parameters}
        )
