"""Questions declared as data: the shipped ones load, and the default priors are what the
question file's comments and the README say (value ± share, within the schema's bounds)."""

import pytest

from sim.experiments.question import (
    DEFINITIONS,
    QUESTIONS_DIR,
    load_question,
    numeric_paths,
    plan,
    resolved_priors,
)
from sim.model.scenario import RULES, under_rule

SHIPPED = sorted(p.stem for p in QUESTIONS_DIR.glob("*.toml"))


def test_the_article_questions_are_shipped():
    assert {"troops_wider_war", "troops_war"} <= set(SHIPPED)


@pytest.mark.parametrize("name", SHIPPED)
def test_a_shipped_question_loads_and_plans_every_rule_and_design_row(name):
    question, base, _ = load_question(name)
    table, scenarios = plan(question, base)
    assert len(table) == len(scenarios)
    rules = table[table["part"] == "rule"]
    assert list(dict.fromkeys(rules["rule"])) == list(RULES) == question.rules
    gsa = table[table["part"] == "gsa"]
    priors = resolved_priors(question, base)
    # Morris: (parameters + 1) rows a trajectory, each at both settings.
    assert len(gsa) == 2 * question.sensitivity.trajectories * (len(priors) + 1)
    # The two settings of a row differ only in the lever.
    first, second = scenarios[len(rules)], scenarios[len(rules) + 1]
    assert first.model_dump(exclude={"actors"}) == second.model_dump(exclude={"actors"})
    assert [a.troops for a in first.actors if a.role.value == "guarantor"] == [0, 0]


def test_the_default_priors_are_value_plus_or_minus_a_share_within_the_bounds():
    question, base, _ = load_question("troops_wider_war")
    ruled = under_rule(base, question.sensitivity.rule)
    priors = {p.path: p for p in resolved_priors(question, base)}
    share = question.sensitivity.share
    # Every numeric parameter has one, except the definitions, the lever and those at 0
    # (unless set by hand).
    by_hand = {p.path for p in question.sensitivity.priors}
    expected = set(by_hand)
    for path in numeric_paths(ruled):
        head, _, field = path.partition(".")
        actors = [a for a in ruled.actors if a.role.value == head]
        value = getattr(ruled.world if head == "world" else actors[0], field)
        if path not in DEFINITIONS and path != question.lever and value != 0:
            expected.add(path)
    assert set(priors) == expected
    anger = ruled.world.anger
    assert priors["world.anger"].low == pytest.approx(anger * (1 - share))
    assert priors["world.anger"].high == pytest.approx(anger * (1 + share))
    # harm_memory 0.9 + 20% would pass its bound of 1: the prior stops there.
    assert priors["world.harm_memory"].high == 1.0
    # By hand: the deterrence weight's prior as the file sets it.
    assert (priors["world.deterrence"].low, priors["world.deterrence"].high) == (0.0, 0.6)
