"""One test per rule: hand-computed values where the rule is exact, properties where it has an
invariant. The rules are compiled by numba and called here with Python floats."""

import inspect
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.model import rules
from sim.model.rules import beliefs, combat, crisis, decisions, hostility, incidents

unit = st.floats(0.0, 1.0)
ratio_up = st.floats(1.0, 100.0, exclude_min=True)
ratio_down = st.floats(0.01, 1.0, exclude_max=True)
doubt = st.floats(0.0, 1.0, exclude_max=True)  # certainty (b = 1) has a test of its own
ROUNDING = 1e-15  # a few roundings near 1


# ---------------------------------------------------------------------------- every rule


def all_rules():
    for name in rules.MODULES:
        module = getattr(rules, name)
        for attribute, value in vars(module).items():
            if hasattr(value, "py_func") and value.__module__ == module.__name__:
                yield f"{name}.{attribute}", value


def test_every_rule_module_is_listed_and_every_rule_states_its_rule():
    found = dict(all_rules())
    assert len(found) >= 35
    for name, rule in found.items():
        assert inspect.getdoc(rule.py_func), f"{name} has no docstring"


# ---------------------------------------------------------------------------- hostility


def test_resolve_gain_is_neutral_at_half_resolve():
    assert hostility.resolve_gain(0.0) == 0.5
    assert hostility.resolve_gain(0.5) == 1.0
    assert hostility.resolve_gain(1.0) == 1.5


def test_reaction_coefficient_scales_reactivity_by_resolve():
    assert hostility.reaction_coefficient(0.02, 0.5) == 0.02
    assert hostility.reaction_coefficient(0.02, 1.0) == pytest.approx(0.03)
    assert hostility.reaction_coefficient(0.02, 0.0) == 0.01


def test_perceived_hostility_is_exact_without_bias_or_noise():
    assert hostility.perceived_hostility(1.7, 0.9, 0.0, 0.0, 0.123) == 1.7


def test_perceived_hostility_bias_and_noise():
    # y·(1 + β·τ) + ν·τ·(2u − 1) = 2·(1 + 0.5·0.8) + 0.3·0.8·(2·0.75 − 1) = 2.8 + 0.12
    assert hostility.perceived_hostility(2.0, 0.8, 0.5, 0.3, 0.75) == pytest.approx(2.92)
    # u = ½ is the middle of the noise: no blur
    assert hostility.perceived_hostility(2.0, 0.8, 0.5, 0.3, 0.5) == pytest.approx(2.8)


def test_perceived_hostility_without_threat_perception_is_the_truth():
    assert hostility.perceived_hostility(2.0, 0.0, 5.0, 5.0, 0.9) == 2.0


def test_perceived_hostility_is_never_negative():
    assert hostility.perceived_hostility(0.0, 1.0, 0.0, 1.0, 0.0) == 0.0


def test_framing_grievance_grows_with_opposing_troops():
    assert hostility.framing_grievance(0.003, 10_000.0) == pytest.approx(0.03)
    assert hostility.framing_grievance(0.003, 0.0) == 0.0


def test_hardening_grievance_only_while_the_opponent_has_warned():
    assert hostility.hardening_grievance(0.01, 1.0) == 0.01
    assert hostility.hardening_grievance(0.01, 0.0) == 0.0


def test_felt_shock_scales_by_share_and_resolve():
    assert hostility.felt_shock(2.0, 0.5, 1.0) == 2.0
    assert hostility.felt_shock(2.0, 1.0, 0.5) == 1.5
    assert hostility.felt_shock(2.0, 1.0, 0.0) == 0.0


def test_richardson_step_is_the_discrete_update():
    x, a, y, m, g = 1.5, 0.03, 2.0, 0.06, 0.01
    assert hostility.richardson_step(x, a, y, m, g) == x + a * y - m * x + g


def test_richardson_step_floors_hostility_at_zero():
    assert hostility.richardson_step(0.1, 0.0, 0.0, 1.0, -0.5) == 0.0


def test_richardson_step_settles_at_the_fixed_point():
    # x* = (a·y + g)/m for a fixed perceived y: 0.02·1 + 0.01 over 0.06 = 0.5
    x = 0.0
    for _ in range(2000):
        x = hostility.richardson_step(x, 0.02, 1.0, 0.06, 0.01)
    assert x == pytest.approx(0.5, rel=1e-12)


