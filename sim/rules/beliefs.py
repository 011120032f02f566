"""Beliefs about the opponent's type: how likely it is aggressive (attacks if it can) rather
than defensive, updated from what it is seen to do (Kydd 1997, 2005; M11)."""

from sim.rules import rule


@rule
def perceived_likelihood(ratio, threat_perception, bias):
    """Threat perception reads hostile signals as stronger and reassuring ones as weaker:
    L' = 1 + (L − 1)·(1 + β·τ) if L > 1, else 1 − (1 − L)·(1 − τ) (Jervis 1976)."""
    if ratio > 1.0:
        return 1.0 + (ratio - 1.0) * (1.0 + bias * threat_perception)
    return 1.0 - (1.0 - ratio) * (1.0 - threat_perception)


@rule
def shared_likelihood(ratio, share):
    """A signal aimed at an ally counts at the solidarity share: L' = 1 + σ·(L − 1) (brief §2)."""
    return 1.0 + share * (ratio - 1.0)


@rule
def bayes_update(belief, ratio):
    """Bayes' rule on the odds: b' = b·L / (b·L + 1 − b) (Kydd 2005)."""
    return belief * ratio / (belief * ratio + 1.0 - belief)


@rule
def restraint_signal(ratio, provoked):
    """Holding back is a costly signal only under provocation: L = 1 unless provoked (Kydd 2005)."""
    return ratio if provoked else 1.0
