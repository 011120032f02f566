"""Compile the model's numba code once, at set-up, and leave it in numba's on-disk cache.

Inlining the day's phases into the ensemble's loop made a cold compile cost about a minute
and a half; paid here, it is not paid inside the first command, the teaching app's first
click or a test with a timeout. Both engines and the twins are compiled, the Mesa engine in
a second process when there are two cores: the ensemble engine takes about 60 s of CPU, the Mesa
engine's phases 36 s alone (17 s after the ensemble, with which it shares the rules), so side
by side the compile should take about the ensemble's time on two free cores (CPU times
measured on a cold cache, NUMBA_CACHE_DIR). `make test` runs its early tests meanwhile
(scripts/setup.sh --early-tests).
"""

import os
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context


def ensemble_engine() -> None:
    """The ensemble engine with its twins, on a few days of two runs."""
    from sim.experiments.runs import Chunk, simulate_chunk
    from sim.model.scenario import load_scenario

    scenario = load_scenario("reassurance").with_changes(world={"days": 5})
    simulate_chunk(Chunk(scenario, 0, 0, 2, "ensemble", True))


def agent_engine() -> None:
    """The Mesa engine's phases, with its twins and alone."""
    from sim.experiments.runs import Chunk, simulate_chunk
    from sim.model.mesa_model import run_model
    from sim.model.scenario import load_scenario

    scenario = load_scenario("reassurance").with_changes(world={"days": 5})
    simulate_chunk(Chunk(scenario, 0, 0, 1, "agent", True))
    run_model(scenario, 0, 0)


if __name__ == "__main__":
    start = time.perf_counter()
    if (os.cpu_count() or 1) >= 2:  # the Mesa engine in a second process, meanwhile
        with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
            agent = pool.submit(agent_engine)
            ensemble_engine()
            agent.result()  # its failure is raised here, with its traceback
    else:
        ensemble_engine()
        agent_engine()
    print(f"Compiled the model's machine code ({time.perf_counter() - start:.0f} s; cached after).")
