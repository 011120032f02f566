"""Counter-based random numbers: every draw is a pure function of (seed, run, day, stream, actor).

No draw depends on the order of computation, on chunking, on the worker that ran it or on
which branch a run took, so a run and its twins (missteps, misreading, attacks or audience
costs suppressed) see the same numbers for everything else, and the agent and ensemble
engines see the same numbers at all (model brief section 9). Nothing here touches global
random state.

The mixer is SplitMix64's finaliser (Steele, Lea & Flood 2014), applied once per key
component, so a draw costs one mix once the run's and the day's keys are known.
"""

from enum import IntEnum

import numpy as np
from numba import njit

_GAMMA = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_TO_UNIT = 1.0 / 9007199254740992.0  # 2**-53: the top 53 bits become a double in [0, 1)
MAX_SEED = 2**63 - 1


class Stream(IntEnum):
    """The independent random streams. A draw for a pair of actors (i, j) is keyed by the
    slot i·8 + j; a twin drops only the effects of its own stream's events."""

    NOISE = 0  # perception noise, per pair
    DECISION = 1  # the day's quantal-response choice, per actor
    MISSTEP = 2  # whether an incident hits the victim of a pair today
    MISREAD = 3  # whether the victim reads the incident as deliberate
    MISSTEP_CASUALTIES = 4
    STRIKE_CASUALTIES = 5  # per striking actor
    COMBAT = 6  # the day's battle deaths of an offensive, per dyad
    TYPE = 7  # each actor's resolve, drawn on day 0 (the strategic rule's private type)
    SLIP = 8  # whether a dyad slips a rung out of control today, per dyad
    SLIP_CASUALTIES = 9  # the deaths of a slip, per dyad


@njit(cache=True)
def _mix(z: np.uint64) -> np.uint64:
    z = z + _GAMMA
    z = (z ^ (z >> np.uint64(30))) * _M1
    z = (z ^ (z >> np.uint64(27))) * _M2
    return z ^ (z >> np.uint64(31))


@njit(cache=True)
def run_key(seed: int, run: int) -> np.uint64:
    """The key of one run: a hash of (seed, run)."""
    return _mix(_mix(np.uint64(seed)) ^ np.uint64(run))


@njit(cache=True)
def day_key(key_of_run: np.uint64, day: int) -> np.uint64:
    """The key of one day of one run."""
    return _mix(key_of_run ^ np.uint64(day))


@njit(cache=True)
def uniform_at(key_of_day: np.uint64, stream: int, actor: int) -> float:
    """A uniform number in [0, 1) for one (stream, actor) on a day whose key is given."""
    z = _mix(key_of_day ^ ((np.uint64(stream) << np.uint64(32)) | np.uint64(actor)))
    return float(z >> np.uint64(11)) * _TO_UNIT


@njit(cache=True)
def uniform(seed: int, run: int, day: int, stream: int, actor: int) -> float:
    """A uniform number in [0, 1) as a pure function of (seed, run, day, stream, actor)."""
    return uniform_at(day_key(run_key(seed, run), day), stream, actor)


def check_seed(seed: object) -> int:
    """Return the seed as an int, or raise ValueError if it is not one in [0, 2**63 - 1]."""
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    if not 0 <= int(seed) <= MAX_SEED:
        raise ValueError(f"seed must be between 0 and {MAX_SEED}, got {seed}")
    return int(seed)
