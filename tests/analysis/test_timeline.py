"""The plain-language timeline: each decision with its reason, rung changes, wars, twins."""

import re
from types import SimpleNamespace

import pytest

from sim.analysis.timeline import (
    describe,
    outcome_line,
    summary_lines,
    timeline_lines,
    twin_lines,
)
from sim.model.ladder import Action
from sim.model.mesa_model import LoggedEvent, run_model
from sim.model.outcomes import Event, Outcome, Road
from sim.model.scenario import load_scenario

ROLES = {"Russia": "challenger", "Ukraine": "protege", "France": "guarantor"}


def decision(action, actor="Russia", other="France", day=41, **numbers):
    details = {"belief": 0.5, "hostility": 1.0, "win": 0.4, "wider": 0.0, "backdown": 0.0}
    return LoggedEvent(day, action, actor, other, {**details, "troops": 5000, **numbers})


# ---------------------------------------------------------------------------- describe


def test_a_strike_is_told_with_anger_face_and_the_belief_it_will_not_be_answered():
    text = describe(decision(Action.STRIKE, hostility=1.994, backdown=0.372, belief=0.2), ROLES)
    assert text.startswith("Russia strikes France's troops: ")
    assert "(hostility 1.99)" in text
    assert "backing down from its warning would cost it face (audience cost 0.37)" in text
    assert "it believes France will not answer (belief 0.20)" in text


def test_a_strike_without_a_standing_warning_says_nothing_of_face():
    text = describe(decision(Action.STRIKE, actor="Ukraine", other="Russia", belief=0.8), ROLES)
    assert text.startswith("Ukraine strikes Russia: ")  # not a guarantor: no "troops"
    assert "face" not in text and "will not answer" not in text


def test_an_attack_expected_to_win_where_guarantors_are_doubted_and_a_first_strike_feared():
    text = describe(decision(Action.ATTACK, win=0.62, wider=0.5, belief=0.7), ROLES)
    assert "it expects to win (chance 0.62)" in text
    assert "doubts the guarantors will come in (it counts 0.50 of them in)" in text
    assert "it fears France will strike first (belief 0.70)" in text
    assert "anger" not in text


def test_an_attack_with_a_poor_chance_is_told_as_anger():
    text = describe(
        decision(Action.ATTACK, "France", "Russia", win=0.33, hostility=1.05, belief=0.37), ROLES
    )
    assert "anger (hostility 1.05) outweighs a poor chance to win (0.33)" in text
    assert "expects to win" not in text and "strike first" not in text


def test_an_attack_on_an_unprotected_protege_says_no_tripwire_stands_behind_it():
    text = describe(decision(Action.ATTACK, other="Ukraine", win=0.7, wider=0.0), ROLES)
    assert "no guarantor's tripwire stands behind Ukraine" in text
    strong = describe(decision(Action.ATTACK, other="Ukraine", win=0.7, wider=1.6), ROLES)
    assert "the guarantors' tripwires may bring them in (it counts 1.60 of them in)" in strong


@pytest.mark.parametrize(
    ("action", "numbers", "reason"),
    [
        (Action.WARN, {"belief": 0.62}, "it believes France may be aggressive (belief 0.62)"),
        (
            Action.MOBILISE,
            {"belief": 0.4},
            "readiness, should France prove aggressive (belief 0.40)",
        ),
        (Action.PROBE, {"hostility": 0.857}, "it is angry (hostility 0.86)"),
        (
            Action.DEESCALATE,
            {"belief": 0.3},
            "it believes France is probably defensive (belief 0.30)",
        ),
        (Action.DEESCALATE, {"belief": 0.7}, "it suspects France may be aggressive (belief 0.70)"),
        (Action.WITHDRAW, {"deaths": 1234}, "its losses (1,234 dead) outweigh"),
        (Action.NUCLEAR, {"win": 0.2}, "it is losing the war (chance to win 0.20)"),
    ],
)
def test_each_decision_gives_its_reason_with_its_number(action, numbers, reason):
    assert reason in describe(decision(action, **numbers), ROLES)


def test_holding_is_not_told_but_the_day_0_warning_is():
    # Action.HOLD and Event.WARNING share the number 0: the kind's type decides
    assert describe(decision(Action.HOLD)) is None
    warning = LoggedEvent(0, Event.WARNING, "Russia", None, {"troops": 10000})
    assert "10,000 troops in theatre are legitimate targets" in describe(warning)


def test_missteps_tell_deaths_and_reading():
    misread = LoggedEvent(98, Event.MISSTEP, "France", "Russia", {"deaths": 4, "misread": True})
    text = describe(misread)
    assert "kills 4 of France's people" in text
    assert "France reads it as a deliberate attack by Russia" in text
    accident = LoggedEvent(12, Event.MISSTEP, "Russia", "Ukraine", {"deaths": 0, "misread": False})
    text = describe(accident)
    assert "kills no one" in text and "reads it correctly as an accident" in text


def test_rung_changes_climb_ease_and_war_is_told_with_its_battle_deaths():
    def rung(old, new):
        return describe(LoggedEvent(9, "rung", "Russia", "France", {"old": old, "new": new}))

    assert rung(2, 3) == (
        "The crisis between Russia and France climbs to rung 3 (incidents and harassment)."
    )
    assert (
        rung(0, 4) == "The crisis between Russia and France jumps to rung 4 (strikes and combat)."
    )
    assert rung(3, 2) == "The crisis between Russia and France eases to rung 2 (shows of force)."
    assert rung(4, 5) is None  # the WAR event tells it, with the deaths
    assert rung(5, 4).startswith("A ceasefire between Russia and France")
    assert "nuclear threshold" in rung(5, 6)
    war = LoggedEvent(39, Event.WAR, "Russia", "France", {"deaths": 1234})
    assert describe(war) == "Russia and France are at open war: 1,234 battle deaths."


