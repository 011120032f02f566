"""The Mesa model: determinism, the analytic limits of brief §7, the ladder's rules, twins."""

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import pytest

from sim.model.ladder import Action
from sim.model.mesa_model import EscalationModel, road_mask, run_model
from sim.model.outcomes import COUNT, MAX_RUNG, Event, Road
from sim.model.scenario import Role, load_scenario
from tests.conftest import RATIONALIST, SHIPPED, ensemble, two_actors


def hostility(model: EscalationModel) -> pd.DataFrame:
    return model.trajectory().pivot(index="day", columns="actor", values="hostility")


def test_the_same_seed_gives_an_identical_trajectory(reassurance):
    a = run_model(reassurance, seed=11)
    b = run_model(reassurance, seed=11)
    pd.testing.assert_frame_equal(a.trajectory(), b.trajectory(), check_exact=True)
    pd.testing.assert_frame_equal(a.dyad_trajectory(), b.dyad_trajectory(), check_exact=True)


def test_different_seeds_give_different_trajectories(reassurance):
    a = run_model(reassurance, seed=11).trajectory()
    b = run_model(reassurance, seed=12).trajectory()
    assert not a.equals(b)


def test_a_run_ends_by_nuclear_use_or_at_its_horizon_and_war_does_not_end_it():
    hardline = load_scenario("hardline")
    wars = 0
    for seed in range(20):
        model = run_model(hardline, seed=seed, record=False)
        assert model.terminated != model.truncated
        if model.truncated:
            assert model.day == hardline.world.days
        wars += model.result()["escalated"]
    assert wars > 0  # wars happened, and those runs still went on to the horizon


def test_richardson_limit_follows_the_update_exactly():
    a1, m1, g1, a2, m2, g2 = 0.02, 0.06, 0.01, 0.03, 0.05, 0.02
    model = run_model(two_actors(a1, m1, g1, a2, m2, g2, x1=0.3, x2=0.1, days=200))
    h = hostility(model)
    x, y = h["A"].to_numpy(), h["B"].to_numpy()
    assert (x[1:] == x[:-1] + a1 * y[:-1] - m1 * x[:-1] + g1).all()
    assert (y[1:] == y[:-1] + a2 * x[:-1] - m2 * y[:-1] + g2).all()
    assert model.result()["max_rung"] == 0  # no decisions: the ladder is never climbed


def test_richardson_limit_settles_at_the_analytic_equilibrium():
    a1, m1, g1, a2, m2, g2 = 0.02, 0.06, 0.01, 0.03, 0.05, 0.02
    assert m1 * m2 > a1 * a2
    model = run_model(two_actors(a1, m1, g1, a2, m2, g2, days=2000))
    x_star = (g1 * m2 + a1 * g2) / (m1 * m2 - a1 * a2)
    y_star = (g2 * m1 + a2 * g1) / (m1 * m2 - a1 * a2)
    h = hostility(model).iloc[-1]
    assert h["A"] == pytest.approx(x_star, rel=1e-9)
    assert h["B"] == pytest.approx(y_star, rel=1e-9)


def test_richardson_limit_grows_without_bound_when_unstable():
    a1, m1, g1, a2, m2, g2 = 0.08, 0.05, 0.01, 0.07, 0.05, 0.01
    assert m1 * m2 < a1 * a2
    model = run_model(two_actors(a1, m1, g1, a2, m2, g2, days=1500))
    x = hostility(model)["A"].to_numpy()
    assert (np.diff(x) > 0).all()
    assert x[-1] > 1e4


@pytest.mark.parametrize("name", SHIPPED)
def test_rationalist_null_no_one_chooses_war(name):
    """Fearon (1995): complete information (beliefs true: no one is aggressive, b = 0; every
    resolve known; no slips), no
    misperception, noise, missteps or commitment problem, war costly to both, decisions on at
    high precision: over 2,000 seeds no actor attacks and no dyad reaches war. Holds because
    every attack's utility is then far below holding's (see docs/model.md)."""
    spec = load_scenario(name).with_changes(mechanisms=RATIONALIST, world={"precision": 50.0})
    for role in Role:
        spec = spec.with_actor_changes(role, initial_belief=0.0)
    metrics = ensemble(spec, 2000)
    assert metrics[:, COUNT + Event.ATTACK].sum() == 0
    assert metrics[:, MAX_RUNG].max() < 5


def _dyad_days(model: EscalationModel) -> pd.DataFrame:
    return model.dyad_trajectory().pivot(index="day", columns="dyad", values="rung")


