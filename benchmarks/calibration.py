"""Wall time of a calibration on a local process pool and on a local Dask cluster.

    .venv/bin/python benchmarks/calibration.py                      # the shipped calibration
    .venv/bin/python benchmarks/calibration.py --population 30 --generations 3   # a quick look

Runs `escalation calibrate` twice into temporary folders (--executor local, then dask, both on
--workers cores), prints each wall time, the simulations and model runs it took, and checks the
two posteriors are identical (the posterior depends on the seed only). Not a timed test.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
ESCALATION = str(Path(sys.executable).parent / "escalation")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--calibration", default=str(ROOT / "experiments/calibration/reassurance.toml")
    )
    parser.add_argument("--population", type=int, help="override the file's population")
    parser.add_argument("--generations", type=int, help="override the file's generations")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    text = Path(args.calibration).read_text()
    for key in ("population", "generations"):
        value = getattr(args, key)
        if value is not None:
            lines = [f"{key} = {value}" if line.split("=")[0].strip() == key else line
                     for line in text.splitlines()]  # fmt: skip
            text = "\n".join(lines) + "\n"
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"load {os.getloadavg()[0]:.1f}")  # fmt: skip
    posteriors = {}
    with tempfile.TemporaryDirectory() as folder:
        calibration = Path(folder) / "calibration.toml"
        calibration.write_text(text)  # a scenario named in it resolves in experiments/
        for executor in ("local", "dask"):
            out = Path(folder) / executor
            start = time.perf_counter()
            subprocess.run(
                [ESCALATION, "calibrate", str(calibration), "--out", str(out),
                 "--workers", str(args.workers), "--executor", executor],
                check=True, stdout=subprocess.DEVNULL,
            )  # fmt: skip
            seconds = time.perf_counter() - start
            steps = pd.read_csv(out / "thresholds.csv")
            runs = tomllib.loads(text)["runs"]
            simulations = int(steps["simulations"].sum())
            print(
                f"{executor:>5}: {seconds:7.1f} s on {args.workers} workers, "
                f"{len(steps)} generations, {simulations:,} simulations, "
                f"{simulations * runs:,} model runs (+ the predictive check)"
            )
            posteriors[executor] = pd.read_parquet(out / "posterior.parquet")
    same = posteriors["local"].equals(posteriors["dask"])
    print(f"posteriors identical on both executors: {same}")


if __name__ == "__main__":
    main()