# ---------------------------------------------------------------------------- timeline_lines


def fake_model(events):
    actors = [SimpleNamespace(name="Russia", role="challenger")]
    actors.append(SimpleNamespace(name="France", role="guarantor"))
    return SimpleNamespace(events=events, actors=actors)


def test_repeated_daily_decisions_collapse_into_one_line_with_range_and_count():
    strikes = [decision(Action.STRIKE, day=d, hostility=float(d), belief=0.9) for d in range(3, 8)]
    later = decision(Action.STRIKE, day=10, hostility=10.0, belief=0.9)
    other = decision(Action.PROBE, "France", "Russia", day=4, hostility=0.7)
    rung = LoggedEvent(3, "rung", "Russia", "France", {"old": 3, "new": 4})
    lines = timeline_lines(fake_model([strikes[0], rung, strikes[1], other, *strikes[2:], later]))
    assert lines == [
        "Days   3-7: Russia strikes France's troops: it answers harm done, in anger "
        "(hostility 3.00). The same every day for 5 days (on day 7: hostility 7.00, belief 0.90).",
        "Day   3: The crisis between Russia and France climbs to rung 4 (strikes and combat).",
        "Day   4: France harasses and probes Russia: it is angry (hostility 0.70).",
        "Day  10: Russia strikes France's troops: it answers harm done, in anger "
        "(hostility 10.00).",
    ]


@pytest.fixture(scope="module")
def run():
    return run_model(load_scenario("reassurance"), seed=1)


def test_a_real_run_tells_its_decisions_with_their_reasons(run):
    lines = timeline_lines(run)
    told = [e for e in run.events if isinstance(e.kind, Action) and e.kind is not Action.HOLD]
    assert told, "the run should decide something"
    first = told[0]
    cited = "belief" if first.kind in (Action.WARN, Action.MOBILISE, Action.DEESCALATE) else None
    prefix = re.compile(rf"^Days? +{first.day}(-\d+)?: {re.escape(first.actor)} ")
    mine = [line for line in lines if prefix.match(line)]
    assert mine, f"no line for the decision of day {first.day}"
    if cited:
        assert any(f"({cited} {first.details[cited]:.2f})" in line for line in mine)
    reason = re.compile(r": .+\((belief|hostility|chance to win|audience cost) \d+\.\d\d\)")
    assert any(reason.search(line) for line in lines)
    days = [int(re.match(r"^Days? +(\d+)", line).group(1)) for line in lines]
    assert days == sorted(days)
    assert len(lines) <= len(run.events)


def test_outcome_and_summary_of_a_real_run(run):
    line = outcome_line(run)
    assert line.startswith(f"Outcome: {run.outcome.label}")
    if run.truncated:
        assert line.endswith(f"The run reached its horizon of {run.world.days} days.")
    summary = summary_lines(run)
    for (challenger, other), text in zip(run.dyads, summary, strict=False):
        assert text.startswith(f"{challenger.name}-{other.name}: highest rung ")
    assert summary[-1].startswith("Deaths: Russia ")


def war_model(outcome=Outcome.WIDER_WAR, escalated=True, day=365, terminated=False):
    russia, france = SimpleNamespace(name="Russia"), SimpleNamespace(name="France")
    war_day = 39 if escalated else -1
    result = {
        "escalated": escalated,
        "max_rung": 5 if escalated else 3,
        "Russia-France_war_day": war_day,
        "Russia-France_battle_deaths": 1234,
        "Russia-France_max_rung": 5 if escalated else 3,
        "first_nuclear_day": -1,
    }
    return SimpleNamespace(
        outcome=outcome,
        result=lambda: result,
        dyads=[(russia, france)],
        day=day,
        terminated=terminated,
        truncated=not terminated,
        world=SimpleNamespace(days=365),
    )


def test_outcome_line_names_the_war_its_dyad_and_day_and_the_horizon():
    assert outcome_line(war_model()) == (
        "Outcome: wider war (Russia and France at open war from day 39, 1,234 battle deaths)."
        " The run reached its horizon of 365 days."
    )
    contained = outcome_line(war_model(Outcome.CRISIS_CONTAINED, escalated=False))
    assert contained == (
        "Outcome: crisis contained (highest rung 3: incidents and harassment)."
        " The run reached its horizon of 365 days."
    )


# ---------------------------------------------------------------------------- twin_lines


def test_twin_lines_say_because_of_the_road_whose_twin_did_not_escalate():
    model = war_model()
    twins = {
        Road.MISSTEPS: war_model(Outcome.CRISIS_CONTAINED, escalated=False),
        Road.ATTACKS: war_model(),
    }
    lines = twin_lines(model, twins)
    missteps = next(line for line in lines if "without missteps" in line)
    assert "changed the outcome from wider war to crisis contained" in missteps
    assert missteps.endswith("The run escalated because of missteps.")
    attacks = next(line for line in lines if "without deliberate attacks" in line)
    assert "did not change the outcome" in attacks and "because of" not in attacks
    assert not any("misreading" in line for line in lines)  # no twin given, nothing said


def test_twin_lines_without_escalation_blame_no_road():
    model = war_model(Outcome.CRISIS_CONTAINED, escalated=False)
    twins = {road: war_model(Outcome.CRISIS_CONTAINED, escalated=False) for road in Road}
    lines = twin_lines(model, twins)
    assert len(lines) == 1 + len(Road)
    assert not any("because of" in line for line in lines)


def test_twin_lines_say_when_no_single_road_was_needed():
    lines = twin_lines(war_model(), {road: war_model() for road in Road})
    assert not any("because of" in line for line in lines)
    assert lines[-1] == "No single road was needed: every twin escalated too."
