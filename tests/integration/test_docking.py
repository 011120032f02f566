"""Docking (Axtell et al. 1996): the ensemble engine and the Mesa model give identical runs.

Identical means equal to the last bit: outcome, every event day and count, maximum rung,
crisis days, end day and each actor's casualties, for runs and for their twins.
"""

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings

from sim.ensemble import pack, simulate_runs
from sim.model import run_model
from sim.scenario import Scenario
from tests.conftest import SHIPPED
from tests.strategies import scenarios


def agent_runs(spec: Scenario, seed: int, runs: np.ndarray, suppress: bool) -> pd.DataFrame:
    rows = [run_model(spec, seed, int(r), suppress, record=False).result() for r in runs]
    return pd.DataFrame(rows)


def ensemble_runs(spec: Scenario, seed: int, runs: np.ndarray, suppress: bool) -> pd.DataFrame:
    from sim.outcomes import run_table

    metrics, casualties = simulate_runs(*pack(spec), seed, runs, suppress)
    names = [a.name for a in spec.actors]
    return run_table(metrics, casualties, names, spec.world.escalation_rung, seed, runs)


def assert_docked(spec: Scenario, seed: int, runs: np.ndarray) -> None:
    for suppress in (False, True):
        agent = agent_runs(spec, seed, runs, suppress)
        fast = ensemble_runs(spec, seed, runs, suppress)
        pd.testing.assert_frame_equal(
            agent, fast, check_dtype=False, check_exact=True, check_categorical=False
        )


@pytest.mark.parametrize("name", SHIPPED)
def test_engines_agree_run_by_run_on_every_shipped_scenario(name):
    from sim.scenario import load_scenario

    assert_docked(load_scenario(name), seed=2026, runs=np.arange(100))


def test_the_docked_runs_are_not_trivial():
    # the 100 reassurance runs above include missteps, misreadings, strikes and wars
    from sim.outcomes import COUNT, MAX_RUNG, Event
    from sim.scenario import load_scenario

    metrics, _ = simulate_runs(*pack(load_scenario("hardline")), 2026, np.arange(100), False)
    assert metrics[:, COUNT + Event.MISREAD].sum() > 0
    assert metrics[:, COUNT + Event.STRIKE].sum() > 0
    assert (metrics[:, MAX_RUNG] >= 5).sum() > 0


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=scenarios())
def test_engines_agree_on_random_valid_scenarios(spec):
    assert_docked(spec, seed=7, runs=np.arange(6))
