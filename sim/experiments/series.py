"""Daily time series of many runs, kept as quantile bands (BehaviorSpace's "every step").

For an experiment with `series = N`, the first N runs of every point (the sweep's own runs:
the same seed and run indices, the engines being docked run by run) are stepped day by day
in the Mesa engine, and for each dyad and day the 10%, 50% and 90% quantiles of its rung
and of its hostility (the mean of its two sides' hostility toward each other) are kept:
`series.parquet`, one row a (point, dyad, day), a few hundred bytes a day whatever N. A run
that ended early (nuclear use, the only end before the horizon) keeps its last state.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor
from pathlib import Path

import numpy as np
import pandas as pd

from sim.experiments import ledger
from sim.experiments.experiment import Experiment, points, scenario_at
from sim.model.outcomes import dyad_label
from sim.model.scenario import Scenario

QUANTILES = (0.1, 0.5, 0.9)
SERIES = "series.parquet"


def daily_paths(scenario: Scenario, seed: int, runs: range) -> tuple[np.ndarray, np.ndarray]:
    """Each dyad's rung and hostility on every day 0..H of each run: two arrays shaped
    (runs, days + 1, dyads)."""
    from sim.model.mesa_model import EscalationModel

    days, dyads = scenario.world.days, len(scenario.actors) - 1
    rungs = np.empty((len(runs), days + 1, dyads))
    hostility = np.empty((len(runs), days + 1, dyads))
    for r, run in enumerate(runs):
        model = EscalationModel(scenario, seed, run, record=False)
        for day in range(days + 1):
            if day > 0 and model.running:
                model.step()
            for k, (challenger, other) in enumerate(model.dyads):
                rungs[r, day, k] = model.rung_of(other)
                both = challenger.hostility_to(other) + other.hostility_to(challenger)
                hostility[r, day, k] = both / 2
    return rungs, hostility


def bands(scenario: Scenario, seed: int, n: int) -> pd.DataFrame:
    """The quantile bands of runs 0..n-1 of one scenario: one row a (dyad, day)."""
    rungs, hostility = daily_paths(scenario, seed, range(n))
    names = [a.name for a in scenario.actors]
    days = np.arange(rungs.shape[1])
    frames = []
    for k, other in enumerate(names[1:]):
        frame = pd.DataFrame({"dyad": dyad_label(names[0], other), "day": days})
        for quantity, values in (("rung", rungs[:, :, k]), ("hostility", hostility[:, :, k])):
            for q, row in zip(QUANTILES, np.quantile(values, QUANTILES, axis=0), strict=True):
                frame[f"{quantity}_q{int(q * 100)}"] = row.astype(np.float32)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def _point_bands(job: tuple[int, Scenario, int, int]) -> pd.DataFrame:
    point, scenario, seed, n = job
    frame = bands(scenario, seed, n)
    frame.insert(0, "point", point)
    return frame


def record_series(
    out_dir: Path,
    experiment: Experiment,
    base: Scenario,
    executor: Executor | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> Path | None:
    """Write out_dir/series.parquet (unless the manifest vouches for the one there) and
    stamp its checksum in the manifest; None when the experiment asks for no series."""
    from sim.experiments.manifest import read_manifest, write_manifest
    from sim.experiments.results import write_atomically

    if not experiment.series:
        return None
    path = out_dir / SERIES
    if path.exists() and read_manifest(out_dir).get("series_sha256") == ledger.sha256_of(path):
        return path
    jobs = [
        (int(i), scenario_at(base, experiment, row), experiment.seed, experiment.series)
        for i, row in points(experiment).iterrows()
    ]
    results = executor.map(_point_bands, jobs) if executor is not None else map(_point_bands, jobs)
    frames = []
    for frame in results:
        frames.append(frame)
        if on_progress:
            on_progress(experiment.series)
    table = pd.concat(frames, ignore_index=True)
    write_atomically(out_dir, SERIES, lambda p: table.to_parquet(p, index=False))
    manifest = read_manifest(out_dir)
    manifest["series_sha256"] = ledger.sha256_of(path)
    write_manifest(out_dir, manifest)
    return path


def read_series(out_dir: Path) -> pd.DataFrame | None:
    """The series the sweep wrote, or None if there is none or it is not the one written."""
    from sim.experiments.manifest import read_manifest

    path = out_dir / SERIES
    if not path.exists():
        return None
    if read_manifest(out_dir).get("series_sha256") != ledger.sha256_of(path):
        return None
    return pd.read_parquet(path)
