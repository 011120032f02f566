"""The model's rules: small pure functions, one per rule, shared by both engines.

Each rule takes scalars or numpy arrays (numpy broadcasts them) and is compiled once by numba
(`cache=True`), so the Mesa agents and the ensemble engine call the very same machine code and
agree to the last bit. Only + − × ÷, min, max and comparisons are used: no transcendental
function whose last bit could differ between libraries. Set NUMBA_DISABLE_JIT=1 to step
through them as plain Python.

Symbols are those of `sim.scenario` and docs/model.md.
"""

import numpy as np
from numba import njit

# Inlined into the engine loops; numpy error model: no zero-division checks (no rule divides
# by a quantity that can be zero). Both make the ensemble engine markedly faster.
rule = njit(cache=True, inline="always", error_model="numpy")


@rule
def resolve_gain(resolve):
    """Resolve scales reactions: gain = ½ + r, so r = ½ is neutral (brief §2)."""
    return 0.5 + resolve


@rule
def reaction_coefficient(reactivity, resolve):
    """Richardson's reaction a = κ·(½ + r): resolute actors react harder (Richardson 1960)."""
    return reactivity * resolve_gain(resolve)


@rule
def perceived_hostility(hostility, threat_perception, bias, noise, u):
    """ŷ = max(0, y·(1 + β·τ) + ν·τ·(2u − 1)): threat perception biases and blurs (Jervis 1976)."""
    blur = noise * threat_perception * (2.0 * u - 1.0)
    return np.maximum(0.0, hostility * (1.0 + bias * threat_perception) + blur)


@rule
def effective_restraint(restraint, audience_cost, days_committed, lock_in_days):
    """m' = m·(1 − c·d/(d + D)) d days after a public commitment: lock-in (Fearon 1994)."""
    return restraint * (1.0 - audience_cost * days_committed / (days_committed + lock_in_days))


@rule
def framing_grievance(framing, opposing_troops):
    """The other side's troops in theatre read as provocation: φ·T/1000 a day (Jervis 1976)."""
    return framing * opposing_troops / 1000.0


@rule
def hardening_grievance(hardening, opponent_warned):
    """A public warning by the other side hardens positions: η a day (Fearon 1994)."""
    return hardening * opponent_warned


@rule
def backdown_pressure(hostility, audience_cost, committed, commitment_level):
    """A committed actor resists backing down below its warning: c·max(0, θ₁ − x) (Fearon 1994)."""
    return committed * audience_cost * np.maximum(0.0, commitment_level - hostility)


@rule
def opposing_hostility(hostility, sides, side):
    """The threat is the most hostile opponent's hostility: max, so alliances add no scale (M1)."""
    threat = 0.0
    for j in range(hostility.shape[0]):  # a loop, not np.where: no array to allocate
        if sides[j] != side and hostility[j] > threat:
            threat = hostility[j]
    return threat


@rule
def most_hostile(hostility, sides, side):
    """A strike hits the most hostile opponent, the first in actor order on a tie (M9)."""
    target, top = -1, -1.0
    for j in range(hostility.shape[0]):
        if sides[j] != side and hostility[j] > top:
            target, top = j, hostility[j]
    return target


@rule
def daily_grievance(grievance, framing, hardening, backdown, shock):
    """The day's grievance term: g + framing + hardening + backdown + shocks felt (brief §4)."""
    return grievance + framing + hardening + backdown + shock


@rule
def richardson_step(hostility, reaction, perceived, restraint, grievance):
    """x' = max(0, x + a·ŷ − m·x + g): the discrete Richardson update (Richardson 1960)."""
    return np.maximum(0.0, hostility + reaction * perceived - restraint * hostility + grievance)


@rule
def front_intensity(base, offensive_on, factor):
    """I = I₀, times Iₒ once an offensive has resumed (brief M3, M5)."""
    return base * (1.0 + offensive_on * (factor - 1.0))


@rule
def exposure_of(exposure, troops, harm):
    """E = e + k·T/1000, with k > 1 once an offensive puts troops in harm's way (Posen 1991)."""
    return exposure + harm * troops / 1000.0


@rule
def incident_probability(rate, intensity, exposure):
    """Daily chance of an incident on an actor: min(1, λ·I·E) (Schelling 1966; Posen 1991)."""
    return np.minimum(1.0, rate * intensity * exposure)


@rule
def misread_probability(threat_perception, hotline_quality):
    """An accident is read as a deliberate attack with chance τ·(1 − q) (Jervis 1976)."""
    return threat_perception * (1.0 - hotline_quality)


@rule
def incident_shock(misread, misread_shock, accident_shock):
    """A misread incident is a large shock Sₘ, an accident read as one a small shock Sₐ (M4)."""
    return misread * misread_shock + (1.0 - misread) * accident_shock


@rule
def felt_shock(shock, resolve, share):
    """An actor feels share·S·(½ + r): share 1 for its own losses, σ for an ally's (brief §1)."""
    return share * shock * resolve_gain(resolve)


@rule
def deterrent_weight(troops, resolve):
    """A guarantor deters by troops and resolve together: W = T/1000·r (Huth 1988)."""
    return troops / 1000.0 * resolve


@rule
def offensive_probability(hazard, hostility, deterrence, deterrent):
    """Daily chance of resuming the offensive: min(1, ω·(1 + x)/(1 + δ·W)) (Powell 2004)."""
    return np.minimum(1.0, hazard * (1.0 + hostility) / (1.0 + deterrence * deterrent))


@rule
def casualty_count(mean, u):
    """Deaths in one event, uniform on 0..2C: ⌊u·(2C + 1)⌋ (brief M3, M9)."""
    return np.floor(u * (2.0 * mean + 1.0))


@rule
def casualty_limit(tolerance, resolve):
    """Deaths an actor tolerates before withdrawing its troops: L·(½ + r) (brief M8)."""
    return tolerance * resolve_gain(resolve)


@rule
def withdraws(troops, casualties, limit):
    """Troops go home once deaths exceed the limit (Beirut 1983; Somalia 1993)."""
    return (troops > 0) & (casualties > limit)


@rule
def rung_of(hostility, thresholds, nuclear_armed):
    """Rung = how many thresholds hostility has reached; 6 only when nuclear-armed (Kahn 1965)."""
    count = (hostility >= thresholds[0]) * 1  # counted, not searched: 3x faster in the loops
    for k in range(1, thresholds.shape[0]):
        count = count + (hostility >= thresholds[k])
    return np.minimum(count, 5 + nuclear_armed)
