"""Figures: the data each draws, exactly; the drawing returns a figure."""

import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from sim.analysis.plots.ensemble import (
    escalation_day_data,
    outcome_data,
    plot_escalation_days,
    plot_outcomes,
    plot_roads,
    road_data,
)
from sim.analysis.plots.run import dyad_data, plot_dyads, plot_trajectory, trajectory_data
from sim.analysis.plots.style import OKABE_ITO
from sim.analysis.plots.sweep import (
    plot_heatmap,
    plot_lines,
    plot_outcome_mix,
    plot_sobol,
    plot_survival,
)
from sim.model.ladder import Action
from sim.model.mesa_model import LoggedEvent
from sim.model.outcomes import OUTCOME_LABELS, Event


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def trajectory():
    return pd.DataFrame(
        {
            "day": [0, 0, 1, 1, 2, 2],
            "actor": ["B", "A", "B", "A", "B", "A"],
            "hostility": [1.0, 2.0, 1.5, 2.5, 1.25, 30.0],
        }
    )


def test_trajectory_data_marks_missteps_on_the_victims_line_and_attacks_on_the_attackers():
    events = [
        LoggedEvent(1, Event.MISSTEP, "A", "B", {"misread": True, "deaths": 3}),
        LoggedEvent(2, Event.MISSTEP, "B", "A", {"misread": False, "deaths": 0}),
        LoggedEvent(2, Action.ATTACK, "A", "B", {"belief": 0.9, "hostility": 2.5, "win": 0.6}),
        # Action.NUCLEAR and Event.MISSTEP share the number 8: a decision is no misstep
        LoggedEvent(2, Action.NUCLEAR, "B", "A", {"win": 0.2}),
        LoggedEvent(2, "rung", "A", "B", {"old": 3, "new": 4}),
    ]
    data = trajectory_data(trajectory(), events)
    assert list(data["hostility"].columns) == ["B", "A"]
    assert data["hostility"]["A"].tolist() == [2.0, 2.5, 30.0]
    assert data["missteps"].to_dict("records") == [
        {"day": 1, "actor": "A", "misread": True, "hostility": 2.5},
        {"day": 2, "actor": "B", "misread": False, "hostility": 1.25},
    ]
    assert data["attacks"].to_dict("records") == [
        {"day": 2, "actor": "A", "target": "B", "hostility": 30.0}
    ]
    figure = plot_trajectory(data, title="t")
    assert isinstance(figure, Figure)
    assert figure.axes[0].get_yscale() == "symlog"  # hostility past 10: a spiral


def test_trajectory_without_events_draws_on_a_linear_scale():
    calm = trajectory().assign(hostility=[1.0, 2.0, 1.5, 2.5, 1.25, 3.0])
    data = trajectory_data(calm, [])
    assert data["missteps"].empty and data["attacks"].empty
    figure = plot_trajectory(data)
    assert figure.axes[0].get_yscale() == "linear"
    assert [line.get_color() for line in figure.axes[0].lines] == list(OKABE_ITO[:2])


def dyad_trajectory():
    # Two dyads over six days; X-Y at war on days 3-4 and again on day 5 after a blip down.
    xy = [0, 1, 4, 5, 5, 4]
    xy_deaths = [0, 0, 400, 1100, 1300, 1300]
    xy_offensive = [False, False, True, True, False, False]
    xz = [1, 1, 0, 0, 0, 0]
    rows = []
    for day in range(6):
        rows.append(
            {
                "day": day,
                "dyad": "X-Y",
                "rung": xy[day],
                "battle_deaths": xy_deaths[day],
                "offensive": xy_offensive[day],
            }
        )
        rows.append(
            {"day": day, "dyad": "X-Z", "rung": xz[day], "battle_deaths": 0, "offensive": False}
        )
    return pd.DataFrame(rows)


def test_dyad_data_gives_rungs_war_spans_offensives_and_the_end():
    data = dyad_data(dyad_trajectory())
    assert list(data["rungs"].columns) == ["X-Y", "X-Z"]
    assert data["rungs"]["X-Y"].tolist() == [0, 1, 4, 5, 5, 4]
    assert data["wars"].to_dict("records") == [{"dyad": "X-Y", "first": 3, "last": 4}]
    assert data["offensives"].to_dict("records") == [{"dyad": "X-Y", "first": 2, "last": 3}]
    assert data["ends"].to_dict("records") == [
        {"dyad": "X-Y", "max_rung": 5, "battle_deaths": 1300, "war_day": 3},
        {"dyad": "X-Z", "max_rung": 1, "battle_deaths": 0, "war_day": -1},
    ]


