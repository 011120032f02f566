"""Benchmark: the ensemble engine of this checkout against another commit's, in one process.

The other commit's `sim/` is exported (`git archive`) into a folder of the temporary directory as
the package `sim_base` (its imports renamed), so both engines run side by side in this process,
on the same machine at the same moments: the machine may be shared, so the figures are CPU time
(time.process_time), each the median of --repeats, the two engines timed alternately in a random
order, and the ratio of the two. Both must give identical outputs (checked). The export, and
numba's cache of it, are kept for the next call (the first compiles both engines: minutes).

    .venv/bin/python -m benchmarks.versus 5f13630 [--runs 2000] [--repeats 7]
"""

import argparse
import importlib
import io
import random
import re
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import numpy as np

from benchmarks.engines import machine

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ("reassurance", "hardline")


def export(commit: str) -> Path:
    """The folder holding `sim_base`, the package `sim` of `commit` (exported once)."""
    sha = subprocess.run(
        ["git", "rev-parse", "--verify", f"{commit}^{{commit}}"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    folder = Path(tempfile.gettempdir()) / "escalation-versus" / sha[:12]
    package = folder / "sim_base"
    if not package.exists():
        archive = subprocess.run(
            ["git", "archive", sha, "sim"], cwd=ROOT, capture_output=True, check=True
        ).stdout
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(folder / "export", filter="data")
        for path in (folder / "export" / "sim").rglob("*.py"):
            text = re.sub(r"\bsim\.", "sim_base.", path.read_text())
            text = re.sub(r"\bfrom sim import\b", "from sim_base import", text)
            path.write_text(text)
        (folder / "export" / "sim").rename(package)
    return folder


def cpu_of(simulate, packed, runs: np.ndarray, twins: bool) -> tuple[float, tuple]:
    """CPU seconds of one call of `simulate_runs`, and its outputs."""
    start = time.process_time()
    out = simulate(*packed, 1, runs, 0, twins)
    return time.process_time() - start, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", help="the commit to compare with (e.g. main)")
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--scenarios", nargs="+", default=list(SCENARIOS))
    args = parser.parse_args()
    sys.path.insert(0, str(export(args.base)))
    engines = {
        "base": importlib.import_module("sim_base.model.ensemble"),
        "this": importlib.import_module("sim.model.ensemble"),
    }
    # Each engine packs the scenario as its own package reads it (its enums are its own).
    scenarios = {
        "base": importlib.import_module("sim_base.model.scenario"),
        "this": importlib.import_module("sim.model.scenario"),
    }
    end_day = importlib.import_module("sim.model.outcomes").END_DAY
    runs = np.arange(args.runs)
    print(f"machine: {machine()}")
    print(f"base: {args.base}; this checkout: {ROOT}; {args.runs} year-long runs a call")
    for name in args.scenarios:
        path = ROOT / "experiments" / f"{name}.toml"
        packed = {
            label: engines[label].pack(scenarios[label].load_scenario(path)) for label in engines
        }
        for twins in (False, True):
            times: dict[str, list[float]] = {"base": [], "this": []}
            outputs = {}
            for label, engine in engines.items():  # compile or load, untimed
                outputs[label] = cpu_of(engine.simulate_runs, packed[label], runs, twins)[1]
            for one, other in zip(outputs["base"], outputs["this"], strict=True):
                if not np.array_equal(one, other):
                    raise SystemExit(f"{name}: the two engines' outputs differ")
            for _ in range(args.repeats):
                for label in random.sample(list(engines), 2):
                    engine = engines[label]
                    seconds, _ = cpu_of(engine.simulate_runs, packed[label], runs, twins)
                    times[label].append(seconds)
            base, this = (statistics.median(times[k]) * 1e6 / args.runs for k in times)
            days = outputs["this"][0][:, end_day].mean()  # of the runs alone
            print(
                f"  {name:12s} {'with twins' if twins else 'alone':10s}  base {base:7.1f} us/run"
                f"  this {this:7.1f} us/run  ({base / this:.2f}x; {days:.0f} days a run alone)"
            )


if __name__ == "__main__":
    main()
