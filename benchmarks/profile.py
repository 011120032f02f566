"""Benchmark: where the compiled engine spends its time, function by function, sampled by `perf`.

numba's machine code has no symbols that `perf` can read, so this script, once the engine is
compiled (or loaded from numba's cache), writes the perf map of its compiled functions
(`/tmp/perf-PID.map`: each function's address, its size taken as the distance to the next
function, its name), then simulates runs for `perf record` to sample. Functions that LLVM
inlined into their callers are counted in their callers.

    perf record -e cpu-clock -F 4000 -o /tmp/engine.data -- \\
        .venv/bin/python benchmarks/profile.py reassurance --runs 2000 [--twins]
    perf report -i /tmp/engine.data --stdio --sort sym | head -40
"""

import argparse
import os
import re
import time

import numpy as np
from numba.core.registry import CPUDispatcher

import sim.model.chance
import sim.model.choice
import sim.model.day
import sim.model.ensemble
import sim.model.myopic
import sim.model.outcomes
import sim.model.state
import sim.model.strategic
from sim.model.ensemble import pack, simulate_runs
from sim.model.scenario import load_scenario

MODULES = (
    sim.model.chance, sim.model.choice, sim.model.day, sim.model.ensemble, sim.model.myopic,
    sim.model.outcomes, sim.model.state, sim.model.strategic,
)  # fmt: skip
MAX_SIZE = 1 << 20


def compiled_functions() -> dict[int, str]:
    """Address -> name of every function defined in the engine's compiled libraries."""
    found: dict[int, str] = {}
    for module in MODULES:
        for value in vars(module).values():
            if not isinstance(value, CPUDispatcher):
                continue
            for cres in value.overloads.values():
                library = cres.library
                text = str(library._get_module_for_linking())
                for name in re.findall(r'^define [^@]*@"?([^"(]+)"?\(', text, re.M):
                    address = library.get_pointer_to_function(name)
                    if address:
                        found[address] = name
    return found


def readable(name: str) -> str:
    """A mangled numba name made short: module.function (the C wrapper marked as such)."""
    words, k = [], name.find("_ZN") + 3
    while k < len(name) and name[k].isdigit():
        digits = re.match(r"\d+", name[k:]).group()
        k += len(digits)
        words.append(name[k : k + int(digits)])
        k += int(digits)
    short = ".".join(words[2:]) if len(words) > 2 else name
    return ("wrapper:" if name.startswith("cpython.") else "") + short


def write_map(functions: dict[int, str]) -> str:
    """Write /tmp/perf-PID.map; return its path."""
    path = f"/tmp/perf-{os.getpid()}.map"
    starts = sorted(functions)
    with open(path, "w") as out:
        for k, start in enumerate(starts):
            end = starts[k + 1] if k + 1 < len(starts) else start + MAX_SIZE
            size = min(end - start, MAX_SIZE)
            out.write(f"{start:x} {size:x} {readable(functions[start])}\n")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario")
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--twins", action="store_true")
    args = parser.parse_args()
    packed = pack(load_scenario(args.scenario))
    simulate_runs(*packed, 1, np.arange(2), 0, args.twins)  # compiled or loaded first
    path = write_map(compiled_functions())
    start = time.process_time()
    simulate_runs(*packed, 1, np.arange(args.runs), 0, args.twins)
    seconds = time.process_time() - start
    print(
        f"{args.runs} runs: {seconds:.2f} s CPU ({seconds / args.runs * 1e6:.0f} us a run); "
        f"perf map {path}"
    )


if __name__ == "__main__":
    main()