# ---------------------------------------------------------------------------- beliefs


def test_perceived_likelihood_hand_values():
    # hostile: 1 + (1.5 − 1)·(1 + 0.5·0.8) = 1.7
    assert beliefs.perceived_likelihood(1.5, 0.8, 0.5) == pytest.approx(1.7)
    # reassuring: 1 − (1 − 0.8)·(1 − 0.5) = 0.9
    assert beliefs.perceived_likelihood(0.8, 0.5, 0.5) == pytest.approx(0.9)
    assert beliefs.perceived_likelihood(1.0, 0.9, 3.0) == 1.0


def test_perceived_likelihood_without_threat_perception_is_the_signal():
    assert beliefs.perceived_likelihood(1.5, 0.0, 0.5) == 1.5
    assert beliefs.perceived_likelihood(0.8, 0.0, 0.5) == 0.8


def test_full_threat_perception_ignores_reassurance():
    assert beliefs.perceived_likelihood(0.8, 1.0, 0.5) == 1.0


@given(ratio=ratio_up, low=unit, high=unit, bias=st.floats(0.0, 10.0))
def test_threat_perception_amplifies_hostile_signals(ratio, low, high, bias):
    low, high = sorted((low, high))
    weak = beliefs.perceived_likelihood(ratio, low, bias)
    strong = beliefs.perceived_likelihood(ratio, high, bias)
    assert ratio <= weak <= strong


@given(ratio=ratio_down, low=unit, high=unit, bias=st.floats(0.0, 10.0))
def test_threat_perception_discounts_reassuring_signals(ratio, low, high, bias):
    low, high = sorted((low, high))
    weak = beliefs.perceived_likelihood(ratio, low, bias)
    strong = beliefs.perceived_likelihood(ratio, high, bias)
    # 1 − (1 − L) at τ = 0 is L up to one rounding
    assert ratio - ROUNDING <= weak <= strong <= 1.0


def test_shared_likelihood_counts_at_the_solidarity_share():
    assert beliefs.shared_likelihood(1.5, 1.0) == 1.5
    assert beliefs.shared_likelihood(1.5, 0.0) == 1.0
    assert beliefs.shared_likelihood(1.5, 0.5) == 1.25
    assert beliefs.shared_likelihood(0.8, 0.5) == pytest.approx(0.9)


def test_bayes_update_hand_values():
    # 0.2·1.5 / (0.2·1.5 + 0.8) = 0.3/1.1
    assert beliefs.bayes_update(0.2, 1.5) == pytest.approx(0.3 / 1.1)
    assert beliefs.bayes_update(0.5, 0.8) == pytest.approx(0.4 / 0.9)
    assert beliefs.bayes_update(0.37, 1.0) == 0.37


def test_a_belief_of_zero_does_not_move():
    for ratio in (0.01, 0.8, 1.5, 100.0):
        assert beliefs.bayes_update(0.0, ratio) == 0.0


def test_certainty_is_a_fixed_point_of_bayes_rule():
    # initial_belief = 1 is a valid scenario value
    assert beliefs.bayes_update(1.0, 0.1149372277711501) == 1.0  # got 1.0000000000000009
    assert beliefs.bayes_update(1.0, 0.01) == 1.0  # got 0.9999999999999991


@given(belief=doubt, ratio=ratio_up)
def test_bayes_update_stays_in_the_unit_interval_and_moves_toward_one_on_hostile_signals(
    belief, ratio
):
    updated = beliefs.bayes_update(belief, ratio)
    assert belief - ROUNDING <= updated <= 1.0  # a ratio of 1 + 1 ulp may round down


@given(belief=doubt, ratio=ratio_down)
def test_bayes_update_moves_toward_zero_on_reassuring_signals(belief, ratio):
    updated = beliefs.bayes_update(belief, ratio)
    assert 0.0 <= updated <= belief + ROUNDING


