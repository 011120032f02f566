"""Docking (Axtell et al. 1996): the ensemble engine and the Mesa model give identical runs.

Identical means equal to the last bit: outcome, every event day and count, maximum rung,
crisis days, end day and each actor's casualties, for runs and for their twins.
"""

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings

from sim.ensemble import pack, simulate_runs
from sim.outcomes import COUNT, MAX_RUNG, Event
from sim.runs import Chunk, simulate_chunk
from sim.scenario import Scenario, load_scenario
from tests.conftest import SHIPPED
from tests.strategies import scenarios


def assert_docked(spec: Scenario, seed: int, runs: int) -> None:
    agent = simulate_chunk(Chunk(spec, seed, 0, runs, engine="agent", twins=True))
    fast = simulate_chunk(Chunk(spec, seed, 0, runs, engine="ensemble", twins=True))
    pd.testing.assert_frame_equal(agent, fast, check_exact=True)


@pytest.mark.parametrize("name", SHIPPED)
def test_engines_agree_run_by_run_on_every_shipped_scenario(name):
    assert_docked(load_scenario(name), seed=2026, runs=100)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=scenarios())
def test_engines_agree_on_random_valid_scenarios(spec):
    assert_docked(spec, seed=7, runs=6)


@pytest.mark.parametrize("name", SHIPPED)
def test_twins_forked_at_the_first_misstep_equal_twins_run_from_day_zero(name):
    packed = pack(load_scenario(name))
    runs = np.arange(2000)
    _, _, forked = simulate_runs(*packed, 5, runs, False, True)
    from_scratch, _, _ = simulate_runs(*packed, 5, runs, True, False)
    assert np.array_equal(forked, from_scratch)


def test_the_docked_runs_are_not_trivial():
    # the hardline runs docked above include missteps, misreadings, strikes and wars
    metrics = simulate_runs(*pack(load_scenario("hardline")), 2026, np.arange(100), False, False)[0]
    assert metrics[:, COUNT + Event.MISREAD].sum() > 0
    assert metrics[:, COUNT + Event.STRIKE].sum() > 0
    assert (metrics[:, MAX_RUNG] >= 5).sum() > 0
