"""The stylized facts of brief section 6, as directional tests over many seeded runs.

Each compares two conditions over the same seeds (common random numbers). Tolerance: a
difference must exceed 3 standard errors of a difference of two proportions (or means) at
these sample sizes, a one-sided false-alarm rate below 0.2%; the seeds are fixed, so the
tests are deterministic. The runs use the ensemble engine, docked to the Mesa model
(tests/integration/test_docking.py).
"""

import numpy as np

from sim.model import run_model
from sim.outcomes import CRISIS_DAYS, FIRST, MAX_RUNG, REACHED, Event
from sim.scenario import Role
from tests.conftest import ensemble

N = 4000
CLASH = REACHED + 3  # the day the crisis first reached rung 3


def share(flags: np.ndarray) -> tuple[float, float]:
    p = float(flags.mean())
    return p, np.sqrt(p * (1 - p) / len(flags))


def clearly_greater(high: np.ndarray, low: np.ndarray) -> bool:
    (p1, s1), (p0, s0) = share(high), share(low)
    return p1 - p0 > 3 * np.hypot(s1, s0)


def caused_by_missteps(spec) -> np.ndarray:
    run, twin = ensemble(spec, N), ensemble(spec, N, suppress=True)
    r = spec.world.escalation_rung
    return (run[:, MAX_RUNG] >= r) & (twin[:, MAX_RUNG] < r)


def test_more_troops_lower_the_renewed_offensive_rate(reassurance):
    few = reassurance.with_actor_changes(Role.GUARANTOR, troops=500)
    many = reassurance.with_actor_changes(Role.GUARANTOR, troops=8000)
    offensive = FIRST + Event.OFFENSIVE
    assert clearly_greater(
        ensemble(few, N)[:, offensive] >= 0, ensemble(many, N)[:, offensive] >= 0
    )


def test_with_high_threat_perception_more_troops_raise_misstep_driven_escalation(reassurance):
    wary = reassurance.with_actor_changes(Role.CHALLENGER, threat_perception=0.9)
    for role in (Role.PROTEGE, Role.GUARANTOR):
        wary = wary.with_actor_changes(role, threat_perception=0.9)
    few = wary.with_actor_changes(Role.GUARANTOR, troops=1000)
    many = wary.with_actor_changes(Role.GUARANTOR, troops=8000)
    assert clearly_greater(caused_by_missteps(many), caused_by_missteps(few))


def test_a_better_hotline_lowers_misstep_driven_escalation(reassurance):
    poor = reassurance.with_changes(world={"hotline_quality": 0.1})
    good = reassurance.with_changes(world={"hotline_quality": 0.9})
    assert clearly_greater(caused_by_missteps(poor), caused_by_missteps(good))


def test_higher_audience_costs_make_crises_last_longer_and_escalate_more_once_started(
    reassurance,
):
    def everyone(spec, cost):
        for role in Role:
            spec = spec.with_actor_changes(role, audience_cost=cost)
        return spec

    low, high = ensemble(everyone(reassurance, 0.1), N), ensemble(everyone(reassurance, 0.5), N)
    # crisis length: days at rung 2 or above; difference of means beyond 3 standard errors
    d_low, d_high = low[:, CRISIS_DAYS], high[:, CRISIS_DAYS]
    se = np.hypot(d_low.std() / np.sqrt(N), d_high.std() / np.sqrt(N))
    assert d_high.mean() - d_low.mean() > 3 * se
    # escalation once a crisis has started (rung 3 reached)
    started_low, started_high = low[:, CLASH] >= 0, high[:, CLASH] >= 0
    war_low = low[started_low, MAX_RUNG] >= 5
    war_high = high[started_high, MAX_RUNG] >= 5
    assert clearly_greater(war_high, war_low)


def test_with_all_chance_off_nothing_happens_by_chance(shipped):
    calm = shipped.with_changes(mechanisms={"noise": False, "missteps": False}).with_actor_changes(
        Role.CHALLENGER, offensive_hazard=0.0
    )
    for role in Role:
        calm = calm.with_actor_changes(role, strike_probability=1.0)
    runs = ensemble(calm, 200)
    assert (runs == runs[0]).all()
    a = run_model(calm, seed=1).trajectory()
    b = run_model(calm, seed=99).trajectory()
    assert a.equals(b)
