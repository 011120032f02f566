"""Bookkeeping of a run, the outcome's precedence and the per-run table."""

import numpy as np
import pytest

from sim.model.outcomes import (
    COUNT,
    CRISIS_DAYS,
    CRISIS_END,
    DM_ATTACK_DAY,
    DM_BATTLE_DEATHS,
    DM_COMBAT_DAYS,
    DM_MAX_RUNG,
    DM_WAR_DAY,
    DYAD_METRIC_NAMES,
    END_DAY,
    FIRST,
    MAX_RUNG,
    METRIC_NAMES,
    N_DYAD_METRICS,
    N_EVENTS,
    N_METRICS,
    N_ROADS,
    N_RUNGS,
    NEVER,
    OUTCOME_LABELS,
    REACHED,
    ROAD_LABELS,
    TERMINATED,
    Event,
    Outcome,
    Road,
    dyad_label,
    new_dyad_metrics,
    new_metrics,
    note_day,
    note_event,
    outcome_codes,
    outcome_of,
    run_table,
)

NAMES = ["Russia", "Ukraine", "France"]
ROLES = ["challenger", "protege", "guarantor"]
GUARANTOR = np.array([False, False, True])


def days_at(rungs: list[int]) -> np.ndarray:
    """The metrics of a run whose highest dyad rung on day 0, 1, ... is `rungs`."""
    metrics = new_metrics()
    for day, rung in enumerate(rungs):
        note_day(metrics, day, rung)
    return metrics


def fresh_dyads(n: int = 3) -> np.ndarray:
    dyads = np.zeros((n, N_DYAD_METRICS))
    new_dyad_metrics(dyads)
    return dyads


# ---------------------------------------------------------------------------- the layout


def test_metric_names_follow_the_layout():
    assert len(METRIC_NAMES) == N_METRICS
    assert N_RUNGS == 6
    for e in Event:
        assert METRIC_NAMES[FIRST + e] == f"first_{e.name.lower()}_day"
        assert METRIC_NAMES[COUNT + e] == f"n_{e.name.lower()}"
    for k in range(1, N_RUNGS + 1):
        assert METRIC_NAMES[REACHED + k] == f"first_rung_{k}_day"
    named = {
        MAX_RUNG: "max_rung",
        CRISIS_DAYS: "crisis_days",
        CRISIS_END: "crisis_end_day",
        END_DAY: "end_day",
        TERMINATED: "terminated",
    }
    assert {METRIC_NAMES[i]: i for i in named} == {v: k for k, v in named.items()}
    assert len(set(METRIC_NAMES)) == N_METRICS


def test_dyad_metric_names_follow_the_layout():
    assert DYAD_METRIC_NAMES[DM_MAX_RUNG] == "max_rung"
    assert DYAD_METRIC_NAMES[DM_WAR_DAY] == "war_day"
    assert DYAD_METRIC_NAMES[DM_ATTACK_DAY] == "attack_day"
    assert DYAD_METRIC_NAMES[DM_BATTLE_DEATHS] == "battle_deaths"
    assert DYAD_METRIC_NAMES[DM_COMBAT_DAYS] == "combat_days"
    assert len(DYAD_METRIC_NAMES) == N_DYAD_METRICS


def test_labels_of_outcomes_and_roads():
    assert OUTCOME_LABELS == [
        "ceasefire held",
        "crisis contained",
        "limited war",
        "wider war",
        "nuclear use",
    ]
    assert ROAD_LABELS == ["missteps", "misreading", "attacks", "commitments"]
    assert N_ROADS == 4
    assert dyad_label("Russia", "France") == "Russia-France"


def test_fresh_metrics_have_no_event_no_rung_and_no_crisis_end():
    m = new_metrics()
    assert (m[FIRST : FIRST + N_EVENTS] == NEVER).all()
    assert (m[COUNT : COUNT + N_EVENTS] == 0).all()
    assert (m[REACHED + 1 : REACHED + 1 + N_RUNGS] == NEVER).all()
    assert (m[MAX_RUNG], m[CRISIS_DAYS], m[CRISIS_END], m[END_DAY], m[TERMINATED]) == (
        0,
        0,
        NEVER,
        0,
        0,
    )


def test_fresh_dyad_metrics_have_no_war_and_no_attack():
    dyads = np.full((3, N_DYAD_METRICS), 7.0)
    new_dyad_metrics(dyads)
    assert (dyads[:, DM_WAR_DAY] == NEVER).all()
    assert (dyads[:, DM_ATTACK_DAY] == NEVER).all()
    for column in (DM_MAX_RUNG, DM_BATTLE_DEATHS, DM_COMBAT_DAYS):
        assert (dyads[:, column] == 0).all()


# ---------------------------------------------------------------------------- bookkeeping


def test_an_event_keeps_its_first_day_and_counts():
    m = new_metrics()
    note_event(m, Event.MISSTEP, 12)
    note_event(m, Event.MISSTEP, 40)
    note_event(m, Event.CEASEFIRE, 0)
    assert m[FIRST + Event.MISSTEP] == 12
    assert m[COUNT + Event.MISSTEP] == 2
    assert m[FIRST + Event.STRIKE] == NEVER
    assert (m[FIRST + Event.CEASEFIRE], m[COUNT + Event.CEASEFIRE]) == (0, 1)


