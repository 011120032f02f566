"""A question's answer over a posterior's draws, on pairs with planted answers (no model run).

Each draw's difference P(to) − P(from) is a known function of its parameter x, carried by
exact discordant counts, so the pooled values, the counts by sign and Spearman's ρ are known.
"""

import numpy as np
import pandas as pd
import pytest

from sim.analysis.answers import with_differences
from sim.analysis.over_draws import over_draws, verdict

N = 1_000  # runs a draw and setting


def pairs_from(differences: list[float], at_medians: float, n_medians: int = 40_000):
    """Draws 0.. with these differences (the parameter x is the draw's number) and the
    medians' row −1: the runs that hit only at one setting number |d|·n, on a base of 50."""
    rows = []
    for row, d in [*enumerate(differences), (-1, at_medians)]:
        n = N if row >= 0 else n_medians
        only = round(abs(d) * n)
        only_from, only_to = (only, 0) if d < 0 else (0, only)
        rows.append(
            {"part": "posterior", "rule": "posterior", "row": row, "x": float(row),
             "y": float(row % 2), "n": n, "hits_from": 50 + only_from, "hits_to": 50 + only_to,
             "only_from": only_from, "only_to": only_to}
        )  # fmt: skip
    return with_differences(pd.DataFrame(rows))


def test_a_difference_that_follows_a_parameter_is_not_a_finding_and_names_it():
    """Forty draws, the difference rising with x from −20 to +19 points: the pooled difference
    falls, 19 draws rise beyond their interval (chance gives up to 3), ρ(x) is exactly +1."""
    differences = [(x - 20) / 100 for x in range(40)]
    result = over_draws(pairs_from(differences, -0.001), ["x", "y"])
    assert result.by_estimate == {"falls": 20, "rises": 19, "stays": 1}
    assert result.beyond["rises"] == 19 and result.beyond["falls"] == 20
    assert result.spearman.iloc[0].tolist() == ["x", pytest.approx(1.0)]
    assert result.pooled[0] == pytest.approx(np.mean(differences))
    # Each setting pooled over every draw's runs, with the 2.5-97.5% range of the draws' P.
    p_to = (50 + 1000 * np.clip(differences, 0, None)) / N
    assert result.p_to[0] == pytest.approx(p_to.mean())
    assert result.p_to[1:] == pytest.approx(tuple(np.quantile(p_to, [0.025, 0.975])))
    words = verdict(result, "falls")
    assert words.startswith("not a finding:") and "in 19 of 40 draws it rises beyond" in words
    assert "world" not in words and "x (Spearman +1.00)" in words and "y (" not in words


def test_a_sign_that_holds_in_every_draw_and_at_the_medians_is_robust():
    result = over_draws(pairs_from([-0.05 - x / 1000 for x in range(40)], -0.06), ["x"])
    words = verdict(result, "falls")
    assert words.startswith("robust over the posterior (yes):")
    assert "no draw rises beyond its 95% interval" in words
    assert "falls in 40, rises in 0 and does not change in 0 of 40 draws" in words
    assert verdict(result, "rises").startswith("robust over the posterior (no):")


def test_medians_that_go_the_other_way_make_it_not_a_finding():
    """Every draw falls, but at the medians (40,000 runs) it rises beyond its interval."""
    result = over_draws(pairs_from([-0.05] * 40, +0.01), ["x"])
    assert result.medians["sign"] == "rises"
    words = verdict(result, "falls")
    assert words.startswith("not a finding:") and "at the posterior medians it rises" in words
    assert "No parameter's |Spearman ρ|" in words  # every draw alike: ρ undefined, not named


def test_no_clear_sign_on_average_says_so():
    result = over_draws(pairs_from([0.0] * 40, 0.0), ["x"])
    assert verdict(result, "falls").startswith("no clear sign over the posterior")
    assert result.by_estimate == {"falls": 0, "rises": 0, "stays": 40}
