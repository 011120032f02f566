"""The calibration's parts (issue 9): priors, seeds, weighted quantiles, the distance, the
calibrated scenario file and the posterior file check."""

import math

import numpy as np
import pandas as pd
import pytest

from sim.model.scenario import ScenarioError, list_scenario_files, load_scenario
from sim.record.calibrate import PatternDistance, Prior
from sim.record.calibrated import read_posterior, scenario_toml, weighted_quantile
from sim.record.patterns import Pattern, Target
from sim.record.smc import slot_seed


@pytest.mark.parametrize(
    "prior",
    [
        Prior(path="world.war_cost", prior="uniform", low=2.0, high=30.0),
        Prior(path="world.war_cost", prior="log-uniform", low=2.0, high=30.0),
        Prior(path="world.war_cost", prior="beta", low=2.0, high=30.0, a=2.0, b=5.0),
    ],
    ids=lambda p: p.prior,
)
def test_each_prior_draws_inside_its_range_and_has_density_there(prior):
    np.random.seed(1)
    rv = prior.rv()
    sampled = np.array([rv.rvs() for _ in range(2000)])
    draws = np.array([prior.value(x) for x in sampled])
    assert draws.min() >= prior.low and draws.max() <= prior.high
    if prior.prior == "log-uniform":  # the sampler moves in logs, where the prior is flat
        low, high = math.log(prior.low), math.log(prior.high)
        assert sampled.min() >= low and sampled.max() <= high
        assert rv.pdf(0.5 * (low + high)) == pytest.approx(1 / (high - low))
        assert rv.pdf(high + 0.1) == 0 and rv.pdf(low - 0.1) == 0
        # half the draws below the geometric mean (2000 draws: se ≈ 0.011)
        assert np.mean(draws < math.sqrt(prior.low * prior.high)) == pytest.approx(0.5, abs=0.04)
        return
    assert rv.pdf(0.5 * (prior.low + prior.high)) > 0 and rv.pdf(prior.high + 1) == 0
    if prior.prior == "beta":  # the mean of beta(2, 5) stretched over 2..30: 2 + 28·2/7 = 10
        assert draws.mean() == pytest.approx(10.0, abs=0.5)  # 2000 draws: se ≈ 0.11


@pytest.mark.parametrize(
    "fields",
    [
        {"low": 3.0, "high": 3.0},
        {"prior": "log-uniform", "low": 0.0, "high": 3.0},
        {"prior": "beta", "low": 0.0, "high": 1.0},
        {"prior": "uniform", "low": 0.0, "high": 1.0, "a": 2.0, "b": 2.0},
    ],
)
def test_unsound_priors_are_refused(fields):
    with pytest.raises(ValueError):
        Prior(path="world.war_cost", **fields)


def test_slot_seeds_are_fixed_and_distinct():
    seeds = {slot_seed(1, t, i) for t in range(-1, 5) for i in range(200)}
    assert len(seeds) == 6 * 200
    assert slot_seed(1, 2, 3) == slot_seed(1, 2, 3) != slot_seed(2, 2, 3)


def test_weighted_quantile_inverts_the_weighted_distribution():
    values = np.array([3.0, 1.0, 2.0])
    weights = np.array([0.5, 0.25, 0.25])
    assert weighted_quantile(values, weights, 0.2) == 1.0
    assert weighted_quantile(values, weights, 0.5) == 2.0
    assert weighted_quantile(values, weights, 0.51) == 3.0


def test_the_distance_adds_each_pattern_in_quadrature():
    def pattern(name, low, high):
        return Pattern(
            name=name, description="d", quantity="nuclear_use", source="s (1)",
            confidence="high", target=Target(low=low, high=high),
        )  # fmt: skip

    distance = PatternDistance((pattern("a", 0.0, 0.1), pattern("b", 0.2, 0.4)))
    assert distance({"a": 0.05, "b": 0.3}, {}) == 0.0
    # a: 0.1 above its interval of width 0.1 (1 width); b: 0.2 below one of width 0.2 (1)
    assert distance({"a": 0.2, "b": 0.0}, {}) == pytest.approx(math.sqrt(2))


@pytest.mark.parametrize("path", list_scenario_files(), ids=lambda p: p.stem)
def test_a_scenario_written_as_a_file_reads_back_the_same(tmp_path, path):
    scenario = load_scenario(path)
    file = tmp_path / "s.toml"
    file.write_text(scenario_toml(scenario, 'a header with "quotes"\nand two lines'))
    assert load_scenario(file) == scenario


