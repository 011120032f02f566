"""Benchmark: a 2-D sweep of 441 points × 200 replicates (88,200 runs with twins), issue 4.

Prints the wall time of the sweep (start-up, runs, summary) on the given workers, and the
peak memory of the main process and of each worker for two replicate counts, to show that
it stays flat as replicates grow. Target on the 2-core machine: the 88,200 runs in <= 30 s.

    .venv/bin/python benchmarks/sweep.py [--workers 2] [--replicates 200 800]
"""

import argparse
import shutil
import tempfile
import time
import tomllib
from pathlib import Path

from sim.analysis.sweep_stats import summarise_sweep
from sim.experiments.experiment import Experiment, load_experiment
from sim.experiments.sweep import executor_for, run_sweep

HERE = Path(__file__).resolve().parent


def peak_mb(pid: int | str = "self") -> float:
    """Peak resident memory (VmHWM) of a process, in MB (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def one(replicates: int, workers: int) -> None:
    experiment, base, text = load_experiment(HERE / "sweep_441.toml")
    data = tomllib.loads(text)
    data.pop("kind")
    data["replicates"] = data["chunk_size"] = replicates
    experiment = Experiment.model_validate(data)
    out = Path(tempfile.mkdtemp(prefix="sweep-bench-"))
    try:
        start = time.perf_counter()
        with executor_for("local", workers, None) as pool:
            ready = time.perf_counter()
            run_sweep(experiment, base, text, out, pool)
            ran = time.perf_counter()
            workers_mb = [peak_mb(pid) for pid in pool._processes]
        summarise_sweep(out, base)
        end = time.perf_counter()
    finally:
        shutil.rmtree(out, ignore_errors=True)
    runs = 441 * replicates
    print(
        f"441 points × {replicates} replicates = {runs:,} runs with twins on {workers} "
        f"workers: {end - start:.1f} s (pool {ready - start:.1f} s, runs {ran - ready:.1f} s, "
        f"summary {end - ran:.1f} s)"
    )
    print(
        f"  peak memory: main {peak_mb():,.0f} MB, workers "
        f"{', '.join(f'{w:,.0f}' for w in workers_mb)} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--replicates", type=int, nargs="+", default=[200, 800])
    args = parser.parse_args()
    for replicates in args.replicates:
        one(replicates, args.workers)


if __name__ == "__main__":
    main()
