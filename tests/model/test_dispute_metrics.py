"""The per-dyad metrics a run's MID coding reads (incident deaths, the first and last day of
militarized activity, each side's first militarized act), checked on real runs of the engine
against what they must satisfy. The Mesa engine's are docked with these in test_docking."""

import numpy as np
import pandas as pd
import pytest

from sim.experiments.runs import run_many
from sim.model.scenario import load_scenario


def actors(table: pd.DataFrame) -> list[str]:
    return [c.removeprefix("casualties_") for c in table.columns if c.startswith("casualties_")]


def dyads(table: pd.DataFrame) -> list[str]:
    names = actors(table)
    return [f"{names[0]}-{other}" for other in names[1:]]


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return {
        name: run_many(load_scenario(name), 300, 5, chunk_size=300, twins=False)
        for name in ("reassurance", "baseline", "korea")
    }


def per_dyad(table: pd.DataFrame, metric: str) -> np.ndarray:
    return table[[f"{d}_{metric}" for d in dyads(table)]].to_numpy()


@pytest.mark.parametrize("name", ["reassurance", "baseline", "korea"])
def test_battle_and_incident_deaths_of_the_dyads_add_up_to_every_actors_deaths(tables, name):
    table = tables[name]
    everyone = table[[f"casualties_{a}" for a in actors(table)]].sum(axis=1).to_numpy()
    in_dyads = (per_dyad(table, "battle_deaths") + per_dyad(table, "incident_deaths")).sum(axis=1)
    assert (everyone == in_dyads).all()
    assert per_dyad(table, "incident_deaths").sum() > 0  # incidents did kill in these runs


@pytest.mark.parametrize("name", ["reassurance", "baseline", "korea"])
def test_activity_spans_the_dyads_acts_and_every_rung_it_reached(tables, name):
    table = tables[name]
    first, last = per_dyad(table, "first_active_day"), per_dyad(table, "last_active_day")
    end = table["end_day"].to_numpy()[:, None]
    assert ((first >= 0) == (last >= 0)).all()
    assert ((first <= last) & (last <= end)).all()
    assert (first[per_dyad(table, "max_rung") >= 1] >= 0).all()  # a rung climbed: activity
    for side in ("challenger", "other"):
        acted = per_dyad(table, f"first_act_day_{side}")
        assert (first[acted >= 0] <= acted[acted >= 0]).all()
        assert (acted[acted >= 0] <= last[acted >= 0]).all()
    attack = per_dyad(table, "attack_day")
    for side in ("challenger", "other"):  # the attacked defend themselves: both sides act
        acted = per_dyad(table, f"first_act_day_{side}")
        assert ((acted >= 0) & (acted <= attack))[attack >= 0].all()


def test_a_standing_warning_is_the_challengers_first_act_on_day_0(tables):
    table = tables["reassurance"]  # Russia has warned every opponent
    assert (per_dyad(table, "first_act_day_challenger") == 0).all()
    assert (per_dyad(table, "first_active_day") == 0).all()


def test_without_a_warning_the_first_activity_is_no_later_than_the_first_rung(tables):
    table = tables["baseline"]
    first = np.where((d := per_dyad(table, "first_active_day")) >= 0, d, np.inf).min(axis=1)
    rung = table["first_rung_1_day"].to_numpy()
    assert (first[rung >= 0] <= rung[rung >= 0]).all()
    assert (rung >= 0).any() and (first > 0).any()  # crises here start on their own
