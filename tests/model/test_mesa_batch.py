"""Mesa's own batch runner drives the Mesa engine, with seeds given or drawn (Mesa's way)."""

import warnings

import mesa
import pandas as pd
import pytest

from sim.model.mesa_model import EscalationModel, run_model
from sim.model.scenario import load_scenario


@pytest.fixture(scope="module")
def short():
    return load_scenario("reassurance").with_changes(world={"days": 40})


def final_rows(results: list[dict]) -> pd.DataFrame:
    """One row a run: batch_run gives one row per agent at the last step."""
    return pd.DataFrame(results).drop_duplicates("RunId").set_index("RunId")


def test_batch_run_without_seeds_draws_and_records_one_per_run(short):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # Mesa deprecates iterations=
        results = mesa.batch_run(
            EscalationModel, parameters={"scenario": [short]}, iterations=3,
            display_progress=False,
        )  # fmt: skip
    runs = final_rows(results)
    assert len(runs) == 3
    assert runs["seed"].nunique() == 3  # drawn independently (63-bit entropy: no collision)
    for row in runs.itertuples():
        replay = run_model(short, seed=int(row.seed), run=int(row.run))
        assert (replay.outcome.label, replay.rung) == (row.outcome, row.rung)
        assert replay.day == row.Step


def test_batch_run_with_seeds_gives_the_runs_of_those_seeds(short):
    results = mesa.batch_run(
        EscalationModel, parameters={"scenario": [short]}, rng=[3, 11], display_progress=False
    )
    runs = final_rows(results)
    assert sorted(runs["seed"]) == [3, 11]
    for row in runs.itertuples():
        replay = run_model(short, seed=row.seed)
        assert (replay.outcome.label, replay.rung, replay.day) == (row.outcome, row.rung, row.Step)


def test_a_bad_seed_is_still_refused(short):
    with pytest.raises(ValueError, match="seed must be a non-negative integer"):
        EscalationModel(short, seed=-1.5)
