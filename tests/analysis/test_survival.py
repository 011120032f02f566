"""Cox proportional hazards and Kaplan-Meier bands on data with a known answer."""

import numpy as np
import pandas as pd
import pytest

from sim.analysis.survival import cox_hazards
from sim.analysis.sweep_stats import survival_data


def exponential_runs(n: int = 4000, seed: int = 3) -> pd.DataFrame:
    """Runs whose daily hazard of escalation is 0.01·exp(1.2·a + 0.7·s): `a` on [0, 1], the
    switch `s` on or off, `b` has no effect; horizon 200 days (later ones censored)."""
    rng = np.random.default_rng(seed)
    a, b = rng.uniform(0, 1, n), rng.uniform(0, 1, n)
    s = rng.uniform(size=n) < 0.5
    time = rng.exponential(1 / (0.01 * np.exp(1.2 * a + 0.7 * s)))
    day = np.floor(time).astype(int)
    escalated = day <= 200
    return pd.DataFrame(
        {
            "point": np.arange(n),
            "run": np.arange(n),  # one run a point: each its own cluster
            "a": a,
            "b": b,
            "mechanisms.s": s,
            "first_rung_5_day": np.where(escalated, day, -1),
            "end_day": np.full(n, 200),
        }
    )


def test_cox_recovers_planted_hazard_ratios():
    runs = exponential_runs()
    hazards, notes = cox_hazards(runs, ["a", "b", "mechanisms.s"], 5, 200)
    hazards = hazards.set_index("parameter")
    assert notes == []  # a clean fit
    # a: per SD of a uniform on [0, 1] (1/√12), the true ratio is exp(1.2/√12) ≈ 1.41.
    # Whole days make ties, which pull a ratio a little towards 1: within 10%, seeded.
    true_a = np.exp(1.2 * runs["a"].std(ddof=0))
    assert hazards.loc["a", "hazard ratio"] == pytest.approx(true_a, rel=0.1)
    assert hazards.loc["mechanisms.s", "scale"] == "on against off"
    assert hazards.loc["mechanisms.s", "hazard ratio"] == pytest.approx(np.exp(0.7), rel=0.1)
    assert hazards.loc["b", "low"] < 1 < hazards.loc["b", "high"]  # no effect
    assert hazards.loc["a", "p"] < 1e-6


def test_cox_says_nothing_when_no_run_escalated():
    runs = exponential_runs(200)
    runs["first_rung_5_day"] = -1
    hazards, notes = cox_hazards(runs, ["a", "b"], 5, 200)
    assert hazards.empty and notes == []


def test_a_separated_fit_is_flagged():
    """Runs with a > 0.5 escalate, the higher a the sooner, and none other does: `a` orders
    the events exactly (complete separation), so no finite ratio fits."""
    runs = exponential_runs(300)
    day = np.floor(100 * (1 - runs["a"])).astype(int)
    runs["first_rung_5_day"] = np.where(runs["a"] > 0.5, day, -1)
    _, notes = cox_hazards(runs, ["a"], 5, 200)
    assert notes and any("converge" in n for n in notes)


def test_kaplan_meier_bands_bracket_the_curve():
    runs = exponential_runs(600)
    curves = survival_data(runs, "mechanisms.s", 5, 200)
    assert curves["group"].nunique() == 2
    assert (curves["low"] <= curves["survival"] + 1e-12).all()
    assert (curves["survival"] <= curves["high"] + 1e-12).all()
    assert curves.groupby("group")["survival"].is_monotonic_decreasing.all()
    from lifelines import KaplanMeierFitter

    on = runs[runs["mechanisms.s"]]
    day = on["first_rung_5_day"]
    fitted = KaplanMeierFitter().fit(np.where(day >= 0, day, 200), day >= 0)
    ours = curves[curves["group"] == curves["group"].iloc[-1]].set_index("day")["survival"]
    theirs = fitted.survival_function_.iloc[:, 0].reindex(ours.index, method="ffill")
    np.testing.assert_allclose(ours.to_numpy(), theirs.to_numpy(), rtol=1e-12)


def test_runs_repeated_across_points_do_not_count_as_new_evidence():
    """Common random numbers: copying every run to a second point with the same run index
    adds no information, so the clustered interval keeps its width (a naive one would
    shrink by √2)."""
    once = exponential_runs(1500)
    twice = pd.concat([once, once.assign(point=once["point"] + 1500)], ignore_index=True)
    width = {}
    for name, runs in (("once", once), ("twice", twice)):
        hazards, _ = cox_hazards(runs, ["a"], 5, 200)
        width[name] = float(np.log(hazards["high"].iloc[0] / hazards["low"].iloc[0]))
    assert width["twice"] == pytest.approx(width["once"], rel=0.02)
