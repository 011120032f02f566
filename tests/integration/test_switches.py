"""Each off switch truly removes its mechanism."""

import numpy as np
import pandas as pd

from sim.model import run_model
from sim.outcomes import COUNT, FIRST, Event
from sim.scenario import Role
from tests.conftest import ensemble


def hostility(spec, seed=3):
    return (
        run_model(spec, seed=seed)
        .trajectory()
        .pivot(index="day", columns="actor", values="hostility")
    )


def test_reaction_off_leaves_only_decay_and_grievance(reassurance):
    spec = reassurance.with_changes(
        mechanisms={
            "reaction": False,
            "missteps": False,
            "framing": False,
            "warning": False,
            "lock_in": False,
            "retaliation": False,
        },
    ).with_actor_changes(Role.CHALLENGER, offensive_hazard=0.0, initial_hostility=3.0)
    h = hostility(spec)["Russia"].to_numpy()
    m = spec.actors[0].restraint
    assert np.array_equal(h[1:], h[:-1] - m * h[:-1] + 0.0)


def test_framing_off_makes_troops_invisible_to_the_challenger(reassurance):
    spec = reassurance.with_changes(
        mechanisms={"framing": False, "missteps": False, "tripwire": False}
    )
    no_troops = spec.with_actor_changes(Role.GUARANTOR, troops=0)
    pd.testing.assert_frame_equal(hostility(spec), hostility(no_troops))
    with_framing = reassurance.with_changes(mechanisms={"missteps": False, "tripwire": False})
    assert not hostility(with_framing).equals(
        hostility(with_framing.with_actor_changes(Role.GUARANTOR, troops=0))
    )


def test_missteps_off_means_no_missteps(reassurance):
    on = ensemble(reassurance, 500)
    off = ensemble(reassurance.with_changes(mechanisms={"missteps": False}), 500)
    assert on[:, COUNT + Event.MISSTEP].sum() > 100
    assert off[:, COUNT + Event.MISSTEP].sum() == 0


def test_misreading_off_reads_every_incident_correctly(reassurance):
    on = ensemble(reassurance, 500)
    off = ensemble(reassurance.with_changes(mechanisms={"misreading": False}), 500)
    assert on[:, COUNT + Event.MISREAD].sum() > 50
    assert off[:, COUNT + Event.MISSTEP].sum() > 100
    assert off[:, COUNT + Event.MISREAD].sum() == 0


def test_tripwire_off_makes_the_offensive_blind_to_troops(reassurance):
    quiet = {"tripwire": False, "missteps": False, "framing": False, "warning": False}
    spec = reassurance.with_changes(mechanisms=quiet)
    none = spec.with_actor_changes(Role.GUARANTOR, troops=0)
    first = FIRST + Event.OFFENSIVE
    assert np.array_equal(ensemble(spec, 400)[:, first], ensemble(none, 400)[:, first])
    deterred = reassurance.with_changes(mechanisms={**quiet, "tripwire": True})
    assert not np.array_equal(ensemble(deterred, 400)[:, first], ensemble(none, 400)[:, first])


def test_warning_and_lock_in_off_make_a_warning_and_audience_costs_inert(reassurance):
    off = reassurance.with_changes(mechanisms={"warning": False, "lock_in": False})
    silent = off.with_actor_changes(Role.CHALLENGER, warned=False)
    cheap = silent.with_actor_changes(Role.CHALLENGER, audience_cost=0.0)
    pd.testing.assert_frame_equal(hostility(off), hostility(silent))
    pd.testing.assert_frame_equal(hostility(silent), hostility(cheap))
    on = reassurance.with_changes(mechanisms={"lock_in": False})
    assert not hostility(on).equals(hostility(on.with_actor_changes(Role.CHALLENGER, warned=False)))


def test_lock_in_off_keeps_restraint_constant_after_a_commitment(reassurance):
    off = reassurance.with_changes(mechanisms={"lock_in": False, "warning": False})
    # with warnings' own effects off, audience costs act only through lock-in
    a = hostility(off.with_actor_changes(Role.CHALLENGER, audience_cost=0.9))
    b = hostility(off.with_actor_changes(Role.CHALLENGER, audience_cost=0.0))
    pd.testing.assert_frame_equal(a, b)
    on = reassurance.with_changes(mechanisms={"warning": False})
    assert not hostility(on.with_actor_changes(Role.CHALLENGER, audience_cost=0.9)).equals(
        hostility(on.with_actor_changes(Role.CHALLENGER, audience_cost=0.0))
    )


def test_withdrawal_off_keeps_troops_whatever_the_losses(reassurance):
    fragile = reassurance.with_actor_changes(Role.GUARANTOR, casualty_tolerance=0.0)
    on = ensemble(fragile, 300)
    off = ensemble(fragile.with_changes(mechanisms={"withdrawal": False}), 300)
    assert on[:, COUNT + Event.WITHDRAWAL].sum() > 0
    assert off[:, COUNT + Event.WITHDRAWAL].sum() == 0


def test_retaliation_off_means_no_deliberate_strikes(shipped):
    hard = shipped.with_changes(mechanisms={"retaliation": False})
    assert ensemble(hard, 300)[:, COUNT + Event.STRIKE].sum() == 0


def test_misperception_and_noise_off_make_perception_exact(reassurance):
    spec = reassurance.with_changes(mechanisms={"misperception": False, "noise": False})
    model = run_model(spec, seed=5)
    frame = model.trajectory()
    for day, group in frame[frame["day"] > 0].groupby("day"):
        previous = frame[frame["day"] == day - 1].set_index("actor")["hostility"]
        russia_sees = previous.drop("Russia").max()
        perceived = group.set_index("actor")["perceived"]
        assert perceived["Russia"] == russia_sees
        assert perceived["France"] == previous["Russia"]


def test_noise_off_removes_the_seed_from_perception(reassurance):
    quiet = {"noise": False, "missteps": False}
    spec = reassurance.with_changes(mechanisms=quiet).with_actor_changes(
        Role.CHALLENGER, offensive_hazard=0.0
    )
    pd.testing.assert_frame_equal(hostility(spec, seed=1), hostility(spec, seed=2))
    noisy = reassurance.with_changes(mechanisms={"missteps": False}).with_actor_changes(
        Role.CHALLENGER, offensive_hazard=0.0
    )
    assert not hostility(noisy, seed=1).equals(hostility(noisy, seed=2))