def test_note_day_tracks_rungs_and_stops_only_at_nuclear_use():
    m = new_metrics()
    assert not note_day(m, 0, 1)
    assert not note_day(m, 1, 2)
    assert not note_day(m, 2, 3)
    assert not note_day(m, 3, 5)  # open war does not end a run
    assert note_day(m, 4, 6)
    assert (m[MAX_RUNG], m[CRISIS_DAYS], m[END_DAY], m[TERMINATED]) == (6, 4, 4, 1)
    assert [m[REACHED + k] for k in range(1, 7)] == [0, 1, 2, 3, 3, 4]


def test_a_rung_is_first_reached_once_even_after_falling_back():
    m = days_at([2, 1, 0, 2, 3])
    assert [m[REACHED + k] for k in range(1, 7)] == [0, 0, 4, -1, -1, -1]
    assert (m[MAX_RUNG], m[CRISIS_DAYS], m[END_DAY], m[TERMINATED]) == (3, 3, 4, 0)


def test_an_attack_day_reaches_every_rung_it_jumps():
    m = days_at([0, 1, 4])
    assert [m[REACHED + k] for k in range(1, 7)] == [1, 2, 2, 2, -1, -1]


def test_the_crisis_ends_on_the_first_day_below_shows_of_force():
    m = days_at([1, 2, 3, 2, 1, 0])
    assert m[CRISIS_END] == 4
    assert m[CRISIS_DAYS] == 3


def test_a_crisis_that_flares_again_ends_only_the_second_time():
    m = days_at([2, 1, 1, 2, 4, 1, 1])
    assert m[CRISIS_END] == 5
    assert m[CRISIS_DAYS] == 3


def test_an_ongoing_crisis_has_no_end_day():
    assert days_at([2, 1, 3])[CRISIS_END] == NEVER


def test_a_run_without_a_crisis_has_no_end_day():
    m = days_at([1, 1, 0, 1])
    assert (m[CRISIS_END], m[CRISIS_DAYS]) == (NEVER, 0)


# ---------------------------------------------------------------------------- outcomes


@pytest.mark.parametrize(
    ("max_rung", "at_war", "expected"),
    [
        (0, [], Outcome.CEASEFIRE_HELD),
        (2, [], Outcome.CEASEFIRE_HELD),
        (3, [], Outcome.CRISIS_CONTAINED),
        (4, [], Outcome.CRISIS_CONTAINED),
        (5, [1], Outcome.LIMITED_WAR),
        (5, [2], Outcome.WIDER_WAR),
        (5, [1, 2], Outcome.WIDER_WAR),
        (6, [], Outcome.NUCLEAR_USE),
        (6, [1, 2], Outcome.NUCLEAR_USE),
    ],
)
def test_outcome_precedence(max_rung, at_war, expected):
    m = new_metrics()
    m[MAX_RUNG] = max_rung
    dyads = fresh_dyads()
    for k in at_war:
        dyads[k, DM_WAR_DAY] = 9
    assert outcome_of(m, dyads, GUARANTOR) == expected


def test_a_war_counts_even_after_the_dyad_stepped_down():
    # the war day is kept; the run's maximum rung says where it went
    m = days_at([4, 5, 4, 3])
    dyads = fresh_dyads()
    dyads[1, DM_WAR_DAY] = 1
    assert outcome_of(m, dyads, GUARANTOR) == Outcome.LIMITED_WAR


def test_without_a_protege_every_war_is_a_wider_war():
    dyads = fresh_dyads(2)
    dyads[1, DM_WAR_DAY] = 0
    assert outcome_of(days_at([5]), dyads, np.array([False, True])) == Outcome.WIDER_WAR


def test_outcome_codes_give_each_runs_outcome():
    metrics = np.stack([days_at([0]), days_at([3]), days_at([5]), days_at([6])])
    dyads = np.stack([fresh_dyads() for _ in range(4)])
    dyads[2, 2, DM_WAR_DAY] = 0
    codes = outcome_codes(metrics, dyads, GUARANTOR)
    assert codes.tolist() == [0, 1, 3, 4]
    assert [Outcome(c).label for c in codes] == [
        "ceasefire held",
        "crisis contained",
        "wider war",
        "nuclear use",
    ]


# ---------------------------------------------------------------------------- the table


def two_runs():
    """Run 0: a misstep on day 2, an attack on Ukraine on day 3, war on day 4. Run 1: calm."""
    war = days_at([1, 2, 3, 4, 5])
    note_event(war, Event.MISSTEP, 2)
    calm = days_at([1, 1, 0])
    metrics = np.stack([war, calm])
    dyads = np.stack([fresh_dyads(), fresh_dyads()])
    dyads[0, 1, :5] = [5, 4, 3, 1200, 2]  # max rung, war day, attack day, deaths, combat days
    dyads[0, 2, DM_MAX_RUNG] = 2
    dyads[1, 1, DM_MAX_RUNG] = dyads[1, 2, DM_MAX_RUNG] = 1
    casualties = np.array([[700.0, 503.0, 0.0], [0.0, 0.0, 0.0]])
    withdrawals = np.array([[-1.0, -1.0, 4.0], [-1.0, -1.0, -1.0]])
    return metrics, dyads, casualties, withdrawals


