"""Each off switch truly removes its mechanism: the events it makes never happen, or the
parameters it reads stop mattering (the runs are then identical to the last bit)."""

import numpy as np
import pandas as pd
import pytest

from sim.model import day, myopic
from sim.model import state as layout
from sim.model.ladder import Action
from sim.model.mesa_model import run_model
from sim.model.outcomes import COUNT, Event
from sim.model.scenario import Role
from tests.conftest import ensemble

N = 400


def count(metrics: np.ndarray, event: Event) -> float:
    return float(metrics[:, COUNT + event].sum())


@pytest.mark.parametrize(
    ("switch", "events"),
    [
        ("missteps", [Event.MISSTEP, Event.MISREAD]),
        ("misreading", [Event.MISREAD]),
        ("warning", [Event.WARNING]),
        ("withdrawal", [Event.WITHDRAWAL]),
        ("deliberate", [Event.ATTACK]),
        # a warning issued before day 1 stands without any decision: only later ones are decided
        ("decisions", [Event.MOBILISATION, Event.HARASSMENT, Event.STRIKE, Event.ATTACK]),
    ],
)
def test_a_switch_off_removes_the_events_it_makes(switch, events):
    spec = _busy()
    on = ensemble(spec, N)
    off = ensemble(spec.with_changes(mechanisms={switch: False}), N)
    for event in events:
        assert count(on, event) > 0, f"{event.name} never happens even with {switch} on"
        assert count(off, event) == 0, f"{event.name} happens with {switch} off"


def _busy():
    """Reassurance with thin-skinned guarantors: every kind of event happens in 400 runs."""
    return (
        _scenario()
        .with_actor_changes(Role.GUARANTOR, casualty_tolerance=5.0)
        .with_changes(world={"misstep_rate": 0.001})
    )


def _scenario():
    from sim.model.scenario import load_scenario

    return load_scenario("hardline")


@pytest.mark.parametrize(
    ("switch", "world", "values"),
    [
        ("misperception", "misperception_bias", (0.0, 3.0)),
        ("noise", "perception_noise", (0.0, 3.0)),
        ("retaliation", "retaliation", (0.0, 3.0)),
        ("misreading", "misread_shock", (0.0, 30.0)),
    ],
)
def test_a_switch_off_makes_its_parameter_inert(switch, world, values):
    spec = _scenario().with_changes(mechanisms={switch: False})
    a = ensemble(spec.with_changes(world={world: values[0]}), 200)
    b = ensemble(spec.with_changes(world={world: values[1]}), 200)
    assert np.array_equal(a, b)
    on = _scenario()
    assert not np.array_equal(
        ensemble(on.with_changes(world={world: values[0]}), 200),
        ensemble(on.with_changes(world={world: values[1]}), 200),
    )


@pytest.mark.parametrize(
    ("switch", "field", "values"),
    [
        ("framing", "framing", (0.0, 0.5)),
        ("warning", "hardening", (0.0, 0.5)),
        ("warning", "audience_cost", (0.0, 3.0)),
        ("reaction", "reactivity", (0.0, 0.5)),
    ],
)
def test_a_switch_off_makes_its_actor_parameter_inert(switch, field, values):
    spec = _scenario().with_changes(mechanisms={switch: False})
    a = ensemble(spec.with_actor_changes(Role.CHALLENGER, **{field: values[0]}), 200)
    b = ensemble(spec.with_actor_changes(Role.CHALLENGER, **{field: values[1]}), 200)
    assert np.array_equal(a, b)
    on = _scenario()
    assert not np.array_equal(
        ensemble(on.with_actor_changes(Role.CHALLENGER, **{field: values[0]}), 200),
        ensemble(on.with_actor_changes(Role.CHALLENGER, **{field: values[1]}), 200),
    )


def test_tripwire_off_troops_add_no_credibility_and_no_deterrence():
    spec = _scenario()
    off = spec.with_changes(mechanisms={"tripwire": False})
    for scenario, expect_wider in ((spec, True), (off, False)):
        P, W, SW = layout.pack(scenario)
        state = layout.new_state(P.shape[0])
        day.start(P, W, SW, state, np.uint64(0))
        win, wider = myopic.balance(P, W, SW, state, 0, 1)
        assert (wider > 0) == expect_wider
        if not expect_wider:
            assert win == P[0, layout.FORCES] / (P[0, layout.FORCES] + P[1, layout.FORCES])


def test_beliefs_off_keep_every_belief_at_its_prior():
    spec = _scenario().with_changes(mechanisms={"beliefs": False}, world={"days": 120})
    trajectory = run_model(spec, seed=3).trajectory()
    priors = {a.name: a.initial_belief for a in spec.actors}
    assert (trajectory["belief"] == trajectory["actor"].map(priors)).all()
    moved = run_model(_scenario().with_changes(world={"days": 120}), seed=3).trajectory()
    assert not (moved["belief"] == moved["actor"].map(priors)).all()


def _faces(spec) -> pd.Series:
    """The audience cost the challenger faced in each of its decisions toward a guarantor."""
    model = run_model(spec, seed=2)
    return pd.Series(
        [
            e.details["backdown"]
            for e in model.events
            if isinstance(e.kind, Action) and e.actor == spec.actors[0].name and e.other
        ]
    )


def test_lock_in_off_keeps_the_price_of_backing_down_at_the_audience_cost():
    spec = _scenario().with_changes(world={"days": 200})
    cost = spec.actors[0].audience_cost
    off = _faces(spec.with_changes(mechanisms={"lock_in": False}))
    assert len(off) and set(off[off > 0].round(12)) == {round(cost, 12)}
    on = _faces(spec)
    assert on.max() > cost  # the longer the warning stands, the dearer backing down
