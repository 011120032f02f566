"""A question's answer over a posterior's draws, on pairs with planted answers (no model run).

Each draw's difference P(to) − P(from) is a known function of its parameters, carried by
exact discordant counts, so the averages, the counts by sign, the tests and Spearman's ρ are
known.
"""

import numpy as np
import pandas as pd
import pytest

from sim.analysis.answers import sign, with_differences
from sim.analysis.over_draws import exact_p, over_draws, verdict

N = 1_000  # runs a draw and setting


def pairs_from(differences: list[float], at_medians: float, n: int = N, n_medians: int = 40_000):
    """Draws 0.. with these differences (the parameter x is the draw's number, z twice it, y
    alternates) and the medians' row −1: the runs that hit only at one setting number |d|·n,
    on a base of a twentieth of the runs that hit at both."""
    rows = []
    for row, d in [*enumerate(differences), (-1, at_medians)]:
        size = n if row >= 0 else n_medians
        only = round(abs(d) * size)
        only_from, only_to = (only, 0) if d < 0 else (0, only)
        rows.append(
            {"part": "posterior", "rule": "posterior", "row": row, "x": float(row),
             "z": 2.0 * row, "y": float(row % 2), "n": size, "hits_from": size // 20 + only_from,
             "hits_to": size // 20 + only_to, "only_from": only_from, "only_to": only_to}
        )  # fmt: skip
    return with_differences(pd.DataFrame(rows))


def test_each_draw_is_tested_exactly():
    """4 discordant runs against 0 is not beyond chance (exact p = 1/8), 8 against 0 is (1/128)."""
    assert exact_p(4, 0) == pytest.approx(0.125) and exact_p(0, 8) == pytest.approx(2 / 256)
    assert exact_p(0, 0) == 1.0


def test_a_sign_that_holds_in_every_draw_and_at_the_medians_is_robust():
    result = over_draws(pairs_from([-0.2 + x / 200 for x in range(40)], -0.06), ["x", "y", "z"])
    words = verdict(result, "falls")
    assert words.startswith("robust over the posterior (yes):")
    assert "clearly (on its own, beyond chance) in 39 of 40 draws" in words  # 5 runs: not
    assert "nor do the medians" in words
    assert "falls in 40, rises in 0 and does not change in 0 of 40 draws" in words
    assert verdict(result, "rises").startswith("robust over the posterior (no):")
    # The size follows x (and z, which moves with it: named as such); y is left out.
    assert result.spearman["parameter"].iloc[:2].tolist() in (["x", "z"], ["z", "x"])
    assert "x and z move together in the draws (ρ +1.00)" in words and "y (Spearman" not in words
    # The average over draws is the draws' mean with a t interval; the paired one is narrower.
    differences = result.draws["difference"]
    assert result.between[0] == pytest.approx(differences.mean())
    half = 2.0226909117347285 * differences.std(ddof=1) / np.sqrt(40)  # t(0.975, 39)
    assert result.between[2] - result.between[0] == pytest.approx(half)
    assert result.pooled[2] - result.pooled[1] < result.between[2] - result.between[1]
    # Each setting pooled over every draw's runs, with the 2.5-97.5% range of the draws' P.
    p_from = result.draws["p_from"]
    assert result.p_from[0] == pytest.approx(p_from.mean())
    assert result.p_from[1:] == pytest.approx(tuple(np.quantile(p_from, [0.025, 0.975])))


def test_draws_that_go_both_ways_on_their_own_are_not_a_finding():
    """30 draws fall by 5 points, 10 rise by 5: the average falls clearly, but 10 draws rise
    on their own where chance gives up to 3."""
    result = over_draws(pairs_from([-0.05] * 30 + [0.05] * 10, -0.03), ["x"])
    assert result.beyond == {"falls": 30, "rises": 10} and result.between[2] < 0
    words = verdict(result, "falls")
    assert (
        words.startswith("not a finding, it goes both ways:")
        and "30 of 40 draws fall and 10 rise on their own" in words
    )


def test_an_average_carried_by_a_minority_of_draws_is_shown_in_part_of_the_posterior():
    """16 draws fall by 20 points and 24 move by noise (±0.5 points, more of them down): the
    average falls clearly, and by point estimate in most draws, but clearly only in 16 of 40:
    the shape of the article's question over the shipped posterior."""
    noise = [-0.005] * 14 + [0.005] * 10
    result = over_draws(pairs_from([-0.20] * 16 + noise, -0.01), ["x"])
    assert result.between[2] < 0 and result.by_estimate["falls"] == 30
    assert result.beyond == {"falls": 16, "rises": 0}
    words = verdict(result, "falls")
    assert words.startswith("not a finding, shown in part of the posterior:")
    assert "clearly (on its own, beyond chance) in 16 of 40 draws, but not in the rest" in words


def test_an_outcome_no_run_has_at_one_setting_is_a_floor():
    """Nothing at the first setting anywhere: the difference cannot fall, so 'it rises' says
    nothing about the lever (the troops' wider war over the shipped posterior)."""
    rows = pairs_from([0.0] * 40, 0.0)
    rows[["hits_from", "only_to", "only_from"]] = 0
    rows.loc[rows.index[:3], ["hits_to", "only_to"]] = [5, 5]
    result = over_draws(with_differences(rows), ["x"])
    words = verdict(result, "falls")
    assert words.startswith("no finding, a floor: no run at the first setting has the outcome")
    assert "cannot fall" in words


def test_draws_that_clearly_go_both_ways_with_a_mean_near_zero_go_both_ways():
    result = over_draws(pairs_from([-0.05] * 20 + [0.05] * 20, 0.0), ["x"])
    assert sign(*result.between[1:]) == "none"
    assert verdict(result, "falls").startswith("not a finding, it goes both ways: 20 of 40")


def test_medians_that_go_the_other_way_make_it_not_a_finding():
    """Every draw falls, but at the medians (40,000 runs) it rises beyond its interval."""
    result = over_draws(pairs_from([-0.05] * 40, +0.01), ["x"])
    assert result.medians["sign"] == "rises"
    words = verdict(result, "falls")
    assert words.startswith("not a finding:") and "at the posterior medians it rises" in words
    assert "No parameter's |Spearman ρ|" in words  # every draw alike: ρ undefined, not named


def test_no_clear_sign_on_average_says_so_and_few_runs_a_draw_are_flagged():
    result = over_draws(pairs_from([0.0] * 40, 0.0), ["x"])
    assert verdict(result, "falls").startswith("no clear sign over the posterior")
    assert result.by_estimate == {"falls": 0, "rises": 0, "stays": 40}
    few = over_draws(pairs_from([-0.04] * 40, -0.04, n=25), ["x"])
    assert "Each draw has only 25 runs a setting" in verdict(few, "falls")
