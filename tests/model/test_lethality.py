"""Bloodless incidents (issue 20 item 6): only a share ℓ of incidents can kill, drawn from the
incident's own casualty draw, so ℓ = 1 is the earlier engine to the last bit (the rule's test
in test_rules, and test_strategic's Model 2 hashes run through it at ℓ = 1) and a lower ℓ
leaves more incidents, and more disputes, without deaths."""

import pytest

from sim.experiments.runs import run_many
from sim.model.scenario import RULES, load_scenario, under_rule
from sim.record.coding import code_runs

RUNS = 400


@pytest.fixture(scope="module")
def by_lethality():
    spec = load_scenario("reassurance")
    return {
        ell: run_many(spec.with_changes(world={"incident_lethality": ell}), RUNS, 3,
                      chunk_size=RUNS, twins=False)
        for ell in (0.0, 0.3, 1.0)
    }  # fmt: skip


def incident_deaths(table):
    return table.filter(like="_incident_deaths").sum(axis=1).to_numpy()


def test_at_zero_lethality_incidents_happen_and_kill_no_one(by_lethality):
    table = by_lethality[0.0]
    assert (table["first_misstep_day"] >= 0).sum() > RUNS / 4  # incidents did happen
    assert (incident_deaths(table) == 0).all()


def test_the_deathless_share_of_disputes_falls_as_lethality_rises(by_lethality):
    shares = []
    for ell in (0.0, 0.3, 1.0):
        coded = code_runs(by_lethality[ell])
        coded = coded[coded["dispute"]]
        shares.append(float((coded["fatality"] == 0).mean()))
    # 400 disputes each: a share's standard error is at most 0.025, so steps of 0.1 are 2.8 of
    # them apart at least; the measured steps (seed 3) are far larger.
    assert shares[0] > shares[1] + 0.1 > shares[2] + 0.2


def test_the_myopic_rule_keeps_every_incident_lethal_as_model_2_did():
    assert RULES["myopic"]["world"]["incident_lethality"] == 1.0
    spec = load_scenario("reassurance").with_changes(world={"incident_lethality": 0.2})
    assert under_rule(spec, "myopic").world.incident_lethality == 1.0