def test_dyad_war_spans_split_and_reach_the_last_day():
    frame = pd.DataFrame(
        {
            "day": range(7),
            "dyad": ["X-Y"] * 7,
            "rung": [5, 5, 4, 4, 5, 6, 6],
            "battle_deaths": [1000] * 7,
            "offensive": [True, False, False, True, True, True, True],
        }
    )
    data = dyad_data(frame)
    assert data["wars"][["first", "last"]].values.tolist() == [[0, 1], [4, 6]]
    assert data["offensives"][["first", "last"]].values.tolist() == [[0, 0], [3, 6]]
    assert data["ends"]["war_day"].tolist() == [0]


def test_plot_dyads_draws_one_row_per_pair_with_rung_names_and_deaths():
    figure = plot_dyads(dyad_data(dyad_trajectory()), title="run")
    assert isinstance(figure, Figure)
    assert len(figure.axes) == 2
    top = figure.axes[0]
    assert top.get_title(loc="left") == "X-Y"
    assert [t.get_text() for t in top.get_yticklabels()][5] == "5 open war"
    assert any("1,300 battle deaths; open war from day 3" in t.get_text() for t in top.texts)
    _, ax = plt.subplots()
    assert plot_dyads(dyad_data(dyad_trajectory()), ax=ax) is ax.figure  # the app's one panel


class FakeTally:
    """What the figures read from a Tally: outcome shares, escalation days, runs."""

    def __init__(self, shares, low, high, runs=10, escalation_days=None):
        self.shares, self.low, self.high = shares, low, high
        self.runs = runs
        self.escalation_days = np.asarray(escalation_days or [0], dtype=np.int64)

    def outcome_shares(self):
        return pd.DataFrame(
            {
                "quantity": OUTCOME_LABELS,
                "count": [round(s * self.runs) for s in self.shares],
                "of": self.runs,
                "share": self.shares,
                "low": self.low,
                "high": self.high,
            }
        )


def test_outcome_data_gives_the_five_outcomes_with_shares_and_intervals():
    tally = FakeTally([0.6, 0.2, 0.0, 0.2, 0.0], [0.3, 0.05, 0.0, 0.05, 0.0], [0.8] * 5)
    data = outcome_data(tally)
    assert list(data.columns) == ["outcome", "share", "low", "high"]
    assert data["outcome"].tolist() == [
        "ceasefire held",
        "crisis contained",
        "limited war",
        "wider war",
        "nuclear use",
    ]
    assert data["share"].tolist() == [0.6, 0.2, 0.0, 0.2, 0.0]
    assert data["low"].tolist() == [0.3, 0.05, 0.0, 0.05, 0.0]
    assert isinstance(plot_outcomes(data), Figure)


def test_outcome_bars_accept_a_bound_a_hair_past_the_share():
    # rounding can leave a Wilson bound a hair past a share of 0 or 1: no negative error bar
    tally = FakeTally(
        [1.0, 0.0, 0.0, 0.0, 0.0], [0.5, 1e-17, 0, 0, 0], [1.0 - 1e-16, 0.5, 0.5, 0.5, 0.5]
    )
    assert isinstance(plot_outcomes(outcome_data(tally)), Figure)


def test_escalation_day_data_bins_weeks_and_accumulates():
    days = np.zeros(21, dtype=np.int64)
    days[3], days[12] = 2, 1  # two runs escalated on day 3, one on day 12
    tally = FakeTally([1, 0, 0, 0, 0], [0] * 5, [1] * 5, runs=10, escalation_days=days.tolist())
    data = escalation_day_data(tally, bin_days=7)
    assert data["from_day"].tolist() == [0, 7, 14]
    assert data["runs"].tolist() == [2, 1, 0]
    assert data["cumulative_share"].tolist() == [0.2, 0.3, 0.3]
    assert isinstance(plot_escalation_days(data), Figure)


