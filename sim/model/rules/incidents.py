"""Missteps: incidents whose hazard grows with exposure, fighting and harassment, and their
reading as accident or attack (M3, M4)."""

from sim.model.rules import rule


@rule
def exposure_of(exposure, troops, harm):
    """Contact E = ē + k·T/1000: mean exposure, both sides' troops, k > 1 in war (Posen 1991)."""
    return exposure + harm * troops / 1000.0


@rule
def front_intensity(base, offensive_on, factor):
    """I = I₀, times Iₒ while an offensive is under way in the theatre (Posen 1991)."""
    return base * (1.0 + offensive_on * (factor - 1.0))


@rule
def incident_probability(rate, intensity, exposure, harassment):
    """Daily chance of an incident min(1, λₘ·I·E·ħ), ħ > 1 if harassed that day (Schelling 1966)."""
    return min(1.0, rate * intensity * exposure * harassment)


@rule
def misread_probability(threat_perception, hotline_quality):
    """An accident is read as a deliberate attack with chance τ·(1 − q) (Jervis 1976)."""
    return threat_perception * (1.0 - hotline_quality)


@rule
def incident_shock(misread, deaths, mean_deaths, misread_shock, accident_shock):
    """Shock Sₘ if misread, else Sₐ, scaled by ½ + ½·deaths/(Cₘ + 1) (Jervis 1976)."""
    size = misread * misread_shock + (1.0 - misread) * accident_shock
    return size * (0.5 + 0.5 * deaths / (mean_deaths + 1.0))
