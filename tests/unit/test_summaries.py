"""Wilson intervals and the tally of many runs."""

import math

import numpy as np
import pandas as pd
import pytest

from sim.outcomes import OUTCOME_LABELS
from sim.summaries import Tally, wilson_interval


@pytest.mark.parametrize(
    ("k", "n", "low", "high"),
    [
        (0, 10, 0.0, 0.2775),  # Wilson (1927); the textbook values, 4 decimals
        (5, 10, 0.2366, 0.7634),
        (10, 10, 0.7225, 1.0),
        (81, 263, 0.2553, 0.3662),
    ],
)
def test_wilson_interval_matches_known_values(k, n, low, high):
    lo, hi = wilson_interval(k, n)
    assert lo == pytest.approx(low, abs=1e-4)
    assert hi == pytest.approx(high, abs=1e-4)


def test_wilson_interval_without_trials_is_undefined():
    assert all(math.isnan(x) for x in wilson_interval(0, 0))


def table(outcomes, escalated, misstep, twin_escalated, day):
    return pd.DataFrame(
        {
            "outcome": pd.Categorical(outcomes, categories=OUTCOME_LABELS),
            "escalated": escalated,
            "misstep_happened": misstep,
            "twin_escalated": twin_escalated,
            "caused_by_misstep": np.array(escalated) & ~np.array(twin_escalated),
            "first_rung_5_day": day,
        }
    )


def test_tally_counts_attribution_exactly():
    t = Tally(horizon=10, escalation_rung=5)
    t.add(
        table(["open war", "ceasefire held"], [True, False], [True, False], [False, False], [4, -1])
    )
    t.add(table(["open war", "open war"], [True, True], [True, False], [True, True], [4, 9]))
    rows = t.attribution().set_index("quantity")
    assert (rows.loc["P(escalation)", "count"], rows.loc["P(escalation)", "of"]) == (3, 4)
    assert (rows.loc["P(escalation | misstep)", ["count", "of"]] == [2, 2]).all()
    assert (rows.loc["P(escalation | no misstep)", ["count", "of"]] == [1, 2]).all()
    assert (rows.loc["escalations caused by missteps", ["count", "of"]] == [1, 3]).all()
    assert t.escalation_days.tolist() == [0, 0, 0, 0, 2, 0, 0, 0, 0, 1, 0]
    outcomes = t.outcome_shares().set_index("quantity")
    assert outcomes.loc["open war", "share"] == 0.75
    assert outcomes["count"].sum() == 4
