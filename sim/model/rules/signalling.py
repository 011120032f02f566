"""The warning as a signal: a public warning ties the sender's hands (backing down after it
costs an audience cost), so it can tell a resolute sender from a bluffer. The sender reasons
about the two-type game between itself and the receiver and plays its pure-strategy
equilibrium (Fearon 1994, 1997; Banks & Sobel 1987 for beliefs off the path)."""

from sim.model.rules import rule

SEPARATING, POOLING_ON_WARNING, POOLING_ON_SILENCE, NO_PURE_EQUILIBRIUM = 0, 1, 2, 3


@rule
def fights(war_payoff, stakes, audience_cost, warned):
    """A challenged sender fights iff war beats yielding, w ≥ −V − a·warned (Fearon 1997)."""
    return 1.0 if war_payoff >= -stakes - audience_cost * warned else 0.0


@rule
def challenge_threshold(gain, war_payoff):
    """Challenge iff the chance the sender fights is below φ* = G/(G − W) (Fearon 1997)."""
    # φ* = 2 (above any chance) if even war pays the receiver: it always challenges; φ* = 0 if
    # yielding would gain it nothing: it never does.
    if war_payoff >= 0.0:
        return 2.0
    if gain <= 0.0:
        return 0.0
    return gain / (gain - war_payoff)


@rule
def challenge_chance(fight_chance, threshold_resolute, threshold_irresolute, belief):
    """Each receiver type challenges iff φ < φ*, mixed by the belief b (Harsanyi 1967)."""
    resolute = 1.0 if fight_chance < threshold_resolute else 0.0
    irresolute = 1.0 if fight_chance < threshold_irresolute else 0.0
    return belief * resolute + (1.0 - belief) * irresolute


@rule
def sender_payoff(warned, war_payoff, stakes, audience_cost, move_cost, challenge):
    """The sender's expected payoff, −κ·w + q·max(w_θ, −V − a·w), against holding (Fearon 1997)."""
    return -move_cost * warned + challenge * max(war_payoff, -stakes - audience_cost * warned)


@rule
def warning_equilibrium(
    war_resolute, war_irresolute, prior, stakes, audience_cost, move_cost, th_res, th_irr, belief
):
    """The warning game's pure equilibrium and its challenge chances (Fearon 1997)."""
    # Separating if it holds, else pooling on warning (silence read as weakness), else pooling
    # on silence (a warning read as resolve), else none in pure strategies, where the receiver
    # is taken to read warnings as honest (the separating beliefs).
    f1 = fights(war_resolute, stakes, audience_cost, 1.0)
    g1 = fights(war_irresolute, stakes, audience_cost, 1.0)
    f0 = fights(war_resolute, stakes, audience_cost, 0.0)
    g0 = fights(war_irresolute, stakes, audience_cost, 0.0)
    # Separating: a warning says "resolute", silence "irresolute".
    q_warn = challenge_chance(f1, th_res, th_irr, belief)
    q_silent = challenge_chance(g0, th_res, th_irr, belief)
    sep_warn, sep_silent = q_warn, q_silent
    if sender_payoff(1.0, war_resolute, stakes, audience_cost, move_cost, q_warn) >= (
        sender_payoff(0.0, war_resolute, stakes, audience_cost, move_cost, q_silent)
    ) and sender_payoff(0.0, war_irresolute, stakes, audience_cost, move_cost, q_silent) >= (
        sender_payoff(1.0, war_irresolute, stakes, audience_cost, move_cost, q_warn)
    ):
        return SEPARATING, q_warn, q_silent
    # Pooling on a warning: it says nothing; silence, off the path, says "irresolute".
    q_warn = challenge_chance(prior * f1 + (1.0 - prior) * g1, th_res, th_irr, belief)
    q_silent = challenge_chance(g0, th_res, th_irr, belief)
    if sender_payoff(1.0, war_resolute, stakes, audience_cost, move_cost, q_warn) >= (
        sender_payoff(0.0, war_resolute, stakes, audience_cost, move_cost, q_silent)
    ) and sender_payoff(1.0, war_irresolute, stakes, audience_cost, move_cost, q_warn) >= (
        sender_payoff(0.0, war_irresolute, stakes, audience_cost, move_cost, q_silent)
    ):
        return POOLING_ON_WARNING, q_warn, q_silent
    # Pooling on silence: it says nothing; a warning, off the path, says "resolute".
    q_warn = challenge_chance(f1, th_res, th_irr, belief)
    q_silent = challenge_chance(prior * f0 + (1.0 - prior) * g0, th_res, th_irr, belief)
    if sender_payoff(0.0, war_resolute, stakes, audience_cost, move_cost, q_silent) >= (
        sender_payoff(1.0, war_resolute, stakes, audience_cost, move_cost, q_warn)
    ) and sender_payoff(0.0, war_irresolute, stakes, audience_cost, move_cost, q_silent) >= (
        sender_payoff(1.0, war_irresolute, stakes, audience_cost, move_cost, q_warn)
    ):
        return POOLING_ON_SILENCE, q_warn, q_silent
    return NO_PURE_EQUILIBRIUM, sep_warn, sep_silent


@rule
def warning_gain(war_payoff, stakes, audience_cost, move_cost, q_warn, q_silent):
    """What warning is worth to a sender of resolve r: U(warn) − U(silence) (Fearon 1997)."""
    return sender_payoff(1.0, war_payoff, stakes, audience_cost, move_cost, q_warn) - (
        sender_payoff(0.0, war_payoff, stakes, audience_cost, move_cost, q_silent)
    )
