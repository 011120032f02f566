"""One session's run without a browser: its views, its history, Play, and its end.

The views say what the model holds (a dyad's war with the days it began and ended, deaths
with why they differ from the battle deaths, the whole timeline as the command line tells
it); Play keeps its pace and stops at the horizon; Pause, Step, Reset and a change of settings
stop Play before its next day; Play, Step and a change can race without an error; a closed
session stops and wakes whoever waits for it.
"""

import threading
import time

import numpy as np
import pytest

from sim.analysis.timeline import outcome_line, timeline_lines
from sim.app.session import Session, actor_lines, deaths_words, decision_lines, war_spans
from sim.app.settings import defaults, scenario_of
from sim.model.ladder import LADDER
from sim.model.mesa_model import EscalationModel
from sim.model.outcomes import Event


@pytest.fixture(scope="module")
def seed_89():
    """Lesson 3's run to its end (the session and, for comparison, the model run alone)."""
    session = Session({**defaults(), "seed": 89})
    session.step(until=365)
    return session


def test_the_views_say_what_the_model_holds():
    session = Session(defaults())
    view = session.view
    assert view.dyads == [
        f'Russia–{name}: rung 1, warnings ("legitimate targets")'
        for name in ("Ukraine", "France", "United Kingdom")
    ]
    assert view.cards[2] == (["France (guarantor)", "troops 5,000", "losses 0", "today: hold"], 1)
    assert view.decisions[0].startswith("Russia warns publicly")
    assert view.outcome.startswith("So far: ceasefire held")
    session.step(until=30)
    model, view = session.model, session.view
    for (_, other), line in zip(model.dyads, view.dyads, strict=True):
        rung = model.rung_of(other)
        assert line.startswith(f"Russia–{other.name}: rung {rung}, {LADDER[rung].name}")
    for actor, (lines, _) in zip(model.actors, view.cards, strict=True):
        assert lines == actor_lines(actor)
    assert view.decisions == decision_lines(model)
    assert view.result is None  # the run's record once it has ended


def test_the_history_is_the_models_own_trajectory(seed_89):
    view = seed_89.view
    model = seed_89.model
    dyads = model.dyad_trajectory()
    trajectory = model.trajectory()
    for k, name in enumerate(view.history.dyads):
        rows = dyads[dyads["dyad"] == name]
        assert np.array_equal(view.history.rungs[:, k], rows["rung"].to_numpy())
        assert np.array_equal(view.history.battle_deaths[:, k], rows["battle_deaths"].to_numpy())
        assert np.array_equal(view.history.offensive[:, k], rows["offensive"].to_numpy())
    for k, name in enumerate(view.history.actors):
        rows = trajectory[trajectory["actor"] == name]
        assert np.allclose(view.history.hostility[:, k], rows["hostility"].to_numpy())


def test_a_dyad_whose_war_ended_says_when_and_one_still_at_war_says_so():
    # Seed 110: Russia and Ukraine at war from day 140 until a ceasefire steps it down; the
    # page says when the war ended instead of only the rung it stands at on day 365.
    ended = Session({**defaults(), "seed": 110})
    ended.step(until=365)
    view = ended.view
    spans = war_spans(view.history.rungs[:, 0])
    assert spans[0][0] == 140 and spans[-1][1] < 365
    told = " and ".join(f"from day {a} to day {b}" for a, b in spans)
    deaths = int(view.history.battle_deaths[-1, 0])
    rung = int(view.history.rungs[-1, 0])
    assert rung < 5 and view.dyads[0] == (
        f"Russia–Ukraine: rung {rung}, {LADDER[rung].name}; at open war {told} "
        f"({deaths:,} battle deaths)"
    )
    # Seed 103: Russia and Ukraine at war at the year's end (no run of the first 3,000 seeds
    # has one war ended and another still going).
    going = Session({**defaults(), "seed": 103})
    going.step(until=365)
    start = war_spans(going.view.history.rungs[:, 0])[0][0]
    assert going.view.dyads[0].startswith(
        f"Russia–Ukraine: rung 5, open war; at open war from day {start}"
    )
    assert "(still at war)" in going.view.dyads[0]
    assert war_spans(np.array([0, 5, 5, 2, 5, 6])) == [(1, 2), (4, 5)]


def test_total_deaths_say_why_they_differ_from_the_battle_deaths(seed_89):
    model, view = seed_89.model, seed_89.view
    total = int(sum(a.casualties for a in model.actors))
    result = model.result()
    battle = sum(int(result[f"{name}_battle_deaths"]) for name in view.history.dyads)
    incidents = sum(int(e.details["deaths"]) for e in model.events if e.kind is Event.MISSTEP)
    assert total == battle + incidents and incidents > 0  # the model's own accounting
    assert view.deaths == (
        f"deaths {total:,}: {battle:,} in battle (strikes and offensives: the dyads' battle "
        f"deaths); {incidents:,} in incidents (missteps: not battle deaths)"
    )
    assert deaths_words(0, 0, 0) == "deaths 0"
    assert deaths_words(30, 20, 4).endswith("; 6 otherwise")