def test_a_posterior_file_is_checked_before_use(tmp_path):
    base = load_scenario("reassurance")
    good = tmp_path / "good.parquet"
    pd.DataFrame({"world.war_cost": [5.0, 7.0], "weight": [1.0, 3.0]}).to_parquet(good)
    table = read_posterior(good, base)
    assert table["weight"].tolist() == [0.25, 0.75]
    for frame, says in (
        (pd.DataFrame({"world.war_cost": [5.0]}), "weight"),
        (pd.DataFrame({"world.war_cost": [5.0], "weight": [-1.0]}), "weights"),
        (pd.DataFrame({"world.war_cost": [np.nan], "weight": [1.0]}), "finite"),
        (pd.DataFrame({"world.war_cost": [-5.0], "weight": [1.0]}), "war_cost"),
    ):
        bad = tmp_path / "bad.parquet"
        frame.to_parquet(bad)
        with pytest.raises(ScenarioError, match=says):
            read_posterior(bad, base)


def test_a_posterior_runs_on_another_scenario_only_where_it_replaces_nothing_that_one_sets(
    tmp_path,
):
    """The family (name before '-') takes it; another scenario takes its world parameters
    with a note, unless it sets one of them (its value would be lost) or they are an actor's."""
    from sim.record.calibrated import carried_over

    reassurance, korea = load_scenario("reassurance"), load_scenario("korea")
    path = tmp_path / "p.parquet"
    assert carried_over(["world.war_cost"], reassurance, "reassurance", path) == []
    family = reassurance.with_changes(name="reassurance-calm", world={"war_cost": 9.0})
    assert carried_over(["world.war_cost"], family, "reassurance", path) == [
        "the posterior replaces what 'reassurance-calm' sets: world.war_cost"
    ]
    [note] = carried_over(["world.war_cost"], korea, "reassurance", path)
    assert "carried over, not fitted" in note and "'korea'" in note
    with pytest.raises(ScenarioError, match=r"replace what 'korea' sets \(world.precision\)"):
        carried_over(["world.precision"], korea.with_changes(world={"precision": 9.0}),
                     "reassurance", path)  # fmt: skip
    with pytest.raises(ScenarioError, match=r"challenger\.resolve"):
        carried_over(["challenger.resolve"], korea, "reassurance", path)


class FakeHistory:
    """Generations of particles (the sampler's scale) and their weights, as pyabc gives them."""

    def __init__(self, generations: list[tuple[pd.DataFrame, np.ndarray]]):
        self.generations = generations
        self.max_t = len(generations) - 1

    def get_distribution(self, m: int, t: int) -> tuple[pd.DataFrame, np.ndarray]:
        return self.generations[t]


def test_movement_measures_each_generation_against_the_one_before():
    """A median that moves by half its 90% width, or an interval that halves, is not settled;
    the same particles again are (shift 0, ratio 1); log-uniform parameters are measured in the
    sampler's logs, as pyabc holds them."""
    from types import SimpleNamespace

    from sim.record.calibrated import movement

    priors = [
        Prior(path="world.war_cost", prior="log-uniform", low=2.0, high=30.0),
        Prior(path="world.incident_lethality", low=0.0, high=1.0),
    ]
    setup = SimpleNamespace(named=lambda: [(p, f"p{i}") for i, p in enumerate(priors)])
    grid = np.linspace(0.0, 1.0, 101)  # 90% width 0.9 (weighted quantiles of a flat sample)
    flat = np.ones(101)
    first = pd.DataFrame({"p0": np.log(2) + grid, "p1": grid})
    moved = pd.DataFrame({"p0": np.log(2) + grid, "p1": grid + 0.45})
    # p0's interval halves around the same median (0.5): only the width ratio fails
    halved = pd.DataFrame({"p0": np.log(2) + 0.25 + 0.5 * grid, "p1": grid + 0.45})
    history = FakeHistory([(first, flat), (first, flat), (moved, flat), (halved, flat)])
    rows = movement(history, setup).set_index("generation")  # type: ignore[arg-type]
    assert math.isnan(rows.loc[0, "largest_shift"]) and not rows.loc[0, "settled"]
    assert rows.loc[1, "largest_shift"] == 0 and rows.loc[1, "narrowest_ratio"] == 1
    assert rows.loc[1, "little"] and not rows.loc[1, "settled"]  # settled: two in a row
    assert rows.loc[2, "shifted"] == "world.incident_lethality"
    assert rows.loc[2, "largest_shift"] == pytest.approx(0.5)
    assert not rows.loc[2, "little"] and not rows.loc[2, "settled"]
    assert rows.loc[3, "narrowed"] == "world.war_cost"
    assert rows.loc[3, "narrowest_ratio"] == pytest.approx(0.5, abs=0.01)
    assert rows.loc[3, "largest_shift"] == pytest.approx(0.0, abs=0.02)
    assert not rows.loc[3, "little"] and not rows.loc[3, "settled"]
    again = FakeHistory([(first, flat), (first, flat), (first, flat)])
    assert list(movement(again, setup)["settled"]) == [False, False, True]  # type: ignore[arg-type]
