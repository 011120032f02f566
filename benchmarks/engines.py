"""Benchmark: the ensemble engine against the Mesa engine, runs with twins (issue 3).

Runs the reassurance scenario with twins on both engines and prints runs per second for
each on one core, their ratio, the time for 100,000 runs with twins on both cores, and peak
memory. Targets on the 2-core machine: ratio >= 1,000; 100,000 runs with twins <= 20 s;
peak memory <= 2 GB. Timings on shared machines are noisy: each figure is the best of
several repeats, and the two engines are timed alternately.

    .venv/bin/python benchmarks/engines.py [--agent-runs 60] [--runs 100000] [--repeats 3]
"""

import argparse
import resource
import time

from sim.runs import Chunk, run_many, simulate_chunk
from sim.scenario import load_scenario


def runs_per_second(chunk: Chunk, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        simulate_chunk(chunk)
        best = min(best, time.perf_counter() - start)
    return (chunk.stop - chunk.start) / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="reassurance")
    parser.add_argument("--agent-runs", type=int, default=60)
    parser.add_argument("--ensemble-runs", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    spec = load_scenario(args.scenario)
    simulate_chunk(Chunk(spec, 1, 0, 10, "ensemble"))  # load or compile once, untimed
    simulate_chunk(Chunk(spec, 1, 0, 2, "agent"))
    agent = ensemble = 0.0
    for _ in range(args.repeats):  # alternate, so both see the same machine
        agent = max(agent, runs_per_second(Chunk(spec, 1, 0, args.agent_runs, "agent"), 1))
        ensemble = max(
            ensemble, runs_per_second(Chunk(spec, 1, 0, args.ensemble_runs, "ensemble"), 1)
        )
    print(f"scenario {spec.name}, year-long runs, each with its twin, one core:")
    print(f"  agent (Mesa) engine: {agent:10,.1f} runs/s")
    print(f"  ensemble engine:     {ensemble:10,.0f} runs/s")
    print(f"  ratio:               {ensemble / agent:10,.0f}x   (target >= 1,000)")
    start = time.perf_counter()
    run_many(spec, args.runs, seed=1, workers=args.workers, on_chunk=lambda table: None)
    elapsed = time.perf_counter() - start
    print(
        f"{args.runs:,} runs with twins on {args.workers} workers: {elapsed:.1f} s (target <= 20 s)"
    )
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        f"peak memory: {own:,.0f} MB in this process, {children:,.0f} MB in the largest "
        f"worker (target <= 2,048 MB)"
    )


if __name__ == "__main__":
    main()
