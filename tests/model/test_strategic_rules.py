"""The strategic rules one by one (issue 19): private types, anticipated replies, the warning as
a signal, the threat that leaves something to chance and the end of wars. Hand-computed values
where a rule is exact; closed forms from the literature where a rule reproduces one."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.model.rules import risk, signalling, strategy, termination, types

unit = st.floats(0.0, 1.0)


# ---------------------------------------------------------------------------- types


@settings(deadline=None)  # the first call compiles the rule
@given(unit, st.floats(0.0, 0.5), unit)
def test_drawn_resolve_stays_in_its_range_and_in_the_unit_interval(mean, spread, u):
    r = types.drawn_resolve(mean, spread, u)
    assert 0.0 <= r <= 1.0
    assert max(0.0, mean - spread) - 1e-12 <= r <= min(1.0, mean + spread) + 1e-12


def test_drawn_resolve_is_uniform_on_its_range():
    assert types.drawn_resolve(0.6, 0.2, 0.0) == pytest.approx(0.4)
    assert types.drawn_resolve(0.6, 0.2, 0.5) == pytest.approx(0.6)
    assert types.drawn_resolve(0.6, 0.2, 0.75) == pytest.approx(0.7)
    assert types.drawn_resolve(0.9, 0.2, 1.0) == 1.0  # clipped


def test_without_spread_the_type_is_the_mean_complete_information():
    for u in (0.0, 0.3, 0.99):
        assert types.drawn_resolve(0.55, 0.0, u) == 0.55
    assert types.type_resolve(0.55, 0.0, True) == types.type_resolve(0.55, 0.0, False) == 0.55


def test_the_two_types_are_the_means_of_the_halves_of_the_range():
    # uniform on 0.6 ± 0.2: lower half [0.4, 0.6] has mean 0.5, upper half 0.7
    assert types.type_resolve(0.6, 0.2, False) == pytest.approx(0.5)
    assert types.type_resolve(0.6, 0.2, True) == pytest.approx(0.7)


def test_a_choice_both_types_make_alike_says_nothing_and_one_only_the_resolute_make_says_much():
    assert types.choice_likelihood(0.4, 0.4) == 1.0
    assert types.choice_likelihood(0.9, 0.0) == pytest.approx(0.9 / types.LIKELIHOOD_FLOOR)
    assert types.choice_likelihood(0.0, 0.0) == 1.0


def test_expected_reply_mixes_the_types_by_the_belief():
    assert types.expected_reply(0.25, 0.8, 0.2) == pytest.approx(0.25 * 0.8 + 0.75 * 0.2)


# ---------------------------------------------------------------------------- replies


@settings(deadline=None)  # the first call compiles the rule
@given(st.floats(-50.0, 50.0))
def test_logistic_is_the_logistic_function(z):
    assert strategy.logistic(z) == pytest.approx(1.0 / (1.0 + math.exp(-z)), rel=1e-7, abs=1e-15)


def test_logistic_is_symmetric_and_half_at_zero():
    assert strategy.logistic(0.0) == 0.5
    assert strategy.logistic(2.0) + strategy.logistic(-2.0) == pytest.approx(1.0)


def test_reply_chance_sharpens_with_precision():
    assert strategy.reply_chance(0.1, 1.0) < strategy.reply_chance(0.1, 30.0) < 1.0
    assert strategy.reply_chance(-0.1, 30.0) < 0.05


def test_troop_harm_grows_with_troops_and_saturates():
    assert strategy.troop_harm(0.0, 3.0) == 0.0
    assert strategy.troop_harm(1000.0, 3.0) == pytest.approx(3.0 / 4.0)
    assert strategy.troop_harm(5000.0, 3.0) < 1.0


def test_join_utility_hand_value():
    # V + ρ·H + B − (1 − r)·C_w − weariness = 0.5 + 0.5·0.75 + 0.3 − 0.4·6 − 0.1
    assert strategy.join_utility(0.5, 0.5, 0.75, 0.3, 6.0, 0.6, 0.1) == pytest.approx(-1.325)


def test_a_strike_that_expects_retaliation_is_worth_less():
    alone = strategy.strike_utility(0.2, 2.0, 0.5, 0.5, 2.0, 0.5, 0.0, 0.0, 0.0)
    answered = strategy.strike_utility(0.2, 2.0, 0.5, 0.5, 2.0, 0.5, 0.0, 0.8, 0.0)
    assert alone - answered == pytest.approx(0.5 * 2.0 * 0.8)


def test_an_attack_that_expects_guarantors_to_join_costs_a_war_with_each():
    base = dict(win=0.5, stakes=1.0, first_strike=0.0, belief=0.0, anger=0.0, hostility=0.0)
    alone = strategy.attack_utility(*base.values(), 6.0, 0.5, 0.0, 0.0, 0.0)
    joined = strategy.attack_utility(*base.values(), 6.0, 0.5, 1.5, 0.0, 0.0)
    assert alone == pytest.approx(-3.0)
    assert joined == pytest.approx(-3.0 * 2.5)


def test_nuclear_use_against_a_nuclear_armed_opponent_expects_its_cost_twice():
    assert strategy.nuclear_utility(0.5, 1.0, 0.0, 0.0, 50.0, 1.0) == pytest.approx(-100.0)
    assert strategy.nuclear_utility(0.5, 1.0, 0.0, 0.0, 50.0, 0.0) == pytest.approx(-50.0)


# ---------------------------------------------------------------------------- risk


def test_power_by_squaring_is_exact_for_whole_exponents():
    assert risk.power(0.5, 0) == 1.0
    assert risk.power(0.5, 10) == 0.5**10
    assert risk.power(0.999, 60) == pytest.approx(0.999**60, rel=1e-15)


def test_slips_happen_only_above_a_show_of_force_and_below_war():
    for rung in (0, 1, 2, 5, 6):
        assert risk.slip_chance(rung, 0.01, 3.0, 2.0, True) == 0.0
    assert risk.slip_chance(3, 0.01, 3.0, 2.0, False) == 0.01
    assert risk.slip_chance(4, 0.01, 3.0, 2.0, False) == pytest.approx(0.03)
    assert risk.slip_chance(4, 0.01, 3.0, 2.0, True) == pytest.approx(0.06)


def test_nuclear_slips_need_a_nuclear_armed_opponent_and_a_war():
    assert risk.nuclear_slip_chance(1e-4, True, True) == 1e-4
    assert risk.nuclear_slip_chance(1e-4, False, True) == 0.0
    assert risk.nuclear_slip_chance(1e-4, True, False) == 0.0


def test_risk_cost_is_the_chance_of_at_least_one_slip_times_its_cost():
    assert risk.risk_cost(0.01, 14, 2.0) == pytest.approx((1 - 0.99**14) * 2.0, rel=1e-14)
    assert risk.risk_cost(0.0, 60, 50.0) == 0.0
    assert risk.risk_cost(1.0, 3, 5.0) == 5.0


# ---------------------------------------------------------------------------- termination


def test_fighting_on_costs_the_war_at_the_actors_resolve():
    assert termination.fighting_cost(0.5, 6.0) == pytest.approx(3.0)
    assert termination.fighting_cost(1.0, 6.0) == 0.0


def test_a_winning_side_may_gain_ground_and_a_losing_one_none():
    assert termination.fighting_worth(0.75, 3.0) == pytest.approx(1.5)
    assert termination.fighting_worth(0.4, 3.0) == 0.0


def test_the_attrition_clock_is_battle_deaths_in_days_of_combat_over_the_prize():
    # 1,000 deaths at 40 a day: 25 days; κ = 6/60 = 0.1 a day; V = 2: τ = 25·0.1/2
    assert termination.attrition_time(1000.0, 40.0, 6.0, 60, 2.0) == pytest.approx(1.25)
    assert termination.attrition_time(0.0, 40.0, 6.0, 60, 2.0) == 0.0
    assert termination.attrition_time(500.0, 0.0, 6.0, 60, 2.0) == 0.0  # no combat: no clock
    assert termination.attrition_time(500.0, 40.0, 6.0, 60, 0.0) >= 1e9  # no prize: quit now


def quitting_time(x: float, low: float, high: float) -> float:
    """T(x)·κ/V = ∫ₐˣ f/((1 − F)(1 − y)) dy for types uniform on [a, b], by quadrature."""
    y = np.linspace(low, x, 200_001)
    integrand = 1.0 / ((high - y) * (1.0 - y))
    return float(np.sum((integrand[1:] + integrand[:-1]) / 2 * np.diff(y)))


@pytest.mark.parametrize(("low", "high"), [(0.65, 0.95), (0.45, 0.95), (0.0, 0.6)])
def test_the_marginal_type_inverts_the_attrition_equilibriums_quitting_time(low, high):
    # Hendricks, Weiss & Wilson (1988): T′(x) = V·f/((1 − F)(1 − x)κ), T(a) = 0; the closed
    # form must invert the quadrature of that ODE
    for x in (low + 0.1 * (high - low), (low + high) / 2, low + 0.9 * (high - low)):
        tau = quitting_time(x, low, high)
        assert termination.marginal_type(low, high, tau) == pytest.approx(x, abs=1e-6)


def test_the_marginal_type_starts_at_the_lowest_and_rises_smoothly_to_the_highest():
    assert termination.marginal_type(0.65, 0.95, 0.0) == pytest.approx(0.65, abs=1e-12)
    path = [termination.marginal_type(0.65, 0.95, t) for t in np.linspace(0.0, 200.0, 401)]
    assert np.all(np.diff(path) > 0.0) and path[-1] < 0.95
    assert termination.marginal_type(0.65, 0.95, 1e9) == pytest.approx(0.95)
    # a range reaching 1 (b = 1): x = 1 − 1/(1/(1 − a) + τ)
    assert termination.marginal_type(0.5, 1.0, 2.0) == pytest.approx(1.0 - 1.0 / 4.0)
    # complete information (a = b): every type alike, the same type quits at every time
    assert termination.marginal_type(0.7, 0.7, 50.0) == 0.7


def test_the_quit_hazard_is_the_marginal_types_daily_cost_over_its_prize():
    # (1 − x)·C_w/(Dₒ·V): x = 0.6, κ = 0.1, V = 2 → 0.02 a day
    assert termination.quit_hazard(0.6, 6.0, 60, 2.0) == pytest.approx(0.02)
    assert termination.quit_hazard(1.0, 6.0, 60, 2.0) == 0.0  # the most resolute never quits
    assert termination.quit_hazard(0.0, 6.0, 60, 0.0) == 1.0  # nothing at stake: quits today


def test_the_opponents_quitting_is_worth_its_hazard_times_the_prize_over_the_war_ahead():
    assert termination.concession_gain(0.02, 3.0, 60) == pytest.approx(3.6)
    assert termination.concession_gain(0.0, 3.0, 60) == 0.0


def test_a_side_yields_once_fighting_on_costs_more_than_it_may_win():
    assert termination.ceasefire_utility(3.0, 0.0, 0.0, 2.0, 0.0) > 0.0
    assert termination.ceasefire_utility(3.0, 0.0, 1.0, 2.5, 0.0) < 0.0
    assert termination.ceasefire_utility(3.0, 0.0, 0.0, 2.0, 1.5) < 0.0  # face lost


# ---------------------------------------------------------------------------- signalling


def test_a_sender_fights_when_war_beats_yielding_and_a_warning_ties_its_hands():
    assert signalling.fights(-1.6, 1.0, 0.7, 0.0) == 0.0  # −1.6 < −1: yields
    assert signalling.fights(-1.6, 1.0, 0.7, 1.0) == 1.0  # −1.6 ≥ −1.7: hands tied


def test_the_challenge_threshold_is_the_receivers_indifference_point():
    # G/(G − W): challenging pays 1 if the sender yields, −1 if it fights: indifferent at ½
    assert signalling.challenge_threshold(1.0, -1.0) == 0.5
    assert signalling.challenge_threshold(1.0, 0.5) == 2.0  # war pays: always challenge
    assert signalling.challenge_threshold(0.0, -1.0) == 0.0  # nothing to gain: never


# The tying-hands game of Fearon (1997), solved by hand. Sender: stakes V = 1, warning's move
# cost κ = 0.1, war worth w = −0.5 to the resolute type and −1.6 to the irresolute one; prior
# π = ½ that it is resolute. Receiver: resolute with chance b = 0.6 (challenges whatever the
# sender will do: war pays it), else irresolute (challenges iff the sender fights with chance
# below φ* = ½). Silence read as weakness is challenged by both receiver types (φ = 0).
# Separation needs the irresolute sender to prefer silence to a bluff:
#   −κ + b·max(w_lo, −V − a) ≤ max(w_lo, −V)  ⟺  −0.1 + 0.6·max(−1.6, −1 − a) ≤ −1  ⟺  a ≥ ½;
# the resolute sender always prefers to warn (−0.1 + 0.6·(−0.5) = −0.4 ≥ −0.5).
# Below a = ½ the bluff pays: both types warn (pooling), and a warning tells nothing.
GAME = dict(war_resolute=-0.5, war_irresolute=-1.6, prior=0.5, stakes=1.0)
RECEIVER = dict(move_cost=0.1, th_res=2.0, th_irr=0.5, belief=0.6)


def solve(audience_cost):
    return signalling.warning_equilibrium(
        GAME["war_resolute"], GAME["war_irresolute"], GAME["prior"], GAME["stakes"],
        audience_cost, *RECEIVER.values(),
    )  # fmt: skip


@pytest.mark.parametrize("audience_cost", [0.0, 0.2, 0.45])
def test_below_the_hand_computed_audience_cost_warnings_pool_and_say_nothing(audience_cost):
    kind, q_warn, q_silent = solve(audience_cost)
    assert kind == signalling.POOLING_ON_WARNING
    # a pooled warning leaves the fighting chance at ½: only resolute receivers challenge
    assert q_warn == pytest.approx(0.6) and q_silent == 1.0


@pytest.mark.parametrize("audience_cost", [0.55, 0.9, 2.0])
def test_above_the_hand_computed_audience_cost_warnings_separate_the_types(audience_cost):
    kind, q_warn, q_silent = solve(audience_cost)
    assert kind == signalling.SEPARATING
    assert q_warn == pytest.approx(0.6) and q_silent == 1.0


def test_the_warning_gain_of_each_type_agrees_with_the_equilibrium():
    _, q_warn, q_silent = solve(0.9)
    resolute = signalling.warning_gain(-0.5, 1.0, 0.9, 0.1, q_warn, q_silent)
    irresolute = signalling.warning_gain(-1.6, 1.0, 0.9, 0.1, q_warn, q_silent)
    assert resolute == pytest.approx(0.1) and irresolute < 0.0


def test_when_no_receiver_would_ever_challenge_nobody_warns():
    kind, q_warn, q_silent = signalling.warning_equilibrium(
        -0.5, -1.6, 0.5, 1.0, 0.9, 0.1, 0.0, 0.0, 0.5
    )
    assert kind == signalling.POOLING_ON_SILENCE and q_warn == q_silent == 0.0
