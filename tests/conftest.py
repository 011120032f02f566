"""Shared fixtures and scenario builders for the tests."""

from typing import Any

import numpy as np
import pytest

from sim.ensemble import pack, simulate_runs
from sim.scenario import Scenario, load_scenario, parse_scenario

SHIPPED = ["baseline", "reassurance", "hotline", "hardline"]

QUIET = {
    "noise": False,
    "misperception": False,
    "missteps": False,
}


def two_actors(
    a1: float,
    m1: float,
    g1: float,
    a2: float,
    m2: float,
    g2: float,
    x1: float = 0.0,
    x2: float = 0.0,
    days: int = 400,
    thresholds: tuple[float, ...] = (1, 2, 3, 4, 5, 7),
) -> Scenario:
    """The Richardson limit: two actors with resolve ½ (so a = κ) and every extra mechanism off."""
    mechanisms = dict.fromkeys(
        [
            "framing",
            "missteps",
            "misreading",
            "tripwire",
            "warning",
            "lock_in",
            "withdrawal",
            "retaliation",
            "misperception",
            "noise",
        ],
        False,
    )
    actor = {"resolve": 0.5, "offensive_hazard": 0.0, "strike_probability": 0.0}
    return parse_scenario(
        {
            "name": "richardson",
            "world": {"days": days, "thresholds": list(thresholds)},
            "mechanisms": mechanisms,
            "actors": [
                {
                    **actor,
                    "name": "A",
                    "role": "challenger",
                    "reactivity": a1,
                    "restraint": m1,
                    "grievance": g1,
                    "initial_hostility": x1,
                },
                {
                    **actor,
                    "name": "B",
                    "role": "protege",
                    "reactivity": a2,
                    "restraint": m2,
                    "grievance": g2,
                    "initial_hostility": x2,
                },
            ],
        }
    )


def ensemble(scenario: Scenario, n: int, seed: int = 1, suppress: bool = False) -> np.ndarray:
    """Metrics of runs 0..n-1 from the ensemble engine (docked to the Mesa model)."""
    return simulate_runs(*pack(scenario), seed, np.arange(n), suppress, False)[0]


def change(scenario: Scenario, **sections: Any) -> Scenario:
    """A copy with some world/mechanisms fields changed."""
    return scenario.with_changes(**sections)


@pytest.fixture(autouse=True)
def _close_figures():
    """Each test's figures are closed after it, as a long-lived process would need."""
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


@pytest.fixture(params=SHIPPED)
def shipped(request: pytest.FixtureRequest) -> Scenario:
    """Each scenario shipped in experiments/."""
    return load_scenario(request.param)


@pytest.fixture
def reassurance() -> Scenario:
    return load_scenario("reassurance")