def roads():
    return pd.DataFrame(
        {
            "road": ["missteps", "misreading", "attacks", "commitments"],
            "runs": [1000] * 4,
            "p_escalation": [0.3, 0.3, 0.3, 0.3],
            "p_twin": [0.1, 0.25, 0.3, 0.35],
            "risk_difference": [0.2, 0.05, 0.0, -0.05],
            "rd_low": [0.17, 0.03, 0.0, -0.08],
            "rd_high": [0.23, 0.07, 0.0, -0.02],
            "caused": [200, 50, 0, 0],
            "caused_share": [2 / 3, 1 / 6, 0.0, 0.0],
            "caused_low": [0.6, 0.1, 0.0, 0.0],
            "caused_high": [0.7, 0.2, 0.01, 0.01],
            "by_construction": ["", "", "no battle deaths are possible", ""],
        }
    )


def test_road_data_keeps_each_roads_difference_interval_and_note():
    data = road_data(roads())
    assert data["road"].tolist() == ["missteps", "misreading", "attacks", "commitments"]
    assert data["risk_difference"].tolist() == [0.2, 0.05, 0.0, -0.05]
    assert data["rd_low"].tolist() == [0.17, 0.03, 0.0, -0.08]
    assert data["rd_high"].tolist() == [0.23, 0.07, 0.0, -0.02]
    assert data["note"].tolist() == ["", "", "no battle deaths are possible", ""]
    assert data["label"].iloc[0] == (
        "P(escalation) 30.0%, in the twin 10.0%\n+20.0 points (+17.0 to +23.0); "
        "caused 67% of escalations"
    )
    assert (
        data["label"].iloc[3].splitlines()[1]
        == "-5.0 points (-8.0 to -2.0); caused 0% of escalations"
    )


def test_road_data_without_escalations_or_twins_says_so():
    frame = roads().drop(columns="by_construction").iloc[:2].copy()
    frame["caused_share"] = math.nan
    frame.loc[1, ["risk_difference", "rd_low", "rd_high"]] = math.nan
    data = road_data(frame)
    assert data["note"].tolist() == ["", ""]
    assert data["label"].iloc[0].endswith("no escalation to cause")
    assert data["label"].iloc[1] == "no twins"
    assert isinstance(plot_roads(data), Figure)


def test_plot_roads_draws_one_interval_per_road_under_its_title():
    figure = plot_roads(road_data(roads()), title="reassurance")
    ax = figure.axes[0]
    assert ax.get_title().startswith("What each road to war adds")
    at = dict(zip(ax.get_yticks(), [t.get_text() for t in ax.get_yticklabels()], strict=True))
    assert at[3].startswith("missteps") and at[0].startswith("commitments")  # the first on top
    assert at[1].startswith("attacks†")
    assert sum(line.get_marker() == "s" for line in ax.lines) == 4  # one point per road
    assert "† no battle deaths are possible" in ax.get_xlabel()


def test_sweep_figures_draw():
    grid = pd.DataFrame(
        [[0.1, 0.2], [0.3, 0.4]],
        index=pd.Index([1.0, 2.0], name="y"),
        columns=pd.Index([0.5, 1.0], name="x"),
    )
    assert isinstance(plot_heatmap(grid, "P"), Figure)
    lines = pd.DataFrame({"x": [1, 2], "q": [0.1, 0.2], "q_low": [0.0, 0.1], "q_high": [0.2, 0.3]})
    _, ax = plt.subplots()
    plot_lines(lines, "x", "q", ax=ax)
    plot_lines(lines, "x", "q", ax=ax)  # a second call on the same Axes takes the next colour
    assert [line.get_color() for line in ax.lines] == list(OKABE_ITO[:2])
    assert ax.lines[0].get_linestyle() != ax.lines[1].get_linestyle()
    mix = pd.DataFrame([[0.5, 0.5, 0, 0, 0], [0.2, 0.3, 0.3, 0.1, 0.1]], columns=OUTCOME_LABELS)
    assert isinstance(plot_outcome_mix(mix), Figure)
    curves = pd.DataFrame(
        {"group": ["a", "a", "b", "b"], "day": [0, 5, 0, 5], "survival": [1, 0.5, 1, 0.8]}
    )
    assert isinstance(plot_survival(curves), Figure)
    sobol = pd.DataFrame(
        {
            "parameter": ["p", "q"],
            "S1": [0.2, 0.5],
            "S1_conf": [0.1, 0.1],
            "ST": [0.3, 0.6],
            "ST_conf": [0.1, 0.1],
        }
    )
    assert isinstance(plot_sobol(sobol), Figure)