@given(belief=st.floats(0.01, 0.99), first=st.floats(0.1, 10.0), second=st.floats(0.1, 10.0))
def test_two_signals_update_as_their_product(belief, first, second):
    # Bayes' rule on the odds: the day's signals multiply (the engine multiplies them first)
    twice = beliefs.bayes_update(beliefs.bayes_update(belief, first), second)
    assert twice == pytest.approx(beliefs.bayes_update(belief, first * second), rel=1e-12)


# ---------------------------------------------------------------------------- decisions


def test_exp_neg_is_exactly_one_at_zero_and_zero_below_the_floor():
    assert decisions.exp_neg(0.0) == 1.0
    assert decisions.exp_neg(-40.000001) == 0.0
    assert decisions.exp_neg(-1e300) == 0.0
    assert decisions.exp_neg(-40.0) > 0.0  # the floor itself is still computed


def test_exp_neg_matches_the_exponential_within_two_parts_in_a_hundred_million():
    zs = np.linspace(-40.0, 0.0, 40_001)
    ours = np.array([decisions.exp_neg(z) for z in zs])
    relative = np.abs(ours - np.exp(zs)) / np.exp(zs)
    assert relative.max() < 2e-8
    assert (np.diff(ours) >= 0.0).all()  # and it never decreases


@given(z=st.floats(-40.0, 0.0))
def test_exp_neg_matches_math_exp_anywhere_on_its_range(z):
    assert abs(decisions.exp_neg(z) - math.exp(z)) <= 2e-8 * math.exp(z)


def test_exp_neg_compiled_and_pure_python_agree_to_the_last_bit():
    for z in np.linspace(-40.0, 0.0, 2001):
        assert decisions.exp_neg(z) == decisions.exp_neg.py_func(z)


def test_felt_anger_saturates_at_four():
    assert decisions.felt_anger(0.0) == 0.0
    assert decisions.felt_anger(4.0) == 2.0  # half its ceiling at x = 4
    assert decisions.felt_anger(1.0) == pytest.approx(0.8)
    assert decisions.felt_anger(1e12) == pytest.approx(4.0)


@given(low=st.floats(0.0, 1e6), high=st.floats(0.0, 1e6))
def test_felt_anger_grows_with_hostility_but_stays_below_it_and_below_four(low, high):
    low, high = sorted((low, high))
    assert 0.0 <= decisions.felt_anger(low) <= decisions.felt_anger(high) < 4.0
    assert decisions.felt_anger(high) <= high


def test_felt_harm_saturates_at_one():
    assert decisions.felt_harm(0.0) == 0.0
    assert decisions.felt_harm(1.0) == 0.5
    assert decisions.felt_harm(3.0) == 0.75
    assert decisions.felt_harm(1e9) < 1.0


def test_weariness_is_pain_weighted_by_the_lack_of_resolve():
    assert decisions.weariness(2.0, 0.25) == 1.5
    assert decisions.weariness(2.0, 1.0) == 0.0
    assert decisions.weariness(0.0, 0.0) == 0.0


def test_backdown_cost_is_zero_when_not_committed():
    assert decisions.backdown_cost(0.3, False, 100.0, 60.0) == 0.0


def test_backdown_cost_grows_with_days_committed_towards_twice_c():
    assert decisions.backdown_cost(0.3, True, 0.0, 60.0) == 0.3
    assert decisions.backdown_cost(0.3, True, 60.0, 60.0) == pytest.approx(0.45)
    assert decisions.backdown_cost(0.3, True, 1e9, 60.0) == pytest.approx(0.6, rel=1e-7)


@given(c=st.floats(0.0, 5.0), d1=st.floats(0.0, 1e5), d2=st.floats(0.0, 1e5))
def test_backdown_cost_lies_between_c_and_twice_c_and_never_falls(c, d1, d2):
    early, late = sorted((d1, d2))
    b_early = decisions.backdown_cost(c, True, early, 60.0)
    b_late = decisions.backdown_cost(c, True, late, 60.0)
    assert c <= b_early <= b_late <= 2.0 * c


def test_hold_is_the_reference():
    assert decisions.hold_utility() == 0.0


def test_deescalate_utility_hand_value():
    # (1 − 0.2)·0.5·2/4 + 0.1 − 0.2·1/4 − 0.75/2 − 0.3 = 0.2 + 0.1 − 0.05 − 0.375 − 0.3
    value = decisions.deescalate_utility(0.2, 0.5, 2.0, 0.2, 1.0, 0.75, 0.3, 0.1)
    assert value == pytest.approx(-0.425)


