"""Benchmark: the engine against its floor, and 100,000 runs with all their twins on 2 cores.

In one run: the engine's cost per simulated day over the floor kernel's (`benchmarks/floor.py`:
the same mix of options, exponentials and draws with nothing else, in the same process, CPU
time); then --memory-runs runs in a pool of their own, then --runs year-long runs, each with all
its twins, on worker processes, with the wall time (and, for fewer than 100,000 runs, the time
100,000 would take at the same rate, said to be extrapolated). The peak memory of the workers
and of the main process (its high-water mark after each count) shows whether memory grows with
the count. Prints the machine (cores, CPU model) and its load, since the machine
may be shared.

Targets on the 2-core machine (issue 18, item 5): engine ÷ floor <= 2; 100,000 runs with all
their twins <= 15 s on both cores; peak memory flat in the count (try --runs 1000000).

    .venv/bin/python -m benchmarks.engines [--runs 100000] [--memory-runs 20000] [--workers 2]
    .venv/bin/python -m benchmarks.engines --twins 0 --runs 1000000   # memory without twins
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


def many(
    spec, runs: int, workers: int, chunk_size: int, twins: bool = True
) -> tuple[float, float, list[float], Tally]:
    """Wall seconds, the workers' CPU seconds, each worker's peak memory (MB) and the tally of
    `runs` runs (with their twins unless told otherwise)."""
    tally = Tally(spec.world.days, spec.world.escalation_rung)
    tasks = chunks(spec, runs, seed=1, chunk_size=chunk_size, twins=twins)
    start = time.perf_counter()
    with process_pool(workers) as pool:
        for table in iter_tables(tasks, workers, executor=pool):
            tally.add(table)
        peaks = [peak_mb(pid) for pid in pool._processes]  # Linux: /proc/PID/status
        cpu = sum(cpu_seconds(pid) for pid in pool._processes)
        elapsed = time.perf_counter() - start
    return elapsed, cpu, peaks, tally


def main() -> None:
    from benchmarks.floor import measure  # floor.py reads `machine` from here

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="reassurance")
    parser.add_argument("--floor-runs", type=int, default=2000, help="runs timed against the floor")
    parser.add_argument("--runs", type=int, default=100_000)
    parser.add_argument("--memory-runs", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--chunk-size", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--twins", type=int, choices=(0, 1), default=1, help="1: with all twins")
    args = parser.parse_args()
    spec = load_scenario(args.scenario)
    print(f"machine: {machine()}")
    if args.floor_runs:
        m = measure(args.scenario, args.floor_runs, args.repeats, 5)
        ratio = m["engine_ns"] / m["floor_ns"]
        print(
            f"scenario {spec.name}, one core, CPU time: engine {m['engine_ns']:,.0f} ns a simulated"
            f" day, floor {m['floor_ns']:,.0f} ns; engine ÷ floor {ratio:.2f} (target <= 2)"
        )
    simulate_chunk(Chunk(spec, 1, 0, 10, "ensemble"))  # load or compile once, untimed
    twins = bool(args.twins)
    small: list[float] = []
    if args.memory_runs:  # first, so that the main process's high-water mark can be compared
        _, _, small, _ = many(spec, args.memory_runs, args.workers, args.chunk_size, twins)
    main_small = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    what = "with all their twins" if twins else "without twins"
    elapsed, cpu, peaks, tally = many(spec, args.runs, args.workers, args.chunk_size, twins)
    print(
        f"{args.runs:,} year-long runs {what} on {args.workers} worker processes: {elapsed:.1f} s"
        f" wall ({args.runs / elapsed:,.0f} runs/s); workers' CPU {cpu:.1f} s; load average now "
        f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    if args.runs < 100_000:
        scaled = elapsed * 1e5 / args.runs
        print(f"  100,000 runs at this rate (extrapolated, not run): {scaled:.0f} s (target 15 s)")
    idle = cpu / args.workers * 1e5 / args.runs
    print(f"  100,000 runs on {args.workers} idle cores, by the workers' CPU time: {idle:.0f} s")
    print(f"  P(escalation) = {tally.escalated / tally.runs:.4f}")
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"peak memory with {args.runs:,} runs: main process {own:,.0f} MB; workers "
        f"{', '.join(f'{w:,.0f}' for w in peaks)} MB"
    )
    if args.memory_runs:
        print(
            f"peak memory with {args.memory_runs:,} runs (run first): main process "
            f"{main_small:,.0f} MB; workers {', '.join(f'{w:,.0f}' for w in small)} MB (flat if "
            "about the same as above)"
        )


if __name__ == "__main__":
    main()
