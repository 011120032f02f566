"""Beliefs about the opponent's type: how likely it is aggressive (attacks if it can) rather
than defensive, updated from what it is seen to do (Kydd 1997, 2005; M11)."""

from sim.model.rules import rule


@rule
def perceived_likelihood(ratio, threat_perception, bias):
    """Threat perception reads hostile signals stronger and reassuring ones weaker (Jervis 1976)."""
    if ratio > 1.0:
        return 1.0 + (ratio - 1.0) * (1.0 + bias * threat_perception)
    return 1.0 - (1.0 - ratio) * (1.0 - threat_perception)


@rule
def shared_likelihood(ratio, share):
    """A signal aimed at an ally counts at its solidarity share: L' = 1 + σ(L − 1) (Snyder 1984)."""
    return 1.0 + share * (ratio - 1.0)


@rule
def bayes_update(belief, ratio):
    """Bayes' rule on the odds: b' = b·L / (b·L + 1 − b) (Kydd 2005)."""
    return belief * ratio / (belief * ratio + (1.0 - belief))
