"""Private types: each actor's resolve is drawn once per crisis and known only to itself;
opponents reason about it as one of two types and learn from what it chooses (Fearon 1995;
Kydd 2005; Harsanyi 1967)."""

from sim.model.rules import rule

# A probability below this is taken as this in a likelihood ratio: no single choice makes an
# opponent certain, so a later choice can still move the belief (Kydd 2005).
LIKELIHOOD_FLOOR = 1e-6


@rule
def drawn_resolve(mean, spread, u):
    """Resolve drawn once per crisis, uniform on r̄ ± Δ and clipped to [0, 1] (Fearon 1995)."""
    return min(1.0, max(0.0, mean + spread * (2.0 * u - 1.0)))


@rule
def type_resolve(mean, spread, resolute):
    """The two types an opponent reasons about: r̄ ± Δ/2, each half's mean (Kydd 2005)."""
    sign = 0.5 if resolute else -0.5
    return min(1.0, max(0.0, mean + sign * spread))


@rule
def choice_likelihood(p_resolute, p_irresolute):
    """The likelihood ratio of a choice, P(a | resolute)/P(a | irresolute), floored (Kydd 2005)."""
    return max(p_resolute, LIKELIHOOD_FLOOR) / max(p_irresolute, LIKELIHOOD_FLOOR)


@rule
def expected_reply(belief, p_resolute, p_irresolute):
    """An opponent's reply expected under the belief b: b·p_hi + (1 − b)·p_lo (Harsanyi 1967)."""
    return belief * p_resolute + (1.0 - belief) * p_irresolute
