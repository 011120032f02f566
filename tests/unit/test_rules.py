"""One test per rule: hand-computed values, and arrays give what scalars give."""

import numpy as np
import pytest

from sim import rules

THRESHOLDS = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 7.0])


def test_resolve_gain_is_one_at_half_resolve():
    assert rules.resolve_gain(0.5) == 1.0
    assert rules.resolve_gain(1.0) == 1.5


def test_reaction_coefficient_scales_reactivity_by_resolve():
    assert rules.reaction_coefficient(0.02, 0.5) == 0.02
    assert rules.reaction_coefficient(0.02, 1.0) == pytest.approx(0.03)


def test_perceived_hostility_is_exact_without_bias_or_noise():
    assert rules.perceived_hostility(1.7, 0.9, 0.0, 0.0, 0.123) == 1.7


def test_perceived_hostility_bias_and_noise():
    # y·(1 + β·τ) + ν·τ·(2u − 1) = 2·(1 + 0.5·0.8) + 0.3·0.8·(2·0.75 − 1) = 2.8 + 0.12
    assert rules.perceived_hostility(2.0, 0.8, 0.5, 0.3, 0.75) == pytest.approx(2.92)


def test_perceived_hostility_is_never_negative():
    assert rules.perceived_hostility(0.0, 1.0, 0.0, 1.0, 0.0) == 0.0


def test_effective_restraint_weakens_with_days_committed():
    assert rules.effective_restraint(0.06, 0.5, 0.0, 60.0) == 0.06
    # half of c is lost after D days: 0.06·(1 − 0.5·½)
    assert rules.effective_restraint(0.06, 0.5, 60.0, 60.0) == pytest.approx(0.045)


def test_framing_grievance_grows_with_opposing_troops():
    assert rules.framing_grievance(0.003, 10_000) == pytest.approx(0.03)
    assert rules.framing_grievance(0.003, 0) == 0.0


def test_hardening_grievance_only_while_warned():
    assert rules.hardening_grievance(0.01, 1.0) == 0.01
    assert rules.hardening_grievance(0.01, 0.0) == 0.0


def test_backdown_pressure_pulls_a_committed_actor_up_to_its_warning():
    assert rules.backdown_pressure(0.4, 0.5, 1.0, 1.0) == pytest.approx(0.3)
    assert rules.backdown_pressure(1.4, 0.5, 1.0, 1.0) == 0.0
    assert rules.backdown_pressure(0.4, 0.5, 0.0, 1.0) == 0.0


def test_daily_grievance_sums_its_terms():
    assert rules.daily_grievance(0.1, 0.2, 0.3, 0.4, 0.5) == pytest.approx(1.5)


def test_richardson_step_is_the_discrete_update():
    x, a, y, m, g = 1.5, 0.03, 2.0, 0.06, 0.01
    assert rules.richardson_step(x, a, y, m, g) == x + a * y - m * x + g


def test_richardson_step_floors_hostility_at_zero():
    assert rules.richardson_step(0.1, 0.0, 0.0, 1.0, -0.5) == 0.0


def test_front_intensity_jumps_once_an_offensive_resumes():
    assert rules.front_intensity(1.0, False, 3.0) == 1.0
    assert rules.front_intensity(1.0, True, 3.0) == 3.0


def test_exposure_adds_troops_in_harms_way():
    assert rules.exposure_of(0.3, 5000, 1.0) == pytest.approx(5.3)
    assert rules.exposure_of(0.3, 5000, 3.0) == pytest.approx(15.3)


def test_incident_probability_is_capped_at_one():
    assert rules.incident_probability(0.0003, 1.0, 5.3) == pytest.approx(0.00159)
    assert rules.incident_probability(0.5, 10.0, 10.0) == 1.0


def test_misread_probability_rises_with_threat_perception_and_falls_with_the_hotline():
    assert rules.misread_probability(0.8, 0.25) == pytest.approx(0.6)
    assert rules.misread_probability(0.8, 1.0) == 0.0
    assert rules.misread_probability(0.0, 0.0) == 0.0


def test_incident_shock_is_large_when_misread():
    assert rules.incident_shock(True, 3.0, 0.2) == 3.0
    assert rules.incident_shock(False, 3.0, 0.2) == 0.2


def test_felt_shock_scales_by_share_and_resolve():
    assert rules.felt_shock(2.0, 0.5, 1.0) == 2.0
    assert rules.felt_shock(2.0, 1.0, 0.5) == 1.5


def test_deterrent_weight_is_troops_times_resolve():
    assert rules.deterrent_weight(5000, 0.5) == 2.5


def test_offensive_probability_falls_with_deterrence():
    undeterred = rules.offensive_probability(0.002, 1.0, 2.0, 0.0)
    deterred = rules.offensive_probability(0.002, 1.0, 2.0, 5.0)
    assert undeterred == pytest.approx(0.004)
    assert deterred == pytest.approx(0.004 / 11)
    assert rules.offensive_probability(1.0, 5.0, 0.0, 0.0) == 1.0


def test_casualty_count_is_uniform_on_zero_to_twice_the_mean():
    assert rules.casualty_count(4.0, 0.0) == 0.0
    assert rules.casualty_count(4.0, 0.999999) == 8.0
    counts = rules.casualty_count(4.0, (np.arange(9000) + 0.5) / 9000)
    assert np.bincount(counts.astype(int)).tolist() == [1000] * 9
    assert counts.mean() == pytest.approx(4.0)


def test_casualty_limit_scales_tolerance_by_resolve():
    assert rules.casualty_limit(30.0, 0.5) == 30.0
    assert rules.casualty_limit(30.0, 1.0) == 45.0


def test_withdraws_only_with_troops_past_the_limit():
    assert rules.withdraws(5000, 31.0, 30.0)
    assert not rules.withdraws(5000, 30.0, 30.0)
    assert not rules.withdraws(0, 99.0, 30.0)


def test_rung_of_counts_thresholds_reached():
    assert rules.rung_of(0.99, THRESHOLDS, True) == 0
    assert rules.rung_of(1.0, THRESHOLDS, True) == 1
    assert rules.rung_of(4.5, THRESHOLDS, True) == 4
    assert rules.rung_of(7.0, THRESHOLDS, True) == 6


def test_rung_six_needs_nuclear_weapons():
    assert rules.rung_of(9.0, THRESHOLDS, False) == 5


def test_opposing_hostility_is_the_most_hostile_opponent():
    h = np.array([3.0, 1.0, 2.0, 9.0])
    assert rules.opposing_hostility(h, np.array([0, 1, 1, 0]), 0) == 2.0
    assert rules.opposing_hostility(h, np.array([0, 1, 1, 0]), 1) == 9.0


def test_most_hostile_picks_the_first_on_a_tie():
    h = np.array([3.0, 2.0, 2.0])
    assert rules.most_hostile(h, np.array([0, 1, 1]), 0) == 1
    assert rules.most_hostile(h, np.array([0, 1, 1]), 1) == 0


def test_rules_accept_arrays_as_well_as_scalars():
    x = np.array([0.0, 0.5, 2.0])
    vector = rules.richardson_step(x, 0.03, x[::-1], 0.06, 0.01)
    scalar = [
        rules.richardson_step(a, 0.03, b, 0.06, 0.01) for a, b in zip(x, x[::-1], strict=False)
    ]
    assert vector.tolist() == scalar
    assert rules.rung_of(x, THRESHOLDS, np.array([True, True, False])).tolist() == [0, 0, 2]
    assert rules.withdraws(np.array([0, 10]), np.array([50.0, 50.0]), 30.0).tolist() == [
        False,
        True,
    ]
