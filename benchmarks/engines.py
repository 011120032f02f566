"""Benchmark: the ensemble engine against the Mesa engine, runs with all four twins.

Runs the reassurance scenario with its twins on both engines and prints runs per second for
each on one core and their ratio; then N runs with twins (default 100,000) on worker
processes, with the wall time and the peak memory of the main process and of each worker.
Targets on the 2-core machine (Model 2 issue): ratio >= 1,000; 100,000 runs with all their
twins <= 15 s on both cores; peak memory <= 2 GB, flat in N (try --runs 1000000).

Timings on shared machines are noisy: each one-core figure is the best of --repeats, with
the two engines timed alternately so that both see the same machine.

    .venv/bin/python benchmarks/engines.py [--runs 100000] [--workers 2] [--repeats 3]
"""

import argparse
import resource
import time
from pathlib import Path

from sim.runs import Chunk, chunks, iter_tables, process_pool, simulate_chunk
from sim.scenario import load_scenario
from sim.summaries import Tally


def seconds(chunk: Chunk) -> float:
    start = time.perf_counter()
    simulate_chunk(chunk)
    return time.perf_counter() - start


def peak_mb(pid: int | str = "self") -> float:
    """Peak resident memory (VmHWM) of a process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="reassurance")
    parser.add_argument("--agent-runs", type=int, default=20)
    parser.add_argument("--ensemble-runs", type=int, default=4_000)
    parser.add_argument("--runs", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--chunk-size", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    spec = load_scenario(args.scenario)
    simulate_chunk(Chunk(spec, 1, 0, 10, "ensemble"))  # load or compile once, untimed
    simulate_chunk(Chunk(spec, 1, 0, 2, "agent"))
    agent = ensemble = float("inf")
    for _ in range(args.repeats):
        agent = min(agent, seconds(Chunk(spec, 1, 0, args.agent_runs, "agent")))
        ensemble = min(ensemble, seconds(Chunk(spec, 1, 0, args.ensemble_runs, "ensemble")))
    agent_rate, ensemble_rate = args.agent_runs / agent, args.ensemble_runs / ensemble
    print(f"scenario {spec.name}: year-long runs, each with its four twins, on one core")
    print(f"  agent (Mesa) engine: {agent_rate:12,.1f} runs/s")
    print(f"  ensemble engine:     {ensemble_rate:12,.0f} runs/s")
    print(f"  ratio:               {ensemble_rate / agent_rate:12,.0f}x  (target >= 1,000)")

    tally = Tally(spec.world.days, spec.world.escalation_rung)
    tasks = chunks(spec, args.runs, seed=1, chunk_size=args.chunk_size)
    start = time.perf_counter()
    with process_pool(args.workers) as pool:
        for table in iter_tables(tasks, args.workers, executor=pool):
            tally.add(table)
        workers = [peak_mb(pid) for pid in pool._processes]  # Linux: /proc/PID/status
        elapsed = time.perf_counter() - start
    print(
        f"{args.runs:,} runs with twins on {args.workers} worker processes: {elapsed:.1f} s "
        f"({args.runs / elapsed:,.0f} runs/s; target for 100,000: <= 15 s)"
    )
    print(f"  P(escalation) = {tally.escalated / tally.runs:.4f}")
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"peak memory: main process {own:,.0f} MB; workers "
        f"{', '.join(f'{w:,.0f}' for w in workers)} MB (target <= 2,048 MB)"
    )


if __name__ == "__main__":
    main()
