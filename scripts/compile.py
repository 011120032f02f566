"""Compile the model's numba code once, at set-up, and leave it in numba's on-disk cache.

Inlining the day's phases into the ensemble's loop made a cold compile cost about a minute
and a half; paid here, it is not paid inside the first command, the teaching app's first
click or a test with a timeout. Both engines and the twins are compiled.
"""

import time

from sim.experiments.runs import Chunk, simulate_chunk
from sim.model.mesa_model import run_model
from sim.model.scenario import load_scenario

start = time.perf_counter()
scenario = load_scenario("reassurance").with_changes(world={"days": 5})
simulate_chunk(Chunk(scenario, 0, 0, 2, "ensemble", True))
simulate_chunk(Chunk(scenario, 0, 0, 1, "agent", True))
run_model(scenario, 0, 0)
print(f"Compiled the model's machine code ({time.perf_counter() - start:.0f} s; cached after).")