def table_of(twins=None, seed=3):
    metrics, dyads, casualties, withdrawals = two_runs()
    return run_table(
        metrics, dyads, casualties, withdrawals, NAMES, ROLES, 5, seed, np.array([10, 11]), twins
    )


def test_run_table_has_one_row_a_run_with_outcome_and_escalation():
    table = table_of()
    assert table["seed"].tolist() == [3, 3] and table["seed"].dtype == np.uint64
    assert table["run"].tolist() == [10, 11]
    assert table["outcome"].tolist() == ["limited war", "ceasefire held"]
    assert list(table["outcome"].cat.categories) == OUTCOME_LABELS
    assert table["escalated"].tolist() == [True, False]
    assert table["widened"].tolist() == [False, False]
    assert table["misstep_happened"].tolist() == [True, False]
    assert table["first_misstep_day"].tolist() == [2, -1]
    assert table["first_rung_5_day"].tolist() == [4, -1]
    assert table["max_rung"].tolist() == [5, 1]
    assert table["crisis_end_day"].tolist() == [-1, -1]


def test_run_table_has_per_dyad_columns_named_by_the_challenger_first():
    table = table_of()
    for other in ("Ukraine", "France"):
        for metric in DYAD_METRIC_NAMES:
            assert f"Russia-{other}_{metric}" in table
    assert not any(c.startswith("Russia-Russia") for c in table.columns)
    assert table["Russia-Ukraine_war_day"].tolist() == [4, -1]
    assert table["Russia-Ukraine_attack_day"].tolist() == [3, -1]
    assert table["Russia-Ukraine_battle_deaths"].tolist() == [1200, 0]
    assert table["Russia-Ukraine_combat_days"].tolist() == [2, 0]
    assert table["Russia-France_max_rung"].tolist() == [2, 1]
    assert table["Russia-France_war_day"].tolist() == [-1, -1]


def test_run_table_has_casualties_and_withdrawal_day_by_actor():
    table = table_of()
    assert table["casualties_Russia"].tolist() == [700, 0]
    assert table["casualties_Ukraine"].tolist() == [503, 0]
    assert table["withdrawal_day_France"].tolist() == [4, -1]
    assert table["withdrawal_day_Russia"].tolist() == [-1, -1]


def test_run_table_without_twins_has_no_twin_columns():
    table = table_of()
    assert not any(c.startswith(("twin_", "caused_by_")) for c in table.columns)


def test_a_run_escalated_because_of_a_road_when_its_twin_did_not():
    metrics, dyads, _, _ = two_runs()
    twin_metrics = np.stack([metrics] * N_ROADS)
    twin_dyads = np.stack([dyads] * N_ROADS)
    # without missteps run 0 stays at rung 3; without attacks run 1 would have reached war
    twin_metrics[Road.MISSTEPS, 0] = days_at([1, 2, 3, 3, 3])
    twin_dyads[Road.MISSTEPS, 0] = fresh_dyads()
    twin_metrics[Road.ATTACKS, 1] = days_at([1, 4, 5])
    twin_dyads[Road.ATTACKS, 1, 2, DM_WAR_DAY] = 2  # and with France: a wider war
    table = table_of((twin_metrics, twin_dyads))
    assert table["twin_missteps_outcome"].tolist() == ["crisis contained", "ceasefire held"]
    assert table["twin_missteps_escalated"].tolist() == [False, False]
    assert table["caused_by_missteps"].tolist() == [True, False]
    for road in ("misreading", "commitments"):
        assert table[f"twin_{road}_outcome"].tolist() == ["limited war", "ceasefire held"]
        assert table[f"caused_by_{road}"].tolist() == [False, False]
    assert table["twin_attacks_escalated"].tolist() == [True, True]
    assert table["twin_attacks_widened"].tolist() == [False, True]
    assert table["caused_by_attacks"].tolist() == [False, False]  # escalating more is no cause


def test_widened_marks_a_guarantor_dyad_at_war_whatever_the_outcome():
    metrics = np.stack([days_at([5]), days_at([6]), days_at([5])])
    dyads = np.stack([fresh_dyads() for _ in range(3)])
    dyads[0, 2, DM_WAR_DAY] = 0
    dyads[2, 1, DM_WAR_DAY] = 0
    zeros = np.zeros((3, 3))
    table = run_table(metrics, dyads, zeros, zeros - 1, NAMES, ROLES, 5, 0, np.arange(3))
    assert table["outcome"].tolist() == ["wider war", "nuclear use", "limited war"]
    assert table["widened"].tolist() == [True, False, False]
    assert table["terminated"].tolist() == [0, 1, 0]
