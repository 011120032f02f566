"""A question's answer over the rules and the priors, on tables with planted answers.

The pairs are built by hand (no model run): each design row's difference P(to) − P(from) is
a known function of its parameters, carried by exact discordant counts, so μ*, the shares
and PRIM's box have known values.
"""

import re

import numpy as np
import pandas as pd
import pytest

from sim.analysis.answers import chance_flips, rule_table, sensitivity, verdict
from sim.experiments.experiment import Experiment, points

PARAMS = [
    ("world.hotline_quality", 0.0, 1.0),  # planted: no effect at all
    ("challenger.resolve", 0.2, 0.8),
    ("world.anger", 0.1, 0.3),
]
N = 10_000  # runs per setting: exact counts, so each row's interval is narrow


def design(trajectories: int = 12) -> Experiment:
    return Experiment.model_validate(
        {
            "name": "q",
            "base": "reassurance",
            "design": "morris",
            "samples": trajectories,
            "levels": 4,
            "parameters": [{"path": p, "low": lo, "high": hi} for p, lo, hi in PARAMS],
            "seed": 3,
        }
    )


def pairs_from(experiment: Experiment, difference) -> pd.DataFrame:
    """Pairs whose difference at each design row is `difference(row)`, exactly: the runs
    that hit only at one setting number |d|·N, on a base of 500 runs that hit at both."""
    rows = []
    for index, values in points(experiment).iterrows():
        d = difference(values)
        only = round(abs(d) * N)
        only_from, only_to = (only, 0) if d < 0 else (0, only)
        rows.append(
            {"part": "gsa", "rule": "strategic", "row": index, **values.to_dict(), "n": N,
             "hits_from": 500 + only_from, "hits_to": 500 + only_to,
             "only_from": only_from, "only_to": only_to}
        )  # fmt: skip
    return pd.DataFrame(rows)


def scaled(values: pd.Series) -> float:
    return (values["challenger.resolve"] - 0.2) / 0.6


def test_a_parameter_with_no_effect_gets_mu_star_zero_and_the_sign_holds_everywhere():
    experiment = design()
    pairs = pairs_from(experiment, lambda v: -0.01 - 0.03 * scaled(v))
    result = sensitivity(pairs, experiment, "falls")
    mu = result.morris.set_index("parameter")["mu_star"]
    assert mu["world.hotline_quality"] == 0.0
    assert mu["world.anger"] == 0.0
    # Linear in resolve: the effect over the whole range is 0.03 at every step.
    assert mu["challenger.resolve"] == pytest.approx(0.03, abs=1e-4)
    assert result.share_expected == 1.0 and result.share_opposite == 0.0
    assert result.significant_opposite == 0
    assert result.flip_box.empty
    words = verdict(result, "falls", experiment, {})
    assert words.startswith("robust (yes): averaged over the priors it falls")
    assert "decided most by challenger.resolve" in words
    # Not among the deciding ones, but named: no step moved the difference.
    assert result.unread == ["world.hotline_quality", "world.anger"]
    assert words.endswith("at this size): world.hotline_quality, world.anger.")
    assert "decided most by challenger.resolve (" in words and "most by world" not in words


def test_a_sign_that_flips_above_a_known_threshold_is_found_where_it_flips():
    """d = −3 points below resolve 0.5, +3 points above it: the grid's levels are 0.2, 0.4,
    0.6, 0.8, so PRIM's box must start between 0.4 and 0.6."""
    experiment = design(trajectories=20)
    pairs = pairs_from(experiment, lambda v: -0.03 if v["challenger.resolve"] < 0.5 else 0.03)
    result = sensitivity(pairs, experiment, "falls")
    assert 0 < result.share_opposite < 1
    assert result.significant_opposite == int((pairs["challenger.resolve"] > 0.5).sum())
    assert list(result.flip_box["parameter"]) == ["challenger.resolve"]
    words = verdict(result, "falls", experiment, {"challenger.resolve": "a planted survey"})
    found = re.search(
        r"flips to 'rises' when challenger\.resolve > ([0-9.]+) \(pinned down by a plant", words
    )
    assert found, words
    assert 0.4 <= float(found.group(1)) < 0.6
    top = result.morris.iloc[0]
    assert top["parameter"] == "challenger.resolve" and top["above_noise"]