@pytest.mark.parametrize("name", ["hardline", "reassurance", "baseline"])
def test_a_dyad_never_climbs_two_rungs_in_a_day_without_an_attack(name):
    spec = load_scenario(name)
    jumps = 0
    for seed in range(12):
        model = run_model(spec, seed=seed)
        rungs = _dyad_days(model)
        attacks = {
            (
                e.day,
                f"{spec.actors[0].name}-{e.other if e.actor == spec.actors[0].name else e.actor}",
            )
            for e in model.events
            if e.kind is Action.ATTACK
        }
        climbs = rungs.diff().iloc[1:]
        for day, row in climbs.iterrows():
            for dyad, step in row.items():
                if step > 1:
                    jumps += 1
                    assert (day, dyad) in attacks, (
                        f"seed {seed}: {dyad} climbed {step} on day {day}"
                    )
    if name == "hardline":
        assert jumps > 0  # attacks did open combat at once, so the exception is exercised


def test_war_is_never_reached_with_fewer_battle_deaths_than_the_threshold():
    spec = load_scenario("hardline")
    threshold = spec.world.war_deaths
    wars = 0
    for seed in range(10):
        rows = run_model(spec, seed=seed).dyad_trajectory()
        for _, dyad in rows.groupby("dyad"):
            previous = dyad["rung"].shift(1, fill_value=0)
            started = dyad[(dyad["rung"] >= 5) & (previous < 5)]
            wars += len(started)
            assert (started["episode_deaths"] >= threshold).all()
    assert wars > 0


def test_nuclear_use_is_chosen_only_inside_a_war():
    spec = load_scenario("hardline").with_changes(world={"nuclear_cost": 0.5})
    used = 0
    for seed in range(10):
        model = run_model(spec, seed=seed)
        rungs = _dyad_days(model)
        for event in model.events:
            if event.kind is Action.NUCLEAR:
                used += 1
                other = event.other if event.actor == spec.actors[0].name else event.actor
                dyad = f"{spec.actors[0].name}-{other}"
                assert rungs.at[event.day - 1, dyad] == 5
    assert used > 0  # made cheap, nuclear use happens, and only at war


def test_each_twin_shares_every_draw_but_its_own():
    """Run the phases as plain Python (numba off) with the random numbers recorded: a twin
    draws the same number for every (day, stream, slot) it shares with its run, and until the
    first day its road shows, it draws exactly what the run draws."""
    script = textwrap.dedent(
        """
        import json, sys
        import sim.model.day as day
        from sim.model.mesa_model import EscalationModel, road_mask
        from sim.model.outcomes import Road
        from sim.model.scenario import load_scenario

        log = []
        original = day.uniform_at

        def recording(key, stream, slot):
            value = original(key, stream, slot)
            log.append((int(current[0]), int(stream), int(slot), float(value)))
            return value

        day.uniform_at = recording
        current = [0]
        spec = load_scenario("hardline").with_changes(world={"days": 60})
        result = {}
        for seed in (2, 5):
            for name, mask in [("run", 0)] + [(r.label, road_mask(r)) for r in Road]:
                log.clear()
                current[0] = 0  # the types are drawn as the model is made, on day 0
                model = EscalationModel(spec, seed=seed, suppress=mask, record=False)
                while model.running:
                    current[0] = model.steps + 1
                    model.step()
                result[f"{seed}/{name}"] = {
                    "draws": list(log),
                    "diverged": [int(d) for d in model.state[5]],
                }
        json.dump(result, sys.stdout)
        """
    )
    env = {**os.environ, "NUMBA_DISABLE_JIT": "1", "PYTHONWARNINGS": "ignore"}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True
    )
    result = json.loads(done.stdout)
    streams_of = {
        "missteps": {2, 3, 4},  # MISSTEP, MISREAD, MISSTEP_CASUALTIES
        "misreading": set(),
        "attacks": set(),
        "warnings": set(),
        "face": set(),
        "slips": {8, 9},  # SLIP, SLIP_CASUALTIES
    }
    for seed in (2, 5):
        run = result[f"{seed}/run"]
        first = dict(enumerate(run["diverged"]))
        values = {(d, s, k): v for d, s, k, v in run["draws"]}
        for index, road in enumerate(Road):
            twin = result[f"{seed}/{road.label}"]
            twin_values = {(d, s, k): v for d, s, k, v in twin["draws"]}
            shared = values.keys() & twin_values.keys()
            assert shared and all(values[key] == twin_values[key] for key in shared)
            own = streams_of[road.label]
            assert not any(s in own for _, s, _ in twin_values)
            fork = first[index] if first[index] >= 0 else 10**9
            before = sorted(key for key in values if key[0] < fork and key[1] not in own)
            assert before == sorted(key for key in twin_values if key[0] < fork)


def test_a_twin_whose_road_never_showed_is_the_run_itself(reassurance):
    calm = reassurance.with_changes(mechanisms={"missteps": False})
    run = run_model(calm, seed=4, record=False)
    twin = run_model(calm, seed=4, suppress=road_mask(Road.MISSTEPS), record=False)
    assert np.array_equal(run.metrics, twin.metrics)
    assert np.array_equal(run.dyad_metrics, twin.dyad_metrics)