def test_deescalation_is_worth_less_against_an_opponent_believed_aggressive():
    trusted = decisions.deescalate_utility(0.1, 0.5, 3.0, 0.2, 1.0, 0.75, 0.0, 0.0)
    feared = decisions.deescalate_utility(0.9, 0.5, 3.0, 0.2, 1.0, 0.75, 0.0, 0.0)
    assert feared < trusted


def test_backing_down_costs_face_and_weariness_favours_deescalation():
    base = decisions.deescalate_utility(0.1, 0.5, 3.0, 0.2, 1.0, 0.75, 0.0, 0.0)
    assert decisions.deescalate_utility(0.1, 0.5, 3.0, 0.2, 1.0, 0.75, 0.6, 0.0) == pytest.approx(
        base - 0.6
    )
    assert decisions.deescalate_utility(0.1, 0.5, 3.0, 0.2, 1.0, 0.75, 0.0, 0.5) == pytest.approx(
        base + 0.5
    )


def test_warn_utility_hand_value():
    # ω_w·b·V + h·x/4 − κₘ = 0.3·0.5·2 + 0.2·1/4 − 0.75
    assert decisions.warn_utility(0.5, 2.0, 0.2, 1.0, 0.75, 0.3) == pytest.approx(-0.4)


def test_mobilise_utility_hand_value():
    # ω_m·b·V + h·x/2 − 2κₘ·(1 − r) = 0.5·0.5·2 + 0.2·1/2 − 2·0.75·(1 − 0.6)
    assert decisions.mobilise_utility(0.5, 2.0, 0.2, 1.0, 0.75, 0.6, 0.5) == pytest.approx(0.0)


def test_probe_utility_hand_value():
    # ω_p·h·x + ½·ρ·H − 3κₘ·(1 − r) = ¾·0.2·2 + ½·0.5·1 − 3·0.75·(1 − 0.5)
    assert decisions.probe_utility(0.2, 2.0, 0.5, 1.0, 0.75, 0.5, 0.75) == pytest.approx(-0.575)


def test_strike_utility_hand_value_and_harm_invites_a_strike():
    # 0.2·2 + 0.5·1 − (1 − 0.5)·2 − 0.3
    assert decisions.strike_utility(0.2, 2.0, 0.5, 1.0, 2.0, 0.5, 0.3) == pytest.approx(-0.4)
    unharmed = decisions.strike_utility(0.2, 2.0, 0.5, 0.0, 2.0, 0.5, 0.0)
    harmed = decisions.strike_utility(0.2, 2.0, 0.5, 0.8, 2.0, 0.5, 0.0)
    assert harmed - unharmed == pytest.approx(0.4)


def test_attack_utility_hand_value():
    # (2·0.6 − 1)·1.5 + 0.5·0.4·1.5 + 0.2·2 − (1 − 0.7)·6·(1 + 0.5) − 0.25
    value = decisions.attack_utility(0.6, 1.5, 0.5, 0.4, 0.2, 2.0, 6.0, 0.7, 0.5, 0.25)
    assert value == pytest.approx(0.3 + 0.3 + 0.4 - 2.7 - 0.25)


def test_a_tripwire_and_weariness_make_attacking_dearer_and_winning_makes_it_dearer_to_forgo():
    alone = decisions.attack_utility(0.6, 1.5, 0.5, 0.4, 0.2, 2.0, 6.0, 0.7, 0.0, 0.0)
    guarded = decisions.attack_utility(0.6, 1.5, 0.5, 0.4, 0.2, 2.0, 6.0, 0.7, 1.0, 0.0)
    weary = decisions.attack_utility(0.6, 1.5, 0.5, 0.4, 0.2, 2.0, 6.0, 0.7, 0.0, 0.5)
    stronger = decisions.attack_utility(0.8, 1.5, 0.5, 0.4, 0.2, 2.0, 6.0, 0.7, 0.0, 0.0)
    assert guarded == pytest.approx(alone - 0.3 * 6.0)
    assert weary == pytest.approx(alone - 0.5)
    assert stronger > alone


