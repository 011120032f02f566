"""The Mesa model: determinism, the analytic limits, the off switches, the twin."""

import numpy as np
import pandas as pd
import pytest

from sim.chance import Stream
from sim.model import EscalationModel, run_model
from sim.outcomes import Outcome
from tests.conftest import QUIET, ensemble, two_actors


def hostility(model: EscalationModel) -> pd.DataFrame:
    return model.trajectory().pivot(index="day", columns="actor", values="hostility")


def test_the_same_seed_gives_an_identical_trajectory(reassurance):
    a = run_model(reassurance, seed=11).trajectory()
    b = run_model(reassurance, seed=11).trajectory()
    pd.testing.assert_frame_equal(a, b, check_exact=True)


def test_different_seeds_give_different_trajectories(reassurance):
    a = run_model(reassurance, seed=11, record=True).trajectory()
    b = run_model(reassurance, seed=12, record=True).trajectory()
    assert not a.equals(b)


def test_a_run_ends_as_terminated_or_truncated(reassurance):
    for seed in range(30):
        model = run_model(reassurance, seed=seed, record=False)
        assert model.terminated != model.truncated
        if model.truncated:
            assert model.day == reassurance.world.days
        else:
            assert model.outcome in (Outcome.OPEN_WAR, Outcome.NUCLEAR_USE)


def test_richardson_limit_follows_the_update_exactly():
    a1, m1, g1, a2, m2, g2 = 0.02, 0.06, 0.01, 0.03, 0.05, 0.02
    model = run_model(two_actors(a1, m1, g1, a2, m2, g2, x1=0.3, x2=0.1, days=200))
    h = hostility(model)
    x, y = h["A"].to_numpy(), h["B"].to_numpy()
    assert (x[1:] == x[:-1] + a1 * y[:-1] - m1 * x[:-1] + g1).all()
    assert (y[1:] == y[:-1] + a2 * x[:-1] - m2 * y[:-1] + g2).all()


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
    huge = (1e6, 2e6, 3e6, 4e6, 5e6, 7e6)
    model = run_model(two_actors(a1, m1, g1, a2, m2, g2, days=1500, thresholds=huge))
    x = hostility(model)["A"].to_numpy()
    assert (np.diff(x) > 0).all()
    assert x[-1] > 1e4


@pytest.mark.parametrize("name", ["baseline", "reassurance", "hotline", "hardline"])
def test_rationalist_null_no_war_without_misperception_noise_or_missteps(name):
    from sim.scenario import load_scenario

    spec = load_scenario(name).with_changes(mechanisms=QUIET)
    metrics = ensemble(spec, 2000)
    from sim.outcomes import MAX_RUNG

    assert metrics[:, MAX_RUNG].max() < spec.world.escalation_rung


def test_a_twin_shares_every_draw_but_the_missteps(reassurance, monkeypatch):
    drawn: dict[bool, dict[tuple[int, int, int], float]] = {False: {}, True: {}}
    original = EscalationModel.draw

    def recording(self, stream, actor):
        value = original(self, stream, actor)
        drawn[self.suppress_missteps][(self.day, int(stream), actor)] = value
        return value

    monkeypatch.setattr(EscalationModel, "draw", recording)
    for seed in range(5):
        drawn[False].clear()
        drawn[True].clear()
        run = run_model(reassurance, seed=seed)
        twin = run_model(reassurance, seed=seed, suppress_missteps=True)
        misstep_streams = {Stream.MISSTEP, Stream.MISREAD, Stream.MISSTEP_CASUALTIES}
        assert not any(k[1] in misstep_streams for k in drawn[True])
        shared = drawn[False].keys() & drawn[True].keys()
        assert shared and all(drawn[False][k] == drawn[True][k] for k in shared)
        # until the first misstep, both drew exactly the same numbers
        first = run.result()["first_misstep_day"]
        horizon = first if first >= 0 else min(run.day, twin.day) + 1
        before = {k for k in drawn[False] if k[0] < horizon and k[1] not in misstep_streams}
        assert before == {k for k in drawn[True] if k[0] < horizon}
