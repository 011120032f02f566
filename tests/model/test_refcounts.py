"""The compiled day holds no reference counting (issue 18).

numba counts references to the arrays a compiled function binds, with calls to `NRT_incref` and
`NRT_decref` that it marks `noinline`: LLVM keeps every call it cannot prove void, and each one
spills registers. Left in the day loop (425 call sites in each of its two compiled copies before
the state became one flat vector), they cost about half the engine's time. These tests read the
optimised LLVM IR of the compiled engine that the runs use (numba's on-disk cache, or a fresh
compile) and count the calls left.
"""

import re

import numpy as np
import pytest

from sim.model.ensemble import pack, simulate_runs
from sim.model.scenario import load_scenario

REFCOUNT = re.compile(r"call void @NRT_(?:incref|decref)\(")
# Functions that run once per run or twin, not per day: the runs' loop (its views of each
# twin's snapshot and outputs), day 0 (`start`, and the slip factors it sets) and the Python
# wrapper. A few dozen atomic operations against about a thousand simulated days.
ONCE_PER_RUN = ("ensemble13simulate_runs", "day5start", "day12slip_factors")


@pytest.fixture(scope="module")
def engine_functions() -> dict[str, str]:
    """The optimised LLVM IR of the compiled engine, function by function (mangled name)."""
    simulate_runs(*pack(load_scenario("reassurance")), 1, np.arange(2), 0, True)
    (compiled,) = simulate_runs.overloads.values()
    # numba's library keeps the optimised module for linking, whether compiled or loaded from
    # its cache (which disables the public inspect_llvm); a numba that drops this fails here.
    module = str(compiled.library._get_module_for_linking())
    functions = {}
    for text in module.split("\ndefine ")[1:]:
        name = re.search(r'@"?([^"(]+)"?\(', text).group(1)
        functions[name] = text
    return functions


def test_the_compiled_day_loop_is_a_function_of_the_engine(engine_functions):
    # the count below would pass vacuously if the loop had been inlined away or renamed
    assert any("ensemble5_days" in name for name in engine_functions)


def test_no_reference_count_is_left_in_the_compiled_day(engine_functions):
    per_day = {
        name: len(REFCOUNT.findall(text))
        for name, text in engine_functions.items()
        if "3sim5model" in name and not any(once in name for once in ONCE_PER_RUN)
    }
    assert per_day and sum(per_day.values()) == 0, {k: v for k, v in per_day.items() if v}