def test_withdraw_utility_hand_value():
    # 2·(1 − 0.5)·3 − 0.5 − 0.75 − 0.3
    assert decisions.withdraw_utility(3.0, 0.5, 0.5, 0.75, 0.3) == pytest.approx(1.45)


def test_nuclear_utility_hand_value():
    # 2·(1 − 2·0.1)·1.5 + 0.2·3 − 50
    assert decisions.nuclear_utility(0.1, 1.5, 0.2, 3.0, 50.0) == pytest.approx(2.4 + 0.6 - 50.0)
    assert decisions.nuclear_utility(0.5, 1.5, 0.0, 3.0, 50.0) == -50.0


def test_nuclear_use_tempts_a_side_losing_a_war_or_enraged_by_one():
    calm_winner = decisions.nuclear_utility(0.9, 1.5, 0.2, 0.0, 0.0)
    losing = decisions.nuclear_utility(0.1, 1.5, 0.2, 0.0, 0.0)
    enraged = decisions.nuclear_utility(0.9, 1.5, 0.2, 20.0, 0.0)
    assert calm_winner < 0.0 < losing
    assert enraged == pytest.approx(calm_winner + 4.0)


def test_quantal_choice_replaces_utilities_by_their_weights():
    utilities = np.array([0.0, 1.0, 0.5])
    decisions.quantal_choice(utilities, 3, 2.0, 0.5)
    assert utilities.tolist() == pytest.approx([math.exp(-2.0), 1.0, math.exp(-1.0)], rel=2e-8)


def test_quantal_choice_draws_on_the_cumulative_logit_weights():
    # two options, U = 0 and 1, λ = 1: option 0 has chance 1/(1 + e) = 0.268941...
    threshold = 1.0 / (1.0 + math.e)
    assert decisions.quantal_choice(np.array([0.0, 1.0]), 2, 1.0, threshold - 1e-6) == 0
    assert decisions.quantal_choice(np.array([0.0, 1.0]), 2, 1.0, threshold + 1e-6) == 1
    assert decisions.quantal_choice(np.array([0.0, 1.0]), 2, 1.0, 0.0) == 0
    assert decisions.quantal_choice(np.array([0.0, 1.0]), 2, 1.0, 0.999999) == 1


def test_quantal_choice_shares_are_the_logit_shares():
    # a stratified grid of u: each option's frequency is its logit share to within 1/N
    utilities, precision, n = np.array([0.3, -0.2, 0.1, 0.25]), 3.0, 20_000
    counts = np.zeros(4)
    for u in (np.arange(n) + 0.5) / n:
        counts[decisions.quantal_choice(utilities.copy(), 4, precision, u)] += 1
    expected = np.exp(precision * utilities) / np.exp(precision * utilities).sum()
    assert np.abs(counts / n - expected).max() <= 2.0 / n


def test_quantal_choice_picks_the_best_option_at_high_precision():
    # λ = 1000 and utility gaps of at least 0.05: the others' weights are below e^−40, so 0
    rng = np.random.default_rng(2026)
    for _ in range(300):
        count = int(rng.integers(2, 9))
        utilities = rng.permutation(np.arange(count) * 0.05) + rng.normal()
        best = int(np.argmax(utilities))
        u = rng.random()
        assert decisions.quantal_choice(utilities.copy(), count, 1000.0, u) == best


def test_quantal_choice_at_zero_precision_picks_every_option_alike():
    # λ = 0: every weight is 1. 5,000 seeded uniforms over 5 options: 1,000 expected each,
    # sd ≈ 28; tolerance 150 (more than 5 sd)
    rng = np.random.default_rng(7)
    utilities = np.array([5.0, -3.0, 0.0, 100.0, 1.0])
    counts = np.zeros(5)
    for u in rng.random(5000):
        counts[decisions.quantal_choice(utilities.copy(), 5, 0.0, u)] += 1
    assert np.abs(counts - 1000).max() < 150


def test_quantal_choice_looks_only_at_the_first_count_options():
    utilities = np.array([0.0, 0.1, 100.0, 100.0])
    for u in (0.0, 0.5, 0.999):
        assert decisions.quantal_choice(utilities.copy(), 2, 1000.0, u) == 1


# ---------------------------------------------------------------------------- combat


