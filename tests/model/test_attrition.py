"""Wars of attrition that last, and no resolve cliff (issue 19).

Under the old termination rule the chance that the opponent quits was (1 − b)·2·(1 − r̄)·C_w
on every day of a war, so the yield decision was a threshold in the drawn type: an attacked
protégé whose resolve fell below it yielded within a day or two of the attack, before the
fighting reached 1,000 battle deaths, and one above it never yielded. In reassurance (2,000
runs, seed 1) no run whose protégé drew a resolve below 0.875 reached war, and 72 of the 76
wars that ended did so 8 days after they began (yield on the war's first day, then the calm
days a rung takes to step down). At the attrition equilibrium each type quits at a time that
rises with its resolve (`sim.model.rules.termination`), so neither may come back. Each test
runs 400 runs of reassurance with seed 1 and no twins (about 4 s)."""

import numpy as np
import pytest

from sim.experiments.runs import run_many
from sim.model.chance import Stream, day_key, run_key, uniform_at
from sim.model.outcomes import WAR_OUTCOMES
from sim.model.rules import types
from sim.model.scenario import Role, load_scenario

RUNS = 400
DYAD = "Russia-Ukraine"


@pytest.fixture(scope="module")
def reassurance():
    """The scenario, its runs and the resolve each run's protégé drew on day 0."""
    spec = load_scenario("reassurance")
    table = run_many(spec, RUNS, 1, twins=False, chunk_size=RUNS)
    index = next(k for k, a in enumerate(spec.actors) if a.role == Role.PROTEGE)
    actor = spec.actors[index]
    drawn = np.array(
        [
            types.drawn_resolve(
                actor.resolve,
                actor.resolve_spread,
                uniform_at(np.uint64(day_key(np.uint64(run_key(1, run)), 0)), Stream.TYPE, index),
            )
            for run in range(RUNS)
        ]
    )
    return spec, table, drawn


def test_a_protege_of_lower_than_average_resolve_still_reaches_war(reassurance):
    spec, table, drawn = reassurance
    protege = next(a for a in spec.actors if a.role == Role.PROTEGE)
    war = table["outcome"].isin(WAR_OUTCOMES).to_numpy()
    below = drawn < protege.resolve
    # old rule: 0 of the ~200 runs below the mean; now about 15% (2,000 runs: 1.5% in the
    # lowest sixth of the range, 20-27% in the next three). 5% is over 3 standard errors below.
    assert war[below].mean() > 0.05


def test_an_attacked_protege_does_not_yield_before_the_fighting_becomes_a_war(reassurance):
    _, table, _ = reassurance
    attacked = table[table[f"{DYAD}_attack_day"] >= 0]
    yielded_at_once = (attacked[f"{DYAD}_war_day"] < 0) & (attacked[f"{DYAD}_settled"] == 2)
    # old rule: 456 of 532 attacks (86%) ended by the protégé yielding before 1,000 deaths
    assert len(attacked) > 40
    assert yielded_at_once.mean() < 0.5


def war_durations(table) -> np.ndarray:
    """Days from each ended dyad war's first day to its end, over every dyad."""
    durations = []
    for column in table.columns:
        if column.endswith("_war_end_day"):
            dyad = column.removesuffix("_war_end_day")
            ended = (table[column] >= 0) & (table[f"{dyad}_war_day"] >= 0)
            durations.extend(table.loc[ended, column] - table.loc[ended, f"{dyad}_war_day"])
    return np.array(durations)


def test_wars_end_after_durations_that_are_not_all_one_value(reassurance):
    durations = war_durations(reassurance[1])
    values, counts = np.unique(durations, return_counts=True)
    # old rule: 72 of 76 ended wars lasted exactly 8 days
    assert len(durations) >= 10
    assert len(values) >= 5
    assert counts.max() / len(durations) < 0.5
    assert np.median(durations) > 8
