"""Benchmark: where the first compile of the engine goes, function by function and pass by pass.

Compiles what `scripts/compile.py` compiles (the ensemble engine with its twins, the Mesa
engine's phases) into an empty numba cache of its own (a temporary folder, so the checkout's
cache is left alone; or, with --checkout-cache, into the checkout's own), and records every
compilation numba makes and every compiler pass it runs, in CPU time (the machine may be
shared). Prints per function (each distinct signature counted) the CPU time of its own
compilation, its callees' excluded, and per pass the total; then the CPU time, user and system,
of the whole and its peak memory.

    PYTHONPATH=$PWD .venv/bin/python benchmarks/compile_profile.py [--top 25]
"""

import argparse
import os
import resource
import sys
import tempfile
import time
from collections import defaultdict

# An empty cache of its own, set before numba is imported, unless told to fill the checkout's
# own (cold after any change of a compiled source: sim/__init__.py drops it).
if "--checkout-cache" not in sys.argv:
    os.environ["NUMBA_CACHE_DIR"] = tempfile.mkdtemp(prefix="escalation-compile-")

from numba.core import event


class Profile(event.Listener):
    """Exclusive CPU time per compiled function (and signature) and per compiler pass."""

    def __init__(self) -> None:
        self.stack: list[list] = []  # [key, start, time spent in nested events]
        self.functions: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
        self.signatures: dict[str, set] = defaultdict(set)
        self.passes: dict[str, float] = defaultdict(float)

    def on_start(self, ev: event.Event) -> None:
        if ev.kind == "numba:compile":
            dispatcher = ev.data["dispatcher"]
            name = f"{dispatcher.py_func.__module__}.{dispatcher.py_func.__qualname__}"
            self.signatures[name].add(str(ev.data["args"]))
            key = ("function", name)
        else:
            key = ("pass", ev.data["name"])
        self.stack.append([key, time.process_time(), 0.0])

    def on_end(self, ev: event.Event) -> None:
        (kind, name), start, nested = self.stack.pop()
        spent = time.process_time() - start
        if self.stack:
            self.stack[-1][2] += spent
        if kind == "function":
            self.functions[name][0] += spent - nested
            self.functions[name][1] += 1
        else:
            self.passes[name] += spent - nested


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top", type=int, default=25, help="how many functions and passes")
    parser.add_argument(
        "--checkout-cache", action="store_true", help="compile into the checkout's numba cache"
    )
    args = parser.parse_args()
    profile = Profile()
    for kind in ("numba:compile", "numba:run_pass"):
        event.register(kind, profile)
    start = time.process_time()
    from sim.experiments.runs import Chunk, simulate_chunk
    from sim.model.mesa_model import run_model
    from sim.model.scenario import load_scenario

    scenario = load_scenario("reassurance").with_changes(world={"days": 5})
    simulate_chunk(Chunk(scenario, 0, 0, 2, "ensemble", True))
    simulate_chunk(Chunk(scenario, 0, 0, 1, "agent", True))
    run_model(scenario, 0, 0)
    total = time.process_time() - start
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(
        f"compile and first runs: {total:.1f} s CPU ({usage.ru_utime:.1f} s user, "
        f"{usage.ru_stime:.1f} s system since start), peak {usage.ru_maxrss / 1024:.0f} MB"
    )
    ranked = sorted(profile.functions.items(), key=lambda kv: -kv[1][0])
    own = sum(v[0] for v in profile.functions.values())
    print(
        f"\n{len(ranked)} functions, {sum(v[1] for v in profile.functions.values()):.0f} "
        f"compilations, {own:.1f} s CPU in them (each its own share, callees excluded):"
    )
    for name, (seconds, count) in ranked[: args.top]:
        print(f"  {seconds:7.2f} s  {count:2.0f}x  {name}")
    several = {k: v for k, v in profile.signatures.items() if len(v) > 1}
    print(f"\n{len(several)} functions compiled for more than one signature:")
    for name, signatures in sorted(several.items()):
        print(f"  {name}:")
        for signature in sorted(signatures):
            print(f"    {signature}")
    print("\ncompiler passes (their own share):")
    for name, seconds in sorted(profile.passes.items(), key=lambda kv: -kv[1])[: args.top]:
        print(f"  {seconds:7.2f} s  {name}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