def test_credibility_is_troops_times_resolve_times_deterrence():
    # 0.2·5000/1000·0.5
    assert combat.credibility(5000.0, 0.5, 0.2) == pytest.approx(0.5)


def test_credibility_is_capped_at_one_and_zero_without_troops():
    assert combat.credibility(100_000.0, 1.0, 0.2) == 1.0
    assert combat.credibility(0.0, 1.0, 100.0) == 0.0
    assert combat.credibility(5000.0, 0.0, 0.2) == 0.0


@given(troops=st.floats(0.0, 1e6), resolve=unit, deterrence=st.floats(0.0, 100.0))
def test_credibility_is_a_probability(troops, resolve, deterrence):
    assert 0.0 <= combat.credibility(troops, resolve, deterrence) <= 1.0


def test_win_probability_is_the_balance_of_forces():
    assert combat.win_probability(1.0, 1.0, 0.0) == 0.5
    assert combat.win_probability(2.0, 1.0, 1.0) == 0.5
    assert combat.win_probability(3.0, 1.0, 0.0) == 0.75


@given(
    own=st.floats(0.01, 1000.0),
    other=st.floats(0.0, 1000.0),
    low=st.floats(0.0, 1000.0),
    high=st.floats(0.0, 1000.0),
)
def test_win_probability_falls_as_the_defenders_support_rises(own, other, low, high):
    low, high = sorted((low, high))
    alone = combat.win_probability(own, other, low)
    supported = combat.win_probability(own, other, high)
    assert 0.0 <= supported <= alone <= 1.0


def test_a_guarantors_support_lowers_the_attackers_chances():
    assert combat.win_probability(2.0, 1.0, 0.5) < combat.win_probability(2.0, 1.0, 0.0)
    assert combat.win_probability(2.0, 1.0, 1.0) == 0.5


def test_casualty_count_is_uniform_on_zero_to_twice_the_mean():
    assert combat.casualty_count(4.0, 0.0) == 0.0
    assert combat.casualty_count(4.0, 0.999999) == 8.0
    counts = [combat.casualty_count(4.0, u) for u in (np.arange(9000) + 0.5) / 9000]
    assert np.bincount(np.array(counts, dtype=int)).tolist() == [1000] * 9
    assert np.mean(counts) == pytest.approx(4.0)
    assert combat.casualty_count(0.0, 0.999) == 0.0


@given(st.floats(0.0, 1.0, exclude_max=True), st.floats(0.0, 1000.0))
def test_incident_deaths_at_full_lethality_are_the_casualty_count_to_the_last_bit(u, mean):
    assert combat.incident_deaths(mean, 1.0, u) == combat.casualty_count(mean, u)


@pytest.mark.parametrize("mean", [0.0, 4.0, 20.0, 40.0, 1000.0])
def test_force_deaths_are_drawn_as_incident_deaths_and_at_full_lethality_as_before(mean):
    # A grid, not hypothesis: the rule's first call compiles it, past hypothesis's deadline.
    for u in (np.arange(997) + 0.5) / 997:
        for ell in (0.0, 0.05, 0.3, 0.77, 1.0):
            assert combat.force_deaths(mean, ell, u) == combat.incident_deaths(mean, ell, u)
        assert combat.force_deaths(mean, 1.0, u) == combat.casualty_count(mean, u)


@pytest.mark.parametrize("lethality", [0.0, 0.1, 0.25, 0.5, 0.9, 1.0])
def test_incident_deaths_spare_a_share_one_minus_lethality_and_rescale_the_same_draw(lethality):
    grid = (np.arange(9000) + 0.5) / 9000
    counts = np.array([combat.incident_deaths(4.0, lethality, u) for u in grid], dtype=int)
    spared = grid < 1.0 - lethality
    assert (counts[spared] == 0).all()
    # The lethal draws, rescaled onto 0..1, are uniform on 0..2Cₘ: within one grid point of an
    # equal count per value (the band's edge cuts the grid anywhere).
    lethal = np.bincount(counts[~spared], minlength=9)
    assert np.abs(lethal - (~spared).sum() / 9).max() <= 1.0
    expected = 1.0 - lethality + lethality / 9.0  # bloodless share 1 − ℓ + ℓ/(2Cₘ + 1)
    assert (counts == 0).mean() == pytest.approx(expected, abs=2 / 9000)