def test_a_no_that_holds_everywhere_is_a_robust_no():
    """The question asks 'falls'; it rises by 2 points at every row: the answer is a robust no."""
    experiment = design()
    result = sensitivity(pairs_from(experiment, lambda v: 0.02), experiment, "falls")
    words = verdict(result, "falls", experiment, {})
    assert words.startswith("robust (no): averaged over the priors it rises"), words
    assert "at none of the 48 design rows is its opposite (falls) beyond" in words


def test_a_no_that_turns_to_yes_in_a_corner_says_where():
    """The question asks 'falls'; it rises (+2 points) except above resolve 0.5, where it
    falls (−1 point): on average it rises, and the rows where it falls are found."""
    experiment = design(trajectories=20)
    pairs = pairs_from(experiment, lambda v: -0.01 if v["challenger.resolve"] > 0.5 else 0.02)
    result = sensitivity(pairs, experiment, "falls")
    words = verdict(result, "falls", experiment, {})
    found = re.search(r"^flips to 'falls' when challenger\.resolve > ([0-9.]*[0-9]) \(", words)
    assert found and 0.4 <= float(found.group(1)) < 0.6, words
    assert "averaged over the priors it rises" in words


def test_a_difference_with_no_clear_sign_on_average_is_not_robust():
    experiment = design()
    pairs = pairs_from(experiment, lambda v: 0.0)
    result = sensitivity(pairs, experiment, "falls")
    assert result.pooled == (0.0, 0.0, 0.0)
    assert result.morris["mu_star"].eq(0).all()
    words = verdict(result, "falls", experiment, {})
    assert words.startswith("not robust: averaged over the priors there is no clear sign")
    assert "No parameter's μ* stands above run-to-run noise" in words


def test_each_rule_gets_its_probabilities_difference_and_verdict():
    pairs = pd.DataFrame(
        [
            # falls clearly: 100 runs hit only at 'from', 10 only at 'to'
            {"part": "rule", "rule": "strategic", "row": -1, "n": 2000,
             "hits_from": 150, "hits_to": 60, "only_from": 100, "only_to": 10},
            # rises clearly
            {"part": "rule", "rule": "myopic", "row": -1, "n": 2000,
             "hits_from": 60, "hits_to": 150, "only_from": 10, "only_to": 100},
            # the outcome never happens
            {"part": "rule", "rule": "complete information", "row": -1, "n": 2000,
             "hits_from": 0, "hits_to": 0, "only_from": 0, "only_to": 0},
        ]
    )  # fmt: skip
    table = rule_table(pairs, "falls")
    assert table.loc["strategic", "verdict"] == "yes: it falls"
    assert table.loc["myopic", "verdict"] == "no: it rises"
    assert table.loc["complete information", "verdict"] == (
        "no runs with the outcome at either setting"
    )
    row = table.loc["strategic"]
    assert row["difference"] == pytest.approx(-0.045)
    # The paired interval (Agresti 2013): ±1.96·√((b + c)/n − d²)/√n.
    half = 1.959963984540054 * np.sqrt((110 / 2000 - 0.045**2) / 2000)
    assert row["difference_high"] == pytest.approx(-0.045 + half)
    assert row["p_from"] == pytest.approx(0.075) and row["p_to"] == pytest.approx(0.03)
    assert row["p_from_low"] < 0.075 < row["p_from_high"]


def test_a_few_opposite_rows_no_more_than_chance_gives_leave_the_answer_robust():
    """Four rows of 64 opposite beyond their interval: the binomial(64, 2.5%) gives up to 4
    by chance (its 95th percentile), so the verdict stays robust and says why; nine do not."""
    experiment = design(trajectories=16)  # 16 × 4 = 64 rows
    few = {0, 10, 20, 30}
    pairs = pairs_from(experiment, lambda v: -0.03)
    for row in few:
        pairs.loc[row, ["only_from", "only_to", "hits_from", "hits_to"]] = [0, 300, 500, 800]
    result = sensitivity(pairs, experiment, "falls")
    assert result.significant_opposite == 4 and chance_flips(len(pairs)) == 4
    words = verdict(result, "falls", experiment, {})
    assert (
        words.startswith("robust (yes):") and "no more than chance alone gives (up to 4)" in words
    )
    for row in (5, 15, 25, 35, 45):
        pairs.loc[row, ["only_from", "only_to", "hits_from", "hits_to"]] = [0, 300, 500, 800]
    assert not verdict(sensitivity(pairs, experiment, "falls"), "falls", experiment, {}).startswith(
        "robust"
    )
