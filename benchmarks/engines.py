"""Benchmark: the ensemble engine against the Mesa engine, runs with all four twins.

In one process, side by side: runs per second of the Mesa engine and of the ensemble engine
on one core (the reassurance scenario, each run with its four twins) and their ratio; then N
runs with twins (default 100,000) on worker processes, with the wall time; then the same for
a smaller count in a fresh pool, to show that peak memory does not grow with N. Prints the
machine (cores, CPU model) and its load, since the machine may be shared.

Targets on the 2-core machine (Model 2 issue, item 10): ratio >= 1,000; 100,000 runs with all
their twins <= 15 s on both cores; peak memory flat in N (try --runs 1000000).

One-core figures are CPU time (time.process_time) and wall time, each the best of --repeats,
the two engines timed alternately so that both see the same machine.

    .venv/bin/python benchmarks/engines.py [--runs 100000] [--memory-runs 20000] [--workers 2]
"""

import argparse
import os
import platform
import resource
import time
from pathlib import Path

from sim.analysis.summaries import Tally
from sim.experiments.runs import Chunk, chunks, iter_tables, process_pool, simulate_chunk
from sim.model.scenario import load_scenario


def timed(chunk: Chunk) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of one chunk in this process."""
    cpu, wall = time.process_time(), time.perf_counter()
    simulate_chunk(chunk)
    return time.process_time() - cpu, time.perf_counter() - wall


def peak_mb(pid: int | str = "self") -> float:
    """Peak resident memory (VmHWM) of a process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far (Linux: /proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine() -> str:
    """Cores, CPU model and load average."""
    model = platform.processor() or "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"{os.cpu_count()} cores, {model}; load average {load}"


def many(spec, runs: int, workers: int, chunk_size: int) -> tuple[float, float, list[float], Tally]:
    """Wall seconds, the workers' CPU seconds, each worker's peak memory (MB) and the tally of
    `runs` runs with twins."""
    tally = Tally(spec.world.days, spec.world.escalation_rung)
    tasks = chunks(spec, runs, seed=1, chunk_size=chunk_size)
    start = time.perf_counter()
    with process_pool(workers) as pool:
        for table in iter_tables(tasks, workers, executor=pool):
            tally.add(table)
        peaks = [peak_mb(pid) for pid in pool._processes]  # Linux: /proc/PID/status
        cpu = sum(cpu_seconds(pid) for pid in pool._processes)
        elapsed = time.perf_counter() - start
    return elapsed, cpu, peaks, tally


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="reassurance")
    parser.add_argument("--agent-runs", type=int, default=10)
    parser.add_argument("--ensemble-runs", type=int, default=4_000)
    parser.add_argument("--runs", type=int, default=100_000)
    parser.add_argument("--memory-runs", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--chunk-size", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    spec = load_scenario(args.scenario)
    print(f"machine: {machine()}")
    simulate_chunk(Chunk(spec, 1, 0, 10, "ensemble"))  # load or compile once, untimed
    simulate_chunk(Chunk(spec, 1, 0, 2, "agent"))
    inf = float("inf")
    agent, ensemble = [inf, inf], [inf, inf]  # best (CPU, wall) seconds
    for _ in range(args.repeats):
        for best, chunk in (
            (agent, Chunk(spec, 1, 0, args.agent_runs, "agent")),
            (ensemble, Chunk(spec, 1, 0, args.ensemble_runs, "ensemble")),
        ):
            cpu, wall = timed(chunk)
            best[0], best[1] = min(best[0], cpu), min(best[1], wall)
    print(f"scenario {spec.name}: year-long runs, each with its four twins, on one core")
    rates = {}
    for name, runs, (cpu, wall) in (
        ("agent (Mesa) engine", args.agent_runs, agent),
        ("ensemble engine", args.ensemble_runs, ensemble),
    ):
        rates[name] = runs / cpu, runs / wall
        print(
            f"  {name + ':':21s}{runs / cpu:12,.1f} runs/s CPU ({cpu / runs * 1e6:,.0f} us/run),"
            f" {runs / wall:,.1f} runs/s wall"
        )
    (agent_cpu, agent_wall), (ens_cpu, ens_wall) = rates.values()
    print(
        f"  ratio:               {ens_cpu / agent_cpu:12,.0f}x CPU, {ens_wall / agent_wall:,.0f}x "
        "wall  (target >= 1,000)"
    )

    elapsed, cpu, peaks, tally = many(spec, args.runs, args.workers, args.chunk_size)
    print(
        f"{args.runs:,} runs with twins on {args.workers} worker processes: {elapsed:.1f} s wall "
        f"({args.runs / elapsed:,.0f} runs/s; target for 100,000: <= 15 s); workers' CPU "
        f"{cpu:.1f} s; load average now "
        f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    print(f"  P(escalation) = {tally.escalated / tally.runs:.4f}")
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"peak memory with {args.runs:,} runs: main process {own:,.0f} MB; workers "
        f"{', '.join(f'{w:,.0f}' for w in peaks)} MB"
    )
    if args.memory_runs:
        _, _, small, _ = many(spec, args.memory_runs, args.workers, args.chunk_size)
        print(
            f"peak memory with {args.memory_runs:,} runs: workers "
            f"{', '.join(f'{w:,.0f}' for w in small)} MB (flat if about the same as above; the "
            "main process only tallies chunks)"
        )


if __name__ == "__main__":
    main()