@pytest.mark.parametrize("lethality", [0.0, 0.1, 0.5, 1.0])
def test_a_clash_is_the_share_lethality_of_incidents_and_the_only_one_that_kills(lethality):
    grid = (np.arange(9000) + 0.5) / 9000
    clash = np.array([combat.is_clash(lethality, u) for u in grid])
    deaths = np.array([combat.incident_deaths(4.0, lethality, u) for u in grid])
    assert clash.mean() == pytest.approx(lethality, abs=1 / 9000)  # the grid's step
    assert (deaths[~clash] == 0).all()
    # A clash can still spare everyone: a share 1/(2Cₘ + 1) of them kill no one.
    if lethality > 0:
        assert (deaths[clash] == 0).mean() == pytest.approx(1 / 9, abs=2 / clash.sum())


def test_the_attacker_bears_the_defenders_share_of_battle_deaths():
    assert combat.attacker_share(1.0, 1.0) == 0.5
    assert combat.attacker_share(3.0, 1.0) == 0.25
    assert combat.attacker_share(1.0, 3.0) == 0.75


def test_without_forces_on_either_side_the_odds_and_the_losses_are_even():
    assert combat.win_probability(0.0, 0.0, 0.0) == 0.5
    assert combat.attacker_share(0.0, 0.0) == 0.5
    assert combat.win_probability(0.0, 1.0, 0.0) == 0.0


def test_war_needs_reciprocal_combat_and_the_threshold():
    assert combat.is_war(1000.0, 1000.0, True)
    assert not combat.is_war(999.0, 1000.0, True)
    assert not combat.is_war(5000.0, 1000.0, False)


@given(deaths=st.floats(0.0, 1e6), threshold=st.floats(1.0, 1e6), reciprocal=st.booleans())
def test_is_war_is_exactly_reciprocity_and_the_threshold(deaths, threshold, reciprocal):
    assert combat.is_war(deaths, threshold, reciprocal) == (reciprocal and deaths >= threshold)


def test_casualty_pain_hand_values():
    # deaths / (L·(½ + r) + 1): the + 1 keeps a zero tolerance finite
    assert combat.casualty_pain(100.0, 100.0, 0.5) == pytest.approx(100.0 / 101.0)
    assert combat.casualty_pain(30.0, 100.0, 1.0) == pytest.approx(30.0 / 151.0)
    assert combat.casualty_pain(5.0, 0.0, 0.5) == 5.0
    assert combat.casualty_pain(0.0, 100.0, 0.5) == 0.0


def test_losses_hurt_a_resolute_actor_less():
    assert combat.casualty_pain(50.0, 100.0, 0.9) < combat.casualty_pain(50.0, 100.0, 0.1)


# ---------------------------------------------------------------------------- incidents


def test_exposure_adds_troops_in_harms_way():
    assert incidents.exposure_of(0.3, 5000.0, 1.0) == pytest.approx(5.3)
    assert incidents.exposure_of(0.3, 5000.0, 3.0) == pytest.approx(15.3)
    assert incidents.exposure_of(0.3, 0.0, 3.0) == 0.3


def test_front_intensity_multiplies_while_an_offensive_is_under_way():
    assert incidents.front_intensity(1.5, False, 3.0) == 1.5
    assert incidents.front_intensity(1.5, True, 3.0) == 4.5


def test_incident_probability_multiplies_its_factors_and_is_capped_at_one():
    assert incidents.incident_probability(0.0003, 1.0, 5.3, 1.0) == pytest.approx(0.00159)
    assert incidents.incident_probability(0.0003, 1.0, 5.3, 5.0) == pytest.approx(0.00795)
    assert incidents.incident_probability(0.5, 10.0, 10.0, 1.0) == 1.0
    assert incidents.incident_probability(0.5, 0.0, 10.0, 5.0) == 0.0


def test_misread_probability_rises_with_threat_perception_and_falls_with_the_hotline():
    assert incidents.misread_probability(0.8, 0.25) == pytest.approx(0.6)
    assert incidents.misread_probability(0.8, 1.0) == 0.0
    assert incidents.misread_probability(0.0, 0.0) == 0.0
    assert incidents.misread_probability(1.0, 0.0) == 1.0


