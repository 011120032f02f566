"""Counter-based randomness: pure, uniform, independent across its keys."""

import numpy as np
import pytest

from sim.model.chance import MAX_SEED, Stream, check_seed, day_key, run_key, uniform, uniform_at


def test_a_draw_is_a_pure_function_of_its_key():
    assert uniform(7, 3, 10, Stream.MISSTEP, 2) == uniform(7, 3, 10, Stream.MISSTEP, 2)


def test_the_composed_keys_give_the_same_draw():
    key = day_key(np.uint64(run_key(7, 3)), 10)
    assert uniform_at(np.uint64(key), Stream.MISSTEP, 2) == uniform(7, 3, 10, Stream.MISSTEP, 2)


@pytest.mark.parametrize("position", range(5))
def test_every_key_component_changes_the_draw(position):
    key = [7, 3, 10, 2, 1]
    other = list(key)
    other[position] += 1
    assert uniform(*key) != uniform(*other)


def test_draws_are_uniform_on_the_unit_interval():
    # 20,000 draws over 20 bins: each bin expects 1,000, sd ≈ 31; chi-square 99.9% (19 df) < 43.8
    draws = np.array([uniform(1, run, 5, Stream.NOISE, 0) for run in range(20_000)])
    assert draws.min() >= 0.0 and draws.max() < 1.0
    counts = np.histogram(draws, bins=20, range=(0, 1))[0]
    chi2 = ((counts - 1000) ** 2 / 1000).sum()
    assert chi2 < 43.8


def test_streams_are_uncorrelated():
    # correlation of 20,000 independent pairs: sd ≈ 0.007; tolerance 5 sd
    a = np.array([uniform(1, r, 5, Stream.MISSTEP, 0) for r in range(20_000)])
    b = np.array([uniform(1, r, 5, Stream.MISREAD, 0) for r in range(20_000)])
    assert abs(np.corrcoef(a, b)[0, 1]) < 0.035


def test_seed_zero_is_a_seed():
    assert check_seed(0) == 0
    assert uniform(0, 0, 1, 0, 0) != uniform(1, 0, 1, 0, 0)


@pytest.mark.parametrize("bad", [-1, MAX_SEED + 1, 1.5, "3", True, None])
def test_bad_seeds_are_refused(bad):
    with pytest.raises(ValueError, match="seed"):
        check_seed(bad)
