"""How a calibration's generations are sampled (pyabc's ABC-SMC): slots seeded by (seed,
generation, slot), the threshold schedule and the proposal kernel's bandwidth.

Slot i of generation t draws from its own seed until it accepts one particle, so the
posterior depends on the seed alone, whatever the workers, the executor or the order in
which slots finish (`sim.record.calibrate`'s docstring).
"""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Callable
from concurrent.futures import Executor, as_completed
from typing import Any

import cloudpickle
import numpy as np

# How the generations are proposed, in the fingerprint: a folder made under another scheme
# (before log-uniform parameters moved in logs and the kernel took twice the covariance) is
# refused rather than continued.
SAMPLER = "log-uniform parameters in logs; one joint normal kernel of twice the covariance"


def slot_seed(seed: int, t: int, slot: int) -> int:
    """The seed of one slot of one generation (t = −1 for pyabc's calibration sample)."""
    digest = hashlib.sha256(f"{seed}:{t}:{slot}".encode()).digest()
    return int.from_bytes(digest[:4], "little")


def sample_slot(payload: bytes, factory: bytes, seed: int) -> tuple[Any, int]:
    """Sample until one particle is accepted, from the slot's own seed (in a worker)."""
    simulate_one, sample = cloudpickle.loads(payload), cloudpickle.loads(factory)()
    np.random.seed(seed)
    random.seed(seed)
    evaluations = 0
    while True:
        particle = simulate_one()
        evaluations += 1
        sample.append(particle)
        if particle.accepted:
            return sample, evaluations


def seeded_sampler(
    seed: int,
    executor: Executor | None,
    on_particle: Callable[[int], None] | None = None,
):
    """A pyabc sampler whose populations depend on the seed only (see the module docstring)."""
    from pyabc.sampler import Sampler

    class SeededSampler(Sampler):
        def sample_until_n_accepted(self, n, simulate_one, t, **kwargs):
            payload = cloudpickle.dumps(simulate_one)
            factory = cloudpickle.dumps(self.sample_factory)
            seeds = [slot_seed(seed, t, i) for i in range(n)]
            results: list[Any] = [None] * n
            if executor is None:
                for i, s in enumerate(seeds):
                    results[i] = sample_slot(payload, factory, s)
                    if on_particle is not None:
                        on_particle(1)
            else:
                futures = {executor.submit(sample_slot, payload, factory, s): i
                           for i, s in enumerate(seeds)}  # fmt: skip
                for future in as_completed(futures):
                    results[futures[future]] = future.result()
                    if on_particle is not None:
                        on_particle(1)
            sample = self._create_empty_sample()
            for part, _ in results:  # in slot order, whatever order they finished in
                sample += part
            self.nr_evaluations_ = sum(count for _, count in results)
            return sample

    return SeededSampler()


def median_threshold() -> Any:
    """Threshold ∞ at generation 0, then the weighted median of the last generation's distances,
    always read from the history: a resumed run computes it as an uninterrupted one does
    (pyabc's QuantileEpsilon would restart from its initial value)."""
    import pyabc

    class MedianThreshold(pyabc.QuantileEpsilon):
        def initialize(self, t, get_weighted_distances, *args, **kwargs):
            if t > 0:
                self._update(t, get_weighted_distances())

    return MedianThreshold(initial_epsilon=math.inf, alpha=0.5)


def twice_the_covariance(effective_particles: float, dimension: int) -> float:
    """The kernel's bandwidth factor: √2, a covariance twice the population's weighted one
    (Beaumont et al. 2009), whatever the particles and dimensions."""
    del effective_particles, dimension
    return math.sqrt(2)