def test_the_timeline_is_the_whole_run_as_the_command_line_tells_it(seed_89, tmp_path):
    from typer.testing import CliRunner

    from sim.cli import app

    model = EscalationModel(scenario_of(seed_89.settings), 89).run()
    assert seed_89.view.timeline == timeline_lines(model)  # with its own casualty record
    result = CliRunner().invoke(app, ["run", "reassurance", "--seed", "89", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    told = (tmp_path / "timeline.txt").read_text()
    assert len(seed_89.view.timeline) > 30  # seed 89 tells 35 lines, day 0 to day 350
    assert seed_89.view.timeline[0].startswith("Day   0:")
    assert seed_89.view.timeline[-1].startswith("Day 350: A misstep")
    for line in seed_89.view.timeline:
        assert line in told
    assert seed_89.view.outcome == outcome_line(model) and seed_89.view.outcome in told
    assert seed_89.view.result["n_strike"] == model.result()["n_strike"]


def test_a_run_stops_at_its_horizon_and_its_twins_are_the_cli_s(seed_89):
    session = Session({**defaults(), "seed": 89})
    assert session.step(until=10_000) is False  # asked past the end: stops at the horizon
    assert session.view.day == 365 and session.view.running is False
    assert session.step() is False and session.view.day == 365
    lines = session.show_twins().twins
    assert lines[1].startswith("Twins (the same random numbers")
    told = " ".join(lines)  # lesson 3's story: the missteps made the crisis
    assert "missteps changed the outcome from crisis contained to ceasefire held" in told


def _wait_until(condition, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def test_play_keeps_its_pace_in_days_per_second_and_never_passes_the_horizon():
    session = Session({**defaults(), "decisions": False})
    days = []
    began = time.monotonic()
    session.play(200)
    seen = 0
    while True:
        seen = session.wait(seen, timeout=5)
        days.append(session.view.day)
        if not session.view.playing:
            break
    took = time.monotonic() - began
    assert days[-1] == 365 and max(days) == 365 and days == sorted(days)
    assert took >= 365 / 200 - 0.3  # not faster than asked
    assert session.view.running is False and session.view.playing is False


@pytest.mark.parametrize("action", ["pause", "step", "restart", "speed", "close"])
def test_every_control_acts_on_play_before_its_next_day(action):
    """Pause, Step, a change of settings and closing stop Play at once; no day passes after
    they return (a new speed keeps Play going). 40 days a second, as in class."""
    session = Session(defaults())
    session.play(40)
    _wait_until(lambda: session.view.day >= 5)
    began = time.monotonic()
    if action == "pause":
        session.pause()
    elif action == "step":
        before = session.view.day
        session.step()
        assert session.view.day <= before + 2  # the day Play was on, then one more
    elif action == "restart":
        session.restart({**defaults(), "seed": 2})
        assert session.view.day == 0 and session.view.settings["seed"] == 2
    elif action == "speed":
        session.set_speed(5)
        assert session.view.speed == 5 and session.playing
        session.pause()
    else:
        session.close()
        assert session.closed
    took = time.monotonic() - began
    assert took < 0.5, took
    assert not session.playing and not session.view.playing
    day = session.model.day
    time.sleep(0.3)
    assert session.model.day == day  # nothing stepped after it returned


def test_a_new_speed_is_the_pace_from_then_on():
    session = Session({**defaults(), "decisions": False})
    session.play(2)
    time.sleep(0.6)
    session.set_speed(40)
    day = session.model.day
    time.sleep(1.0)
    moved = session.model.day - day
    session.pause()
    assert 25 <= moved <= 45, moved  # about 40 days in a second, not 2 (loaded machine: ±)


def test_play_step_and_a_change_of_settings_can_race_without_an_error():
    session = Session(defaults())
    errors = []

    def clicks() -> None:
        try:
            for k in range(8):
                session.play(40)
                session.step()
                session.play(20)
                session.restart({**defaults(), "seed": k, "decisions": k % 2 == 0})
        except Exception as error:  # any error fails the test
            errors.append(error)

    others = [threading.Thread(target=clicks) for _ in range(3)]
    for thread in others:
        thread.start()
    for thread in others:
        thread.join(timeout=60)
    session.pause()
    assert not errors and not any(t.is_alive() for t in others)
    assert session.model.spec == scenario_of(session.settings)
    assert session.view.settings == session.settings


def test_waiting_wakes_on_a_new_view_and_when_the_session_closes():
    session = Session(defaults())
    version = session.version
    woke = []
    waiter = threading.Thread(target=lambda: woke.append(session.wait(version, timeout=10)))
    waiter.start()
    session.step()
    waiter.join(timeout=5)
    assert woke == [session.version] and session.version > version
    waiter = threading.Thread(target=lambda: woke.append(session.wait(session.version, 10)))
    waiter.start()
    began = time.monotonic()
    session.close()
    waiter.join(timeout=5)
    assert time.monotonic() - began < 1 and not waiter.is_alive()
    session.play(40)  # a closed session takes no more Play
    assert not session.playing
