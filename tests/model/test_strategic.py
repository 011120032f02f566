"""The strategic rule in the engine (issue 19): private types, the rules compared, the
analytic limits it must reproduce, and nuclear arms that change choices."""

import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.experiments.runs import run_many
from sim.model.ensemble import pack, simulate_runs
from sim.model.mesa_model import run_model
from sim.model.outcomes import DM_ATTACK_DAY, DM_SETTLED, DM_WAR_DAY, MAX_RUNG
from sim.model.scenario import RULES, load_scenario, parse_scenario, under_rule
from sim.model.state import A_RESOLVE, BY_OTHER

MODEL_2 = json.loads((Path(__file__).with_name("model2_runs.json")).read_text())
# The shipped scenarios as Model 2 knew them (before issue 19 re-set them for the strategic
# rule): the hashes below were taken on these.
MODEL_2_SCENARIOS = Path(__file__).with_name("model2_scenarios")


@pytest.mark.parametrize("name", sorted(MODEL_2))
def test_the_myopic_rule_is_model_2_to_the_last_bit(name):
    """Every column Model 2 wrote, for 2,000 runs of each shipped scenario (seed 7), hashed
    from Model 2's engine before the strategic rule was added: the myopic rule is that
    model, not a look-alike."""
    reference = MODEL_2[name]
    spec = under_rule(load_scenario(MODEL_2_SCENARIOS / f"{name}.toml"), "myopic")
    table = run_many(spec, 2000, 7, twins=False, chunk_size=2000)
    rows = pd.util.hash_pandas_object(table[reference["columns"]], index=True).to_numpy()
    assert hashlib.sha256(rows.tobytes()).hexdigest() == reference["sha256"]


def test_every_rule_is_a_valid_change_of_every_shipped_scenario():
    for rule in RULES:
        assert under_rule(load_scenario("reassurance"), rule).name == "reassurance"


# ---------------------------------------------------------------------------- types


def test_resolve_is_drawn_once_per_crisis_within_its_range_and_the_same_in_both_engines():
    spec = load_scenario("reassurance")
    for seed in (1, 2, 3):
        model = run_model(spec, seed=seed, record=False)
        drawn = model.state[0][:, A_RESOLVE]
        for actor, r in zip(spec.actors, drawn, strict=True):
            assert abs(r - actor.resolve) <= actor.resolve_spread + 1e-12
        again = run_model(spec.with_changes(world={"days": 3}), seed=seed, record=False)
        assert np.array_equal(again.state[0][:, A_RESOLVE], drawn)  # drawn on day 0 only


def test_without_types_every_resolve_is_its_mean_complete_information():
    spec = under_rule(load_scenario("reassurance"), "complete information")
    model = run_model(spec, seed=4, record=False)
    assert list(model.state[0][:, A_RESOLVE]) == [a.resolve for a in spec.actors]


# ---------------------------------------------------------------------------- limits


def bargaining(war_cost: float, days: int = 120):
    """Two states with complete information (no types), no commitment problem (no warnings,
    no lock-in), no missteps, no slips, no anger and no first-strike edge, near best response:
    the challenger (forces 3) against the protégé (forces 1), stakes 1, resolve ½."""
    off = {"types": False, "warning": False, "lock_in": False, "missteps": False,
           "slips": False, "noise": False, "misperception": False}  # fmt: skip
    actor = {"resolve": 0.5, "stakes": 1.0, "initial_hostility": 0.0}
    return parse_scenario({
        "name": "bargaining",
        "world": {"days": days, "precision": 200.0, "anger": 0.0, "first_strike": 0.0,
                  "war_cost": war_cost},
        "mechanisms": off,
        "actors": [{**actor, "name": "A", "role": "challenger", "forces": 3.0},
                   {**actor, "name": "B", "role": "protege", "forces": 1.0}],
    })  # fmt: skip


# Fearon (1995), computed by hand for `bargaining`: the challenger wins with p = 3/(3 + 1) =
# ¾; war is worth (2p − 1)·V − (1 − r)·C_w = ½ − ½·C_w against the status quo. The status quo
# lies inside the bargaining range, and no one fights, iff that is negative: C_w > 1. The model
# has no renegotiation of the status quo, so outside the range the stronger side attacks and
# the weaker one yields. The
# choice is quantal: an option more than 40/λ = 0.2 below the best is never taken, so inside
# the range by more than that (C_w > 1.4) war is impossible, not merely rare; outside it by
# more than 0.15 (C_w < 0.7) the attack outweighs holding by e^(200·0.15) and comes on day 1.
@pytest.mark.parametrize("war_cost", [1.45, 2.0, 6.0])
def test_inside_fearons_bargaining_range_no_one_ever_chooses_war(war_cost):
    P, W, SW = pack(bargaining(war_cost))
    metrics, dyads = simulate_runs(P, W, SW, 1, np.arange(300), 0, False)[:2]
    assert (dyads[:, 1, DM_ATTACK_DAY] < 0).all()
    assert (metrics[:, MAX_RUNG] == 0).all()


@pytest.mark.parametrize("war_cost", [0.3, 0.7])
def test_outside_fearons_bargaining_range_the_stronger_side_attacks_at_once(war_cost):
    P, W, SW = pack(bargaining(war_cost))
    dyads = simulate_runs(P, W, SW, 1, np.arange(300), 0, False)[1]
    assert (dyads[:, 1, DM_ATTACK_DAY] == 1).all()
    # The weaker side, which fighting can only cost (p = ¼: nothing to win), yields at once:
    # the war of attrition ends before it is a war (under 1,000 deaths), the protégé conceding.
    assert (dyads[:, 1, DM_SETTLED] == BY_OTHER).all()
    assert (dyads[:, 1, DM_WAR_DAY] < 0).all()


# ---------------------------------------------------------------------------- nuclear arms


def test_nuclear_arms_change_the_runs_and_wars_with_them_can_go_nuclear():
    spec = load_scenario("reassurance")
    unarmed = spec.model_copy(
        update={"actors": [a.model_copy(update={"nuclear_armed": False}) for a in spec.actors]}
    )
    armed_runs = run_many(spec, 2000, 5, twins=False, chunk_size=2000)
    unarmed_runs = run_many(unarmed, 2000, 5, twins=False, chunk_size=2000)
    assert not armed_runs.equals(unarmed_runs)
    assert (unarmed_runs["outcome"] != "nuclear use").all()  # nothing to use
