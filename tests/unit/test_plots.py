"""Figures: the data each draws, exactly; the drawing returns a figure."""

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.model import LoggedEvent
from sim.outcomes import Event
from sim.plots import (
    escalation_day_data,
    outcome_data,
    plot_escalation_days,
    plot_outcomes,
    plot_trajectory,
    trajectory_data,
)
from sim.summaries import Tally


def test_trajectory_data_marks_missteps_on_the_victims_line():
    trajectory = pd.DataFrame(
        {"day": [0, 0, 1, 1], "actor": ["B", "A", "B", "A"], "hostility": [1.0, 2.0, 1.5, 2.5]}
    )
    events = [
        LoggedEvent(1, Event.MISSTEP, "A", "B", {"misread": True, "deaths": 3}),
        LoggedEvent(1, Event.STRIKE, "B", "A", {"deaths": 3}),
    ]
    data = trajectory_data(trajectory, events)
    assert list(data["hostility"].columns) == ["B", "A"]
    assert data["missteps"].to_dict("records") == [
        {"day": 1, "actor": "A", "misread": True, "hostility": 2.5}
    ]
    assert isinstance(plot_trajectory(data, [1, 2, 3, 4, 5, 7]), Figure)


def tally():
    t = Tally(horizon=20, escalation_rung=5)
    t.runs = 10
    t.outcomes = np.array([6, 2, 0, 2, 0])
    t.escalation_days[3] = 2  # two runs escalated on day 3, one on day 12
    t.escalation_days[12] = 1
    return t


def test_outcome_data_gives_shares_and_intervals():
    data = outcome_data(tally())
    assert data["outcome"].tolist()[0] == "ceasefire held"
    assert data["share"].tolist() == [0.6, 0.2, 0.0, 0.2, 0.0]
    assert (data["low"] <= data["share"]).all() and (data["share"] <= data["high"]).all()
    assert isinstance(plot_outcomes(data), Figure)


def test_escalation_day_data_bins_weeks_and_accumulates():
    data = escalation_day_data(tally(), bin_days=7)
    assert data["from_day"].tolist() == [0, 7, 14]
    assert data["runs"].tolist() == [2, 1, 0]
    assert data["cumulative_share"].tolist() == [0.2, 0.3, 0.3]
    assert isinstance(plot_escalation_days(data), Figure)


def test_outcome_bars_accept_shares_at_zero_and_one():
    # with 3 runs the Wilson bound of a zero share rounds to a hair above zero
    t = Tally(horizon=5, escalation_rung=5)
    t.runs = 3
    t.outcomes = np.array([3, 0, 0, 0, 0])
    assert outcome_data(t)["low"].iloc[1] > 0.0
    assert isinstance(plot_outcomes(outcome_data(t)), Figure)
