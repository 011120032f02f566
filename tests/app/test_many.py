"""Many runs in the app without a browser: the numbers equal a direct count of the same runs,
the tables a lesson's questions need (which roads each war needed, when wars start, the
per-run table) count the runs right, and the server's shared pool gives the same numbers
whatever else it is doing."""

import threading

import numpy as np
import pandas as pd
import pytest

from sim.analysis.summaries import Tally, impossible_without, wilson_interval
from sim.analysis.timeline import TWIN_NAMES
from sim.app.many import (
    MANY_RUNS,
    both_rows,
    compare,
    many_result_of,
    many_runs,
    needed_rows,
    road_rows,
    run_table,
    shown_columns,
    war_day_rows,
    war_lines,
    war_risk,
)
from sim.app.settings import defaults, scenario_for, scenario_of
from sim.experiments.runs import Chunk, simulate_chunk
from sim.model.outcomes import WAR_OUTCOMES, Road
from sim.model.scenario import load_scenario


@pytest.fixture(scope="module")
def base():
    return load_scenario("reassurance")


@pytest.fixture(scope="module")
def result():
    return many_result_of(defaults(), MANY_RUNS)


def test_the_many_runs_numbers_equal_a_direct_count_of_the_same_runs(base, result):
    tally, table = result.tally, simulate_chunk(Chunk(base, 1, 0, MANY_RUNS))
    pd.testing.assert_frame_equal(result.table, table)  # chunks and pool change nothing
    assert tally.runs == MANY_RUNS
    for label, line in zip(WAR_OUTCOMES, war_lines(tally), strict=True):
        k = int((table["outcome"] == label).sum())
        low, high = wilson_interval(k, MANY_RUNS)
        assert line == f"P({label}) = {k / MANY_RUNS:.1%} (95% interval {low:.1%} to {high:.1%})"
    wars = table["escalated"].to_numpy()
    assert wars.sum() > 0  # the checks below are about something
    low, high = wilson_interval(int(wars.sum()), MANY_RUNS)
    assert war_risk(tally) == f"P(war) = {wars.mean():.1%} (95% interval {low:.1%} to {high:.1%})"
    rows = road_rows(tally, base)
    assert [row[0] for row in rows] == [TWIN_NAMES[road] for road in Road]
    for road, row in zip(Road, rows, strict=True):
        twin = table[f"twin_{road.label}_escalated"].to_numpy()
        caused = int((wars & ~twin).sum())
        difference = (caused - int((twin & ~wars).sum())) / MANY_RUNS
        assert row[1:3] == (f"{wars.mean():.1%}", f"{twin.mean():.1%}")
        assert row[3].startswith(f"{difference * 100:+.1f} points (")
        assert row[4].startswith(f"{caused / wars.sum():.0%} (")


def test_which_roads_each_war_needed_counts_every_war_once(result):
    table = result.table
    wars = table[table["escalated"]]
    rows = needed_rows(table)
    counts = [int(n.split(" of ")[0].replace(",", "")) for _, n in rows]
    assert sum(counts) == len(wars) and counts == sorted(counts, reverse=True)
    for roads, n in rows:
        if roads.startswith("no single road"):
            needed = ~wars[[f"caused_by_{r.label}" for r in Road]].any(axis=1)
        else:
            names = roads.split(" + ")
            needed = np.ones(len(wars), bool)
            for road in Road:
                flag = wars[f"caused_by_{road.label}"].to_numpy()
                needed &= flag if road.label in names else ~flag
        assert int(needed.sum()) == int(n.split(" of ")[0].replace(",", "")), roads
    assert needed_rows(table[~table["escalated"]]) == []


def test_the_two_roads_table_counts_the_wars_that_needed_both(result):
    wars = result.table[result.table["escalated"]]
    rows = {row[0]: row[1:] for row in both_rows(result.table)}
    labels = [road.label for road in Road]
    for i, a in enumerate(labels):
        for j, b in enumerate(labels):
            both = wars[f"caused_by_{a}"] & wars[f"caused_by_{b}"]
            assert int(rows[a][j].replace(",", "")) == int(both.sum())
        assert int(rows[a][i]) == int(result.tally.caused[Road[a.upper()]])


def test_when_wars_start_counts_each_war_in_its_block_of_days(base, result):
    rows = war_day_rows(result.table, base)
    assert rows[0][0] == "days 0 to 29" and rows[-1][0] == "days 360 to 365"
    days = result.table["first_rung_5_day"]
    assert sum(int(n) for _, n in rows) == int((days >= 0).sum()) == result.tally.escalated
    assert int(rows[1][1]) == int(((days >= 30) & (days <= 59)).sum())


def test_the_per_run_table_shows_what_the_lessons_questions_read(result):
    columns = shown_columns(result.table)
    for needed in (
        "run",
        "outcome",
        "Russia-France_battle_deaths",  # lesson 1, question 1
        "casualties_France",
        *(f"caused_by_{road.label}" for road in Road),  # lesson 3, question 3: every road
        "first_war_day",  # lesson 3, question 4
        "n_strike",
        "crisis_days",
        "withdrawal_day_France",
    ):
        assert needed in columns, needed


def test_a_road_whose_twin_cannot_reach_war_says_why_instead_of_a_share(base):
    spec = scenario_for(base, decisions=False, slips=False)  # slips alone can make war
    tally = many_runs(spec, seed=1)
    assert war_lines(tally) == [
        f"P({label}) = 0.0% (95% interval 0.0% to 1.3%)" for label in WAR_OUTCOMES
    ]
    for road, row in zip(Road, road_rows(tally, spec), strict=True):
        assert row[4] == impossible_without(spec, road) != ""
    empty = Tally(base.world.days, base.world.escalation_rung, runs=10, twins=10)
    assert all(row[4] == "no war in these runs" for row in road_rows(empty, base))


def test_compare_runs_a_and_b_from_the_same_seed_and_run_numbers():
    a = {**defaults(), "seed": 5}
    b = {**defaults(), "seed": 9, "troops": 0}
    table, title = compare(a, b, 40)
    tally_a = many_runs(scenario_of(a), 5, 40)
    tally_b = many_runs(scenario_of(b), 5, 40)  # B on A's seed
    assert np.allclose(table[table.settings == "A"]["count"], tally_a.outcomes)
    assert np.allclose(table[table.settings == "B"]["count"], tally_b.outcomes)
    assert "seed 5" in title and "the same random numbers" in title


def test_requests_at_once_share_the_pool_and_get_the_same_numbers_as_alone(base):
    alone = run_table(base, 3, 200)
    tables: list = [None] * 4

    def ask(k: int) -> None:
        tables[k] = run_table(base, 3, 200)

    threads = [threading.Thread(target=ask, args=(k,)) for k in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    for table in tables:
        pd.testing.assert_frame_equal(table, alone)