def test_incident_shock_hand_values():
    # Sₘ·(½ + ½·8/(4 + 1)) and Sₐ·(½ + ½·0/(4 + 1))
    assert incidents.incident_shock(True, 8.0, 4.0, 1.0, 0.2) == pytest.approx(1.3)
    assert incidents.incident_shock(False, 0.0, 4.0, 1.0, 0.2) == pytest.approx(0.1)
    # deaths at the mean: about the full shock, C/(C + 1) short of it
    assert incidents.incident_shock(True, 4.0, 4.0, 1.0, 0.2) == pytest.approx(0.9)


@given(deaths=st.integers(0, 1000), mean=st.floats(0.0, 100.0))
def test_a_misread_incident_is_a_larger_shock_than_an_accident(deaths, mean):
    # the defaults: Sₘ = 1.0, Sₐ = 0.2; the same deaths either way
    misread = incidents.incident_shock(True, float(deaths), mean, 1.0, 0.2)
    accident = incidents.incident_shock(False, float(deaths), mean, 1.0, 0.2)
    assert misread == pytest.approx(5.0 * accident)
    assert misread > accident > 0.0


def test_a_deadlier_incident_is_a_larger_shock():
    light = incidents.incident_shock(True, 1.0, 4.0, 1.0, 0.2)
    heavy = incidents.incident_shock(True, 7.0, 4.0, 1.0, 0.2)
    assert heavy > light


# ---------------------------------------------------------------------------- crisis


def test_climb_moves_at_most_one_rung_towards_the_days_level():
    assert crisis.climb(0.0, 3.0, False) == 1.0
    assert crisis.climb(2.0, 3.0, False) == 3.0
    assert crisis.climb(0.0, 6.0, False) == 1.0
    assert crisis.climb(2.0, 0.0, False) == 2.0  # moves never lower the rung


def test_an_attack_opens_combat_at_once():
    assert crisis.climb(0.0, 0.0, True) == crisis.COMBAT_RUNG == 4
    assert crisis.climb(5.0, 4.0, True) == 5.0


@given(rung=st.integers(0, 6), level=st.integers(0, 6))
def test_climb_never_rises_more_than_one_rung_without_an_attack(rung, level):
    new = crisis.climb(float(rung), float(level), False)
    assert rung <= new <= rung + 1
    assert new == max(rung, min(level, rung + 1))


@given(rung=st.integers(0, 6), level=st.integers(0, 6))
def test_climb_with_an_attack_reaches_combat_and_never_falls(rung, level):
    assert crisis.climb(float(rung), float(level), True) == max(rung, crisis.COMBAT_RUNG)


def test_calm_builds_by_a_day_or_two_and_breaks_on_any_move():
    assert crisis.calm_days_after(3.0, True, False) == 4.0
    assert crisis.calm_days_after(3.0, True, True) == 5.0
    assert crisis.calm_days_after(3.0, False, True) == 0.0
    assert crisis.calm_days_after(3.0, False, False) == 0.0


def test_settled_rung_steps_down_only_after_calm_days():
    assert crisis.settled_rung(3.0, 13.0, 14) == 3.0
    assert crisis.settled_rung(3.0, 14.0, 14) == 2.0
    assert crisis.settled_rung(0.0, 99.0, 14) == 0.0


@given(rung=st.integers(0, 6), calm=st.integers(0, 100), calm_days=st.integers(1, 60))
def test_settled_rung_is_one_down_after_calm_and_unchanged_before(rung, calm, calm_days):
    settled = crisis.settled_rung(float(rung), float(calm), calm_days)
    if calm >= calm_days and rung > 0:
        assert settled == rung - 1
    else:
        assert settled == rung


def test_a_quiet_dyad_steps_down_one_rung_every_calm_days():
    # as the day's settle phase does: calm resets once the rung steps down
    rung, calm, days = 3.0, 0.0, []
    for day in range(1, 100):
        calm = crisis.calm_days_after(calm, True, False)
        settled = crisis.settled_rung(rung, calm, 14)
        if settled < rung:
            calm = 0.0
            days.append(day)
        rung = settled
    assert days == [14, 28, 42]
    assert rung == 0.0
