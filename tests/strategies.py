"""Hypothesis generators of valid scenarios, kept in one place."""

from hypothesis import strategies as st

from sim.scenario import Mechanisms, parse_scenario

unit = st.floats(0.0, 1.0)


@st.composite
def actors(draw, role: str, name: str) -> dict:
    return {
        "name": name,
        "role": role,
        "initial_hostility": draw(st.floats(0.0, 3.0)),
        "resolve": draw(unit),
        "threat_perception": draw(unit),
        "reactivity": draw(st.floats(0.0, 0.08)),
        "restraint": draw(st.floats(0.0, 0.2)),
        "grievance": draw(st.floats(0.0, 0.05)),
        "audience_cost": draw(unit),
        "troops": draw(st.sampled_from([0, 0, 500, 3000, 10_000])),
        "exposure": draw(st.floats(0.0, 2.0)),
        "casualty_tolerance": draw(st.floats(0.0, 200.0)),
        "framing": draw(st.floats(0.0, 0.02)),
        "hardening": draw(st.floats(0.0, 0.05)),
        "solidarity": draw(unit),
        "offensive_hazard": draw(st.floats(0.0, 0.02)),
        "strike_probability": draw(unit),
        "nuclear_armed": draw(st.booleans()),
        "warned": draw(st.booleans()),
    }


@st.composite
def scenarios(draw, max_days: int = 120):
    """A valid scenario: a challenger, maybe a protégé, 0-3 guarantors, random switches."""
    cast = [draw(actors("challenger", "C"))]
    if draw(st.booleans()):
        cast.append(draw(actors("protege", "P")))
    n_guarantors = draw(st.integers(0 if len(cast) > 1 else 1, 3))
    cast += [draw(actors("guarantor", f"G{k}")) for k in range(n_guarantors)]
    steps = draw(st.lists(st.floats(0.2, 2.0), min_size=6, max_size=6))
    thresholds = [float(sum(steps[: k + 1])) for k in range(6)]
    world = {
        "days": draw(st.integers(1, max_days)),
        "hotline_quality": draw(unit),
        "misstep_rate": draw(st.floats(0.0, 0.02)),
        "front_intensity": draw(st.floats(0.0, 3.0)),
        "misperception_bias": draw(st.floats(0.0, 1.0)),
        "perception_noise": draw(st.floats(0.0, 1.0)),
        "misread_shock": draw(st.floats(0.0, 4.0)),
        "strike_casualties": draw(st.floats(0.0, 30.0)),
        "thresholds": thresholds,
        "escalation_rung": draw(st.integers(1, 6)),
    }
    mechanisms = {name: draw(st.booleans()) for name in Mechanisms.model_fields}
    return parse_scenario(
        {"name": "drawn", "world": world, "mechanisms": mechanisms, "actors": cast}
    )
