"""Bookkeeping of a run and the outcome's precedence."""

import numpy as np
import pytest

from sim.outcomes import (
    COUNT,
    CRISIS_DAYS,
    END_DAY,
    FIRST,
    MAX_RUNG,
    REACHED,
    TERMINATED,
    Event,
    Outcome,
    new_metrics,
    note_day,
    note_event,
    outcome_of,
    run_table,
)


def test_an_event_keeps_its_first_day_and_counts():
    m = new_metrics()
    note_event(m, Event.MISSTEP, 12)
    note_event(m, Event.MISSTEP, 40)
    assert m[FIRST + Event.MISSTEP] == 12
    assert m[COUNT + Event.MISSTEP] == 2
    assert m[FIRST + Event.STRIKE] == -1


def test_note_day_tracks_rungs_and_stops_at_war():
    m = new_metrics()
    assert not note_day(m, 1, 2)
    assert not note_day(m, 2, 3)
    assert note_day(m, 3, 5)
    assert (m[MAX_RUNG], m[CRISIS_DAYS], m[END_DAY], m[TERMINATED]) == (5, 3, 3, 1)
    assert [m[REACHED + k] for k in range(1, 7)] == [1, 1, 2, 3, 3, -1]


@pytest.mark.parametrize(
    ("max_rung", "offensive", "expected"),
    [
        (0, False, Outcome.CEASEFIRE_HELD),
        (2, False, Outcome.CEASEFIRE_HELD),
        (3, False, Outcome.LIMITED_CLASHES),
        (3, True, Outcome.RENEWED_OFFENSIVE),
        (5, True, Outcome.OPEN_WAR),
        (6, True, Outcome.NUCLEAR_USE),
    ],
)
def test_outcome_precedence(max_rung, offensive, expected):
    m = new_metrics()
    m[MAX_RUNG] = max_rung
    if offensive:
        note_event(m, Event.OFFENSIVE, 4)
    assert outcome_of(m) == expected


def test_run_table_marks_misstep_caused_escalation():
    run, twin = new_metrics(), new_metrics()
    note_day(run, 9, 5)
    table = run_table(
        np.stack([run, run]),
        np.zeros((2, 2)),
        ["A", "B"],
        5,
        3,
        np.array([0, 1]),
        twin_metrics=np.stack([twin, run]),
    )
    assert table["escalated"].tolist() == [True, True]
    assert table["caused_by_misstep"].tolist() == [True, False]
    assert table["outcome"].tolist() == ["open war", "open war"]
    assert table["twin_outcome"].tolist() == ["ceasefire held", "open war"]
