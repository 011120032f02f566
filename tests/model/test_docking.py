"""Docking (Axtell et al. 1996): the ensemble engine and the Mesa model give identical runs.

Identical means equal to the last bit: outcome, every event day and count, every rung's day,
crisis days and end, each dyad's metrics, each actor's casualties and withdrawal, and each
road's twin. The Mesa model runs every twin from day 0; the ensemble engine forks it from the
run at the first day its road shows, so the docking also checks the forking.
"""

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings

from sim.experiments.runs import Chunk, simulate_chunk
from sim.model.ensemble import pack, simulate_runs
from sim.model.outcomes import COUNT, MAX_RUNG, Event, Road
from sim.model.scenario import Scenario, load_scenario
from tests.conftest import SHIPPED
from tests.strategies import scenarios


def assert_docked(spec: Scenario, seed: int, runs: int, twins: bool = True) -> pd.DataFrame:
    agent = simulate_chunk(Chunk(spec, seed, 0, runs, engine="agent", twins=twins))
    fast = simulate_chunk(Chunk(spec, seed, 0, runs, engine="ensemble", twins=twins))
    pd.testing.assert_frame_equal(agent, fast, check_exact=True)
    return fast


@pytest.mark.parametrize("name", SHIPPED)
def test_engines_agree_run_by_run_on_every_shipped_scenario(name):
    """200 seeds of half a year each (the half year holds every kind of event: test below),
    then the first 50 again with their six twins, which must leave the runs as they were. The
    Mesa engine runs each twin from day 0, thirteen times the cost of the run alone (1.9 s
    against 0.14 s of CPU for 20 runs of reassurance), so the twins are docked on fewer seeds;
    the random scenarios and the hardline runs below dock them too."""
    spec = load_scenario(name).with_changes(world={"days": 180})
    table = assert_docked(spec, 2026, 200, twins=False)
    assert table["n_misstep"].sum() > 0
    twinned = assert_docked(spec, 2026, 50)
    pd.testing.assert_frame_equal(twinned[table.columns], table.iloc[:50], check_exact=True)
    outcomes = twinned[[f"twin_{road.label}_outcome" for road in Road]]
    assert outcomes.ne(twinned["outcome"], axis=0).any().any()  # some twin went otherwise


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=scenarios())
def test_engines_agree_on_random_valid_scenarios(spec):
    assert_docked(spec, seed=7, runs=4)


@pytest.mark.parametrize("name", SHIPPED)
def test_twins_forked_from_the_run_equal_twins_run_from_day_zero(name):
    packed = pack(load_scenario(name))
    runs = np.arange(1000)
    out = simulate_runs(*packed, 5, runs, 0, True)
    for road in Road:
        alone = simulate_runs(*packed, 5, runs, 1 << road, False)
        assert np.array_equal(out[4][road], alone[0])
        assert np.array_equal(out[5][road], alone[1])


def test_the_docked_runs_are_not_trivial():
    # the hardline runs docked above include missteps, misreadings, strikes, attacks and wars
    table = assert_docked(load_scenario("hardline"), seed=2026, runs=30)
    assert table["n_misread"].sum() > 0
    assert table["n_strike"].sum() > 0
    assert table["n_attack"].sum() > 0
    assert table["escalated"].sum() > 0
    metrics = simulate_runs(*pack(load_scenario("hardline")), 2026, np.arange(30), 0, False)[0]
    assert (metrics[:, COUNT + Event.ATTACK] > 0).any() and (metrics[:, MAX_RUNG] >= 5).any()
